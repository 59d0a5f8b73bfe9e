"""A <figure>'s picture for the HTML front end: alt text and address from its <img> (or this
archive's picture-less placeholder), caption and photo credit from its <figcaption>.
Pure: no Django, no I/O."""

from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from .html_tree import ancestry, class_hint, clean, tag_text
from .html_values import split_credit
from .parsed import ParsedImage

_PLACEHOLDER = re.compile("placeholder", re.I)


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
