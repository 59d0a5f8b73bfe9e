"""The body of an HTML page's story, as blocks: the element the page marks as its body (schema.org's
`itemprop="articleBody"`) read as it stands, else the page's main text (`main_text`, trafilatura)
kept to what lies in the story's <article> and without the story's furniture (headline, dek,
section label, byline, caption, dateline) that an extractor often takes along.
Pure: no Django, no I/O."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from .html_tree import tag_text
from .main_text import main_text_blocks
from .parsed import Block, ParsedArticle

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
_SPACES = re.compile(r"\s+")
# A block that only dates the story or says how long it reads ("Date unknown", "3 min read",
# "Updated March 3, 2025", "March 3, 2025 · 4 min read").
_DATELINE = re.compile(
    r"(?:(?:published|updated)(?: on)?:?\s*)?"
    r"(?:date unknown|[a-z]+\.? \d{1,2},? \d{4}(?:,? \d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)?)?"
    r"(?:\s*[·|-]?\s*\d{1,3} min(?:ute)?s? read)?"
)


def body_blocks(soup: BeautifulSoup, html: str, article: ParsedArticle) -> list[Block]:
    """The story's body: the main text of the element the page marks as its body (schema.org's
    `itemprop="articleBody"`), when it does; else the page's main text, kept to what lies in the
    <article> holding the <h1> when there is one, without the headline, dek, byline or caption."""
    if (marked := soup.find(attrs={"itemprop": "articleBody"})) is not None:
        return _marked_blocks(marked)
    blocks = main_text_blocks(html)
    h1 = soup.find("h1")
    story = h1.find_parent("article") if h1 is not None else None
    return _without_furniture(_within(story, blocks), article, h1.get_text() if h1 is not None else "")


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


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()
