"""What an HTML page's markup itself shows of its story, the least trusted of the HTML front end's
sources (`parse_html`): the <h1>, dek, section label, "N min read", the publication <time>, byline
links and author boxes (`html_bylines`), the hero <figure>, the body's <p>s and the teasers
(`html_teasers`). Each heuristic looks in the story's element first (`html_scope`), outside the
regions that are never the story. Pure: no Django, no I/O."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from itertools import islice

from bs4 import BeautifulSoup, Tag

from .html_bylines import author_boxes, byline_authors
from .html_figure import figure_image
from .html_merge import merge_authors
from .html_scope import MAX_CANDIDATES, Page, read_page, words
from .html_teasers import teasers
from .html_tree import class_hint, iter_elements, outermost, tag_text
from .html_values import checked_date
from .parsed import ParsedArticle, ParsedImage

# Inside the body container, these hold captions, bylines and deks rather than paragraphs.
_PARAGRAPH_NOISE = re.compile(rf"author|byline|caption|credit|meta|{words('dek|standfirst')}", re.I)
_PARAGRAPH_NOISE_TAGS = frozenset({"figure", "aside", "nav", "header", "footer", "form"})
_BODY = re.compile(r"(?:article|story|post|entry)[-_]*(?:body|content|text)", re.I)
_DEK = re.compile(words(r"dek|standfirst|subtitle|subhead\w*|summary|excerpt"), re.I)
_SECTION = re.compile(words(r"section|kicker|category|eyebrow|rubric"), re.I)
_SECTION_HREF = re.compile(r"/(?:sections?|categor(?:y|ies))/", re.I)
_PUBLISHED, _UPDATED = re.compile("publish", re.I), re.compile("updat|modif", re.I)
_READ_TIME = re.compile(r"\b(\d{1,3})\s*(?:min|mins|minutes?)\.?\s+read\b", re.I)


def structure_article(soup: BeautifulSoup, warnings: list[str]) -> ParsedArticle:
    """What the markup itself shows: <article>/<h1>/<figure>/<time>/byline links/asides."""
    page = read_page(soup)
    return ParsedArticle(
        layout="",
        title=_first_text(page, lambda tag: tag.name == "h1"),
        summary=_first_text(page, _is_dek),
        section=_first_text(page, _is_section_label),
        read_minutes=_read_minutes(page),
        published=_published(page, warnings),
        authors=merge_authors([byline_authors(page), author_boxes(page)]),
        hero_image=_hero_image(page),
        paragraphs=_paragraphs(page),
        teasers=teasers(page),
    )


def _first_text(page: Page, wanted: Callable[[Tag], bool]) -> str:
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


def _read_minutes(page: Page) -> int | None:
    for string in page.scope.find_all(string=_READ_TIME):
        match = _READ_TIME.search(string)
        # A short text node: "2 min read" as page furniture, not a sentence of the story.
        if match and len(string) < 60 and id(string.parent) not in page.noise:
            return int(match.group(1))
    return None


def _published(page: Page, warnings: list[str]) -> date | datetime | None:
    """The first date of `_date_candidates` the page writes so that it can be read."""
    for tag in islice(_date_candidates(page), MAX_CANDIDATES):
        value = tag.get("content") or tag.get("datetime")
        if isinstance(value, str) and (parsed := checked_date(value, warnings)) is not None:
            return parsed
    return None


def _date_candidates(page: Page) -> list[Tag]:
    """itemprop=datePublished, else a <time> marked as the publication, else one not marked "updated"."""
    marked = [t for t in page.elements if t.get("itemprop") == "datePublished" and id(t) not in page.noise]
    return [*marked, *_times_by_preference(page)]


def _times_by_preference(page: Page) -> list[Tag]:
    """The story's <time>s marked as the publication, then those not marked "updated"."""
    times = [t for t in iter_elements(page.scope) if t.name == "time" and id(t) not in page.noise]
    preferred = [t for t in times if t.has_attr("pubdate") or _PUBLISHED.search(class_hint(t))]
    others = [t for t in times if not _UPDATED.search(class_hint(t))]
    return [*preferred, *others]


def _hero_image(page: Page) -> ParsedImage | None:
    """The first <figure> of the story (else the page) that shows a picture, not a quote or a table."""
    for elements in (iter_elements(page.scope), page.elements):
        figures = (tag for tag in elements if tag.name == "figure" and id(tag) not in page.noise)
        for figure in islice(figures, MAX_CANDIDATES):
            image = None if figure.find(["blockquote", "table", "pre", "code"]) else figure_image(figure)
            if image is not None:
                return image
    return None


def _paragraphs(page: Page) -> list[str]:
    """<p>s of the body container(s) (several when ads split it, else the whole story), minus noise."""
    containers = outermost(page.scope, lambda tag: _is_body_container(tag) and id(tag) not in page.noise)
    texts = [
        text for container in containers or [page.scope] for text in _container_paragraphs(page, container)
    ]
    return [text for text in texts if text]


def _container_paragraphs(page: Page, container: Tag) -> list[str]:
    texts: list[str] = []
    skip: set[int] = set()
    for tag in iter_elements(container):
        if id(tag.parent) in skip or id(tag) in page.noise or _is_paragraph_noise(tag):
            skip.add(id(tag))
        elif tag.name == "p":
            skip.add(id(tag))  # a <p> nested in a <p> (html.parser keeps them) is part of it
            texts.append(tag_text(tag))
    return texts


def _is_body_container(tag: Tag) -> bool:
    return tag.get("itemprop") == "articleBody" or bool(_BODY.search(class_hint(tag)))


def _is_paragraph_noise(tag: Tag) -> bool:
    return tag.name in _PARAGRAPH_NOISE_TAGS or bool(_PARAGRAPH_NOISE.search(class_hint(tag)))
