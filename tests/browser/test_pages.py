"""Each kind of page as a reader meets it: phone and desktop, light and dark, in real Chromium.

Per page x viewport x scheme: a screenshot under test-output/screenshots/, no horizontal scrolling,
tap targets of at least 24 x 24 CSS px, no console errors, no request leaving 127.0.0.1, and no
axe-core violation."""
from __future__ import annotations

import pytest

from browser.pagekit import PAGES, SCHEMES, VIEWPORTS, axe_violations, screenshot

# Controls smaller than 24 x 24 CSS px (WCAG 2.2 target size, minimum). A link inside a sentence
# is exempt, as the criterion says: its size is set by the line of text around it.
SMALL_TARGETS = """() => {
  const blocks = 'p, li, td, th, dd, dt, blockquote, figcaption, h1, h2, h3, h4, h5, h6';
  const bad = [];
  for (const e of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    const r = e.getBoundingClientRect(), cs = getComputedStyle(e);
    if ((!r.width && !r.height) || cs.visibility === 'hidden') continue;
    if (e.classList.contains('skip-link')) continue;        // off screen until focused: see keyboard tests
    if (cs.display === 'inline') {
      const block = e.parentElement.closest(blocks);
      if (block && block.textContent.trim().length > e.textContent.trim().length) continue;
    }
    if (r.width < 24 || r.height < 24)
      bad.push(`${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 40)}" is ` +
               `${r.width.toFixed(1)} x ${r.height.toFixed(1)}`);
  }
  return bad;
}"""


def check_page(v, name: str, axe_source: str, status: int = 200) -> list[str]:
    """Everything a reader would notice: one line per problem."""
    page = v.page
    problems = [] if v.status == status else [f"HTTP status {v.status}, expected {status}"]
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width[0] > width[1]:
        problems.append(f"scrolls sideways: content is {width[0]} px wide in a {width[1]} px viewport")
    problems += [f"small tap target: {t}" for t in page.evaluate(SMALL_TARGETS)]
    problems += [e for e in v.console_errors
                 if not (status == 404 and "status of 404" in e)]    # the 404 page's own status
    problems += [f"request left 127.0.0.1: {u}" for u in v.outside_requests]
    problems += [f"axe: {x}" for x in axe_violations(page, axe_source)]
    return problems


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES)
def test_page_holds_up(name, viewport, scheme, real, pages, visit, axe_source):
    v = visit(real.url(pages[name]), viewport, scheme)
    screenshot(v.page, f"{name}-{viewport}-{scheme}")
    problems = check_page(v, name, axe_source, 404 if name == "404" else 200)
    assert not problems, "\n".join(problems)


# What the real site does not have (yet): a second page of notes, images, a highlighted source file.
SAMPLE_PAGES = {"log-page-2": "/notes/page/2/", "pictures": "/notes/pictures/",
                "code-heavy": "/notes/code-heavy/", "source": "/projects/demo/src/__main__.py.html"}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", SAMPLE_PAGES)
def test_sample_site_page_holds_up_on_a_phone(name, scheme, sample, visit, axe_source):
    v = visit(sample.url(SAMPLE_PAGES[name]), "phone", scheme)
    screenshot(v.page, f"sample-{name}-phone-{scheme}")
    problems = check_page(v, name, axe_source)
    assert not problems, "\n".join(problems)
