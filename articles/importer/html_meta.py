"""Helpers of the HTML front end (`parse_html`): the structured parts of a page and how they merge.

* schema.org JSON-LD and OpenGraph/<meta> extractors, each returning a partial ParsedArticle that holds
  only what its source said;
* the hero <figure> (alt, caption, credit), tree helpers that stay linear on hostile markup, and the
  field-by-field merge of authors and images.

Pure functions over an already parsed BeautifulSoup tree: no Django, no I/O.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, PageElement, Tag

from .parsed import ParsedArticle, ParsedAuthor, ParsedImage

# Any schema.org type naming an article: NewsArticle, ReportageNewsArticle, BlogPosting, LiveBlogPosting …
_ARTICLE_TYPE = re.compile(r"(Article|BlogPosting|Report)$")
_ORGANIZATION_TYPE = re.compile(r"(Organization|Corporation|NGO)$")
# The last parenthesised group, at the very end of a caption, is the photo credit.
_TRAILING_GROUP = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$", re.S)
# …unless it is a position marker such as "(L)" or "(R)", which belongs to the caption.
_POSITION_MARKER = re.compile(r"^(?:[lrc]|l-r|r-l|left|right|centre|center|top|bottom|front|back)$", re.I)
_PLACEHOLDER = re.compile("placeholder", re.I)
_BY_PREFIX = re.compile(r"^by\s+", re.I)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.I)
_MAX_DEPTH = 8  # JSON-LD nests a handful of levels; deeper is junk, not news metadata
# Only complete references ("&amp;", "&#8217;"): html.unescape would also turn "&copy" into "©".
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def clean(value: Any) -> str:
    """Collapse whitespace and drop NULs (Postgres refuses them); non-strings become ""."""
    if not isinstance(value, str):
        return ""
    return " ".join(value.replace("\x00", "").split())


def unescape(text: str) -> str:
    """Entities in JSON-LD strings: some CMSes HTML-escape them ("Trump &amp; Putin")."""
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)


# The importer always passes a page's contents, never a file name or URL: a short page that looks
# like one is still a page (it is parsed and reported like any other).
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


def make_soup(markup: str) -> BeautifulSoup:
    """lxml is fast and forgiving; Python's own parser is the fallback when lxml gives up."""
    try:
        return BeautifulSoup(markup, "lxml")
    except Exception:  # lxml raises several types on hostile input; any of them means "try the other"
        return BeautifulSoup(markup, "html.parser")


def parse_date(value: str) -> date | datetime | None:
    """ISO 8601 to a date (when the page gives only a date) or a datetime; tz-awareness is kept."""
    text = clean(value)
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{4}-?\d{2}-?\d{2}", text):
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def split_credit(caption: str) -> tuple[str, str]:
    """Caption text to (caption, credit): the credit is the trailing parenthesised group, if any."""
    text = clean(caption)
    match = _TRAILING_GROUP.match(text)
    if not match or not clean(match.group(2)) or _POSITION_MARKER.match(clean(match.group(2))):
        return text, ""
    return clean(match.group(1)), clean(match.group(2))


def author_names(value: str) -> list[str]:
    """A byline string ("By A, B and C") to names; a URL is not a name."""
    text = _BY_PREFIX.sub("", clean(value))
    if not text or re.match(r"^(?:https?:)?//", text):
        return []
    return [name for name in (clean(part) for part in _NAME_SEPARATORS.split(text)) if name]


# --- JSON-LD ----------------------------------------------------------------------------------------


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
    name = _BY_PREFIX.sub("", _first_text(node.get("name")))
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


def checked_date(value: str, warnings: list[str]) -> date | datetime | None:
    """parse_date, with a warning when the page gave a date this cannot read (it is never guessed)."""
    parsed = parse_date(value)
    if parsed is None and clean(value):
        warnings.append(f"publication date not understood: {clean(value)[:40]!r}")
    return parsed


# --- OpenGraph and <meta> -----------------------------------------------------------------------------


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


# --- tree helpers and the hero <figure> ------------------------------------------------------------


def class_hint(tag: Tag) -> str:
    """The words a page's authors use to say what an element is: its classes and id."""
    classes, ident = tag.attrs.get("class"), tag.attrs.get("id")
    if not classes and not ident:
        return ""  # most elements: the fast path keeps whole-page scans cheap
    classes = classes.split() if isinstance(classes, str) else classes or []
    return " ".join([*classes, str(ident or "")])


def tag_text(tag: Tag | None) -> str:
    return clean(tag.get_text()) if tag is not None else ""


