"""Parse a news page saved as plain text into a `ParsedArticle`. Pure: no Django, no I/O.

Two layouts of the same site are recognised by their head (the lines that open the article):

* ``text/standard`` — section, title, ``N min read``, then the hero image's alt text (the title again)
  and its caption line. When the read-time line is missing the title is found by its repeat.
* ``text/byline`` — section, title, then one line ``by NAME[ and NAME] Month D, YYYY H:MM AM N min read``
  (date, time and read time each optional), then the hero image as above.

After the head come the body paragraphs, teaser blocks (closed by the "Article image" alt text), the
author boxes (opened by "Avatar") and the site's trailing blocks, which never reach the body. A field
that cannot be found stays empty with a human-readable warning; nothing is invented, and no input
makes the parser raise.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date, datetime

from articles.importer import text_blocks as tb
from articles.importer import text_body as tbody
from articles.importer import text_chrome as tc
from articles.importer import text_head as th
from articles.importer import text_unanchored as tu
from articles.importer.parsed import ParsedArticle, ParsedAuthor, ParsedImage

LAYOUT_STANDARD = "text/standard"
LAYOUT_BYLINE = "text/byline"
LAYOUT_DATELINE = "text/dateline"
LAYOUT_UNKNOWN = "unknown"
INTERNAL_ERROR = "internal parser error"
NO_ANCHOR = "page layout not recognised: no read-time line, byline or repeated title"
SCORED = "no head anchor: title and body found by scoring the page's lines"

# A real article is tens of kilobytes: past this the input is not an article page, and capping it
# keeps every later step (all linear) well under a second.
MAX_CHARS = 1_000_000
# Likewise a real page has a few hundred lines; line soup past this is not read.
MAX_LINES = 10_000
# The head (section, title, read time or byline) sits at the top, after at most a banner's worth of lines.
HEAD_LINES = 120
# Anchor regexes only run on short lines, so even the lazy byline match stays cheap.
MAX_ANCHOR_LEN = 300
MAX_TITLE_LEN = th.MAX_TITLE_LEN
_MONTH_INITIALS = frozenset("JFMASOND")


@dataclass(frozen=True)
class _Head:
    layout: str
    anchor: int  # the read-time, byline or date line; the title itself when only its repeat was found
    title_at: int | None
    read_minutes: int | None = None
    byline: re.Match[str] | None = None
    dated: re.Match[str] | None = None  # the date line that opens a 2022 or opinion head


def decode_page(data: bytes) -> str:
    """Bytes of a saved page → text: BOM-aware UTF-8, else cp1252, else latin-1; LF line ends, no NULs."""
    try:
        text = _decode(bytes(data))
    except Exception:  # noqa: BLE001 — decoding is the importer's first step and must never raise
        text = bytes(data).decode("latin-1")
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        # A page cut off mid-character is still UTF-8: drop the partial character rather than
        # turn every curly quote on the page into cp1252 mojibake.
        if error.reason == "unexpected end of data":
            return data[: error.start].decode("utf-8", errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # maps every byte: cannot fail


def parse_article_page(text: str) -> ParsedArticle:
    """Read one plain-text article page. Never raises: any surprise becomes a warning."""
    try:
        return _parse(text)
    except Exception as error:  # noqa: BLE001 — a bad page must never stop an import run
        return ParsedArticle(layout=LAYOUT_UNKNOWN, warnings=[f"{INTERNAL_ERROR}: {type(error).__name__}"])


def _parse(text: str) -> ParsedArticle:
    warnings: list[str] = []
    if len(text) > MAX_CHARS:
        warnings.append(f"input is {len(text)} characters; only the first {MAX_CHARS} were read")
        text = text[:MAX_CHARS]
    lines = [line.strip() for line in tb.clean_page_text(text).split("\n", MAX_LINES)]
    if len(lines) > MAX_LINES:
        warnings.append(f"input has more than {MAX_LINES} lines; only the first {MAX_LINES} were read")
        lines = lines[:MAX_LINES]
    head = _find_head(lines)
    article = None if head is None else _read_anchored(lines, head, list(warnings))
    # An anchor can mislead (a date line in a sidebar); a page holding an article must still
    # come out with its title or body, so an empty result falls back to scoring the lines.
    if article is None or (not article.title and not article.paragraphs):
        article = _read_unanchored(lines, list(warnings)) or article
    if article is None:
        return ParsedArticle(layout=LAYOUT_UNKNOWN, warnings=[*warnings, NO_ANCHOR, "no title found"])
    return article


def _read_anchored(lines: list[str], head: _Head, warnings: list[str]) -> ParsedArticle:
    article = ParsedArticle(layout=head.layout, warnings=warnings)
    _read_head(article, lines, head)
    body_start = _read_hero(article, lines, head)
    tbody.read_main(article, lines, body_start, has_byline=article.layout == LAYOUT_BYLINE)
    return article


def _read_unanchored(lines: list[str], warnings: list[str]) -> ParsedArticle | None:
    """The page without a head anchor: body = the longest run of sentences, title = the headline above."""
    found = tu.find_unanchored(lines)
    if found is None:
        return None
    article = ParsedArticle(layout=LAYOUT_UNKNOWN, warnings=[*warnings, NO_ANCHOR, SCORED])
    if found.title_at is None:
        article.warnings.append("no title found")
    else:
        article.title = lines[found.title_at]
        article.section = _section_before(lines, found.title_at)
    if found.date_at is not None and (match := th.DATE_LINE.fullmatch(lines[found.date_at])):
        article.published = th.date_from_match(match, article.warnings)
    if article.published is None:
        article.warnings.append("no publication date")
    article.hero_image = found.hero
    tbody.read_main(article, lines, found.body_start, has_byline=False)
    return article


# --- the head ---------------------------------------------------------------------------------------


def _find_head(lines: list[str]) -> _Head | None:
    """The first line near the top that is a read-time line, a byline, a date line under a title, or a
    title followed by its repeat."""
    limit = min(len(lines), HEAD_LINES)
    for i in range(limit):
        if lines[i] and len(lines[i]) <= MAX_ANCHOR_LEN and (head := _head_at(lines, i, limit)):
            return head
    return None


def _head_at(lines: list[str], at: int, limit: int) -> _Head | None:
    line = lines[at]
    if read_time := th.READ_TIME_LINE.fullmatch(line):
        return _Head(LAYOUT_STANDARD, at, _title_before(lines, at), int(read_time["minutes"]))
    # Cheap gates before the regexes: a byline says "by", a date line starts with a month.
    if ("by" in line or "By" in line) and (byline := th.match_byline(line)):
        minutes, anchor = _read_time_of(byline, lines, at)
        return _Head(LAYOUT_BYLINE, anchor, _title_before(lines, at), minutes, byline)
    # A date is a weak anchor (sidebars print dates too): only taken under a headline.
    if line[0] in _MONTH_INITIALS and (dated := th.match_date_anchor(line)):
        title_at = _title_before(lines, at)
        if title_at is not None and th.looks_like_headline(lines[title_at]):
            minutes, anchor = _read_time_of(dated, lines, at)
            return _Head(LAYOUT_DATELINE, anchor, title_at, minutes, dated=dated)
    if _repeated_below(lines, at, limit):
        return _Head(LAYOUT_STANDARD, at, at)
    return None


def _read_time_of(match: re.Match[str], lines: list[str], at: int) -> tuple[int | None, int]:
    """(read minutes, anchor): from the matched line, or from a read-time line right under it."""
    if match["minutes"]:
        return int(match["minutes"]), at
    below = lines[at + 1] if at + 1 < len(lines) else ""
    if len(below) <= 50 and (own := th.READ_TIME_LINE.fullmatch(below)):
        return int(own["minutes"]), at + 1
    return None, at


def _repeated_below(lines: list[str], at: int, limit: int) -> bool:
    """The line is repeated right below it: a title over its hero image's alt text (a name printed
    twice is an author card, not a title)."""
    below = tb.next_nonblank(lines, at + 1, limit)
    # Cheap length check first: fold() is linear and a line may be a megabyte long.
    if below is None or abs(len(lines[below]) - len(lines[at])) > 10 or tb.is_chrome(lines[at]):
        return False
    if tb.fold(lines[at]) != tb.fold(lines[below]):
        return False
    return not th.is_name_line(lines[at]) and not lines[at][0].islower()


def _previous_nonblank(lines: list[str], index: int) -> int | None:
    for i in range(index - 1, max(index - HEAD_LINES, 0) - 1, -1):
        if lines[i]:
            return i
    return None


def _title_before(lines: list[str], anchor: int) -> int | None:
    at = _previous_nonblank(lines, anchor)
    # The 2022 layout prints its date line between the title and the read time.
    if at is not None and len(lines[at]) <= MAX_ANCHOR_LEN and th.DATE_LINE.fullmatch(lines[at]):
        at = _previous_nonblank(lines, at)
    if at is None or tb.is_chrome(lines[at]) or len(lines[at]) > MAX_TITLE_LEN or th.is_date_line(lines[at]):
        return None
    return at


def _read_head(article: ParsedArticle, lines: list[str], head: _Head) -> None:
    if head.title_at is None:
        article.warnings.append("no title found")
    else:
        article.title = lines[head.title_at]
        article.section = _section_before(lines, head.title_at)
    if not article.section:
        article.warnings.append("no section line found")
    article.read_minutes = head.read_minutes
    if head.read_minutes is None:
        article.warnings.append("no read time")
    if head.byline is not None:
        article.authors = [
            ParsedAuthor(name=name, is_organization=th.is_organization_name(name))
            for name in th.split_names(head.byline["names"])
        ]
    dated = head.byline if head.byline is not None and head.byline["month"] else head.dated
    if dated is not None:
        article.published = th.date_from_match(dated, article.warnings)
    else:
        article.published = _date_in_head(lines, head, article.warnings)
    if article.published is None:
        article.warnings.append("no publication date")


def _section_before(lines: list[str], title_at: int) -> str:
    """The section named right above the title (the first tag of a tag line), or "" for chrome,
    dates and anything too long or sentence-like to be a section name."""
    at = _previous_nonblank(lines, title_at)
    # The editor's bar ("Edit post") is injected between the section line and the title.
    while at is not None and tc.is_editor_bar(lines[at]):
        at = _previous_nonblank(lines, at)
    return "" if at is None else th.section_from_line(lines[at])


def _date_in_head(lines: list[str], head: _Head, warnings: list[str]) -> date | datetime | None:
    """A standalone date line between the title and the hero image, if the page prints one."""
    start = head.title_at if head.title_at is not None else head.anchor
    for i in range(start, min(head.anchor + 2, len(lines))):
        if len(lines[i]) <= MAX_ANCHOR_LEN and (match := th.DATE_LINE.fullmatch(lines[i])):
            return th.date_from_match(match, warnings)
    return None


# --- the hero image ---------------------------------------------------------------------------------


def _read_hero(article: ParsedArticle, lines: list[str], head: _Head) -> int:
    """Fill the hero image from the lines right under the head; return where the body starts.

    The hero is the alt text (normally the title again) and, on the next line, the caption. It is
    only taken when it follows the head without a blank line or repeats the title, so a page
    without a hero image keeps its first paragraph. The 2022 layout glues the alt text to the
    caption ("TITLECaption (credit)"); the opinion layout puts the author's card above it.
    """
    start = _read_head_card(article, lines, head.anchor + 1)
    first = tb.next_nonblank(lines, start)
    title = article.title
    line = lines[first] if first is not None else ""
    repeats_title = bool(title) and tb.fold(line) == tb.fold(title)
    if first is not None and (glued := _glued_hero(line, title)) is not None:
        return _set_hero(article, glued, first + 1)
    found = None
    if first is not None and (first == start or repeats_title):
        found = _hero_in_run(lines, first, repeats_title)
    if found is None:
        article.warnings.append("no hero image")
        return start
    return _set_hero(article, *found)


def _glued_hero(line: str, title: str) -> ParsedImage | None:
    """The 2022 layout's "TITLECaption (credit)": the alt text (the title) glued to the caption."""
    if not title or len(line) <= len(title) + 1 or not line.startswith(title):
        return None
    caption, credit = tb.split_caption(line[len(title) :].strip())
    return ParsedImage(alt=title, caption=caption, credit=credit)


