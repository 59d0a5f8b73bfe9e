"""Parse a saved HTML article page — any news site's, or this archive's own — into a `ParsedArticle`.

Pure: no Django, no I/O. Three sources, merged field by field in order of trust: schema.org JSON-LD
(layout ``html/jsonld``), OpenGraph and <meta> tags (``html/meta`` when og:title gave the title), and
the document's structure (``html/structure``): the <article> (else <main>, <body>), its <h1>, dek,
byline links, <time datetime>, "N min read", hero <figure>, body <p>s and related-link asides. Body
paragraphs and teasers come from the structure (JSON-LD articleBody is the paragraphs' fallback).
A field no source gives stays empty with a warning; nothing is invented, nothing raises.

Each source has its module: `html_jsonld`, `html_meta` and `html_structure` (with `html_bylines`,
`html_teasers` and `html_figure`), merged by `html_merge`; the body's blocks are `html_body`'s.

Why not trafilatura (the well-kept main-text extractor): the pages we import are structured ones
(this archive's own, schema.org-marked news pages) and we need what it does not give — captions and
credits, teasers, author roles and bios — while its date extraction guesses from URLs and text,
which would break "never invent a date". If ops start importing arbitrary sites' HTML in bulk, it
earns a place as the paragraph fallback when no article-body container is found.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from .html_body import body_blocks
from .html_jsonld import jsonld_article
from .html_merge import merge_sources
from .html_meta import meta_article
from .html_structure import structure_article
from .html_tree import make_soup
from .parsed import Block, ParsedArticle

LAYOUT_JSONLD = "html/jsonld"
LAYOUT_META = "html/meta"
LAYOUT_STRUCTURE = "html/structure"
LAYOUT_UNKNOWN = "unknown"
INTERNAL_ERROR = "internal parser error"  # same wording as the text parser's

# Saved pages with inlined images reach megabytes; past this it is not an article page, and the cap
# keeps parsing time bounded.
MAX_CHARS = 5_000_000

# A page that opens with a tag of a document (not only <html>: saved pages often start with a
# <style>, a <meta> or the body's first <div>) is HTML; a text page opens with words.
_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|main|section|div|p|h[1-6]|style|meta|title|link|script"
    r"|table|ul|ol|header|nav|form)[\s>/]",
    re.I,
)
_LEADING_JUNK = re.compile(r"^(?:\s+|<!--.*?-->|<\?xml[^>]*\?>)+", re.S)


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
    article = merge_sources([source for source in (jsonld, meta, structure) if source is not None])
    article.layout = _layout(jsonld, meta, structure)
    # The body: trafilatura's main text with its blocks; else the markup's <p>s; else JSON-LD's
    # articleBody (articles/importer/main_text.py says why).
    article.blocks = body_blocks(soup, html, article)
    if not article.blocks:
        fallback = structure.paragraphs or (jsonld.paragraphs if jsonld else [])
        article.blocks = [Block("p", text) for text in fallback]
    article.paragraphs = [block.text for block in article.blocks]
    article.warnings = list(dict.fromkeys(warnings + _missing(article)))  # each distinct warning once
    return article


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
