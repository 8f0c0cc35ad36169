"""fastlex.py must give exactly Pygments' tokens: for every lexer it speeds up, on code in several
languages, and for the kinds of rule it must leave alone."""
import re
from pathlib import Path

from pygments.lexer import RegexLexer, bygroups, default
from pygments.lexers import get_all_lexers, get_lexer_by_name
from pygments.token import Comment, Keyword, Name, String, Text

from generator.markdown.speedups.fastlex import _Joined, _state_matchers, speed_up
from generator.markdown.convert import highlight_code

ROOT = Path(__file__).resolve().parent.parent
MIXED = ("x = 'a\\'b' # c\n/* d */ <e f=\"g\">1.5e3 0x1F @h $i ${j} `k` [l] {m} (n) ; -- o\n"
         "\"p\" '''q''' \\\n\tr  <<EOF\nheredoc\nEOF\n%s §unmatched€ \x00\n")
TEXTS = [
    (ROOT / "generator/incremental/cache.py").read_text(encoding="utf-8")[:2500],
    (ROOT / "templates/_macros.html").read_text(encoding="utf-8")[:1500],
    (ROOT / "Makefile").read_text(encoding="utf-8")[:1200],
    MIXED,
]


def tokens(lexer, text):
    try:
        return list(lexer.get_tokens(text))
    except Exception as exc:       # a lexer that fails must fail the same way
        return repr(exc)


def test_every_lexer_sped_up_gives_pygments_tokens():
    sped = 0
    for name, aliases, _, _ in get_all_lexers():
        if not aliases:
            continue
        stock = get_lexer_by_name(aliases[0], stripnl=False)
        fast = speed_up(get_lexer_by_name(aliases[0], stripnl=False))
        if "get_tokens_unprocessed" not in vars(fast):
            continue
        sped += 1
        for text in TEXTS:
            assert tokens(fast, text) == tokens(stock, text), (name, text[:60])
    assert sped > 300     # most of Pygments' lexers are plain RegexLexers


def test_the_languages_of_posts_are_sped_up_and_highlight_the_same():
    for lang in ["python", "bash", "sql", "go", "rust", "javascript", "typescript", "toml", "html", "css",
                 "diff", "docker", "java"]:
        assert "get_tokens_unprocessed" in vars(speed_up(get_lexer_by_name(lang))), lang
    code = (ROOT / "generator/markdown/speedups/fastlex.py").read_text(encoding="utf-8")
    stock = get_lexer_by_name("python", stripnl=False)
    assert list(stock.get_tokens(code)) == list(speed_up(get_lexer_by_name("python", stripnl=False)).get_tokens(code))
    assert '<span class="k">def</span>' in highlight_code(code, "python")


class Tricky(RegexLexer):
    """Rules that must not be joined, between rules that may."""
    tokens = {
        "root": [
            (r"\s+", Text),
            (r"(<<)(\w+)\n(?s:.*?)\n\2\n", String.Heredoc),        # a backreference
            (r"(?P<kw>if|else)\b", Keyword),                       # a named group
            (r"(?i)select\b", Keyword.Reserved),                   # global inline flags
            (r"(def)(\s+)(\w+)", bygroups(Keyword, Text, Name.Function)),
            (r"#", Comment, "comment"),
            (r"\w+", Name),
        ],
        "comment": [
            (r"[^\n]+", Comment),
            default("#pop"),
        ],
    }


def test_rules_that_could_change_meaning_are_tried_alone_in_order():
    Tricky()                                            # Pygments makes the rule table on first use
    kinds = [type(m).__name__ for m in _state_matchers(Tricky._tokens["root"])]
    assert kinds == ["tuple", "tuple", "tuple", "tuple", "_Joined"]   # \s+ alone: the next rule is not joinable
    joined = [m for m in _state_matchers(Tricky._tokens["root"]) if isinstance(m, _Joined)][0]
    assert len(joined.rules) == 3
    text = "x <<END\nbody\nEND\nif SELECT def f # note\nelse ¤\n"
    assert list(speed_up(Tricky()).get_tokens(text)) == list(Tricky().get_tokens(text))
    assert (String.Heredoc, "<<END\nbody\nEND\n") in list(speed_up(Tricky()).get_tokens(text))


def test_a_lexer_with_its_own_loop_is_left_alone():
    lexer = get_lexer_by_name("yaml")                  # an ExtendedRegexLexer
    assert "get_tokens_unprocessed" not in vars(speed_up(lexer))
    assert re.search(r"Yaml", type(lexer).__name__)


def first_rule(matchers, text, pos):
    """(the rule, where its match ends) that the state's matchers pick at `pos`, or None."""
    for matcher in matchers:
        if isinstance(matcher, _Joined):
            m = matcher.match(text, pos)
            if m:
                return matcher.rule_of_group[m.lastindex], m.end()
        else:
            m = matcher[0](text, pos)
            if m:
                return matcher, m.end()
    return None


def test_every_state_of_every_lexer_picks_the_stock_rule_at_every_position():
    """The joined patterns must pick, at each position, the rule Pygments' loop would try first
    to match, with the same match end: checked for every state of every lexer sped up, at every
    position of a text that holds the characters most rules look for."""
    text = MIXED + "\n".join(line[:60] for line in TEXTS[0].splitlines()[:6])
    checked = 0
    for name, aliases, _, _ in get_all_lexers():
        if not aliases:
            continue
        lexer = speed_up(get_lexer_by_name(aliases[0], stripnl=False))
        if "get_tokens_unprocessed" not in vars(lexer):
            continue
        for state, rules in lexer._tokens.items():
            joined = _state_matchers(rules)
            for pos in range(len(text) + 1):
                stock = first_rule([(r[0], r[1], r[2]) for r in rules], text, pos)
                assert first_rule(joined, text, pos) == stock, (name, state, pos)
            checked += 1
    assert checked > 2500          # states, across the 500-odd lexers sped up
