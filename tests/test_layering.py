"""The package's layering, as ARCHITECTURE.md draws it: no import cycles between modules, the model
and the incremental primitives import nothing heavy, and no stage imports the commands above it."""
import ast
import sys
from pathlib import Path

from sitekit import REPO

PACKAGE = REPO / "generator"
HEAVY = {"jinja2", "markdown_it", "mdit_py_plugins", "pygments", "yaml", "watchdog", "PIL",
         "graphviz", "vl_convert"}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, top_level_only: bool) -> set[str]:
    """Modules imported by `path`: at module level only, or anywhere (lazy imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If) and top_level_only:     # `if TYPE_CHECKING:` imports nothing
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def graph(top_level_only: bool = True) -> dict[str, set[str]]:
    return {name: {m for m in imports(path, top_level_only) if m in MODULES and m != name}
            for name, path in MODULES.items()}


def test_no_import_cycles():
    edges, done, path = graph(), set(), []

    def visit(node: str) -> None:
        if node in path:
            raise AssertionError("import cycle: " + " -> ".join(path[path.index(node):] + [node]))
        if node in done:
            return
        path.append(node)
        for target in sorted(edges[node]):
            visit(target)
        path.pop()
        done.add(node)

    for node in sorted(edges):
        visit(node)


def test_the_model_and_the_store_import_nothing_heavy():
    for name in ("generator.model", "generator.errors", "generator.incremental.inventory",
                 "generator.incremental.store", "generator.incremental.uptodate", "generator.engine"):
        heavy = {m.split(".")[0] for m in imports(MODULES[name], True)} & HEAVY
        assert not heavy, f"{name} imports {heavy} at module level"
        inside = {m for m in imports(MODULES[name], True) if m in MODULES}
        allowed = {"generator", "generator.errors", "generator.model", "generator.incremental",
                   "generator.incremental.inventory", "generator.incremental.store",
                   "generator.incremental.uptodate"}
        assert inside <= allowed, f"{name} imports {inside - allowed}"


def test_stages_never_import_the_commands():
    for name, targets in graph(top_level_only=False).items():
        if name.startswith("generator.commands") or name in ("generator.__main__",):
            continue
        above = {t for t in targets if t.startswith("generator.commands")}
        assert not above, f"{name} imports {above}"


def test_pictures_know_nothing_of_the_site():
    for name, targets in graph(top_level_only=False).items():
        if name.startswith("generator.pictures"):
            assert all(t.startswith("generator.pictures") for t in targets), (name, targets)
