"""Pictures sized for the reader: renditions made on upload, offered with srcset, never made while a
reader waits."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from articles.models import Image
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, RelatedLinkFactory, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_upload_gets_smaller_webp_copies_and_keeps_its_original():
    image = ImageFactory(file=png_upload(size=(2000, 1000)))
    assert [(r["width"], r["height"]) for r in image.renditions] == [(480, 240), (960, 480), (1600, 800)]
    for rendition in image.renditions:
        with default_storage.open(rendition["name"]) as stored, PILImage.open(stored) as copy:
            assert copy.format == "WEBP" and copy.size == (rendition["width"], rendition["height"])
    assert default_storage.exists(image.file.name)  # the original stays
    assert Image.objects.get(pk=image.pk).renditions == image.renditions


def test_a_small_upload_needs_no_copies_and_a_new_file_gets_its_own():
    image = ImageFactory(file=png_upload(size=(300, 200)))
    assert image.renditions == []
    image.file = png_upload("bigger.png", size=(1000, 500))
    image.save()
    assert [r["width"] for r in image.renditions] == [480, 960]
    assert all("bigger" in r["name"] for r in image.renditions)


def files(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def test_the_article_page_offers_the_copies_and_makes_none(client, media):
    hero = ImageFactory(file=png_upload(size=(2000, 1000)), alt_text="Ships at anchor")
    thumb = ImageFactory(file=png_upload("thumb.png", size=(1200, 900)))
    article = ArticleFactory(hero_image=hero)
    RelatedLinkFactory(article=article, image=thumb, title="More ships", url="https://example.org/")
    before = files(media)
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert files(media) == before  # a reader's request makes no copy

    img = soup.select_one("figure.hero img")
    widths = [candidate.split()[-1] for candidate in img["srcset"].split(", ")]
    assert widths == ["480w", "960w", "1600w", "2000w"]
    assert img["sizes"].endswith("100vw") and (img["width"], img["height"]) == ("2000", "1000")
    assert "loading" not in img.attrs  # the hero is above the fold
    teaser = soup.select_one(".teaser-thumb img")
    assert teaser["loading"] == "lazy" and teaser["sizes"] == "7.5rem" and "480w" in teaser["srcset"]


def test_an_avatar_is_served_small(client):
    author = AuthorFactory(avatar=png_upload("face.png", size=(1800, 1800)))
    assert [r["width"] for r in author.avatar_renditions] == [224]
    article = ArticleFactory(authors=[author])
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert soup.select_one("img.author-avatar")["src"].endswith("-224w.webp")
    soup = BeautifulSoup(client.get(author.get_absolute_url()).content, "html.parser")
    assert soup.select_one("img.author-avatar")["src"].endswith("-224w.webp")
