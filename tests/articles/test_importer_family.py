"""The plain-text parser against the family of kyivindependent.com layouts (tests/articles/pages/family).

Each fixture reproduces one real layout (crawl stamps, the editor's bar, the 2022 WordPress pages with
date lines and "Author:" footers, glued bylines, opinion author cards, podcast pages, digests, Editors'
Picks lists, cut-off pages); expected.json holds the fields a correct parse returns, and its "_notes"
the judgement rules. The focused tests below pin those rules on minimal pages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from articles.importer.parse_text import INTERNAL_ERROR, decode_page, parse_article_page
from articles.importer.parsed import ParsedArticle

FAMILY = Path(__file__).parent / "pages" / "family"
EXPECTED: dict[str, dict[str, Any]] = {
    name: fields
    for name, fields in json.loads((FAMILY / "expected.json").read_text(encoding="utf-8")).items()
    if not name.startswith("_")
}


def parse_fixture(name: str) -> ParsedArticle:
    return parse_article_page(decode_page((FAMILY / name).read_bytes()))


def fields_of(article: ParsedArticle) -> dict[str, Any]:
    """The parse in expected.json's shape (the same reading as bench/text_pages_eval.py)."""
    hero = article.hero_image
    return {
        "title": article.title,
        "section": article.section,
        "read_minutes": article.read_minutes,
        "published": article.published.isoformat() if article.published else None,
        "authors": [{"name": author.name, "role": author.role} for author in article.authors],
        "hero_caption": hero.caption if hero else "",
        "hero_credit": hero.credit if hero else "",
        "first_paragraph": article.paragraphs[0] if article.paragraphs else "",
        "last_paragraph": article.paragraphs[-1] if article.paragraphs else "",
        "paragraph_count": len(article.paragraphs),
        "teasers": [teaser.title for teaser in article.teasers],
        "truncated": article.truncated,
    }


