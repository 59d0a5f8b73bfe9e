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
from dataclasses import dataclass, replace
from datetime import date, datetime

from articles.importer import text_blocks as tb
from articles.importer.parsed import ParsedArticle, ParsedAuthor, ParsedImage

LAYOUT_STANDARD = "text/standard"
LAYOUT_BYLINE = "text/byline"
LAYOUT_UNKNOWN = "unknown"
INTERNAL_ERROR = "internal parser error"

# A real article is tens of kilobytes: past this the input is not an article page, and capping it
# keeps every later step (all linear) well under a second.
MAX_CHARS = 1_000_000
# Likewise a real page has a few hundred lines; line soup past this is not read.
MAX_LINES = 10_000
# The head (section, title, read time or byline) sits at the top, after at most a banner's worth of lines.
HEAD_LINES = 120
# Anchor regexes only run on short lines, so even the lazy byline match stays cheap.
MAX_ANCHOR_LEN = 300
MAX_TITLE_LEN = 500
MAX_SECTION_LEN = 60

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DATE = (
    rf"{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?)?)?"
)
_READ_TIME = r"(?P<minutes>\d{1,3})\s*(?:min|mins|minutes?)\.?\s+read"
_READ_TIME_LINE = re.compile(_READ_TIME, re.IGNORECASE)
_DATE_LINE = re.compile(rf"(?:(?:Published|Updated)(?:\s+on)?:?\s+)?{_DATE}")
_BYLINE = re.compile(rf"[Bb]y\s+(?P<names>\S.*?)(?:\s+{_DATE})?(?:\s+{_READ_TIME})?\s*")
_NAME_SEPARATORS = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*")


@dataclass(frozen=True)
class _Head:
    layout: str
    anchor: int  # the read-time or byline line; the title itself when only its repeat was found
    title_at: int | None
    read_minutes: int | None = None
    byline: re.Match[str] | None = None


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
    if head is None:
        warnings += [
            "page layout not recognised: no read-time line, byline or repeated title",
            "no title found",
        ]
        return ParsedArticle(layout=LAYOUT_UNKNOWN, warnings=warnings)
    article = ParsedArticle(layout=head.layout, warnings=warnings)
    _read_head(article, lines, head)
    body_start = _read_hero(article, lines, head)
    _read_main(article, lines, body_start)
    return article


# --- the head ---------------------------------------------------------------------------------------


def _find_head(lines: list[str]) -> _Head | None:
    """The first line near the top that is a read-time line, a byline, or a title followed by its repeat."""
    limit = min(len(lines), HEAD_LINES)
    for i in range(limit):
        line = lines[i]
        if not line or len(line) > MAX_ANCHOR_LEN:
            continue
        if read_time := _READ_TIME_LINE.fullmatch(line):
            return _Head(LAYOUT_STANDARD, i, _title_before(lines, i), int(read_time["minutes"]))
        if byline := _match_byline(line):
            return _byline_head(lines, i, byline)
        if _repeated_below(lines, i, limit):
            return _Head(LAYOUT_STANDARD, i, i)
    return None


def _repeated_below(lines: list[str], at: int, limit: int) -> bool:
    """The line is repeated right below it: a title over its hero image's alt text."""
    below = tb.next_nonblank(lines, at + 1, limit)
    # Cheap length check first: fold() is linear and a line may be a megabyte long.
    if below is None or abs(len(lines[below]) - len(lines[at])) > 10 or tb.is_chrome(lines[at]):
        return False
    return tb.fold(lines[at]) == tb.fold(lines[below])


def _byline_head(lines: list[str], at: int, byline: re.Match[str]) -> _Head:
    minutes = int(byline["minutes"]) if byline["minutes"] else None
    anchor = at
    # Tolerate the read time on its own line right under the byline.
    below = lines[at + 1] if at + 1 < len(lines) else ""
    if minutes is None and len(below) <= 50 and (own := _READ_TIME_LINE.fullmatch(below)):
        minutes, anchor = int(own["minutes"]), at + 1
    return _Head(LAYOUT_BYLINE, anchor, _title_before(lines, at), minutes, byline)


