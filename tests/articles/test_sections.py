"""Reaching every section: the sections index, the masthead's busiest sections, the search box."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def page(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


# --- sections index and the menu ------------------------------------------------------------------


def test_the_sections_index_lists_every_section_with_its_count_and_newest_story(client):
    busy, quiet = SectionFactory(name="Busy desk"), SectionFactory(name="Quiet desk")
    ArticleFactory.create_batch(3, section=busy, published_at=timezone.now() - timezone.timedelta(days=9))
    newest = ArticleFactory(section=busy, title="The newest busy story", published_at=timezone.now())
    ArticleFactory(section=quiet)
    ArticleFactory(section=SectionFactory(name="Only drafts"), status="draft")
    soup = page(client.get("/sections/"))
    entries = soup.select(".section-index li")
    assert [li.h2.get_text() for li in entries] == ["Busy desk", "Quiet desk"]
    assert "4 stories" in entries[0].get_text() and "1 story" in entries[1].get_text()
    assert entries[0].select_one(".section-newest a")["href"] == newest.get_absolute_url()


def test_the_menu_shows_the_busiest_sections_and_links_to_all_of_them(client):
    for n in range(10):
        ArticleFactory.create_batch(n + 1, section=SectionFactory(name=f"Desk {n}"))
    soup = page(client.get("/"))
    menu = [a.get_text() for a in soup.select(".section-nav a")]
    assert menu == ["Front page", *[f"Desk {n}" for n in range(9, 1, -1)], "All sections", "Archive"]
    assert soup.select_one(".section-nav a[href='/sections/']")


def test_the_opensearch_description_points_at_the_search(client):
    response = client.get("/opensearch.xml")
    assert response["Content-Type"] == "application/opensearchdescription+xml"
    assert 'template="http://testserver/search/?q={searchTerms}"' in response.content.decode()
