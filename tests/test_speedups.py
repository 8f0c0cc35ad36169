"""The speed-ups are fenced: only tested library releases get them, and SHIPLOG_SPEEDUPS=0 turns
them off (the stock loops then run, giving the same site)."""
import subprocess
import sys

from generator.markdown import speedups

PROBE = ("from generator.markdown.convert import make_parser, highlight_code\n"
         "from generator.markdown import speedups\n"
         "from pygments.lexers import get_lexer_by_name\n"
         "print('tokenize' in vars(make_parser().block),"
         " 'get_tokens_unprocessed' in vars(speedups.lexer(get_lexer_by_name('python'))))\n")


def probe(env: dict[str, str]) -> str:
    import os
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            env={**os.environ, **env}, check=True)
    return result.stdout.strip()


def test_the_installed_releases_are_the_tested_ones():
    for name, releases in speedups.TESTED.items():
        assert speedups.release(name) in releases, f"{name} {speedups.release(name)}: test the speed-ups, then add it"
    assert probe({}) == "True True"


def test_the_switch_turns_every_speedup_off():
    assert probe({"SHIPLOG_SPEEDUPS": "0"}) == "False False"


def test_an_untested_release_runs_the_stock_code(monkeypatch, caplog):
    speedups.enabled.cache_clear()
    monkeypatch.setattr(speedups, "release", lambda name: (9, 9))
    try:
        with caplog.at_level("DEBUG", logger=speedups.__name__):
            assert not speedups.enabled("pygments")
        assert "release (9, 9) is not one of [(2, 21)]" in caplog.text
        from pygments.lexers import get_lexer_by_name
        assert "get_tokens_unprocessed" not in vars(speedups.lexer(get_lexer_by_name("python")))
    finally:
        speedups.enabled.cache_clear()
