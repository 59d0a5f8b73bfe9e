"""The head of a saved text page: the short lines around the title (date, byline, read time, section).

Every form the site has printed is matched here, as one full-line regex each, run only on short lines:

* ``3 min read``                                            (2023– layout, under the title)
* ``by A and B March 4, 2025 10:05 PM 6 min read``          (byline; date, time and read time optional)
* ``by NAMEOctober 17, 2022 9:27 am``                        (2022 WordPress layout: name and date glued)
* ``October 17, 2022 9:27 pmby A and B``                     (the same, date first)
* ``June 20, 2022 10:10 PM`` / ``November 11, 2022 10:05 AM 3 min read``  (date line; opinion head)

plus the name, section and headline shapes the parser scores lines by. Pure: no Django, no I/O.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from articles.importer import text_chrome as tc

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
READ_TIME_LINE = re.compile(_READ_TIME, re.IGNORECASE)
# A date line between the title and the hero (may say Published / Updated).
DATE_LINE = re.compile(rf"(?:(?:Published|Updated)(?:\s+on)?:?\s+)?{_DATE}")
# A date line that opens the article head: the 2022 layout's date-and-time line, or the opinion
# layout's "date time N min read" (no "by": the author's card follows it).
DATE_ANCHOR = re.compile(rf"{_DATE}(?:\s+{_READ_TIME})?")
# The 2022 layout glues the date straight onto the name ("by NAMEOctober 17, 2022"), hence \s*.
_BYLINE = re.compile(rf"[Bb]y\s+(?P<names>\S.*?)(?:\s*{_DATE})?(?:\s+{_READ_TIME})?\s*")
_DATE_BYLINE = re.compile(rf"{_DATE}\s*[Bb]y\s+(?P<names>\S.*?)(?:\s+{_READ_TIME})?\s*")
_UPDATED_SUFFIX = re.compile(r"\s*\((?:last\s+)?updated:?[^()]*\)\s*$", re.IGNORECASE)
AUTHORS_FOOTER = re.compile(r"Authors?:\s*(?P<names>\S.*)")
_NAME_SEPARATORS = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
# Words that may stay lower-case in a byline name ("The Kyiv Independent news desk", "Ursula von der Leyen").
NAME_PARTICLES = frozenset({
    "and", "of", "the", "news", "desk", "staff", "team", "editorial", "newsroom", "bureau", "de", "da",
    "del", "della", "di", "do", "dos", "du", "van", "von", "der", "den", "la", "le", "al", "el", "bin",
    "ibn", "y", "e", "investigations",
})  # fmt: skip
# An author is an organisation when the name says so; see `is_organization_name`.
_ORGANIZATION_WORDS = re.compile(
    r"\b(?:desk|staff|editorial|editors|newsroom|bureau|team)\b|^the\s", re.IGNORECASE
)
# A tag line: "News Feed, Ukraine, Odesa, Civilian casualties" — short capitalised labels.
_TAG = re.compile(r"[A-Z0-9][\w'’&\- ]{0,40}")
MAX_SECTION_LEN = 60
MAX_TITLE_LEN = 500


def anchor_text(line: str) -> str:
    """The line as anchors are matched: a trailing "(Updated: …)" note dropped."""
    return _UPDATED_SUFFIX.sub("", line) if "pdated" in line else line


def match_byline(line: str) -> re.Match[str] | None:
    """A byline in any of the site's forms whose names all look like names, else None."""
    line = anchor_text(line)
    match = _BYLINE.fullmatch(line) or _DATE_BYLINE.fullmatch(line)
    if match is None or len(match["names"]) > 150:
        return None
    names = split_names(match["names"])
    return match if names and all(looks_like_name(name) for name in names) else None


def match_date_anchor(line: str) -> re.Match[str] | None:
    return DATE_ANCHOR.fullmatch(anchor_text(line))


def split_names(names: str) -> list[str]:
    return [name.strip() for name in _NAME_SEPARATORS.split(names) if name.strip()]


