"""Finding the article on a saved text page that has no head anchor (no read time, byline or date).

Some pages lose their head (a podcast episode whose title sits in an image, a page saved mid-load).
The article is still there, so it is found by scoring lines, not by anchors: the body is the longest
run of sentence-like lines (banners, notices and blank lines inside it are skipped, sidebar time
stamps, trailing-block headings and headlines end it), and the title is the nearest headline-like line
above the body that is not chrome, a date, a caption or a person's name. A credited caption between
the two is the hero. One linear pass over the page and a bounded look upwards. Pure: no Django, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from articles.importer import text_blocks as tb
from articles.importer import text_chrome as tc
from articles.importer import text_head as th
from articles.importer.parsed import ParsedImage

# A body holds at least one real sentence; "hello world." does not make a page an article.
MIN_SENTENCE_WORDS = 8
# The title sits just above the body, past at most a hero caption and a few banners.
LOOK_ABOVE = 30


@dataclass(frozen=True)
class Unanchored:
    body_start: int
    title_at: int | None
    hero: ParsedImage | None
    date_at: int | None


def find_unanchored(lines: list[str]) -> Unanchored | None:
    """Where the body, title, hero and date of an anchorless page are, or None when no body is found."""
    body_start = _longest_story_run(lines)
    if body_start is None:
        return None
    title_at, hero, date_at = _look_above(lines, body_start)
    return Unanchored(body_start, title_at, hero, date_at)


def _is_story(line: str) -> bool:
    words = len(line.split())
    if tb.is_caption(line) or line[0].islower():
        return False
    return (tc.ends_sentence(line) and words >= 2) or words >= 15


def _holds_sentence(line: str) -> bool:
    """A whole sentence of some length: the line ends one, or (a cut-off line) holds one inside."""
    if len(line.split()) < MIN_SENTENCE_WORDS:
        return False
    return tc.ends_sentence(line) or ". " in line


def _breaks_run(line: str) -> bool:
    return tc.is_end_marker(line) or tc.is_time_line(line) or tc.is_avatar(line)


def _passed_over(line: str) -> bool:
    return not line or (tc.is_chrome(line) and not _breaks_run(line))


def _longest_story_run(lines: list[str]) -> int | None:
    """The first line of the longest (in characters) run of story lines holding a full sentence."""
    best_start, best_size = None, 0
    start, size, has_sentence = None, 0, False
    for i, line in enumerate(lines):
        if _passed_over(line):
            continue  # blank lines, banners and notices inside a story do not end it
        if _breaks_run(line) or not _is_story(line):
            start, size, has_sentence = None, 0, False
            continue
        start = i if start is None else start
        size += len(line)
        has_sentence = has_sentence or _holds_sentence(line)
        if has_sentence and size > best_size:
            best_start, best_size = start, size
    return best_start


def _skipped_above(line: str) -> bool:
    """Blank lines and chrome between the title and the body (an end marker is not skipped)."""
    return not line or (tc.is_chrome(line) and not tc.is_end_marker(line))


def _look_above(lines: list[str], body_start: int) -> tuple[int | None, ParsedImage | None, int | None]:
    """(title line, hero image, date line) found walking up from the body, stopping at a headline."""
    hero: ParsedImage | None = None
    date_at: int | None = None
    for i in range(body_start - 1, max(body_start - LOOK_ABOVE, 0) - 1, -1):
        line = lines[i]
        if _skipped_above(line):
            continue
        if hero is None and tb.is_caption(line):
            caption, credit = tb.split_caption(line)
            hero = ParsedImage(caption=caption, credit=credit)
        elif date_at is None and len(line) <= 120 and th.DATE_LINE.fullmatch(line):
            date_at = i
        elif th.looks_like_headline(line):
            return i, hero, date_at
        else:
            break
    return None, hero, date_at
