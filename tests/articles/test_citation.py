""" "Cite this story": each style from plain values (articles/citation.py), and on the story's page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from articles.citation import (
    Work,
    apa,
    bibtex,
    bibtex_escape,
    chicago,
    cite,
    cite_news,
    initials,
    local_date,
    meta_tags,
    mla,
    names,
    split_name,
)
from tests.articles.reader_data import SEED_TITLE, build_seed_article
from tests.factories import ArticleFactory, AuthorFactory

URL = "https://news.example/articles/grain-deal/"
ACCESSED = date(2026, 3, 5)
PUBLISHED = date(2025, 3, 19)


def byline(name: str, organization: bool = False) -> SimpleNamespace:
    return SimpleNamespace(name=name, is_organization=organization)


def work(
    *authors: SimpleNamespace, title: str = "Grain deal holds", published: date | None = PUBLISHED
) -> Work:
    return Work(title, names(authors), "Newsroom", URL, published, ACCESSED)


ONE = (byline("Abbey Fenbert"),)
TWO = (*ONE, byline("Mary Jane Doe"))
THREE = (*TWO, byline("Jean-Luc Roe"))
FOUR = (*THREE, byline("Olena Kovalenko"))
DESK = (byline("Kyiv Independent News Desk", organization=True),)


# --- names ---------------------------------------------------------------------------------------


def test_names_split_on_the_last_word_and_organizations_stay_whole():
    name = split_name("Mary  Jane Doe")
    assert (name.first, name.last, name.inverted, name.natural) == (
        "Mary Jane",
        "Doe",
        "Doe, Mary Jane",
        "Mary Jane Doe",
    )
    assert split_name("Madonna").inverted == "Madonna"
    desk = split_name("Kyiv News Desk", organization=True)
    assert (desk.first, desk.last, desk.inverted) == ("", "Kyiv News Desk", "Kyiv News Desk")
    assert initials("Mary Jane") == "M. J."
    assert initials("Jean-Luc") == "J.-L."
    assert names([byline("  "), byline("Abbey Fenbert")])[0].last == "Fenbert"  # a blank byline is skipped


# --- APA -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        (ONE, "Fenbert, A. (2025, March 19). Grain deal holds. Newsroom. " + URL),
        (TWO, "Fenbert, A., & Doe, M. J. (2025, March 19). Grain deal holds. Newsroom. " + URL),
        (THREE, "Fenbert, A., Doe, M. J., & Roe, J.-L. (2025, March 19). Grain deal holds. Newsroom. " + URL),
        (DESK, "Kyiv Independent News Desk. (2025, March 19). Grain deal holds. Newsroom. " + URL),
        ((), "Grain deal holds. (2025, March 19). Newsroom. " + URL),
    ],
)
def test_apa(authors, expected):
    assert apa(work(*authors)) == expected


def test_apa_without_a_date_is_nd_with_the_retrieval_date():
    assert apa(work(*ONE, published=None)) == (
        f"Fenbert, A. (n.d.). Grain deal holds. Newsroom. Retrieved March 5, 2026, from {URL}"
    )


def test_apa_lists_twenty_authors_then_an_ellipsis_and_the_last():
    many = [byline(f"Given Name{i}") for i in range(25)]
    text = apa(work(*many))
    assert "Name18, G., . . . Name24, G. (2025" in text
    assert "Name19" not in text


def test_a_title_with_its_own_punctuation_gets_no_full_stop():
    assert "Grain deal holds? Newsroom." in apa(work(*ONE, title="Grain deal holds?"))
    assert "\u201cGrain deal holds?\u201d Newsroom" in mla(work(*ONE, title="Grain deal holds?"))


# --- MLA and Chicago -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        (ONE, "Fenbert, Abbey."),
        (TWO, "Fenbert, Abbey, and Mary Jane Doe."),
        (THREE, "Fenbert, Abbey, et al."),
        (DESK, "Kyiv Independent News Desk."),
    ],
)
def test_mla(authors, expected):
    tail = f"\u201cGrain deal holds.\u201d Newsroom, 19 Mar. 2025, {URL}. Accessed 5 Mar. 2026."
    assert mla(work(*authors)) == f"{expected} {tail}"


def test_mla_without_a_date_or_author():
    assert (
        mla(work(published=None))
        == f"\u201cGrain deal holds.\u201d Newsroom, n.d., {URL}. Accessed 5 Mar. 2026."
    )
    assert "19 Sept. 2025" in mla(work(*ONE, published=date(2025, 9, 19)))


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        (ONE, "Fenbert, Abbey."),
        (TWO, "Fenbert, Abbey, and Mary Jane Doe."),
        (THREE, "Fenbert, Abbey, Mary Jane Doe, and Jean-Luc Roe."),
        (FOUR, "Fenbert, Abbey, et al."),
        (DESK, "Kyiv Independent News Desk."),
    ],
)
def test_chicago(authors, expected):
    tail = f"\u201cGrain deal holds.\u201d Newsroom, March 19, 2025. Accessed March 5, 2026. {URL}."
    assert chicago(work(*authors)) == f"{expected} {tail}"


def test_chicago_without_a_date():
    assert "Newsroom, n.d. Accessed March 5, 2026." in chicago(work(*ONE, published=None))


# --- BibTeX --------------------------------------------------------------------------------------


def test_bibtex_entry():
    assert bibtex(work(*TWO)) == (
        "@misc{fenbert2025grain,\n"
        "  author = {Fenbert, Abbey and Doe, Mary Jane},\n"
        "  title = {{Grain deal holds}},\n"
        "  publisher = {Newsroom},\n"
        "  year = {2025},\n"
        "  month = {3},\n"
        "  date = {2025-03-19},\n"
        f"  url = {{{URL}}},\n"
        "  urldate = {2026-03-05}\n"
        "}"
    )


def test_bibtex_without_a_date_has_no_year_and_a_note():
    entry = bibtex(work(*THREE, published=None))
    assert entry.startswith("@misc{fenbertndgrain,\n")
    assert "year" not in entry and "  note = {n.d.},\n" in entry
    assert "author = {Fenbert, Abbey and Doe, Mary Jane and Roe, Jean-Luc}" in entry


def test_bibtex_keeps_an_organization_whole_and_its_key_ascii():
    entry = bibtex(work(byline("Ukraïnska Pravda Desk", organization=True), title="Çà va: 50% off"))
    assert "author = {{Ukraïnska Pravda Desk}}" in entry
    assert entry.startswith("@misc{ukrainska2025ca,")
    assert bibtex(work(title="!!!")).startswith("@misc{newsroom2025,")


def test_bibtex_escapes_latex_special_characters():
    assert bibtex_escape(r"{a} 100% & $5 #1 x_y ~z ^w \o") == (
        r"\{a\} 100\% \& \$5 \#1 x\_y \textasciitilde{}z \textasciicircum{}w \textbackslash{}o"
    )
    entry = bibtex(work(byline("Tom O_Neil"), title="Profits & losses: 10% {up}"))
    assert r"title = {{Profits \& losses: 10\% \{up\}}}" in entry
    assert r"author = {O\_Neil, Tom}" in entry


# --- Wikipedia -----------------------------------------------------------------------------------


def test_cite_news():
    assert cite_news(work(*TWO, byline("Desk", organization=True))) == (
        "{{cite news |last1=Fenbert |first1=Abbey |last2=Doe |first2=Mary Jane |author3=Desk "
        f"|title=Grain deal holds |work=Newsroom |date=2025-03-19 |url={URL} |access-date=2026-03-05}}}}"
    )


def test_cite_news_without_a_date_and_with_a_pipe_in_the_title():
    text = cite_news(work(*ONE, title="Left | right [sic] {{x}}", published=None))
    assert "|title=Left {{!}} right &#91;sic&#93; &#123;&#123;x&#125;&#125; |" in text
    assert "|date=n.d. |" in text


# --- meta tags and dates -------------------------------------------------------------------------


def test_meta_tags():
    assert meta_tags(work(*TWO, *DESK)) == (
        ("citation_title", "Grain deal holds"),
        ("citation_author", "Fenbert, Abbey"),
        ("citation_author", "Doe, Mary Jane"),
        ("citation_author", "Kyiv Independent News Desk"),
        ("citation_publication_date", "2025/03/19"),
        ("citation_publisher", "Newsroom"),
        ("citation_fulltext_html_url", URL),
    )
    assert "citation_publication_date" not in dict(meta_tags(work(*ONE, published=None)))


def test_every_style_is_cited_once():
    citation = cite(work(*ONE))
    assert [style.key for style in citation.styles] == ["apa", "mla", "chicago", "bibtex", "wikipedia"]
    assert [style.preformatted for style in citation.styles] == [False, False, False, True, True]


def test_dates_are_the_site_time_zone_s():
    auckland = ZoneInfo("Pacific/Auckland")
    assert local_date(datetime(2025, 3, 19, 20, 0, tzinfo=UTC), auckland) == date(2025, 3, 20)
    assert local_date(None, auckland) is None


# --- the story's page ----------------------------------------------------------------------------


def soup_of(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "lxml")


def cited(soup: BeautifulSoup) -> dict[str, str]:
    block = soup.select_one("details.cite")
    labels = [dt.get_text(strip=True) for dt in block.select("dt")]
    return dict(zip(labels, [dd.get_text() for dd in block.select("dd")], strict=True))


@pytest.mark.django_db
def test_the_seed_story_is_cited_in_each_style_with_nd(client):
    story = build_seed_article()
    soup = soup_of(client, story.get_absolute_url())
    url = f"http://testserver{story.get_absolute_url()}"
    styles = cited(soup)
    assert list(styles) == ["APA", "MLA", "Chicago", "BibTeX", "Wikipedia"]
    assert styles["APA"].startswith(f"Fenbert, A. (n.d.). {SEED_TITLE}. Newsroom. Retrieved ")
    assert styles["APA"].endswith(f", from {url}")
    assert styles["MLA"].startswith(
        f"Fenbert, Abbey. \u201c{SEED_TITLE}.\u201d Newsroom, n.d., {url}. Accessed "
    )
    assert styles["Chicago"].startswith(f"Fenbert, Abbey. \u201c{SEED_TITLE}.\u201d Newsroom, n.d. Accessed ")
    assert styles["BibTeX"].startswith("@misc{fenbertndtrump,\n  author = {Fenbert, Abbey},\n")
    assert "note = {n.d.}" in styles["BibTeX"]
    assert "|last1=Fenbert |first1=Abbey" in styles["Wikipedia"] and "|date=n.d. |" in styles["Wikipedia"]
    assert soup.select_one("details.cite > summary").get_text() == "Cite this story"

    head = soup.head
    assert head.select_one('meta[name="citation_title"]')["content"] == SEED_TITLE
    assert [m["content"] for m in head.select('meta[name="citation_author"]')] == ["Fenbert, Abbey"]
    assert head.select_one('meta[name="citation_publication_date"]') is None  # never invented
    assert head.select_one('meta[name="citation_publisher"]')["content"] == "Newsroom"
    assert head.select_one('meta[name="citation_fulltext_html_url"]')["content"] == url
    script = head.select_one('script[src*="copy-citation"]')
    assert script.has_attr("defer") and not script.string


@pytest.mark.django_db
def test_a_dated_story_with_two_authors_has_its_date_and_is_escaped_on_the_page(client):
    title = 'Fish & "chips" </pre><script>alert(1)</script>'
    story = ArticleFactory(
        title=title,
        published_at=datetime(2025, 3, 19, 12, 0, tzinfo=UTC),
        authors=[
            AuthorFactory(name="Olena Kovalenko"),
            AuthorFactory(name="Kyiv Desk", is_organization=True),
        ],
    )
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert(1)" not in html and "&lt;/pre&gt;&lt;script&gt;" in html
    soup = BeautifulSoup(html, "lxml")
    styles = cited(soup)
    assert styles["APA"].startswith(f"Kovalenko, O., & Kyiv Desk. (2025, March 19). {title}. Newsroom.")
    assert r"title = {{Fish \& " in styles["BibTeX"]
    assert soup.select_one('meta[name="citation_publication_date"]')["content"] == "2025/03/19"
    authors = [m["content"] for m in soup.select('meta[name="citation_author"]')]
    assert authors == ["Kovalenko, Olena", "Kyiv Desk"]
