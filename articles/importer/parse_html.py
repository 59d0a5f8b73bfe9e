"""Parse a saved HTML article page — any news site's, or this archive's own — into a `ParsedArticle`.

Pure: no Django, no I/O. Three sources, merged field by field in order of trust: schema.org JSON-LD
(layout ``html/jsonld``), OpenGraph and <meta> tags (``html/meta`` when og:title gave the title), and
the document's structure (``html/structure``): the <article> (else <main>, <body>), its <h1>, dek,
byline links, <time datetime>, "N min read", hero <figure>, body <p>s and related-link asides. Body
paragraphs and teasers come from the structure (JSON-LD articleBody is the paragraphs' fallback).
A field no source gives stays empty with a warning; nothing is invented, nothing raises.

Why not trafilatura (the well-kept main-text extractor): the pages we import are structured ones
(this archive's own, schema.org-marked news pages) and we need what it does not give — captions and
credits, teasers, author roles and bios — while its date extraction guesses from URLs and text,
which would break "never invent a date". If ops start importing arbitrary sites' HTML in bulk, it
earns a place as the paragraph fallback when no article-body container is found.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice

from bs4 import BeautifulSoup, Tag

from .html_meta import (
    ancestry,
    author_names,
    checked_date,
    class_hint,
    clean,
    figure_image,
    iter_elements,
    jsonld_article,
    make_soup,
    merge_authors,
    merge_images,
    meta_article,
    outermost,
    tag_text,
)
from .main_text import main_text_blocks
from .parsed import Block, ParsedArticle, ParsedAuthor, ParsedImage, ParsedTeaser

LAYOUT_JSONLD = "html/jsonld"
LAYOUT_META = "html/meta"
LAYOUT_STRUCTURE = "html/structure"
LAYOUT_UNKNOWN = "unknown"
INTERNAL_ERROR = "internal parser error"  # same wording as the text parser's

# Saved pages with inlined images reach megabytes; past this it is not an article page, and the cap
# keeps parsing time bounded.
MAX_CHARS = 5_000_000
HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
# A page offers a handful of bylines, figures, dates and teasers; looking at more than this many
# candidates only costs time on hostile markup (thousands of nested look-alikes).
MAX_CANDIDATES = 30


def _words(words: str) -> str:
    """Whole words of a class/id ("ad" in "top-ad", not in "header")."""
    return rf"(?:^|[\s_-])(?:{words})(?:$|[\s_-])"


# A page that opens with a tag of a document (not only <html>: saved pages often start with a
# <style>, a <meta> or the body's first <div>) is HTML; a text page opens with words.
_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|main|section|div|p|h[1-6]|style|meta|title|link|script"
    r"|table|ul|ol|header|nav|form)[\s>/]",
    re.I,
)
_LEADING_JUNK = re.compile(r"^(?:\s+|<!--.*?-->|<\?xml[^>]*\?>)+", re.S)

_COMMENTS = _words("comments?")  # a comments block, not "commentary"
_AD = _words(r"ads?|advert\w*|sponsor\w*")
_AUTHOR_BOX = re.compile(r"author[-_]*(?:box|card|bio|info|profile)|about[-_]*(?:the[-_]*)?author", re.I)
# Regions that are never the story itself: teasers, share bars, newsletters, author boxes, ads.
_REGION_NOISE = re.compile(
    rf"teaser|related|share|social|newsletter|subscribe|promo|cookie|{_COMMENTS}|{_AD}|{_AUTHOR_BOX.pattern}",
    re.I,
)
_REGION_NOISE_TAGS = frozenset({"aside", "nav", "footer"})
# Inside the body container, these hold captions, bylines and deks rather than paragraphs.
_PARAGRAPH_NOISE = re.compile(rf"author|byline|caption|credit|meta|{_words('dek|standfirst')}", re.I)
_PARAGRAPH_NOISE_TAGS = frozenset({"figure", "aside", "nav", "header", "footer", "form"})
_BODY = re.compile(r"(?:article|story|post|entry)[-_]*(?:body|content|text)", re.I)
_DEK = re.compile(_words(r"dek|standfirst|subtitle|subhead\w*|summary|excerpt"), re.I)
_SECTION = re.compile(_words(r"section|kicker|category|eyebrow|rubric"), re.I)
_SECTION_HREF = re.compile(r"/(?:sections?|categor(?:y|ies))/", re.I)
_PUBLISHED, _UPDATED = re.compile("publish", re.I), re.compile("updat|modif", re.I)
_READ_TIME = re.compile(r"\b(\d{1,3})\s*(?:min|mins|minutes?)\.?\s+read\b", re.I)
_NOT_A_NAME = re.compile(r"^(?:read|more|view|see|all|follow|about|contact|posts?|articles?|written)\b", re.I)
_AUTHOR_HREF = re.compile(r"/author")
_TEASER = re.compile(r"related|teaser", re.I)
_NOT_TEASER = re.compile(rf"share|social|newsletter|subscribe|author|{_COMMENTS}|{_AD}", re.I)


def looks_like_html(text: str) -> bool:
    """True when the text opens (after any BOM, whitespace, comments or XML declaration) like HTML."""
    head = _LEADING_JUNK.sub("", text[:8192].lstrip("\ufeff"))
    return head.startswith("<") and bool(_SNIFF.search(head))


def parse_html_page(html: str) -> ParsedArticle:
    """Read one saved HTML article page. Never raises: any surprise becomes a warning."""
    try:
        return _parse(html if isinstance(html, str) else "")
    except RecursionError:
        return ParsedArticle(layout=LAYOUT_UNKNOWN, warnings=["page is nested too deeply to parse"])
    except Exception as error:  # noqa: BLE001 — a bad page must never stop an import run
        return ParsedArticle(layout=LAYOUT_UNKNOWN, warnings=[f"{INTERNAL_ERROR}: {type(error).__name__}"])


def _parse(html: str) -> ParsedArticle:
    warnings: list[str] = []
    if len(html) > MAX_CHARS:
        warnings.append(f"input is {len(html)} characters; only the first {MAX_CHARS} were read")
        html = html[:MAX_CHARS]
    soup = make_soup(html.replace("\x00", ""))
    jsonld = jsonld_article(soup, warnings)
    meta = meta_article(soup, warnings)
    _drop_invisible(soup)
    structure = structure_article(soup, warnings)
    article = _merge([source for source in (jsonld, meta, structure) if source is not None])
    article.layout = _layout(jsonld, meta, structure)
    # The body: trafilatura's main text with its blocks; else the markup's <p>s; else JSON-LD's
    # articleBody (articles/importer/main_text.py says why).
    article.blocks = _body_blocks(soup, html, article)
    if not article.blocks:
        fallback = structure.paragraphs or (jsonld.paragraphs if jsonld else [])
        article.blocks = [Block("p", text) for text in fallback]
    article.paragraphs = [block.text for block in article.blocks]
    article.warnings = list(dict.fromkeys(warnings + _missing(article)))  # each distinct warning once
    return article


def _body_blocks(soup: BeautifulSoup, html: str, article: ParsedArticle) -> list[Block]:
    """The story's body: the main text of the element the page marks as its body (schema.org's
    `itemprop="articleBody"`), when it does; else the page's main text, kept to what lies in the
    <article> holding the <h1> when there is one, without the headline, dek, byline or caption."""
    if (marked := soup.find(attrs={"itemprop": "articleBody"})) is not None:
        return _marked_blocks(marked)
    blocks = main_text_blocks(html)
    h1 = soup.find("h1")
    story = h1.find_parent("article") if h1 is not None else None
    return _without_furniture(_within(story, blocks), article, h1.get_text() if h1 is not None else "")


_BLOCK_KINDS = {
    "p": "p",
    "h1": "h2",
    "h2": "h2",
    "h3": "h3",
    "h4": "h3",
    "h5": "h3",
    "h6": "h3",
    "pre": "pre",
}


def _marked_blocks(body: Tag) -> list[Block]:
    """The blocks of the element a page marks as its body, read as they stand: every paragraph,
    subhead, list item, quote and preformatted text (nothing there is furniture, nothing merged)."""
    blocks: list[Block] = []
    for tag in body.find_all([*_BLOCK_KINDS, "li", "blockquote"]):
        if tag.name != "li" and tag.find_parent(["li", "blockquote", "pre"]) is not None:
            continue  # a paragraph inside a list item or a quote is part of it
        if text := tag_text(tag):
            blocks.append(Block(_kind(tag), text))
    return blocks


def _kind(tag: Tag) -> str:
    if tag.name == "li":
        listed = tag.find_parent(["ol", "ul"])
        return "ol" if listed is not None and listed.name == "ol" else "ul"
    return "quote" if tag.name == "blockquote" else _BLOCK_KINDS[tag.name]


def _within(story: Tag | None, blocks: list[Block]) -> list[Block]:
    """The blocks found in the text of the story's element (when there is one), outside its header,
    footer, figures and asides (headline, byline,
    dateline, captions, related links): an extractor that fell back on the page's menus or the
    story's furniture (a story with little text) does not fill the body with them."""
    if story is None:
        return blocks
    furniture = {"header", "footer", "figure", "aside", "nav"}
    words = (
        text
        for text in story.find_all(string=True)
        if not any(parent.name in furniture for parent in text.parents if parent is not story)
    )
    text = _SPACES.sub("", "".join(words))
    return [block for block in blocks if _SPACES.sub("", block.text) in text]


