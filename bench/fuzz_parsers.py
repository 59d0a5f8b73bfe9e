"""Property-based fuzzing of the importer's parsers at a large budget (the suite runs the same
properties at a few hundred examples each).

    .venv/bin/python bench/fuzz_parsers.py                 # ~30,000 examples over 7 properties
    .venv/bin/python bench/fuzz_parsers.py --scale 0.1     # a quick look

Properties (strategies and checks reused from tests/articles/test_importer_parse.py and
test_importer_html.py, so the suite and this script can never disagree on what "correct" means):
the text and HTML parsers never raise and never report an internal error; the text parser invents
nothing (title, section, authors, teasers, paragraphs, captions all come from the page); bytes of any
kind decode; an archive page re-parses to the article it was rendered from. Prints the examples run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from articles.importer.parse_html import parse_html_page  # noqa: E402
from articles.importer.parse_text import INTERNAL_ERROR, decode_page, parse_article_page  # noqa: E402
from articles.importer.parsed import ParsedArticle  # noqa: E402
from tests.articles import test_importer_html as html_tests  # noqa: E402
from tests.articles import test_importer_parse as text_tests  # noqa: E402


def text_invents_nothing(text: str) -> None:
    text_tests.assert_nothing_invented(parse_article_page(text), text)


def line_soup_invents_nothing(lines: list[str]) -> None:
    text_invents_nothing("\n".join(lines))


def any_bytes_decode(data: bytes) -> None:
    text = decode_page(data)
    assert "\x00" not in text and "\r" not in text
    assert not any(w.startswith(INTERNAL_ERROR) for w in parse_article_page(text).warnings)


def html_never_raises(text: str) -> None:
    parsed = parse_html_page(text)
    assert isinstance(parsed, ParsedArticle)
    assert not any(w.startswith("internal parser error") for w in parsed.warnings)


def mutated_archive_page_never_raises(edits: list[tuple[float, float, str]]) -> None:
    page = html_tests.render_page(html_tests.seed_article())
    for start, length, insert in edits:
        at = int(start * len(page))
        page = page[:at] + insert + page[at + int(length * 200) :]
    html_never_raises(page)


def archive_page_round_trips(article: ParsedArticle) -> None:
    parsed = parse_html_page(html_tests.render_page(article))
    assert replace(parsed, warnings=[]) == html_tests.expected_after_round_trip(article)


_markup = st.sampled_from(
    ["<", ">", "</article>", "<article>", "<figure>", "<p>", '"', "<!--", "-->", "<script>", "</script>",
     '<script type="application/ld+json">{', "}", "&amp;", "\x00", "<aside class=related>", "<h3><a href=x>"]
)  # fmt: skip
_edits = st.lists(
    st.tuples(st.floats(0, 1), st.floats(0, 1), st.one_of(_markup, st.text(max_size=5))), max_size=6
)
_soup = st.lists(
    st.sampled_from(text_tests.SEED_LINES + text_tests.EXTRA_LINES) | st.text(max_size=40), max_size=60
)

# (name, property, strategy, examples at --scale 1)
PROPERTIES: list[tuple[str, Callable, st.SearchStrategy, int]] = [
    ("text: arbitrary text", text_invents_nothing, st.text(max_size=2000), 8000),
    ("text: page-like line soup", line_soup_invents_nothing, _soup, 5000),
    ("text: seed page mutations", text_invents_nothing, text_tests.seed_mutations(), 6000),
    ("text: arbitrary bytes decode", any_bytes_decode, st.binary(max_size=2000), 4000),
    ("html: arbitrary text", html_never_raises, st.text(max_size=2000), 3000),
    ("html: mutated archive page", mutated_archive_page_never_raises, _edits, 2500),
    ("html: archive page round trip", archive_page_round_trips, html_tests.archive_articles(), 1500),
]


def run(check: Callable, strategy: st.SearchStrategy, examples: int) -> int:
    """Run one property for `examples` examples; return how many were actually tried."""
    calls = 0

    def counted(value: object) -> None:
        nonlocal calls
        calls += 1
        check(value)

    fast = settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    fast(given(strategy)(counted))()
    return calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every property's budget")
    args = parser.parse_args()
    total, started = 0, time.perf_counter()
    for name, check, strategy, examples in PROPERTIES:
        begun = time.perf_counter()
        tried = run(check, strategy, max(1, int(examples * args.scale)))
        total += tried
        print(f"{name:32} {tried:7,} examples  {time.perf_counter() - begun:6.1f} s", flush=True)
    print(f"examples run: {total:,}  failures: 0  time: {time.perf_counter() - started:.0f} s")
    return 0  # a failing property raises above with hypothesis's minimal example


if __name__ == "__main__":
    sys.exit(main())