def looks_like_name(name: str) -> bool:
    # Keeps sentences that happen to start with "By" ("By Monday the troops had left.") out.
    words = name.split()
    if len(words) > 8 or tc.ends_sentence(name.removesuffix(" Jr.").removesuffix(" Sr.")):
        return False
    return all(
        word.casefold() in NAME_PARTICLES or (word[0].isalpha() and not word[0].islower()) for word in words
    )


def is_name_line(line: str) -> bool:
    """A line that is only a person's or a desk's name (an author card), never a headline."""
    words = line.split()
    return (
        2 <= len(words) <= 6
        and len(line) <= 60
        and not any(char.isdigit() or char in ':;!?"“”' for char in line)
        and looks_like_name(line)
        and not tc.is_chrome(line)
    )


def is_organization_name(name: str) -> bool:
    """The documented rule: a byline is an organisation when its name contains desk / staff /
    editorial / editors / newsroom / bureau / team, or starts with "The". A missing role line is
    NOT used: the same author must get the same flag whether or not a page prints their box."""
    return _ORGANIZATION_WORDS.search(name) is not None


def authors_footer_names(line: str) -> list[str]:
    """The names of an "Author: NAME" / "Authors: A, B" line (2022 layout, after the body), else []."""
    if len(line) > 300 or not line.startswith("Author"):
        return []
    match = AUTHORS_FOOTER.fullmatch(line)
    names = split_names(match["names"]) if match else []
    return names if names and all(looks_like_name(name) for name in names) else []


def is_date_line(line: str) -> bool:
    return len(line) <= 120 and (DATE_LINE.fullmatch(line) is not None or tc.is_weekday_header(line))


def section_from_line(line: str) -> str:
    """The section a line above the title names: the line itself, the first tag of a tag line, or ""."""
    if not line or len(line) > 300 or is_date_line(line) or tc.is_time_line(line):
        return ""
    if _is_chrome_not_section(line):
        return ""
    tags = [tag.strip() for tag in line.split(",")]
    if len(tags) > 1:
        return _first_tag(tags)
    return line if _looks_like_section_name(line) else ""


def _first_tag(tags: list[str]) -> str:
    """The first tag of a tag line, when every tag is shaped like one (a short capitalised label)."""
    shaped = all(_TAG.fullmatch(tag) and len(tag.split()) <= 4 for tag in tags)
    return tags[0] if shaped and not _is_chrome_not_section(tags[0]) else ""


def _looks_like_section_name(line: str) -> bool:
    """Short, capitalised, of a few words, and no sentence."""
    if len(line) > MAX_SECTION_LEN or len(line.split()) > 5 or tc.ends_sentence(line):
        return False
    return line[0].isupper()


def _is_chrome_not_section(line: str) -> bool:
    return tc.is_chrome(line) and tc.short_key(line) not in tc.SECTION_MARKERS


def looks_like_headline(line: str) -> bool:
    """A title candidate when no anchor names the title: a short, non-chrome, non-date line that is
    not a sentence ending in a full stop, not a caption, and not a name (an author card)."""
    # Cheapest tests first: this runs on every candidate line of a page.
    if not _has_headline_shape(line):
        return False
    if line.endswith(")") and tc.ends_sentence(line[: line.rfind("(")]):
        return False  # "… on May 8, 2023. (Photo …)": a caption
    if tc.is_chrome(line) or is_name_line(line) or is_date_line(line):
        return False
    return not (("by" in line or "By" in line) and match_byline(line))


def _has_headline_shape(line: str) -> bool:
    """Opens like a headline, of 2 to 40 words, not too long, and no sentence closed by a full stop."""
    if (
        len(line) > MAX_TITLE_LEN
        or not line
        or not (line[0].isupper() or line[0].isdigit() or line[0] in "\"'“‘«")
    ):
        return False
    # A full stop ends a sentence, also inside closing quotes ("… 'frank and substantive.’").
    return 2 <= len(line.split()) <= 40 and not line.rstrip("\"'”’»)]").endswith(".")


def date_from_match(match: re.Match[str], warnings: list[str]) -> date | datetime | None:
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
