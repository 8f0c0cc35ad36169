"""The computed fields of DESIGN.md: words, reading time and draft progress.

Pure arithmetic over counts that markdown.py measures on the rendered text.
"""
from __future__ import annotations

import math
import re

_CJK = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002fa1f]")
_NO_WORD_TOKEN = re.compile(r"(?<!\S)[^\w\s]+(?!\S)")
_PLACEHOLDER_LINE = re.compile(r"^[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?(?:TODO|TK)\b.*$", re.M)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


_ASCII_SPACES = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"      # what str.split() splits ASCII on
_ASCII_WORD = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"   # \w in ASCII
_ASCII_SEPARATORS_AS_SPACE = bytes.maketrans(b"\x1c\x1d\x1e\x1f", b"    ")  # bytes.split() keeps them
_ASCII_NOT_WORD = bytes(c for c in range(128) if c not in _ASCII_WORD and c not in _ASCII_SPACES)


def count_words(text: str) -> int:
    """Words in rendered prose: whitespace-separated runs holding a letter or digit, plus one per
    CJK character (Chinese and Japanese are written without spaces between words)."""
    if text.isascii():
        # The same count in C: drop every character that is neither a word character nor a space,
        # and the runs left are exactly the tokens that held a word character.
        return len(text.encode("ascii").translate(_ASCII_SEPARATORS_AS_SPACE, _ASCII_NOT_WORD).split())
    cjk = len(_CJK.findall(text))
    rest = _CJK.sub(" ", text) if cjk else text
    # Every whitespace-separated token, less those made only of punctuation and symbols.
    return cjk + len(rest.split()) - len(_NO_WORD_TOKEN.findall(rest))


def strip_placeholders(markdown: str) -> str:
    """The draft body without what is not yet written: TODO/TK lines and HTML comments."""
    return _PLACEHOLDER_LINE.sub("", _HTML_COMMENT.sub("", markdown))


def image_seconds(images: int) -> int:
    """12 s for the first image, one second less for each next one, never under 3 s."""
    return sum(max(12 - i, 3) for i in range(images))


def reading_minutes(words: int, code_lines: int, images: int, wpm: int,
                    code_line_seconds: float) -> int:
    """Whole minutes, rounded up, at least 1."""
    seconds = words * 60 / wpm + code_lines * code_line_seconds + image_seconds(images)
    # Round away float noise first, so 2.0000000001 minutes stays 2.
    return max(1, math.ceil(round(seconds / 60, 9)))


def draft_progress(written_words: int, target_words: int, published: bool) -> int:
    """Written share of the target as a whole percent (floored): 100 once published, at most 99
    while a draft, so a draft never claims to be finished."""
    if published:
        return 100
    return min(99, written_words * 100 // target_words)
