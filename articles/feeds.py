"""RSS 2.0 feeds: the whole archive, one section, one author, the corrections. Items come through the
public gate.

Each item carries the full summary, the byline, the section as its category and, when the hero
image has a file, that picture as an enclosure. One or two queries per feed.
"""

from __future__ import annotations

import mimetypes
import re
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Enclosure, SyndicationFeed

from articles.corrections import Correction
from articles.models import Article, Section
from authors.models import Author

FEED_SIZE = 30
# XML 1.0 forbids these; the feed writer would refuse the whole feed for one of them in a title.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


class LatestStoriesFeed(Feed):
    def title(self, obj: object = None) -> str:
        return xml_safe(f"{settings.SITE_NAME}: latest stories")

    def link(self, obj: object = None) -> str:
        return reverse("home")

    def description(self, obj: object = None) -> str:
        return f"The newest stories in the {settings.SITE_NAME} archive."

    def items(self, obj: object = None) -> QuerySet[Article]:
        return Article.objects.published().for_listing()[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return xml_safe(item.title)

    def item_description(self, item: Article) -> str:
        return xml_safe(item.summary)

    def item_author_name(self, item: Article) -> str:
        return xml_safe(item.byline)

    def item_categories(self, item: Article) -> list[str]:
        return [xml_safe(item.section.name)] if item.section else []

    def item_pubdate(self, item: Article) -> datetime | None:
        return item.published_at  # undated stories carry no date rather than an invented one

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        image = item.hero_image
        if image is None or not image.file:
            return []
        try:
            length = str(image.file.size)
        except OSError:  # the file is gone from storage: no enclosure rather than a broken feed
            return []
        mime = mimetypes.guess_type(image.file.name)[0] or "image/jpeg"
        return [Enclosure(image.file.url, length, mime)]  # made absolute in get_feed

    def get_feed(self, obj: object, request: HttpRequest) -> SyndicationFeed:
        """The feed, with enclosure URLs made absolute (the framework only does that for links)."""
        feed = super().get_feed(obj, request)
        for item in feed.items:
            item["enclosures"] = [
                Enclosure(request.build_absolute_uri(e.url), e.length, e.mime_type)
                for e in item["enclosures"]
            ]
        return feed


class SectionFeed(LatestStoriesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Section:
        return get_object_or_404(Section, slug=slug)

    def title(self, obj: Section) -> str:
        return xml_safe(f"{settings.SITE_NAME}: {obj.name}")

    def link(self, obj: Section) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Section) -> str:
        return xml_safe(
            obj.description or f"The newest {obj.name} stories in the {settings.SITE_NAME} archive."
        )

    def items(self, obj: Section) -> QuerySet[Article]:
        return Article.objects.published().for_listing().filter(section=obj)[:FEED_SIZE]


class AuthorFeed(LatestStoriesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Author:
        return get_object_or_404(Author, slug=slug)

    def title(self, obj: Author) -> str:
        return xml_safe(f"{settings.SITE_NAME}: stories by {obj.name}")

    def link(self, obj: Author) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Author) -> str:
        return xml_safe(f"The newest stories by {obj.name} in the {settings.SITE_NAME} archive.")

    def items(self, obj: Author) -> QuerySet[Article]:
        return Article.objects.published().for_listing().by_author(obj)[:FEED_SIZE]


class CorrectionsFeed(Feed):
    """The archive's corrections, clarifications, updates and editor's notes, newest first."""

    def title(self, obj: object = None) -> str:
        return xml_safe(f"{settings.SITE_NAME}: corrections")

    def link(self, obj: object = None) -> str:
        return reverse("corrections")

    def description(self, obj: object = None) -> str:
        return f"Corrections and updates to stories in the {settings.SITE_NAME} archive."

    def items(self, obj: object = None) -> QuerySet[Correction]:
        return Correction.objects.public().select_related("article")[:FEED_SIZE]

    def item_title(self, item: Correction) -> str:
        return xml_safe(f"{item.get_kind_display()}: {item.article.title}")

    def item_description(self, item: Correction) -> str:
        return xml_safe(item.text)

    def item_link(self, item: Correction) -> str:
        return f"{item.article.get_absolute_url()}#corrections"

    def item_guid(self, item: Correction) -> str:
        return f"{item.article.get_absolute_url()}#correction-{item.pk}"

    def item_guid_is_permalink(self, item: Correction) -> bool:
        return False

    def item_pubdate(self, item: Correction) -> datetime:
        return item.made_at