def iter_elements(root: Tag) -> Iterator[Tag]:
    """Every element under root, in document order (a generator: deep trees cost no recursion)."""
    return (node for node in root.descendants if isinstance(node, Tag))


def ancestry(tag: Tag, stop: Tag | None = None) -> Iterator[Tag]:
    """The tag and its ancestors, up to (not including) stop or the document."""
    node: Tag | None = tag
    while isinstance(node, Tag) and node is not stop and not isinstance(node, BeautifulSoup):
        yield node
        node = node.parent


def outermost(root: Tag, wanted: Callable[[Tag], bool]) -> list[Tag]:
    """Wanted elements under root that are not inside another one; their subtrees are skipped, not walked."""
    found: list[Tag] = []
    end, node = _after(root), next(iter(root.contents), None)
    while node is not None and node is not end:
        if isinstance(node, Tag) and wanted(node):
            found.append(node)
            node = _after(node)
        else:
            node = node.next_element
    return found


def _after(tag: Tag) -> PageElement | None:
    """The first node after tag's subtree, in document order."""
    node: PageElement | None = tag
    while node is not None and node.next_sibling is None:
        node = node.parent
    return node.next_sibling if node is not None else None


def figure_image(figure: Tag) -> ParsedImage | None:
    """A <figure>'s picture: alt and address from its <img>, caption and credit from its <figcaption>."""
    img = figure.find("img")
    # A picture-less figure of this archive carries the picture's alt text as data-alt (before,
    # as a placeholder's role=img + aria-label).
    placeholder = figure.find(attrs={"role": "img"}) or figure.find(class_=_PLACEHOLDER)
    figcaption = figure.find("figcaption")
    if img is None and placeholder is None and figcaption is None:
        return None
    alt = clean(img.get("alt")) if img is not None else ""
    alt = alt or (clean(placeholder.get("aria-label")) if placeholder is not None else "")
    alt = alt or clean(figure.get("data-alt"))
    caption, credit = _caption_and_credit(figcaption)
    return ParsedImage(alt=alt, caption=caption, credit=credit, url=_image_url(img))


def _image_url(img: Tag | None) -> str:
    if img is None or "placeholder" in f"{class_hint(img)} {img.get('src')}".lower():
        return ""
    # Lazy-loading pages keep a data: stub in src and the real address in data-src.
    sources = [clean(img.get(attr)) for attr in ("src", "data-src", "data-lazy-src")]
    return next((src for src in sources if src and not src.startswith("data:")), "")


def _caption_and_credit(figcaption: Tag | None) -> tuple[str, str]:
    """A credit element (class *credit*) inside the figcaption, else the caption's last (group)."""
    if figcaption is None:
        return "", ""
    credit_tag = figcaption.find(lambda tag: bool(re.search(r"credit|copyright", class_hint(tag), re.I)))
    if credit_tag is None:
        return split_credit(tag_text(figcaption))
    strings = [
        str(node)
        for node in figcaption.descendants
        if type(node) is NavigableString
        and not any(p is credit_tag for p in ancestry(node.parent, figcaption))
    ]
    credit = tag_text(credit_tag)
    if credit.startswith("(") and credit.endswith(")"):
        credit = clean(credit[1:-1])
    return clean("".join(strings)), credit


# --- merging the sources ---------------------------------------------------------------------------


def merge_authors(groups: list[list[ParsedAuthor]]) -> list[ParsedAuthor]:
    """The most trusted non-empty list, each author's missing role/bio/url filled from the others by name."""
    by_name: dict[str, list[ParsedAuthor]] = {}
    for author in (author for group in groups for author in group):
        by_name.setdefault(author.name.casefold(), []).append(author)
    unique: dict[str, ParsedAuthor] = {}  # a name listed twice is one author, first mention wins
    for author in next((group for group in groups if group), []):
        unique.setdefault(author.name.casefold(), author)
    return [_enrich(author, by_name[key]) for key, author in unique.items()]


def _enrich(author: ParsedAuthor, same: list[ParsedAuthor]) -> ParsedAuthor:
    fields = ("role", "bio", "url")
    filled = {f: getattr(author, f) or next((v for a in same if (v := getattr(a, f))), "") for f in fields}
    return replace(author, **filled, is_organization=any(a.is_organization for a in same))


def merge_images(images: list[ParsedImage | None]) -> ParsedImage | None:
    """One hero image, each of its fields from the most trusted source that has it."""
    present = [image for image in images if image is not None]
    if not present:
        return None
    fields = ("alt", "caption", "credit", "url")
    return ParsedImage(**{f: next((v for image in present if (v := getattr(image, f))), "") for f in fields})