_SPACES = re.compile(r"\s+")


def _without_furniture(blocks: list[Block], article: ParsedArticle, h1: str) -> list[Block]:
    """The body without what the page shows around it: the headline (as the page's <h1> shows it
    too), the dek, the section's label, the byline and the hero's caption, which an extractor
    often takes along (they are the story's own fields, read from the markup)."""
    hero = article.hero_image
    caption = f"{hero.caption} {hero.credit}" if hero else ""
    names = [author.name for author in article.authors]
    furniture = {
        _key(text) for text in (article.title, h1, article.summary, article.section, caption, *names)
    }
    furniture |= {_key(f"By {' and '.join(names)}"), _key(hero.caption if hero else "")}
    furniture.discard("")
    return [b for b in blocks if _key(b.text) not in furniture and not _DATELINE.fullmatch(_key(b.text))]


# A block that only dates the story or says how long it reads ("Date unknown", "3 min read",
# "Updated March 3, 2025", "March 3, 2025 · 4 min read").
_DATELINE = re.compile(
    r"(?:(?:published|updated)(?: on)?:?\s*)?"
    r"(?:date unknown|[a-z]+\.? \d{1,2},? \d{4}(?:,? \d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)?)?"
    r"(?:\s*[·|-]?\s*\d{1,3} min(?:ute)?s? read)?"
)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _drop_invisible(soup: BeautifulSoup) -> None:
    """Scripts and styles are never text; a <br> is a line break, not nothing."""
    for tag in soup.find_all(["script", "style", "template", "noscript"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")


def _layout(jsonld: ParsedArticle | None, meta: ParsedArticle, structure: ParsedArticle) -> str:
    if jsonld is not None:
        return LAYOUT_JSONLD
    if meta.layout and meta.title:
        return LAYOUT_META
    return LAYOUT_STRUCTURE if structure.title or structure.paragraphs else LAYOUT_UNKNOWN


def _missing(article: ParsedArticle) -> list[str]:
    checks = [
        (article.title, "no title found"),
        (article.authors, "no author found"),
        (article.published, "no publication date"),
        (article.paragraphs, "no body paragraphs found"),
    ]
    return [warning for value, warning in checks if not value]


def _merge(sources: list[ParsedArticle]) -> ParsedArticle:
    """Each field from the most trusted source that has it; authors and the hero image per sub-field."""
    merged = ParsedArticle(layout="")
    fields = (
        "title",
        "section",
        "summary",
        "read_minutes",
        "published",
        "modified",
        "teasers",
        "canonical_url",
    )
    for name in fields:
        value = next((v for s in sources if (v := getattr(s, name)) is not None and v not in ("", [])), None)
        if value is not None:  # read_minutes 0 is a value
            setattr(merged, name, value)
    merged.authors = merge_authors([source.authors for source in sources])
    merged.hero_image = merge_images([source.hero_image for source in sources])
    return merged


# --- document structure ----------------------------------------------------------------------------


@dataclass
class _Page:
    """The parsed tree plus what every heuristic asks about it, computed once (keeps parsing linear)."""

    soup: BeautifulSoup
    elements: list[Tag]  # every element, in document order
    noise: set[int]  # ids of elements inside a region that is never the story
    scope: Tag  # the story's own element


def structure_article(soup: BeautifulSoup, warnings: list[str]) -> ParsedArticle:
    """What the markup itself shows: <article>/<h1>/<figure>/<time>/byline links/asides."""
    page = _page(soup)
    return ParsedArticle(
        layout="",
        title=_first_text(page, lambda tag: tag.name == "h1"),
        summary=_first_text(page, _is_dek),
        section=_first_text(page, _is_section_label),
        read_minutes=_read_minutes(page),
        published=_published(page, warnings),
        authors=merge_authors([_byline_authors(page), _author_boxes(page)]),
        hero_image=_hero_image(page),
        paragraphs=_paragraphs(page),
        teasers=_teasers(page),
    )


def _page(soup: BeautifulSoup) -> _Page:
    elements = list(iter_elements(soup))
    scope = _scope(soup, elements)
    # The story and its wrappers are never noise, whatever their classes say ("has-related", "ad-free").
    protected = {id(tag) for tag in ancestry(scope)}
    noise: set[int] = set()
    for tag in elements:  # parents come before children, so one pass marks whole regions
        if id(tag) not in protected and (id(tag.parent) in noise or _is_region_noise(tag)):
            noise.add(id(tag))
    return _Page(soup, elements, noise, scope)


def _is_region_noise(tag: Tag) -> bool:
    return tag.name in _REGION_NOISE_TAGS or bool(_REGION_NOISE.search(class_hint(tag)))


def _scope(soup: BeautifulSoup, elements: list[Tag]) -> Tag:
    """The <article> holding an <h1>, else the first <article> that is no teaser, <main>, <body>."""
    h1s = islice((tag for tag in elements if tag.name == "h1"), MAX_CANDIDATES)
    story = next((article for h1 in h1s if (article := h1.find_parent("article")) is not None), None)
    articles = (tag for tag in elements if tag.name == "article" and not _TEASER.search(class_hint(tag)))
    return story or next(articles, None) or soup.find("main") or soup.body or soup


def _first_text(page: _Page, wanted: Callable[[Tag], bool]) -> str:
    """Text of the first wanted element outside noise regions, looking in the story before the page."""
    for elements in (iter_elements(page.scope), page.elements):  # the story first, then the page
        candidates = (tag for tag in elements if id(tag) not in page.noise and wanted(tag))
        # Bounded: on hostile markup thousands of nested candidates would make this quadratic.
        for tag in islice(candidates, MAX_CANDIDATES):
            if text := tag_text(tag):
                return text
    return ""


def _is_dek(tag: Tag) -> bool:
    return tag.name in {"p", "div", "h2"} and bool(_DEK.search(class_hint(tag)))


def _is_section_label(tag: Tag) -> bool:
    if tag.name not in {"a", "span", "p", "div", "li"}:
        return False
    if not (_SECTION.search(class_hint(tag)) or _SECTION_HREF.search(str(tag.get("href") or ""))):
        return False
    text = tag_text(tag)
    return len(text) <= 60 and len(text.split()) <= 6


def _read_minutes(page: _Page) -> int | None:
    for string in page.scope.find_all(string=_READ_TIME):
        match = _READ_TIME.search(string)
        # A short text node: "2 min read" as page furniture, not a sentence of the story.
        if match and len(string) < 60 and id(string.parent) not in page.noise:
            return int(match.group(1))
    return None


def _published(page: _Page, warnings: list[str]) -> date | datetime | None:
    """itemprop=datePublished, else a <time> marked as the publication, else one not marked "updated"."""
    marked = [t for t in page.elements if t.get("itemprop") == "datePublished" and id(t) not in page.noise]
    times = [t for t in iter_elements(page.scope) if t.name == "time" and id(t) not in page.noise]
    preferred = [t for t in times if t.has_attr("pubdate") or _PUBLISHED.search(class_hint(t))]
    others = [t for t in times if not _UPDATED.search(class_hint(t))]
    for tag in islice([*marked, *preferred, *others], MAX_CANDIDATES):
        value = tag.get("content") or tag.get("datetime")
        if isinstance(value, str) and (parsed := checked_date(value, warnings)) is not None:
            return parsed
    return None


def _looks_like_name(text: str) -> bool:
    return 0 < len(text) <= 80 and len(text.split()) <= 6 and not _NOT_A_NAME.match(text)


def _is_byline_link(tag: Tag) -> bool:
    """A link marked rel=author, or one a few levels inside an element whose class says byline."""
    if tag.name != "a":
        return False
    rel = tag.get("rel") or []
    rel = rel.split() if isinstance(rel, str) else rel
    return "author" in rel or any("byline" in class_hint(node).lower() for node in islice(ancestry(tag), 5))


def _byline_authors(page: _Page) -> list[ParsedAuthor]:
    """Byline links; a bare link to an /author page only counts when the page marks none."""
    links = [tag for tag in page.elements if id(tag) not in page.noise and _is_byline_link(tag)]
    if not links:
        links = [t for t in iter_elements(page.scope) if _AUTHOR_HREF.search(str(t.get("href") or ""))]
    authors: dict[str, ParsedAuthor] = {}
    for link in islice(links, MAX_CANDIDATES):
        names = author_names(tag_text(link))
        if len(names) == 1 and _looks_like_name(names[0]) and id(link) not in page.noise:
            authors.setdefault(names[0].casefold(), ParsedAuthor(name=names[0], url=clean(link.get("href"))))
    return list(authors.values())


def _author_boxes(page: _Page) -> list[ParsedAuthor]:
    boxes = outermost(page.soup, lambda tag: bool(_AUTHOR_BOX.search(class_hint(tag))))
    return [author for author in map(_box_author, boxes[:MAX_CANDIDATES]) if author is not None]


def _hinted(box: Tag, pattern: str, itemprop: str) -> Tag | None:
    """The first element inside box whose class/id says pattern, or whose itemprop is itemprop."""
    regex = re.compile(pattern, re.I)
    return box.find(lambda tag: tag.get("itemprop") == itemprop or bool(regex.search(class_hint(tag))))


def _box_author(box: Tag) -> ParsedAuthor | None:
    """An author box: name (class *name*, else a heading, else a link), role (*role*/*job*), bio (*bio*)."""
    candidates = [_hinted(box, r"name", "name"), *box.find_all([*HEADINGS, "strong", "b", "a"], limit=10)]
    name_tag = next((tag for tag in candidates if tag is not None and _looks_like_name(tag_text(tag))), None)
    if name_tag is None:
        return None
    link = name_tag if name_tag.name == "a" else name_tag.find("a") or box.find("a", href=_AUTHOR_HREF)
    return ParsedAuthor(
        name=next(iter(author_names(tag_text(name_tag))), tag_text(name_tag)),
        role=tag_text(_hinted(box, r"role|job", "jobTitle")),
        bio=tag_text(_hinted(box, r"bio|description", "description")),
        url=clean(link.get("href")) if link is not None else "",
    )


def _hero_image(page: _Page) -> ParsedImage | None:
    """The first <figure> of the story (else the page) that shows a picture, not a quote or a table."""
    for elements in (iter_elements(page.scope), page.elements):
        figures = (tag for tag in elements if tag.name == "figure" and id(tag) not in page.noise)
        for figure in islice(figures, MAX_CANDIDATES):
            image = None if figure.find(["blockquote", "table", "pre", "code"]) else figure_image(figure)
            if image is not None:
                return image
    return None


def _paragraphs(page: _Page) -> list[str]:
    """<p>s of the body container(s) (several when ads split it, else the whole story), minus noise."""
    containers = outermost(page.scope, lambda tag: _is_body_container(tag) and id(tag) not in page.noise)
    texts: list[str] = []
    for container in containers or [page.scope]:
        skip: set[int] = set()
        for tag in iter_elements(container):
            if id(tag.parent) in skip or id(tag) in page.noise or _is_paragraph_noise(tag):
                skip.add(id(tag))
            elif tag.name == "p":
                skip.add(id(tag))  # a <p> nested in a <p> (html.parser keeps them) is part of it
                texts.append(tag_text(tag))
    return [text for text in texts if text]


def _is_body_container(tag: Tag) -> bool:
    return tag.get("itemprop") == "articleBody" or bool(_BODY.search(class_hint(tag)))


def _is_paragraph_noise(tag: Tag) -> bool:
    return tag.name in _PARAGRAPH_NOISE_TAGS or bool(_PARAGRAPH_NOISE.search(class_hint(tag)))


def _teasers(page: _Page) -> list[ParsedTeaser]:
    """Teasers from asides and related/teaser sections: one per headed link (or per list item)."""
    teasers: dict[tuple[str, str], ParsedTeaser] = {}
    for container in outermost(page.soup, _is_teaser_container):
        links = _anchors(container.find_all(HEADINGS, limit=MAX_CANDIDATES), container)
        if not links and _TEASER.search(class_hint(container)):
            links = _anchors(container.find_all(["li", "article"], limit=MAX_CANDIDATES), container)
        chains = [list(ancestry(link, container)) for link in links]
        shared = Counter(id(node) for chain in chains for node in chain)
        for link, chain in zip(links, chains, strict=True):
            teaser = _teaser(link, chain, _teaser_item(chain, shared))
            if teaser is not None:
                teasers.setdefault((teaser.title, teaser.url), teaser)
    return list(teasers.values())[:MAX_CANDIDATES]


def _anchors(holders: list[Tag], container: Tag) -> list[Tag]:
    """Each teaser's anchor: the link in (or wrapping) a heading or list item, else, in a teaser item
    whose story is not online, the bare heading."""
    anchors = []
    for holder in holders:
        anchor = holder.find("a", href=True) or holder.find_parent("a", href=True)
        if anchor is not None and not any(parent is container for parent in anchor.parents):
            anchor = None  # a link wrapping the whole container (or being it) is no teaser's own link
        if anchor is None and holder.name in HEADINGS and _in_teaser_item(holder, container):
            anchor = holder
        if anchor is not None:
            anchors.append(anchor)
    return list({id(anchor): anchor for anchor in anchors}.values())


def _in_teaser_item(tag: Tag, container: Tag) -> bool:
    """Inside an <article>, <li> or teaser element of the container (not the container's own heading)."""
    items = ancestry(tag.parent, container) if tag.parent is not None else ()
    return any(node.name in {"article", "li"} or _TEASER.search(class_hint(node)) for node in items)


def _is_teaser_container(tag: Tag) -> bool:
    return bool(_TEASER.search(class_hint(tag))) or (tag.name == "aside" and not _is_unwanted(tag))


def _is_unwanted(tag: Tag) -> bool:
    """Share bars, newsletters, author boxes, navigation and ads inside an aside are not teasers."""
    return tag.name in {"nav", "form"} or bool(_NOT_TEASER.search(class_hint(tag)))


def _teaser(link: Tag, chain: list[Tag], item: Tag) -> ParsedTeaser | None:
    if any(_is_unwanted(node) for node in chain):
        return None
    title = tag_text(link) or tag_text(link.find_parent(HEADINGS))
    if not title:
        return None
    img = item.find("img") if item is not link else None
    return ParsedTeaser(
        title=title,
        summary=_teaser_summary(item, link),
        kind="video" if _says_video(item) else "article",
        url=clean(link.get("href")),
        image_alt=clean(img.get("alt")) if img is not None else "",
    )


def _teaser_item(chain: list[Tag], shared: Counter[int]) -> Tag:
    """The largest element around a teaser's link that holds no other teaser's link (at least the link)."""
    item = chain[0]
    for node in chain[1:]:
        if shared[id(node)] > 1:
            break
        item = node
    return item


def _teaser_summary(item: Tag, link: Tag) -> str:
    if item is link or item.name in HEADINGS:
        sibling = item.find_next_sibling()
        return tag_text(sibling) if sibling is not None and sibling.name == "p" else ""
    paragraphs = [p for p in item.find_all("p", limit=3) if not any(parent is p for parent in link.parents)]
    summary = tag_text(paragraphs[0]) if paragraphs else ""
    # A list of points under it (as this archive shows a "Key developments: * … * …" summary)
    # is kept as that run, as the text pages give it.
    points = [tag_text(point) for point in item.select("ul > li") if link not in point.descendants]
    return (f"{summary} * " if summary else "* ") + " * ".join(points) if points else summary


def _says_video(item: Tag) -> bool:
    """The teaser, or something in it, is a <video> or has a class/data-* attribute saying video."""
    for tag in [item, *item.find_all(True, limit=MAX_CANDIDATES)]:
        data = " ".join(str(value) for key, value in tag.attrs.items() if key.startswith("data-"))
        if tag.name == "video" or re.search("video", f"{class_hint(tag)} {data}", re.I):
            return True
    return False
