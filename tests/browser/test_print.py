"""The recruiter view: /projects/ printed from real Chromium fits on one or two A4 pages."""
import re


def test_projects_page_prints_on_at_most_two_a4_pages(browser, real):
    page = browser.new_page()
    try:
        page.goto(real.url("/projects/"))
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=False)
    finally:
        page.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"/projects/ prints on {pages} A4 pages"
    text = pdf.decode("latin-1")
    assert "/Type" in text  # a real PDF came back
