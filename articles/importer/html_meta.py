"""What a page's OpenGraph, article:* and plain <meta> tags say about its article: a partial
`ParsedArticle` holding only what those tags gave (`parse_html` merges it with the others).
Pure: no Django, no I/O."""

from __future__ import annotations

from bs4 import BeautifulSoup

from .html_tree import clean
from .html_values import author_names, checked_date, parse_date
from .parsed import ParsedArticle, ParsedAuthor, ParsedImage


def meta_article(soup: BeautifulSoup, warnings: list[str]) -> ParsedArticle:
    """What OpenGraph, article:* and plain <meta> tags say (layout "html/meta" when og:title is there)."""
    meta = _meta_values(soup)

    def first(*keys: str) -> str:
        return next((meta[key][0] for key in keys if key in meta), "")

    bylines = meta.get("article:author", []) + meta.get("author", [])
    names = [name for value in bylines for name in author_names(value)]
    image = ParsedImage(alt=first("og:image:alt", "twitter:image:alt"), url=first("og:image", "og:image:url"))
    published, modified = first("article:published_time", "datepublished"), first("article:modified_time")
    return ParsedArticle(
        layout="html/meta" if "og:title" in meta else "",
        title=first("og:title"),
        summary=first("og:description", "description"),
        section=first("article:section"),
        published=checked_date(published, warnings) if published else None,
        modified=parse_date(modified) if modified else None,
        authors=[ParsedAuthor(name=name) for name in dict.fromkeys(names)],
        hero_image=image if image.url else None,
        canonical_url=_canonical_link(soup) or first("og:url"),
    )


def _meta_values(soup: BeautifulSoup) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        key = clean(tag.get("property") or tag.get("name") or tag.get("itemprop")).lower()
        content = clean(tag.get("content"))
        if key and content:
            values.setdefault(key, []).append(content)
    return values


def _canonical_link(soup: BeautifulSoup) -> str:
    link = soup.find("link", rel="canonical", href=True)  # matches rel="canonical alternate" too
    return clean(link["href"]) if link is not None else ""
