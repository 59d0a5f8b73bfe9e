"""Story bodies as rich text: cleaned to the editor's allow-list on every path, words for search."""

from __future__ import annotations

import importlib

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from articles.models import Article
from articles.richtext import body_text, clean_body, first_paragraph, paragraphs_to_html, reading_minutes
from tests.factories import ArticleFactory

HOSTILE = (
    '<p onclick="steal()">Fine <script>alert(1)</script>words</p>'
    '<img src=x onerror="alert(2)">'
    '<p><a href="javascript:alert(3)">bad link</a> '
    '<a href="https://example.org/ok" style="color:red">good</a></p>'
    '<iframe src="https://evil.example"></iframe>'
    '<p style="position:fixed">styled</p><h1>too big</h1><h4>too small</h4>'
    "<svg><circle/></svg><form><input></form>"
)


def test_hostile_markup_never_survives_the_cleaner():
    cleaned = clean_body(HOSTILE)
    soup = BeautifulSoup(cleaned, "html.parser")
    assert not soup.find_all(["script", "img", "iframe", "svg", "form", "input", "h1", "h4"])
    assert not [tag for tag in soup.find_all(True) if tag.has_attr("style") or tag.has_attr("onclick")]
    hrefs = [a.get("href") for a in soup.find_all("a")]
    assert hrefs == [None, "https://example.org/ok"]  # the javascript: address is gone
    assert "alert" not in cleaned and "Fine" in cleaned and "styled" in cleaned


def test_the_editors_markup_is_kept():
    html = (
        "<p>A <strong>bold</strong> and <em>italic</em> start<br>on two lines.</p>"
        '<h2>Subhead</h2><h3>Smaller</h3><p><a href="https://example.org/x">a link</a></p>'
        "<blockquote><p>A quote.</p></blockquote><ul><li><p>one</p></li></ul><ol><li><p>first</p></li></ol>"
    )
    assert clean_body(html) == html


def test_plain_text_becomes_paragraphs_whatever_its_line_ends():
    typed = "First paragraph\r\nstill first.\r\n\r\nSecond < third & fourth.\r\n\r\n\r\nThird."
    assert clean_body(typed) == (
        "<p>First paragraph still first.</p><p>Second &lt; third &amp; fourth.</p><p>Third.</p>"
    )
    assert clean_body(clean_body(typed)) == clean_body(typed)  # idempotent: a re-save changes nothing


def test_text_is_words_not_markup():
    html = clean_body(
        '<h2>Sub</h2><p>One <a href="https://example.org/very/long/address">two</a> three.</p>'
        "<ul><li><p>four</p></li><li><p>five &amp; six</p></li></ul>"
    )
    assert body_text(html) == "Sub\n\nOne two three.\n\nfour\n\nfive & six"
    assert first_paragraph(html) == "Sub"
    assert reading_minutes(paragraphs_to_html(["word " * 460])) == 2
    assert reading_minutes("") == 0


@pytest.mark.django_db
def test_every_save_cleans_the_body_and_normalises_line_ends():
    article = ArticleFactory(body=HOSTILE, summary="Line one\r\nline two")
    article.refresh_from_db()
    assert "<script" not in article.body and "onerror" not in article.body
    assert article.summary == "Line one\nline two"
    crlf = ArticleFactory(body="One.\r\n\r\nTwo.\r\n\r\nThree.")
    assert crlf.paragraphs == ["One.", "Two.", "Three."]


@pytest.mark.django_db
def test_search_indexes_words_never_tag_names_or_addresses():
    ArticleFactory(
        title="Harbour story",
        body='<p>Read the <a href="https://quokka-zebra.example/marmot">annual report</a> here.</p>',
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM articles_article")
        vector = cursor.fetchone()[0]
    assert "'annual'" in vector and "'report'" in vector
    for markup in ("quokka", "marmot", "href", "http", "'p'", "'a'"):
        assert markup not in vector


@pytest.mark.django_db
def test_search_snippets_are_plain_text(client):
    padding = " ".join(["filler"] * 40)
    ArticleFactory(
        title="Harbour story",
        body=f'<p>{padding}</p><p>The <a href="https://example.org/a-very-long-address">ferry</a> '
        f"sails at dawn &amp; dusk, says the port &lt;authority&gt;.</p><p>{padding}</p>",
    )
    page = client.get("/search/?q=ferry").content.decode()
    soup = BeautifulSoup(page, "html.parser")
    snippet = soup.select_one(".search-result .snippet, .result-snippet, p mark").parent
    text = snippet.get_text()
    assert "ferry" in text and "dawn & dusk" in text and "<authority>" in text
    assert "href" not in text and "example.org" not in text and "&amp;" not in text


@pytest.mark.django_db
def test_the_reader_page_shows_the_editors_blocks(client):
    article = ArticleFactory(
        body="<p>One.</p><h2>Subhead</h2><p>Two with <a href='https://example.org/'>a link</a>.</p>"
        "<ul><li><p>item</p></li></ul><p>Three.</p>"
    )
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    body = soup.select_one(".article-body")
    paragraphs = [p.get_text() for p in body.find_all("p", recursive=False)]
    assert paragraphs == ["One.", "Two with a link.", "Three."]
    assert body.h2.get_text() == "Subhead" and body.a["href"] == "https://example.org/"
    assert body.select("ul li")


@pytest.mark.django_db
def test_the_migration_turns_stored_plain_text_into_paragraphs():
    migration = importlib.import_module("articles.migrations.0012_rich_text_body")
    article = ArticleFactory()
    old = "An old story\r\nwritten plain.\r\n\r\nIts second <paragraph> & more.\r\n\r\n"
    Article.objects.filter(pk=article.pk).update(body=old)  # as stored before the editor
    with connection.cursor() as cursor:
        cursor.execute(migration.PLAIN_TO_PARAGRAPHS)
    article.refresh_from_db()
    assert article.body == clean_body(old)
    assert article.paragraphs == ["An old story written plain.", "Its second <paragraph> & more."]


@pytest.mark.django_db
def test_every_text_field_keeps_unix_line_ends():
    from articles.models import Image, Section
    from tests.factories import AuthorFactory

    author = AuthorFactory(bio="One line.\r\nAnother.")
    image = Image.objects.create(caption="A caption\r\non two lines")
    section = Section.objects.create(name="Desk", slug="desk", description="About\r\nit")
    for instance in (author, image, section):
        instance.refresh_from_db()
    assert (author.bio, image.caption, section.description) == (
        "One line.\nAnother.",
        "A caption\non two lines",
        "About\nit",
    )
