"""`shiplog check`: every problem at once, as path:line, without building anything."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.commands.cli import main

BASIC = Path(__file__).parent / "sites" / "basic"
IGNORE = shutil.ignore_patterns(".shiplog-cache", "_site", "__pycache__")

BODY = """
[broken page](/notes/nope/) and [fine](/notes/code-heavy/#setup)

[bad anchor](/notes/code-heavy/#no-such-heading) [tag](/tags/python/) [gone tag](/tags/nope/)

[project](/projects/demo/) [to a draft](/notes/draft-one/) [here](#nowhere) [out](https://example.com/x) [mail](mailto:a@example.com)

![](/img/one.svg)

![A missing picture](/img/missing.png)

![Relative, so under the post's own URL](img/one.svg)

[the feed](/feed.xml) [an image file](/img/one.svg) [about](/about/) [about, no slash](/about)
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(BASIC, root, ignore=IGNORE)
    return root


def run(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[str]]:
    code = main(["check", "--root", str(root), *extra])
    out = capsys.readouterr().out
    return code, [line for line in out.splitlines() if not line.startswith("  hint:")]


def test_clean_sample_site_has_no_problems(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(root, capsys)
    assert (code, lines) == (0, ["no problems found"])


def test_reports_every_problem_with_its_line(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = root / "content/posts/oldest.md"
    first = len(post.read_text().splitlines()) + 2  # BODY starts with a blank line; one blank between
    post.write_text(post.read_text() + BODY)
    pictures = root / "content/posts/pictures.md"
    pictures.write_text(pictures.read_text().replace("summary: Three images and a Japanese paragraph.",
                                                     'summary: ""'))
    (root / "content/posts/typo.md").write_text("---\ntitel: Typo\ndate: 2026-01-01\n---\nBody.\n")
    code, lines = run(root, capsys)
    p = "content/posts/oldest.md"
    assert code == 1
    assert lines == [
        f"{p}:{first}: broken link '/notes/nope/': the site has no page /notes/nope/",
        f"{p}:{first + 2}: broken link '/notes/code-heavy/#no-such-heading': /notes/code-heavy/ has no #no-such-heading",
        f"{p}:{first + 2}: broken link '/tags/nope/': the site has no page /tags/nope/",
        f"{p}:{first + 4}: broken link '#nowhere': /notes/oldest/ has no #nowhere",
        f"{p}:{first + 4}: link '/notes/draft-one/' leads to a draft, which a build does not publish",
        f"{p}:{first + 6}: warning: image '/img/one.svg' has no alt text",
        f"{p}:{first + 8}: image '/img/missing.png' does not exist",
        f"{p}:{first + 10}: image 'img/one.svg' does not exist",
        "content/posts/pictures.md:5: warning: empty summary: lists, feeds and link previews show it",
        "content/posts/typo.md:2: missing required key 'title' in front-matter",
        "content/posts/typo.md:2: unknown front-matter key 'titel'",
        "9 errors, 2 warnings",
    ]


def test_warnings_fail_only_when_strict(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = root / "content/posts/oldest.md"
    post.write_text(post.read_text() + "\n![](/img/one.svg)\n")
    code, lines = run(root, capsys)
    assert code == 0 and lines[-1] == "0 errors, 1 warning"
    code, _ = run(root, capsys, "--strict")
    assert code == 1


def test_card_and_template_errors_are_reported(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = root / "projects/demo/card.yaml"
    card.write_text(card.read_text() + "colour: blue\n")
    line = len(card.read_text().splitlines())
    (root / "templates").mkdir()
    (root / "templates/page.html").write_text('{% extends "base.html" %}\n{% block main %}{{ page.nope }}{% endblock %}\n')
    code, lines = run(root, capsys)
    assert code == 1
    assert f"projects/demo/card.yaml:{line}: unknown card key 'colour'" in lines
    assert any(l.startswith("templates/page.html:2: rendering content/pages/about.md") for l in lines), lines


def test_check_writes_nothing(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    run(root, capsys)
    after = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    assert [p for p in after if p not in before and not p.startswith(".shiplog-cache")] == []
    assert not (root / "_site").exists()


def test_links_inside_a_paragraph_get_their_own_line(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = root / "content/posts/oldest.md"
    first = len(post.read_text().splitlines()) + 2
    post.write_text(post.read_text() + "\nOne [ok](/notes/code-heavy/) line,\nthen [bad](/notes/gone/)\n"
                    "and [bad](/notes/gone/) again, ![](/img/nope.png).\n")
    code, lines = run(root, capsys)
    assert code == 1
    assert lines[:3] == [
        f"content/posts/oldest.md:{first + 1}: broken link '/notes/gone/': the site has no page /notes/gone/",
        f"content/posts/oldest.md:{first + 2}: broken link '/notes/gone/': the site has no page /notes/gone/",
        f"content/posts/oldest.md:{first + 2}: image '/img/nope.png' does not exist",
    ]


def test_site_and_card_links_are_checked(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = root / "site.yaml"
    config.write_text(config.read_text().replace("  - {label: Feed, url: /feed.xml}",
                                                 "  - {label: Feed, url: /feed.xml}\n  - {label: Old, url: /old-page/}"))
    line = next(n for n, text in enumerate(config.read_text().splitlines(), 1) if "/old-page/" in text)
    code, lines = run(root, capsys)
    assert code == 1
    assert f"site.yaml:{line}: broken link '/old-page/' (Old): the site has no page /old-page/" in lines
