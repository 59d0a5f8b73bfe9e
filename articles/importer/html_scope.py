"""Where the story stands on an HTML page, computed once for every structural heuristic
(`html_structure`, `html_bylines`, `html_teasers`): the page's elements in document order, the
regions that are never the story (teasers, share bars, newsletters, author boxes, ads), and the
story's own element. Asked once, these keep every heuristic linear. Pure: no Django, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from bs4 import BeautifulSoup, Tag

from .html_tree import ancestry, class_hint, iter_elements

HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
# A page offers a handful of bylines, figures, dates and teasers; looking at more than this many
# candidates only costs time on hostile markup (thousands of nested look-alikes).
MAX_CANDIDATES = 30


def words(words: str) -> str:
    """Whole words of a class/id ("ad" in "top-ad", not in "header")."""
    return rf"(?:^|[\s_-])(?:{words})(?:$|[\s_-])"


COMMENTS = words("comments?")  # a comments block, not "commentary"
AD = words(r"ads?|advert\w*|sponsor\w*")
AUTHOR_BOX = re.compile(r"author[-_]*(?:box|card|bio|info|profile)|about[-_]*(?:the[-_]*)?author", re.I)
TEASER = re.compile(r"related|teaser", re.I)
# Regions that are never the story itself: teasers, share bars, newsletters, author boxes, ads.
_REGION_NOISE = re.compile(
    rf"teaser|related|share|social|newsletter|subscribe|promo|cookie|{COMMENTS}|{AD}|{AUTHOR_BOX.pattern}",
    re.I,
)
_REGION_NOISE_TAGS = frozenset({"aside", "nav", "footer"})


@dataclass
class Page:
    """The parsed tree plus what every heuristic asks about it, computed once (keeps parsing linear)."""

    soup: BeautifulSoup
    elements: list[Tag]  # every element, in document order
    noise: set[int]  # ids of elements inside a region that is never the story
    scope: Tag  # the story's own element


def read_page(soup: BeautifulSoup) -> Page:
    elements = list(iter_elements(soup))
    scope = _scope(soup, elements)
    # The story and its wrappers are never noise, whatever their classes say ("has-related", "ad-free").
    protected = {id(tag) for tag in ancestry(scope)}
    noise: set[int] = set()
    for tag in elements:  # parents come before children, so one pass marks whole regions
        if id(tag) not in protected and (id(tag.parent) in noise or _is_region_noise(tag)):
            noise.add(id(tag))
    return Page(soup, elements, noise, scope)


def _is_region_noise(tag: Tag) -> bool:
    return tag.name in _REGION_NOISE_TAGS or bool(_REGION_NOISE.search(class_hint(tag)))


def _scope(soup: BeautifulSoup, elements: list[Tag]) -> Tag:
    """The <article> holding an <h1>, else the first <article> that is no teaser, <main>, <body>."""
    return _headed_article(elements) or _first_article(elements) or soup.find("main") or soup.body or soup


def _headed_article(elements: list[Tag]) -> Tag | None:
    h1s = islice((tag for tag in elements if tag.name == "h1"), MAX_CANDIDATES)
    return next((article for h1 in h1s if (article := h1.find_parent("article")) is not None), None)


def _first_article(elements: list[Tag]) -> Tag | None:
    articles = (tag for tag in elements if tag.name == "article" and not TEASER.search(class_hint(tag)))
    return next(articles, None)