def _previous_nonblank(lines: list[str], index: int) -> int | None:
    for i in range(index - 1, max(index - HEAD_LINES, 0) - 1, -1):
        if lines[i]:
            return i
    return None


def _title_before(lines: list[str], anchor: int) -> int | None:
    at = _previous_nonblank(lines, anchor)
    if at is None or tb.is_chrome(lines[at]) or len(lines[at]) > MAX_TITLE_LEN:
        return None
    return at


def _match_byline(line: str) -> re.Match[str] | None:
    match = _BYLINE.fullmatch(line)
    if match is None or len(match["names"]) > 150:
        return None
    names = _split_names(match["names"])
    return match if names and all(_looks_like_name(name) for name in names) else None


def _split_names(names: str) -> list[str]:
    return [name.strip() for name in _NAME_SEPARATORS.split(names) if name.strip()]


def _looks_like_name(name: str) -> bool:
    # Keeps sentences that happen to start with "By" ("By Monday the troops had left.") out.
    words = name.split()
    if len(words) > 8 or tb.ends_sentence(name.removesuffix(" Jr.").removesuffix(" Sr.")):
        return False
    return all(
        word.casefold() in tb.NAME_PARTICLES or (word[0].isalpha() and not word[0].islower())
        for word in words
    )


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
            ParsedAuthor(name=name, is_organization=tb.is_organization_name(name))
            for name in _split_names(head.byline["names"])
        ]
        article.published = _date_from_match(head.byline, article.warnings)
    else:
        article.published = _date_in_head(lines, head, article.warnings)
    if article.published is None:
        article.warnings.append("no publication date")


def _section_before(lines: list[str], title_at: int) -> str:
    """The line right above the title, unless it is a banner or too long to be a section name."""
    at = _previous_nonblank(lines, title_at)
    if at is None or len(lines[at]) > MAX_SECTION_LEN:
        return ""
    line = lines[at]
    return "" if tb.is_chrome(line) and not tb.is_end_marker(line) else line


def _date_in_head(lines: list[str], head: _Head, warnings: list[str]) -> date | datetime | None:
    """A standalone date line between the title and the hero image, if the page prints one."""
    start = head.title_at if head.title_at is not None else head.anchor
    for i in range(start, min(head.anchor + 2, len(lines))):
        if len(lines[i]) <= MAX_ANCHOR_LEN and (match := _DATE_LINE.fullmatch(lines[i])):
            return _date_from_match(match, warnings)
    return None


def _date_from_match(match: re.Match[str], warnings: list[str]) -> date | datetime | None:
    """A naive datetime (as printed) when the time is given, else a date; None when absent or invalid."""
    if not match["month"]:
        return None
    try:
        day = date(int(match["year"]), _MONTHS[match["month"][:3].casefold()], int(match["day"]))
        if not match["hour"]:
            return day
        hour, minute = int(match["hour"]), int(match["minute"])
        if match["ampm"]:
            if not 1 <= hour <= 12:
                raise ValueError("hour out of range for a 12-hour clock")
            hour = hour % 12 + (12 if match["ampm"] in "Pp" else 0)
        return datetime(day.year, day.month, day.day, hour, minute)
    except ValueError:
        warnings.append(f"unreadable date: {_date_text(match)!r}")
        return None


def _date_text(match: re.Match[str]) -> str:
    """The date as printed, for the warning (a byline match also holds names and read time)."""
    end = max(match.end(group) for group in ("year", "minute", "ampm") if match[group])
    return match.string[match.start("month") : end]


# --- the hero image ---------------------------------------------------------------------------------


def _read_hero(article: ParsedArticle, lines: list[str], head: _Head) -> int:
    """Fill the hero image from the lines right under the head; return where the body starts.

    The hero is the alt text (normally the title again) and, on the next line, the caption. It is
    only taken when it follows the head without a blank line or repeats the title, so a page
    without a hero image keeps its first paragraph.
    """
    start = head.anchor + 1
    first = tb.next_nonblank(lines, start)
    repeats_title = (
        first is not None and bool(article.title) and tb.fold(lines[first]) == tb.fold(article.title)
    )
    if first is None or (first != start and not repeats_title):
        article.warnings.append("no hero image")
        return start
    end, run = first, []
    while end < len(lines) and lines[end] and not (tb.is_avatar(lines[end]) or tb.is_end_marker(lines[end])):
        if not tb.is_chrome(lines[end]):
            run.append(lines[end])
        end += 1
    image = _hero_from_run(run, repeats_title)
    if image is None:
        article.warnings.append("no hero image")
        return start
    article.hero_image = image
    if image.caption and not image.credit:
        article.warnings.append("hero caption has no photo credit")
    article.paragraphs.extend(run[2:])  # lines glued under the caption belong to the story
    return end


