"""Who wrote an HTML page's story, as its markup shows it: byline links (rel=author, or inside an
element whose class says byline; else links to an /author page) and author boxes (name, role,
bio). Pure: no Django, no I/O."""

from __future__ import annotations

import re
from itertools import islice

from bs4 import Tag

from .html_scope import AUTHOR_BOX, HEADINGS, MAX_CANDIDATES, Page
from .html_tree import ancestry, class_hint, clean, iter_elements, outermost, tag_text
from .html_values import author_names
from .parsed import ParsedAuthor

_NOT_A_NAME = re.compile(r"^(?:read|more|view|see|all|follow|about|contact|posts?|articles?|written)\b", re.I)
_AUTHOR_HREF = re.compile(r"/author")


def byline_authors(page: Page) -> list[ParsedAuthor]:
    """Byline links; a bare link to an /author page only counts when the page marks none."""
    authors: dict[str, ParsedAuthor] = {}
    for link in islice(_byline_links(page), MAX_CANDIDATES):
        names = author_names(tag_text(link))
        if len(names) == 1 and _looks_like_name(names[0]) and id(link) not in page.noise:
            authors.setdefault(names[0].casefold(), ParsedAuthor(name=names[0], url=clean(link.get("href"))))
    return list(authors.values())


def _byline_links(page: Page) -> list[Tag]:
    links = [tag for tag in page.elements if id(tag) not in page.noise and _is_byline_link(tag)]
    return links or [t for t in iter_elements(page.scope) if _AUTHOR_HREF.search(str(t.get("href") or ""))]


def _looks_like_name(text: str) -> bool:
    return 0 < len(text) <= 80 and len(text.split()) <= 6 and not _NOT_A_NAME.match(text)


def _is_byline_link(tag: Tag) -> bool:
    """A link marked rel=author, or one a few levels inside an element whose class says byline."""
    if tag.name != "a":
        return False
    rel = tag.get("rel") or []
    rel = rel.split() if isinstance(rel, str) else rel
    return "author" in rel or any("byline" in class_hint(node).lower() for node in islice(ancestry(tag), 5))


def author_boxes(page: Page) -> list[ParsedAuthor]:
    boxes = outermost(page.soup, lambda tag: bool(AUTHOR_BOX.search(class_hint(tag))))
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
