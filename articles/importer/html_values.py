"""The values an HTML page writes as text, read the same way wherever they stand (JSON-LD, <meta>
tags, the markup): dates, bylines, photo credits, entities. Pure: no Django, no I/O."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

from .html_tree import clean

# The last parenthesised group, at the very end of a caption, is the photo credit.
_TRAILING_GROUP = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$", re.S)
# …unless it is a position marker such as "(L)" or "(R)", which belongs to the caption.
_POSITION_MARKER = re.compile(r"^(?:[lrc]|l-r|r-l|left|right|centre|center|top|bottom|front|back)$", re.I)
BY_PREFIX = re.compile(r"^by\s+", re.I)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.I)
# Only complete references ("&amp;", "&#8217;"): html.unescape would also turn "&copy" into "©".
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape(text: str) -> str:
    """Entities in JSON-LD strings: some CMSes HTML-escape them ("Trump &amp; Putin")."""
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)


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


def checked_date(value: str, warnings: list[str]) -> date | datetime | None:
    """parse_date, with a warning when the page gave a date this cannot read (it is never guessed)."""
    parsed = parse_date(value)
    if parsed is None and clean(value):
        warnings.append(f"publication date not understood: {clean(value)[:40]!r}")
    return parsed


def split_credit(caption: str) -> tuple[str, str]:
    """Caption text to (caption, credit): the credit is the trailing parenthesised group, if any."""
    text = clean(caption)
    match = _TRAILING_GROUP.match(text)
    if not match or not clean(match.group(2)) or _POSITION_MARKER.match(clean(match.group(2))):
        return text, ""
    return clean(match.group(1)), clean(match.group(2))


def author_names(value: str) -> list[str]:
    """A byline string ("By A, B and C") to names; a URL is not a name."""
    text = BY_PREFIX.sub("", clean(value))
    if not text or re.match(r"^(?:https?:)?//", text):
        return []
    return [name for name in (clean(part) for part in _NAME_SEPARATORS.split(text)) if name]