def _hero_in_run(lines: list[str], first: int, repeats_title: bool) -> tuple[ParsedImage, int] | None:
    """The hero in the run of lines opening at `first`, and where the body starts under it."""
    kept = [i for i in range(first, _run_end(lines, first)) if not tb.is_chrome(lines[i])]
    image, used = _hero_from_run([lines[i] for i in kept], repeats_title)
    return None if image is None else (image, kept[used - 1] + 1)


def _run_end(lines: list[str], start: int) -> int:
    end = start
    while end < len(lines) and lines[end] and not (tb.is_avatar(lines[end]) or tb.is_end_marker(lines[end])):
        end += 1
    return end


def _set_hero(article: ParsedArticle, image: ParsedImage, body_start: int) -> int:
    article.hero_image = image
    if image.caption and not image.credit:
        article.warnings.append("hero caption has no photo credit")
    return body_start


def _hero_from_run(run: list[str], repeats_title: bool) -> tuple[ParsedImage | None, int]:
    """(image, how many of the run's lines it used): alt text and caption, or a credited caption."""
    if not run:
        return None, 0
    if len(run) == 1 or not (repeats_title or tb.split_caption(run[1])[1]):
        caption, credit = tb.split_caption(run[0])
        if repeats_title:
            return ParsedImage(alt=run[0]), 1
        # A credited caption right under a byline (no alt text); lines glued under it are story text.
        return (ParsedImage(caption=caption, credit=credit), 1) if credit else (None, 0)
    caption, credit = tb.split_caption(run[1])
    return ParsedImage(alt=run[0], caption=caption, credit=credit), 2


def _read_head_card(article: ParsedArticle, lines: list[str], at: int) -> int:
    """The opinion layout's author card right under the head (name twice, then the role)."""
    if at + 1 >= len(lines) or tb.fold(lines[at + 1]) != tb.fold(lines[at]) or not th.is_name_line(lines[at]):
        return at
    author, end = tb.read_author_card(lines, at, lines[at], max_texts=1)
    article.authors = tbody.merge_authors(article.authors, [author])
    return end
