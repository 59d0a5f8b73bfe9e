"""Main-text extraction on a public evaluation set: our HTML parser against trafilatura alone.

    .venv/bin/python bench/html_eval.py [--folder var/eval/readability] [--json out.json]

The data is Mozilla Readability's test pages (https://github.com/mozilla/readability, Apache-2.0),
folder `test/test-pages/<name>/`: each page's `source.html` (the saved page), `expected.html`
(the article as Readability extracts it) and `expected-metadata.json` (title, byline,
publishedTime …). Copy a page's three files, unchanged, to `var/eval/readability/<name>/` — by hand
from a clone of that repository, or with the search tool's `read_file` page by page. `var/` is
git-ignored: the pages are third-party content and are never committed. trafilatura is not a
project dependency; install it into the venv only to measure (`.venv/bin/pip install trafilatura`).

For each page the expected main text is the visible text of expected.html (BeautifulSoup
`get_text` with separators). Scored, as bags of lowercase words (`\\w+`, with multiplicity):
(a) our parser, `parse_html_page(source).paragraphs` joined by newlines; (b) trafilatura alone,
`extract(source, output_format="txt", include_comments=False, include_tables=True,
favor_precision=False)`. Per page: precision, recall, F1; overall: the macro average (mean over
pages) and the micro figures (summed overlaps). Also our parser's metadata against
expected-metadata.json: title (whitespace-normalised, case-insensitive, exact), byline (the
expected byline contains one of our author names, or both are empty) and the published date
(date part of `publishedTime`, when the page has one). Pages/s times the parsing call only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    overlap: int
    got: int
    want: int


@dataclass
class PageResult:
    name: str
    expected_words: int
    ours: Score | None = None
    trafilatura: Score | None = None
    ours_seconds: float = 0.0
    trafilatura_seconds: float = 0.0
    ours_error: str = ""
    trafilatura_error: str = ""
    title_match: bool | None = None
    byline_match: bool | None = None
    date_match: bool | None = None  # None when the expected metadata has no publishedTime
    ours_title: str = ""
    ours_authors: list[str] = field(default_factory=list)
    ours_published: str = ""
    layout: str = ""


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))


def score(got: Counter[str], want: Counter[str]) -> Score:
    overlap = sum((got & want).values())
    n_got, n_want = sum(got.values()), sum(want.values())
    precision = overlap / n_got if n_got else 0.0
    recall = overlap / n_want if n_want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, overlap, n_got, n_want)


def expected_text(html: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "lxml").get_text(separator="\n", strip=True)


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def check_metadata(result: PageResult, article: Any, meta: dict[str, Any]) -> None:
    """Title, byline and published-date matches of our parser against expected-metadata.json."""
    result.ours_title = article.title
    result.ours_authors = [author.name for author in article.authors]
    result.ours_published = article.published.isoformat() if article.published else ""
    result.layout = article.layout
    result.title_match = normalise(article.title) == normalise(meta.get("title") or "")
    byline = normalise(meta.get("byline") or "")
    names = [normalise(name) for name in result.ours_authors if name.strip()]
    result.byline_match = any(name in byline for name in names) if byline else not names
    expected_time = meta.get("publishedTime") or ""
    if expected_time:
        result.date_match = result.ours_published[:10] == expected_time[:10]


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def run_trafilatura(source: str) -> str:
    import trafilatura

    return (
        trafilatura.extract(
            source,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            favor_precision=False,
        )
        or ""
    )


def evaluate_page(folder: Path) -> PageResult:
    from articles.importer.parse_html import parse_html_page

    source = (folder / "source.html").read_text(encoding="utf-8")
    want = words(expected_text((folder / "expected.html").read_text(encoding="utf-8")))
    meta_file = folder / "expected-metadata.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    result = PageResult(name=folder.name, expected_words=sum(want.values()))
    try:
        article, result.ours_seconds = timed(lambda: parse_html_page(source))
        result.ours = score(words("\n".join(article.paragraphs)), want)
        check_metadata(result, article, meta)
    except Exception as error:  # noqa: BLE001 — one page's crash is a figure, not the end of the run
        result.ours_error = f"{type(error).__name__}: {error}"
    try:
        text, result.trafilatura_seconds = timed(lambda: run_trafilatura(source))
        result.trafilatura = score(words(text), want)
    except Exception as error:  # noqa: BLE001
        result.trafilatura_error = f"{type(error).__name__}: {error}"
    return result


def summary(results: list[PageResult], side: str) -> dict[str, Any]:
    scores = [getattr(r, side) for r in results if getattr(r, side) is not None]
    seconds = sum(getattr(r, f"{side}_seconds") for r in results)
    overlap = sum(s.overlap for s in scores)
    got, want = sum(s.got for s in scores), sum(s.want for s in scores)
    micro_p = overlap / got if got else 0.0
    micro_r = overlap / want if want else 0.0
    mean = statistics.fmean if scores else (lambda _values: 0.0)
    return {
        "pages": len(scores),
        "macro_precision": mean([s.precision for s in scores]),
        "macro_recall": mean([s.recall for s in scores]),
        "macro_f1": mean([s.f1 for s in scores]),
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "micro_f1": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "empty": [r.name for r in results if getattr(r, side) is not None and getattr(r, side).got == 0],
        "crashes": [r.name for r in results if getattr(r, f"{side}_error")],
        "pages_per_second": len(scores) / seconds if seconds else 0.0,
    }


def metadata_summary(results: list[PageResult]) -> dict[str, str]:
    def ratio(values: list[bool | None]) -> str:
        known = [value for value in values if value is not None]
        return f"{sum(known)}/{len(known)}"

    return {
        "title": ratio([r.title_match for r in results]),
        "byline": ratio([r.byline_match for r in results]),
        "published_date": ratio([r.date_match for r in results]),
    }


def _f1(value: Score | None) -> str:
    return f"{value.f1:6.3f}" if value is not None else "  crash"


def print_report(results: list[PageResult], sides: dict[str, dict[str, Any]], meta: dict[str, str]) -> None:
    print(f"{'page':32} {'words':>6} {'ours F1':>8} {'P':>6} {'R':>6} {'traf F1':>8} {'P':>6} {'R':>6}")
    for r in sorted(results, key=lambda r: r.ours.f1 if r.ours else -1.0):
        ours_pr = f"{r.ours.precision:6.3f} {r.ours.recall:6.3f}" if r.ours else " " * 13
        traf_pr = f"{r.trafilatura.precision:6.3f} {r.trafilatura.recall:6.3f}" if r.trafilatura else " " * 13
        print(
            f"{r.name:32} {r.expected_words:6} {_f1(r.ours):>8} {ours_pr} {_f1(r.trafilatura):>8} {traf_pr}"
        )
    print()
    print(f"{'':22} {'ours':>10} {'trafilatura':>12}")
    for key in ("macro_f1", "macro_precision", "macro_recall", "micro_f1", "micro_precision", "micro_recall"):
        print(f"{key:22} {sides['ours'][key]:10.3f} {sides['trafilatura'][key]:12.3f}")
    speeds = [sides[side]["pages_per_second"] for side in ("ours", "trafilatura")]
    print(f"{'pages/s':22} {speeds[0]:10.1f} {speeds[1]:12.1f}")
    for key in ("empty", "crashes"):
        print(f"{key:22} {len(sides['ours'][key]):10} {len(sides['trafilatura'][key]):12}")
        for side in ("ours", "trafilatura"):
            if sides[side][key]:
                print(f"  {side} {key}: {', '.join(sides[side][key])}")
    print(f"metadata (ours): title {meta['title']}, byline {meta['byline']}", end="")
    print(f", published date {meta['published_date']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "eval" / "readability")
    parser.add_argument("--json", type=Path, help="write per-page figures and the summary here")
    args = parser.parse_args(argv)
    pages = sorted(
        p for p in args.folder.iterdir() if (p / "source.html").exists() and (p / "expected.html").exists()
    )
    if not pages:
        print(f"no pages under {args.folder} (see this script's docstring for how to fetch them)")
        return 1
    setup_django()
    import trafilatura

    evaluate_page(pages[0])  # warm-up, untimed: imports and first-call set-up of both extractors
    results = [evaluate_page(page) for page in pages]
    sides = {side: summary(results, side) for side in ("ours", "trafilatura")}
    meta = metadata_summary(results)
    print(f"{len(results)} pages from {args.folder}; trafilatura {trafilatura.__version__}\n")
    print_report(results, sides, meta)
    if args.json:
        data = {
            "trafilatura_version": trafilatura.__version__,
            "summary": sides,
            "metadata": meta,
            "pages": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
