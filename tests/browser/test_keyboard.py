"""Keyboard only: a skip link first, a visible focus ring on everything Tab reaches, and every
link reachable by Tab. On a phone in light and on a desktop in dark (focus colours differ)."""
from __future__ import annotations

import pytest

from browser.pagekit import PAGES, screenshot

# What has focus now, and whether a person can see it: an outline of at least 2 px whose colour
# stands out 3:1 from the page background (WCAG 1.4.11), on an element inside the viewport.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  e.dataset.tabbed = '1';
  const cs = getComputedStyle(e), r = e.getBoundingClientRect();
  const rgb = s => (s.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const a = lum(rgb(cs.outlineColor)), b = lum(rgb(getComputedStyle(document.body).backgroundColor));
  return {
    tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: e.textContent.trim().slice(0, 40),
    href: e.getAttribute('href'),
    outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2,
    contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
    inView: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
  };
}"""

UNREACHED = """() => [...document.querySelectorAll('a[href]')]
  .filter(a => a.getClientRects().length && getComputedStyle(a).visibility !== 'hidden' && !a.dataset.tabbed)
  .map(a => `${a.textContent.trim().slice(0, 40)} (${a.getAttribute('href')})`)"""


@pytest.mark.parametrize("viewport,scheme", [("phone", "light"), ("desktop", "dark")])
@pytest.mark.parametrize("name", PAGES)
def test_keyboard_reaches_every_link_with_visible_focus(name, viewport, scheme, real, pages, visit):
    v = visit(real.url(pages[name]), viewport, scheme)
    page = v.page
    problems = []

    count = page.evaluate("() => document.querySelectorAll('a[href], button, input, [tabindex]').length")
    stops = []
    for _ in range(count + 3):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now is None or (stops and now == stops[0]):
            break                                   # past the last stop: focus left the page
        stops.append(now)
        if len(stops) == 1:
            screenshot(page, f"focus-skip-{name}-{viewport}-{scheme}", full_page=False)
        if len(stops) == 6:
            screenshot(page, f"focus-{name}-{viewport}-{scheme}", full_page=False)
        if not now["outline"]:
            problems.append(f"no visible focus outline on {now['tag']} {now['text']!r}")
        elif now["contrast"] < 3:
            problems.append(f"focus outline contrast {now['contrast']:.2f} < 3 on {now['tag']} {now['text']!r}")
        if not now["inView"]:
            problems.append(f"focused {now['tag']} {now['text']!r} is not scrolled into view")
    assert stops and "skip-link" in stops[0]["cls"], f"the first Tab stop is not the skip link: {stops[:1]}"
    assert len(stops) > 5, f"Tab stopped after {len(stops)} stops"
    page.focus(".skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main_content", "the skip link does not move focus to main"
    problems += [f"not reachable by Tab: {a}" for a in page.evaluate(UNREACHED)]
    assert not problems, "\n".join(problems)