def test_every_fixture_has_expected_fields():
    assert sorted(EXPECTED) == sorted(path.name for path in FAMILY.glob("*.txt"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_family_page_parses_to_its_expected_fields(name):
    article = parse_fixture(name)

    assert not any(warning.startswith(INTERNAL_ERROR) for warning in article.warnings)
    assert article.title or article.paragraphs, "a page holding an article came out empty"
    got = fields_of(article)
    expected = {field: EXPECTED[name][field] for field in got}
    assert got == expected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_family_page_holds_no_chrome(name):
    article = parse_fixture(name)
    chrome = {"Edit post", "Skip to content", "Share", "OK", "Most popular", "Editors' Picks", "News Feed"}

    assert article.section not in chrome - {"News Feed"}
    assert article.title not in chrome
    assert not chrome & set(article.paragraphs)
    assert not chrome & {teaser.title for teaser in article.teasers}
    assert not any(p.startswith(("Tags:", "Author:", "Authors:")) for p in article.paragraphs)


# --- the rules, one minimal page each ----------------------------------------------------------------

BODY = "Russian drones struck an energy facility in Odesa Oblast overnight, the governor said."


@pytest.mark.parametrize(
    "above",
    [
        "Edit post",
        "Skip to content",
        "Most popular",
        "watch us on facebook",
        "Monday, October 17, 2022",
        "Share",
        "Support independent journalism in Ukraine. Join us in this fight.",
        "2:14 AM",
    ],
)
def test_chrome_above_the_title_is_never_the_section(above):
    article = parse_article_page(f"{above}\n\nA drone attack on Odesa\n\n1 min read\n\n{BODY}\n\nNews Feed\n")

    assert (article.title, article.section) == ("A drone attack on Odesa", "")
    assert article.paragraphs == [BODY]


def test_section_line_above_the_editor_bar_is_kept():
    article = parse_article_page(f"News Feed\nEdit post\n\nA drone attack on Odesa\n\n1 min read\n\n{BODY}\n")

    assert article.section == "News Feed"


def test_tag_line_gives_its_first_tag_as_the_section():
    article = parse_article_page(
        f"Business, Ukraine, Odesa\nA drone attack on Odesa\n\nby Jane Doe May 2, 2024 1 min read\n\n{BODY}\n"
    )

    assert (article.section, article.title) == ("Business", "A drone attack on Odesa")


def test_cut_off_last_fragment_is_not_a_paragraph():
    article = parse_article_page(
        f"News Feed\n\nA drone attack on Odesa\n\n1 min read\n\n{BODY}\n\nThe strike damaged a substa\n"
    )

    assert article.truncated is True
    assert article.paragraphs == [BODY]
    assert "page appears cut off: it ends mid-text with no closing block" in article.warnings


def test_page_ending_in_site_chrome_is_not_cut_off():
    newsletter = "Thank you for signing up for this newsletter."
    article = parse_article_page(
        f"News Feed\n\nA drone attack on Odesa\n\n1 min read\n\n{BODY}\n\n{newsletter}\n"
    )

    assert (article.truncated, article.paragraphs) == (False, [BODY])


def test_page_without_anchors_still_gets_a_title_and_a_body_with_a_warning():
    page = (
        "Skip to content\n\nHow Odesa keeps its lights on\n\n"
        "Support independent journalism in Ukraine. Join us in this fight.\n\n"
        f"{BODY}\n\nRepair crews restored power to most districts by the evening, officials said.\n\n"
        "News Feed\n\n8:05 AM\n\nAir Force: Ukraine downs 14 Russian drones overnight.\n"
    )
    article = parse_article_page(page)

    assert article.layout == "unknown"
    assert article.title == "How Odesa keeps its lights on"
    assert article.paragraphs == [
        BODY,
        "Repair crews restored power to most districts by the evening, officials said.",
    ]
    assert any("no head anchor" in warning for warning in article.warnings)


def test_junk_without_a_sentence_is_still_no_article():
    article = parse_article_page("Skip to content\nhello world\nMenu\n")

    assert (article.title, article.paragraphs, article.layout) == ("", [], "unknown")


def test_author_card_is_never_the_title_nor_a_paragraph():
    page = (
        f"Opinion\n\nOdesa after the blackout\n\nNovember 11, 2022 10:05 AM 3 min read\n"
        f"Yulia Sydorenko\nYulia Sydorenko\nChief Operating Officer\n\n{BODY}\n\nEditors' Picks\n"
    )
    article = parse_article_page(page)

    assert article.title == "Odesa after the blackout"
    assert [(a.name, a.role) for a in article.authors] == [("Yulia Sydorenko", "Chief Operating Officer")]
    assert article.paragraphs == [BODY]
    assert str(article.published) == "2022-11-11 10:05:00"


def test_glued_bylines_and_author_footer_of_the_2022_layout():
    page = (
        " date 2022-10-17 Tuesday, November 29, 2022\n\nA drone attack on Odesa\n\n"
        "October 17, 2022 9:27 pmby Jane Doe and John Roe\n\n"
        f"{BODY}\n\nAuthors: Jane Doe, John Roe\n"
    )
    article = parse_article_page(page)

    assert (article.title, article.section) == ("A drone attack on Odesa", "")
    assert [a.name for a in article.authors] == ["Jane Doe", "John Roe"]
    assert str(article.published) == "2022-10-17 21:27:00"
    assert (article.paragraphs, article.truncated) == ([BODY], False)


def test_editors_picks_items_are_teasers_but_feed_items_are_not():
    page = (
        f"News Feed\n\nA drone attack on Odesa\n\n1 min read\n\n{BODY}\n\nEditors' Picks\n\n"
        "Why winter will test Europe's support for Kyiv\n\nNews Feed\n\n3:48 PM\n\n"
        "EBRD approves new loan for Ukraine's gas reserves\n"
    )
    article = parse_article_page(page)

    assert [teaser.title for teaser in article.teasers] == ["Why winter will test Europe's support for Kyiv"]
