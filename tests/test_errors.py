"""Bad input: every mistake is path:line: message, exit 1, and the last good _site untouched."""
from pathlib import Path

import pytest

from sitekit import run_shiplog, tree, write

GOOD_POST = "content/posts/oldest.md"


def build(site: Path):
    return run_shiplog("build", "--root", str(site), "--out", str(site / "_site"))


CASES = {
    "broken YAML in front matter": (
        GOOD_POST, "---\ntitle: ok\ndate: 2026-01-01\ntags: [a, b\nsummary: x\n---\nbody\n",
        "content/posts/oldest.md:5: invalid YAML"),
    "missing title": (
        GOOD_POST, "---\ndate: 2026-01-01\n---\nbody\n",
        "content/posts/oldest.md:2: missing required key 'title' in front-matter"),
    "bad date": (
        GOOD_POST, "---\ntitle: T\ndate: 2026-02-30\n---\nbody\n",
        "content/posts/oldest.md:3: bad date '2026-02-30'"),
    "published without date": (
        GOOD_POST, "---\ntitle: T\n---\nbody\n",
        "content/posts/oldest.md:2: missing required key 'date'"),
    "unknown status": (
        GOOD_POST, "---\ntitle: T\ndate: 2026-01-01\nstatus: publish\n---\nbody\n",
        "content/posts/oldest.md:4: 'status' must be one of published, draft, not 'publish'"),
    "unknown key with did you mean": (
        GOOD_POST, "---\ntitel: T\ndate: 2026-01-01\n---\nbody\n",
        "content/posts/oldest.md:2: unknown front-matter key 'titel'\n  hint: did you mean 'title'?"),
    "target_words not a positive integer": (
        "content/posts/draft-one.md", "---\ntitle: T\nstatus: draft\ntarget_words: -5\n---\nbody\n",
        "content/posts/draft-one.md:4: 'target_words' must be an integer of at least 1, not -5"),
    "target_words a word": (
        "content/posts/draft-one.md", "---\ntitle: T\nstatus: draft\ntarget_words: lots\n---\nbody\n",
        "content/posts/draft-one.md:4: 'target_words' must be an integer"),
    "project naming no card": (
        GOOD_POST, "---\ntitle: T\ndate: 2026-01-01\nproject: nosuch\n---\nbody\n",
        "content/posts/oldest.md:4: project 'nosuch' has no card\n  hint: known projects: demo"),
    "duplicate slug": (
        "content/posts/2025/oldest.md", "---\ntitle: Dup\ndate: 2025-01-01\n---\nbody\n",
        "duplicate slug 'oldest'"),
    "slug that would write outside the output folder": (
        "content/pages/...md", "---\ntitle: Up\n---\nbody\n",
        "content/pages/...md: invalid page slug '..'"),
    "no front matter": (
        GOOD_POST, "just text\n", "content/posts/oldest.md:1: no front matter"),
    "broken YAML in a card": (
        "projects/demo/card.yaml", "title: Demo\nsections:\n  - label: x\n    body: [unclosed\n",
        "projects/demo/card.yaml:5: invalid YAML"),
    "template syntax error": (
        "templates/post.html", "{% extends \"base.html\" %}\n{% block main %}\n{{ post.title }\n{% endblock %}\n",
        "templates/post.html:3: template syntax error"),
    "template undefined variable": (
        "templates/post.html", "{% extends \"base.html\" %}\n{% block main %}\n\n{{ post.summery }}\n{% endblock %}\n",
        "templates/post.html:4: rendering content/posts/"),
    "unknown site.yaml key": (
        "site.yaml", "title: T\nbase_url: https://x.test\nauthor: {name: N}\nreadng: {wpm: 200}\n",
        "site.yaml:4: unknown site.yaml key 'readng'\n  hint: did you mean 'reading'?"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_reported_at_its_line_and_keeps_the_last_good_site(site, case):
    first = build(site)
    assert first.code == 0, first.err
    before = tree(site / "_site")
    rel, text, expected = CASES[case]
    write(site, rel, text)
    result = build(site)
    assert result.code == 1
    assert expected in result.err, result.err
    assert "Traceback" not in result.err
    assert tree(site / "_site") == before          # last good output untouched
    assert not list(site.glob(".*tmp*"))           # no half-written temp folder left behind


def test_all_errors_of_a_build_are_reported_together(site):
    write(site, "content/posts/oldest.md", "---\ntitel: T\ndate: 2026-13-01\n---\nx\n")
    write(site, "content/posts/pictures.md", "---\ntitle: P\ndate: 2026-01-01\nstatus: nope\n---\nx\n")
    write(site, "projects/demo/card.yaml", "title: Demo\nsectons: []\n")
    result = build(site)
    assert result.code == 1
    lines = [l for l in result.err.splitlines() if not l.startswith("  ")]
    assert any(l.startswith("content/posts/oldest.md:2: unknown front-matter key 'titel'") for l in lines)
    assert any(l.startswith("content/posts/oldest.md:3: bad date") for l in lines)
    assert any(l.startswith("content/posts/pictures.md:4: 'status' must be one of") for l in lines)
    assert any(l.startswith("projects/demo/card.yaml:2: unknown card key 'sectons'") for l in lines)
    assert any(l.startswith("projects/demo/card.yaml:1: missing required key 'sections'") for l in lines)
    assert lines[-1].startswith("6 errors")


def test_debug_shows_the_traceback(site):
    write(site, "content/posts/oldest.md", "---\ntitle: T\n---\nx\n")
    result = run_shiplog("build", "--root", str(site), "--out", str(site / "_site"), "--debug")
    assert result.code == 1 and "Traceback" in result.err


def test_debug_shows_shiplog_stages_not_the_markdown_parser_trace(site):
    result = run_shiplog("build", "--root", str(site), "--out", str(site / "_site"), "--no-proofs",
                         "--no-cache", "--debug")
    assert result.code == 0, result.err
    assert "generator.engine: stages:" in result.err
    assert "markdown_it" not in result.err     # it logs every block rule it tries at DEBUG


def test_output_folder_that_is_not_a_site_is_refused(site, tmp_path):
    precious = tmp_path / "documents"
    write(precious, "thesis.txt", "do not delete")
    result = run_shiplog("build", "--root", str(site), "--out", str(precious))
    assert result.code == 1 and "does not look like a built site" in result.err
    assert (precious / "thesis.txt").read_text() == "do not delete"


def test_writer_refuses_paths_outside_the_output_folder(tmp_path):
    from generator.errors import SiteError
    from generator.write import write_site
    from generator.render.pages import Output, Rendering
    out = tmp_path / "out"
    with pytest.raises(SiteError, match="outside the output folder"):
        write_site(Rendering([Output("ok.html", "x"), Output("../escaped.html", "x")], [], []), out, [])
    assert not (tmp_path / "escaped.html").exists() and not out.exists()
