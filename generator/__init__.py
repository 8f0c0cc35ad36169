"""shiplog: Markdown posts and YAML project cards -> a static portfolio and build log."""
from .build import BuildResult as BuildResult, build as build
from .config import Config as Config, load_config as load_config
from .errors import BuildFailed as BuildFailed, SiteError as SiteError

__all__ = ["build", "BuildResult", "Config", "load_config", "BuildFailed", "SiteError"]
