"""Structured data and absolute URLs for the reader pages' <head>.

JSON-LD is emitted the way `django.utils.html.json_script` emits JSON: `<`, `>` and `&` become
\\u escapes, so no string in the data (a headline containing "</script>") can end the element.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.rows import AuthorListing, Contributor, Picture, StoryPage
from newsroom.links import absolute_urls, author_url, media_url, story_url, url

SCHEMA = "https://schema.org"
_JSON_SCRIPT_ESCAPES = {
    ord(">"): "\\u003E",
    ord("<"): "\\u003C",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def json_ld(data: dict[str, Any]) -> SafeString:
    """A `<script type="application/ld+json">` element that no value can break out of."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def image_url(image: Picture | None) -> str:
    """The picture's address: our uploaded file, else where the original page had it, else ""."""
    if image is None:
        return ""
    return media_url(image.file) or image.source_url


def image_absolute_url(request: HttpRequest, image: Picture | None) -> str:
    url = image_url(image)
    return absolute_urls(request)(url) if url else ""


def author_node(
    author: Contributor | AuthorListing, absolute: Callable[[str], str], *, with_image: bool = False
) -> dict:
    """schema.org Person, or Organization for a desk byline."""
    node: dict[str, Any] = {
        "@type": "Organization" if author.is_organization else "Person",
        "name": author.name,
    }
    if author.role and not author.is_organization:
        node["jobTitle"] = author.role
    if author.bio:
        node["description"] = author.bio
    node["url"] = absolute(author_url(author.slug))
    if with_image and author.avatar:
        node["image"] = absolute(media_url(author.avatar))
    return node


def publisher_node(absolute: Callable[[str], str]) -> dict:
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute(url("home"))}


def image_node(image: Picture, absolute: Callable[[str], str]) -> dict:
    node: dict[str, Any] = {"@type": "ImageObject"}
    if url := image_url(image):
        node["url"] = absolute(url)
    if image.caption:
        node["caption"] = image.caption
    if image.credit:
        node["creditText"] = image.credit
    if image.width and image.height:
        node.update(width=image.width, height=image.height)
    return node


def article_json_ld(
    request: HttpRequest, article: StoryPage, authors: Iterable[Contributor], page: str
) -> SafeString:
    """NewsArticle at `page` (its canonical URL): dates only when known (never invented), the
    byline, the hero image."""
    absolute = absolute_urls(request)
    data: dict[str, Any] = {"@context": SCHEMA, "@type": "NewsArticle", "headline": article.title}
    if article.summary:
        data["description"] = article.summary
    if article.section:
        data["articleSection"] = article.section.name
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
        data["dateModified"] = max(
            article.published_at, article.revised_at or article.published_at
        ).isoformat()
    if article.corrections:  # schema.org has one type for every kind of note
        data["correction"] = [
            {"@type": "CorrectionComment", "text": note.text, "datePublished": note.made_at.isoformat()}
            for note in article.corrections
        ]
    data["author"] = [author_node(author, absolute) for author in authors]
    if article.hero_image:
        data["image"] = image_node(article.hero_image, absolute)
    data.update(
        publisher=publisher_node(absolute),
        mainEntityOfPage={"@type": "WebPage", "@id": page},
        url=absolute(story_url(article.slug)),
    )
    return json_ld(data)


def author_json_ld(request: HttpRequest, author: AuthorListing) -> SafeString:
    absolute = absolute_urls(request)
    return json_ld({"@context": SCHEMA, **author_node(author, absolute, with_image=True)})


def breadcrumb_json_ld(request: HttpRequest, crumbs: list[tuple[str, str]]) -> SafeString:
    absolute = absolute_urls(request)
    items = [
        {"@type": "ListItem", "position": position, "name": name, "item": absolute(url)}
        for position, (name, url) in enumerate(crumbs, start=1)
    ]
    return json_ld({"@context": SCHEMA, "@type": "BreadcrumbList", "itemListElement": items})


def website_json_ld(request: HttpRequest) -> SafeString:
    absolute = absolute_urls(request)
    return json_ld(
        {
            "@context": SCHEMA,
            "@type": "WebSite",
            "name": settings.SITE_NAME,
            "url": absolute(url("home")),
            "publisher": publisher_node(absolute),
        }
    )
