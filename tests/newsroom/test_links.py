"""The fast addresses (newsroom/links.py) are exactly what `reverse()` gives, for any slug the
archive may hold, and under a script prefix (a site served below a path)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix

from newsroom.links import absolute_urls, author_url, media_url, section_url, site_links, slug_url, story_url

SLUGS = [
    "plain",
    "ünïcödé-slug",
    "кириллица",
    "with space",
    "a?b#c",
    "semi;colon",
    "per%cent",
    "tilde~:@!$&'()*+,=",
]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("name", ["article_detail", "author_detail", "section_detail", "author_feed"])
def test_slug_url_is_reverse(name, slug):
    assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})


def test_the_named_shortcuts():
    assert story_url("s") == reverse("article_detail", kwargs={"slug": "s"})
    assert author_url("a") == reverse("author_detail", kwargs={"slug": "a"})
    assert section_url("x") == reverse("section_detail", kwargs={"slug": "x"})


def test_a_script_prefix_is_kept():
    set_script_prefix("/news/")
    try:
        assert story_url("s") == reverse("article_detail", kwargs={"slug": "s"}) == "/news/articles/s/"
        assert site_links()[:4] == ("/news/", "/news/archive/", "/news/feed/", reverse("sitemap_index"))
        assert site_links().search == "/news/search/"
    finally:
        set_script_prefix("/")
    assert story_url("s") == "/articles/s/"
    assert site_links().home == "/"


def test_media_url_of_a_file_or_its_name(settings):
    assert media_url("") == "" and media_url(None) == ""
    assert media_url("images/2024/01/a.png") == settings.MEDIA_URL + "images/2024/01/a.png"


LOCATIONS = [
    *(story_url(slug) for slug in SLUGS),
    "/",
    "/media/images/a%20b.png",
    "/ünï/raw-iri",
    "//cdn.example/x.png",
    "/a/./b/../c",
    "https://media.example/images/a.png",
    "relative/path",
    "?page=2",
]


@pytest.mark.parametrize("host", ["testserver", "news.example:8443"])
@pytest.mark.parametrize("location", LOCATIONS)
def test_absolute_urls_is_build_absolute_uri(location, host, settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example"]
    request = RequestFactory().get("/articles/some-story/", HTTP_HOST=host, secure=host != "testserver")
    assert absolute_urls(request)(location) == request.build_absolute_uri(location)
