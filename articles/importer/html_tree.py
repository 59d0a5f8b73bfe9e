"""Reading a BeautifulSoup tree for the HTML front end (`parse_html`): the soup itself, an element's
text and class words, and walks that stay linear on hostile markup (deep nesting, thousands of
look-alike elements). Pure: no Django, no I/O."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, PageElement, Tag


def clean(value: Any) -> str:
    """Collapse whitespace and drop NULs (Postgres refuses them); non-strings become ""."""
    if not isinstance(value, str):
        return ""
    return " ".join(value.replace("\x00", "").split())


# The importer always passes a page's contents, never a file name or URL: a short page that looks
# like one is still a page (it is parsed and reported like any other).
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


def make_soup(markup: str) -> BeautifulSoup:
    """lxml is fast and forgiving; Python's own parser is the fallback when lxml gives up."""
    try:
        return BeautifulSoup(markup, "lxml")
    except Exception:  # lxml raises several types on hostile input; any of them means "try the other"
        return BeautifulSoup(markup, "html.parser")


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
