"""What `shiplog serve` adds to each HTML response (never to the files on disk).

A small script listens to the server's Server-Sent Events: a good build whose number differs
from the one the page was served with reloads the page; a failed build shows an overlay listing
every `path:line: message`. While the last build failed, the server also puts the overlay in
the HTML itself, so the error is visible on the first load and without JavaScript.
"""
from __future__ import annotations

import html
import json

from generator.errors import SiteError

EVENTS_PATH = "/__shiplog/events"

_STYLE = ("position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;"
          "background:rgba(20,20,24,.94);color:#f3f3f3;font:14px/1.5 ui-monospace,monospace")

_SCRIPT = """<script id="shiplog-livereload">
(() => {
  const served = %(build)d;
  const style = %(style)s;
  function overlay(errors) {
    let box = document.getElementById("shiplog-overlay");
    if (!box) {
      box = document.createElement("div");
      box.id = "shiplog-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = style;
      document.body.appendChild(box);
    }
    box.replaceChildren();
    const head = document.createElement("p");
    head.textContent = "shiplog: the last build failed; this is the last good page.";
    const pre = document.createElement("pre");
    pre.textContent = errors.map(e => e.text).join("\\n");
    box.append(head, pre);
  }
  const events = new EventSource("%(events)s");
  events.addEventListener("build", (event) => {
    const state = JSON.parse(event.data);
    if (!state.ok) { overlay(state.errors); return; }
    if (state.build !== served) { location.reload(); return; }
    const box = document.getElementById("shiplog-overlay");
    if (box) box.remove();
  });
})();
</script>
"""


def error_dicts(errors: list[SiteError]) -> list[dict[str, object]]:
    return [dict(e.to_dict(), text=str(e)) for e in errors]


def event_data(build: int, errors: list[SiteError] | None) -> str:
    """The JSON of one `build` event: its number, whether it worked, and its errors."""
    return json.dumps({"build": build, "ok": not errors, "errors": error_dicts(errors or [])})


def overlay_html(errors: list[SiteError]) -> str:
    items = "\n".join(html.escape(str(e)) for e in errors)
    return (f'<div id="shiplog-overlay" role="alert" style="{_STYLE}">'
            "<p>shiplog: the last build failed; this is the last good page.</p>"
            f"<pre>{items}</pre></div>\n")


def script(build: int) -> str:
    return _SCRIPT % {"build": build, "style": json.dumps(_STYLE), "events": EVENTS_PATH}


def inject(page: str, build: int, errors: list[SiteError] | None) -> str:
    """The page with the reload script (and the error overlay) just before </body>."""
    extra = (overlay_html(errors) if errors else "") + script(build)
    at = page.lower().rfind("</body>")
    return page + extra if at < 0 else page[:at] + extra + page[at:]


def error_page(build: int, errors: list[SiteError]) -> str:
    """Shown when no build has ever worked, so there is no last good page to show."""
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>shiplog: build failed</title></head><body>\n"
            + inject("</body></html>\n", build, errors))
