"""Markdown rendering: the features a post can use, and what the HTML looks like."""
from generator.markdown.convert import pygments_css, render_markdown, slugify


def test_headings_get_unique_ids_and_self_links():
    r = render_markdown("## Why it broke\n\n## Why it broke\n\n### Fix: step 1\n")
    assert '<h2 id="why-it-broke">' in r.html
    assert '<h2 id="why-it-broke-2">' in r.html
    assert 'href="#fix-step-1"' in r.html and 'aria-label="Link to this section"' in r.html
    assert [h.id for h in r.headings] == ["why-it-broke", "why-it-broke-2", "fix-step-1"]


def test_fenced_code_is_highlighted_with_classes_and_unknown_language_is_escaped():
    r = render_markdown("```python\ndef f(): pass\n```\n\n```klingon\n<script>x</script>\n```\n")
    assert '<span class="k">def</span>' in r.html
    assert "&lt;script&gt;x&lt;/script&gt;" in r.html and "<script>" not in r.html
    assert 'class="language-klingon"' in r.html


def test_tables_strikethrough_tasks_and_footnotes():
    r = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n- [ ] todo\n\n"
                        "Claim.[^1]\n\n[^1]: Source.\n")
    assert '<div class="table-wrap" tabindex="0"><table>' in r.html
    assert "<s>old</s>" in r.html
    assert 'type="checkbox"' in r.html and "checked" in r.html
    assert 'class="footnote-ref"' in r.html and "Source." in r.html


def test_comments_are_not_published_and_links_are_recorded_with_lines():
    r = render_markdown("Intro.\n\n<!-- private note -->\n\nSee [x](/notes/a/#b) and ![pic](/i.png)\n",
                        body_line=10)
    assert "private note" not in r.html
    assert [(l.target, l.line) for l in r.links] == [("/notes/a/#b", 14)]
    assert [(i.target, i.alt, i.line) for i in r.image_refs] == [("/i.png", "pic", 14)]
    assert 'loading="lazy"' in r.html


def test_slugify():
    assert slugify("Distributed Systems") == "distributed-systems"
    assert slugify("CI/CD & IaC") == "cicd-iac"
    assert slugify("../../etc") == "etc"
    assert slugify("snake_case") == "snake-case"


def test_syntax_css_has_a_light_and_a_dark_scheme():
    css = pygments_css()
    assert ".highlight .k" in css and "@media (prefers-color-scheme: dark)" in css


def test_a_link_inside_a_paragraph_reports_its_own_line():
    r = render_markdown("First line\nsecond line with [a link](/x/)\nthird ![img](/i.png)\n", body_line=7)
    assert [(l.target, l.line) for l in r.links] == [("/x/", 8)]
    assert [(i.target, i.line) for i in r.image_refs] == [("/i.png", 9)]