def _hero_from_run(run: list[str], repeats_title: bool) -> ParsedImage | None:
    if not run:
        return None
    if len(run) == 1:
        caption, credit = tb.split_caption(run[0])
        if repeats_title:
            return ParsedImage(alt=run[0])
        return ParsedImage(caption=caption, credit=credit) if credit else None
    caption, credit = tb.split_caption(run[1])
    if not repeats_title and not credit:
        return None  # two glued lines that neither repeat the title nor carry a credit: story text
    return ParsedImage(alt=run[0], caption=caption, credit=credit)


# --- body, teasers, author boxes ---------------------------------------------------------------------


def _read_main(article: ParsedArticle, lines: list[str], body_start: int) -> None:
    avatar_at = next((i for i in range(body_start, len(lines)) if tb.is_avatar(lines[i])), None)
    main_end = len(lines) if avatar_at is None else avatar_at
    body_end = next((i for i in range(body_start, main_end) if tb.is_end_marker(lines[i])), main_end)
    _read_body(article, tb.runs(lines, body_start, body_end), closed=body_end < len(lines))
    _read_aside(article, tb.runs(lines, body_end, main_end))
    saw_read_more = False
    if avatar_at is None:
        if article.layout != LAYOUT_BYLINE:
            article.warnings.append("no author block found")
    else:
        boxes, saw_read_more, box_warnings = tb.read_author_blocks(lines, avatar_at)
        article.warnings.extend(box_warnings)
        article.authors = _merge_authors(article.authors, boxes)
    if not article.authors and article.layout == LAYOUT_BYLINE:
        article.warnings.append("no author found")
    if not article.paragraphs:
        article.warnings.append("no body paragraphs found")
    closed = saw_read_more or any(tb.is_end_marker(line) for line in lines[body_start:])
    _mark_truncation(article, lines[body_start:], closed)


def _read_body(article: ParsedArticle, body_runs: list[list[str]], *, closed: bool) -> None:
    for index, run in enumerate(body_runs):
        closing = closed and index == len(body_runs) - 1
        teasers = tb.teasers_from_run(run, video=False, closing=closing)
        if teasers is None:
            article.paragraphs.extend(line for line in run if not tb.is_chrome(line))
        else:
            article.teasers.extend(teasers)


def _read_aside(article: ParsedArticle, aside_runs: list[list[str]]) -> None:
    """Blocks between the story's end marker and the author box: only teasers are kept from them."""
    video = False
    for run in aside_runs:
        markers = [line for line in run if tb.is_end_marker(line)]
        if markers:
            video = any(tb.is_video_heading(line) for line in markers)
        content = [line for line in run if not tb.is_end_marker(line)]
        article.teasers.extend(tb.teasers_from_run(content, video=video, closing=True) or [])


def _merge_authors(byline: list[ParsedAuthor], boxes: list[ParsedAuthor]) -> list[ParsedAuthor]:
    """Byline order first, each enriched by its author box; authors only boxed are appended."""
    by_name = {tb.fold(box.name): box for box in boxes}
    merged = [
        replace(by_name.pop(tb.fold(a.name)), name=a.name) if tb.fold(a.name) in by_name else a
        for a in byline
    ]
    return merged + list(by_name.values())


def _mark_truncation(article: ParsedArticle, tail: list[str], closed: bool) -> None:
    """A page is cut off when nothing closes it ("Read more", the site's trailing blocks) and its last
    text does not end a sentence, or when nothing at all follows the head."""
    if closed:
        return
    last = next((line for line in reversed(tail) if line and not tb.is_chrome(line)), "")
    if not last or not tb.ends_sentence(last):
        article.truncated = True
        article.warnings.append("page appears cut off: it ends mid-text with no closing block")
