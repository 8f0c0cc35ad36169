"""The page left at an old address of a moved post: it sends readers on at once (meta refresh,
with a link for the rest), names the new address as canonical, and keeps itself out of search
results (noindex). No script, so it works under the site's Content-Security-Policy."""
from __future__ import annotations

import html
import re

_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def redirect_page(url: str, absolute: str, title: str, language: str) -> str:
    """The HTML for an alias of the page at `url` (`absolute` is its canonical URL)."""
    url, absolute, title = html.escape(url), html.escape(absolute), html.escape(title)
    return (f'<!doctype html>\n<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>Moved: {title}</title>\n"
            f'<link rel="canonical" href="{absolute}">\n'
            f'<meta name="robots" content="noindex">\n'
            f'<meta http-equiv="refresh" content="0; url={url}">\n'
            f'</head>\n<body>\n<p>This page has moved to <a href="{url}">{title}</a>.</p>\n'
            f"</body>\n</html>\n")


def redirect_target(text: str) -> str | None:
    """Where a page made by redirect_page sends readers, or None for any other page."""
    found = _REFRESH.search(text) if len(text) < 2000 else None
    return html.unescape(found[1]) if found else None
