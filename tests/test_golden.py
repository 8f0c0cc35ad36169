"""The sample site, built and compared file by file with its committed expected output.

After an intended change to the output: pytest tests/test_golden.py --update-golden, then
review the diff of tests/sites/basic.expected/ before committing it.

The search index (pagefind/) is left out: Pagefind lists a filter's pages in hash-map order, which
changes from one run to the next, so it is compared by content in tests/test_search_index.py.
"""
import difflib
import shutil

from sitekit import SITES, run_shiplog, tree

EXPECTED = SITES / "basic.expected"


def test_basic_site_matches_golden_output(site, request):
    out = site / "_site"
    result = run_shiplog("build", "--root", str(site), "--out", str(out))
    assert result.code == 0, result.err
    if request.config.getoption("--update-golden"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(out, EXPECTED, ignore=lambda folder, names: ["pagefind"] if folder == str(out) else [])
    actual = {rel: data for rel, data in tree(out).items() if not rel.startswith("pagefind/")}
    expected = tree(EXPECTED)
    assert sorted(actual) == sorted(expected), "the set of output files changed"
    for rel in sorted(expected):
        if actual[rel] != expected[rel]:
            diff = difflib.unified_diff(expected[rel].decode().splitlines(), actual[rel].decode().splitlines(),
                                        f"expected/{rel}", f"actual/{rel}", lineterm="", n=2)
            raise AssertionError("\n".join(list(diff)[:80]))
