"""Teasers of other stories on an HTML page: one per headed link (or per list item) in the page's
asides and related/teaser sections, with its summary, kind (video or article) and thumbnail's alt
text. Share bars, newsletters, author boxes, navigation and ads are never teasers.
Pure: no Django, no I/O."""

from __future__ import annotations

import re
from collections import Counter

from bs4 import Tag

from .html_scope import AD, COMMENTS, HEADINGS, MAX_CANDIDATES, TEASER, Page
from .html_tree import ancestry, class_hint, clean, outermost, tag_text
from .parsed import ParsedTeaser

_NOT_TEASER = re.compile(rf"share|social|newsletter|subscribe|author|{COMMENTS}|{AD}", re.I)


def teasers(page: Page) -> list[ParsedTeaser]:
    """Teasers from asides and related/teaser sections: one per headed link (or per list item)."""
    found: dict[tuple[str, str], ParsedTeaser] = {}
    for container in outermost(page.soup, _is_teaser_container):
        links = _anchors(container.find_all(HEADINGS, limit=MAX_CANDIDATES), container)
        if not links and TEASER.search(class_hint(container)):
            links = _anchors(container.find_all(["li", "article"], limit=MAX_CANDIDATES), container)
        chains = [list(ancestry(link, container)) for link in links]
        shared = Counter(id(node) for chain in chains for node in chain)
        for link, chain in zip(links, chains, strict=True):
            teaser = _teaser(link, chain, _teaser_item(chain, shared))
            if teaser is not None:
                found.setdefault((teaser.title, teaser.url), teaser)
    return list(found.values())[:MAX_CANDIDATES]


def _anchors(holders: list[Tag], container: Tag) -> list[Tag]:
    """Each teaser's anchor (see `_anchor`), each once."""
    anchors = [anchor for holder in holders if (anchor := _anchor(holder, container)) is not None]
    return list({id(anchor): anchor for anchor in anchors}.values())


def _anchor(holder: Tag, container: Tag) -> Tag | None:
    """The link in (or wrapping) a heading or list item, else, in a teaser item whose story is not
    online, the bare heading."""
    anchor = holder.find("a", href=True) or holder.find_parent("a", href=True)
    if anchor is not None and not any(parent is container for parent in anchor.parents):
        anchor = None  # a link wrapping the whole container (or being it) is no teaser's own link
    if anchor is None and holder.name in HEADINGS and _in_teaser_item(holder, container):
        anchor = holder
    return anchor


def _in_teaser_item(tag: Tag, container: Tag) -> bool:
    """Inside an <article>, <li> or teaser element of the container (not the container's own heading)."""
    items = ancestry(tag.parent, container) if tag.parent is not None else ()
    return any(node.name in {"article", "li"} or TEASER.search(class_hint(node)) for node in items)


def _is_teaser_container(tag: Tag) -> bool:
    return bool(TEASER.search(class_hint(tag))) or (tag.name == "aside" and not _is_unwanted(tag))


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
        return _paragraph_after(item)
    paragraphs = [p for p in item.find_all("p", limit=3) if not any(parent is p for parent in link.parents)]
    summary = tag_text(paragraphs[0]) if paragraphs else ""
    points = [tag_text(point) for point in item.select("ul > li") if link not in point.descendants]
    return _with_points(summary, points)


def _paragraph_after(item: Tag) -> str:
    sibling = item.find_next_sibling()
    return tag_text(sibling) if sibling is not None and sibling.name == "p" else ""


def _with_points(summary: str, points: list[str]) -> str:
    """A list of points under the summary (as this archive shows a "Key developments: * … * …"
    summary) is kept as that run, as the text pages give it."""
    if not points:
        return summary
    return (f"{summary} * " if summary else "* ") + " * ".join(points)


def _says_video(item: Tag) -> bool:
    """The teaser, or something in it, is a <video> or has a class/data-* attribute saying video."""
    for tag in [item, *item.find_all(True, limit=MAX_CANDIDATES)]:
        data = " ".join(str(value) for key, value in tag.attrs.items() if key.startswith("data-"))
        if tag.name == "video" or re.search("video", f"{class_hint(tag)} {data}", re.I):
            return True
    return False
