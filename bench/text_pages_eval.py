"""Score the plain-text page parser against a folder of hand-written pages and their expected fields.

    .venv/bin/python bench/text_pages_eval.py                          # tests/articles/pages/family
    .venv/bin/python bench/text_pages_eval.py path/to/folder            # any folder with an expected.json

The folder holds saved text pages (*.txt) and an expected.json mapping each file name to what a correct
parser returns: title, section, read_minutes, published (ISO date or datetime, or null), authors (name and
role), hero_caption, hero_credit, first_paragraph, last_paragraph, paragraph_count, teasers (titles) and
truncated. Keys starting with "_" are notes, not pages. Each page is read the way the importer reads it
(bytes through `decode_page`) and parsed with `parse_article_page`; every field is compared on its own.

Prints one line per page with the fields that differ (expected vs got, shortened), then the total
"N of M fields right (P%)", the pages whose parse crashed, and the pages that came back with an empty
title and no paragraphs. Always exits 0: it measures, it does not gate.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from articles.importer.parse_text import INTERNAL_ERROR, decode_page, parse_article_page  # noqa: E402
from articles.importer.parsed import ParsedArticle  # noqa: E402

DEFAULT_FOLDER = ROOT / "tests" / "articles" / "pages" / "family"
SHORT = 60  # characters of a value shown in a difference


def _first(items: list[str]) -> str:
    return items[0] if items else ""


def _last(items: list[str]) -> str:
    return items[-1] if items else ""


# Each field: how to read it from a parse, in the JSON shape expected.json uses.
FIELDS: dict[str, Callable[[ParsedArticle], Any]] = {
    "title": lambda a: a.title,
    "section": lambda a: a.section,
    "read_minutes": lambda a: a.read_minutes,
    "published": lambda a: a.published.isoformat() if a.published else None,
    "authors": lambda a: [{"name": author.name, "role": author.role} for author in a.authors],
    "hero_caption": lambda a: a.hero_image.caption if a.hero_image else "",
    "hero_credit": lambda a: a.hero_image.credit if a.hero_image else "",
    "first_paragraph": lambda a: _first(a.paragraphs),
    "last_paragraph": lambda a: _last(a.paragraphs),
    "paragraph_count": lambda a: len(a.paragraphs),
    "teasers": lambda a: [teaser.title for teaser in a.teasers],
    "truncated": lambda a: a.truncated,
}


def shorten(value: Any) -> str:
    """A value as JSON, cut to SHORT characters so a difference fits on one line."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def parse_file(path: Path) -> tuple[ParsedArticle | None, str]:
    """The parse of one page, or None and why it crashed."""
    try:
        article = parse_article_page(decode_page(path.read_bytes()))
    except Exception as error:  # noqa: BLE001 — the parser promises never to raise; report it if it does
        return None, f"raised {type(error).__name__}: {error}"
    crash = next((w for w in article.warnings if w.startswith(INTERNAL_ERROR)), "")
    return (None, crash) if crash else (article, "")


def differences(expected: dict[str, Any], article: ParsedArticle) -> list[str]:
    """One 'field: expected vs got' entry per field the parse got wrong."""
    wrong = []
    for field, read in FIELDS.items():
        got = read(article)
        if got != expected.get(field):
            wrong.append(f"{field}: {shorten(expected.get(field))} vs {shorten(got)}")
    return wrong


def load_expected(folder: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return {name: fields for name, fields in data.items() if not name.startswith("_")}


def evaluate(folder: Path) -> None:
    expected = load_expected(folder)
    pages = sorted(path.name for path in folder.glob("*.txt"))
    right = total = 0
    crashes: list[str] = []
    empty: list[str] = []
    for name in pages:
        if name not in expected:
            print(f"{name}: no entry in expected.json, skipped")
            continue
        total += len(FIELDS)
        article, crash = parse_file(folder / name)
        if article is None:
            crashes.append(f"{name}: {crash}")
            print(f"{name}: CRASH ({crash})")
            continue
        if not article.title and not article.paragraphs:
            empty.append(name)
        wrong = differences(expected[name], article)
        right += len(FIELDS) - len(wrong)
        print(f"{name}: {'ok' if not wrong else '; '.join(wrong)}")
    for name in sorted(set(expected) - set(pages)):
        print(f"{name}: listed in expected.json but no such page")
    percent = 100 * right / total if total else 0.0
    print(f"\n{right} of {total} fields right ({percent:.1f}%)")
    print(f"crashes: {len(crashes)}" + "".join(f"\n  {line}" for line in crashes))
    print(f"empty title and no paragraphs: {len(empty)}" + "".join(f"\n  {name}" for name in empty))


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else DEFAULT_FOLDER
    evaluate(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
