"""What a page's schema.org JSON-LD says about its article: a partial `ParsedArticle` holding only
what that source gave (the most trusted of the HTML front end's sources, `parse_html`).

Blocks are flattened through lists, @graph and mainEntity, bare {"@id"} references resolved, and
values read whether a page gives them as strings, lists or nodes. Pure: no Django, no I/O.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bs4 import BeautifulSoup

from .html_tree import clean, make_soup
from .html_values import BY_PREFIX, author_names, checked_date, parse_date, split_credit, unescape
from .parsed import ParsedArticle, ParsedAuthor, ParsedImage

# Any schema.org type naming an article: NewsArticle, ReportageNewsArticle, BlogPosting, LiveBlogPosting …
_ARTICLE_TYPE = re.compile(r"(Article|BlogPosting|Report)$")
_ORGANIZATION_TYPE = re.compile(r"(Organization|Corporation|NGO)$")
_MAX_DEPTH = 8  # JSON-LD nests a handful of levels; deeper is junk, not news metadata


def jsonld_article(soup: BeautifulSoup, warnings: list[str]) -> ParsedArticle | None:
    """What the page's schema.org Article (or subtype) says; None when it has none."""
    nodes = _jsonld_nodes(soup, warnings)
    node = _article_node(nodes)
    if node is None:
        return None
    index = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str) and len(n) > 1}
    published, modified = node.get("datePublished"), node.get("dateModified")
    return ParsedArticle(
        layout="html/jsonld",
        title=_first_text(node.get("headline")),
        summary=_first_text(node.get("description")),
        section=_first_text(node.get("articleSection")),
        published=checked_date(published, warnings) if isinstance(published, str) else None,
        modified=parse_date(modified) if isinstance(modified, str) else None,
        authors=_jsonld_authors(node.get("author"), index),
        hero_image=_jsonld_image(node.get("image"), index),
        paragraphs=_article_body(node.get("articleBody")),
        canonical_url=_first_url(node.get("mainEntityOfPage")) or _first_url(node.get("url")),
    )


def _types(node: dict[str, Any]) -> list[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    # "schema:NewsArticle" and "https://schema.org/NewsArticle" are the same type.
    return [re.split(r"[/:#]", v)[-1] for v in values if isinstance(v, str)]


def _jsonld_nodes(soup: BeautifulSoup, warnings: list[str]) -> list[dict[str, Any]]:
    """Every object of every ld+json block, flattened through lists and @graph; bad blocks are skipped."""
    nodes: list[dict[str, Any]] = []
    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        text = script.get_text().strip()
        text = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", text)
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):
            warnings.append("malformed JSON-LD block skipped")
            continue
        _collect(data, nodes, 0)
    return nodes


def _collect(data: Any, nodes: list[dict[str, Any]], depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            _collect(item, nodes, depth + 1)
    elif isinstance(data, dict):
        nodes.append(data)
        for key in ("@graph", "mainEntity"):
            _collect(data.get(key), nodes, depth + 1)


def _resolve(value: Any, index: dict[str, dict[str, Any]]) -> Any:
    """A bare {"@id": …} reference (common inside @graph) to the node it names."""
    if isinstance(value, dict) and set(value) == {"@id"} and isinstance(value["@id"], str):
        return index.get(value["@id"], value)
    return value


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _first_text(value: Any) -> str:
    """A schema.org value that may be a string, a list, or a node with a name/@id/url."""
    for item in _as_list(value):
        if isinstance(item, dict):
            item = item.get("name") or item.get("url") or item.get("@id")
        text = clean(unescape(item)) if isinstance(item, str) else ""
        if text:
            return text
    return ""


def _first_url(value: Any) -> str:
    """A URL given as a string, a list, or a node's @id/url (never its name, which is a title)."""
    for item in _as_list(value):
        if isinstance(item, dict):
            item = item.get("url") or item.get("@id")
        if isinstance(item, str) and clean(item):
            return clean(item)
    return ""


def _jsonld_author(node: dict[str, Any]) -> ParsedAuthor | None:
    name = BY_PREFIX.sub("", _first_text(node.get("name")))
    if not name:
        return None
    return ParsedAuthor(
        name=name,
        role=_first_text(node.get("jobTitle")),
        bio=_first_text(node.get("description")),
        is_organization=any(_ORGANIZATION_TYPE.search(t) for t in _types(node)),
        url=_first_url(node.get("url")),
    )


def _jsonld_authors(value: Any, index: dict[str, dict[str, Any]]) -> list[ParsedAuthor]:
    """author may be a Person/Organization, a reference, a plain byline string, or a list of those."""
    authors: list[ParsedAuthor] = []
    for item in _as_list(value):
        item = _resolve(item, index)
        if isinstance(item, str):
            authors.extend(ParsedAuthor(name=name) for name in author_names(unescape(item)))
        elif isinstance(item, dict) and (author := _jsonld_author(item)):
            authors.append(author)
    return authors


def _jsonld_image(value: Any, index: dict[str, dict[str, Any]]) -> ParsedImage | None:
    item = _resolve(_as_list(value)[0] if _as_list(value) else None, index)
    if isinstance(item, str):
        return ParsedImage(url=clean(item)) if clean(item) else None
    if not isinstance(item, dict):
        return None
    caption, credit = _first_text(item.get("caption")), _first_text(item.get("creditText"))
    if not credit:
        # Without an explicit credit, the caption may carry one the way printed captions do.
        caption, credit = split_credit(caption)
        credit = credit or _first_text(_resolve(item.get("author"), index))
    url = _first_url(item.get("url") or item.get("contentUrl"))
    image = ParsedImage(caption=caption, credit=credit, url=url)
    return image if image != ParsedImage() else None


def _article_body(value: Any) -> list[str]:
    text = value if isinstance(value, str) else ""
    # Some CMSes put markup or entities into articleBody.
    text = make_soup(text).get_text("\n") if "<" in text else unescape(text)
    return [line for line in (clean(part) for part in text.splitlines()) if line]


def _article_node(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    articles = [node for node in nodes if any(_ARTICLE_TYPE.search(t) for t in _types(node))]
    with_headline = [node for node in articles if _first_text(node.get("headline"))]
    return (with_headline or articles or [None])[0]
