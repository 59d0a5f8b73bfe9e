""" "Cite this story": the story's reference in APA, MLA and Chicago styles, BibTeX and Wikipedia's
{{cite news}}, and the `citation_*` meta tags that reference managers read (Google Scholar, Zotero).

Pure functions over plain values (`Work`): the page builds one `Work` a request (`story_citation`),
each name split and each date formatted once, and every style reads it. Dates are the site's time
zone's; an unknown publication date is "n.d." (never invented), and the access date is today.

The styles, for a story on a news site (the author-date and bibliography forms):
- APA 7: `Last, F. M., & Last, F. (2025, March 19). Title. Site. URL`; an undated page adds its
  retrieval date ("Retrieved March 5, 2026, from URL"), as APA asks of undated pages that change;
- MLA 9: `Last, First, and First Last. "Title." Site, 19 Mar. 2025, URL. Accessed 5 Mar. 2026.`;
- Chicago 17 (bibliography): `Last, First, and First Last. "Title." Site, March 19, 2025.
  Accessed March 5, 2026. URL.`
An organization's byline is written as it is, never inverted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import lru_cache
from types import SimpleNamespace
from typing import NamedTuple, Protocol

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from articles.rows import StoryPage
from newsroom.links import absolute_urls, story_url
from newsroom.request_scope import current_timezone

NO_DATE = "n.d."
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# MLA's abbreviations (MLA Handbook 9, appendix 1): the short months are written out.
MLA_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
APA_MAX_LISTED = 20  # APA 7: up to 20 authors; beyond, the first 19, an ellipsis and the last
CHICAGO_MAX_LISTED = 3  # more: the first author "et al."
BIBTEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
# Characters that would end or split a template parameter in wikitext.
WIKI_ESCAPES = str.maketrans({"|": "{{!}}", "{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;"})


class Byline(Protocol):
    """An author as the story's row has them (`rows.Contributor`)."""

    name: str
    is_organization: bool


@dataclass(frozen=True, slots=True)
class Name:
    """A person's name split once: given names and family name. An organization has `last` only."""

    first: str
    last: str
    organization: bool = False

    @property
    def inverted(self) -> str:
        """ "Last, First" (MLA, Chicago, Google Scholar); an organization or a single name as is."""
        return f"{self.last}, {self.first}" if self.first else self.last

    @property
    def natural(self) -> str:
        return f"{self.first} {self.last}" if self.first else self.last


@dataclass(slots=True)
class Work:
    """What every style reads: the story, its authors and the dates, each in one form."""

    title: str
    authors: tuple[Name, ...]
    site: str
    url: str
    published: date | None
    accessed: date


class Style(NamedTuple):
    """A tuple, which the template unpacks (cheaper than four attribute lookups in Jinja2)."""

    key: str
    label: str
    text: str
    preformatted: bool = False


@dataclass(frozen=True, slots=True)
class Citation:
    """The page's "Cite this story" block and its head's meta tags."""

    styles: tuple[Style, ...]
    meta: tuple[tuple[str, str], ...]


def split_name(name: str, *, organization: bool = False) -> Name:
    """ "Mary Jane Smith" is Mary Jane, Smith: the family name is the last word."""
    name = " ".join(name.split())
    if organization or " " not in name:
        return Name("", name, organization)
    first, last = name.rsplit(" ", 1)
    return Name(first, last)


def names(authors: Iterable[Byline]) -> tuple[Name, ...]:
    return tuple(split_name(a.name, organization=a.is_organization) for a in authors if a.name.strip())


def initials(first: str) -> str:
    """APA's initials: "Mary Jane" is "M. J.", "Jean-Luc" is "J.-L."."""
    return " ".join("-".join(f"{part[0]}." for part in word.split("-") if part) for word in first.split())


def sentence(text: str) -> str:
    """`text` ending with a full stop, unless it ends with its own punctuation."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def quoted(title: str) -> str:
    """MLA's and Chicago's quoted title, the full stop inside the quotes: "Title." """
    return f"\u201c{sentence(title)}\u201d"


def series(items: Sequence[str], conjunction: str) -> str:
    """ "A", "A and B", "A, B, and C" (MLA and Chicago); APA passes "&"."""
    if len(items) < 3:
        return f" {conjunction} ".join(items)
    return f"{', '.join(items[:-1])}, {conjunction} {items[-1]}"


def long_date(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def mla_date(day: date) -> str:
    return f"{day.day} {MLA_MONTHS[day.month - 1]} {day.year}"


# --- APA --------------------------------------------------------------------------------------


def apa_name(name: Name) -> str:
    if name.organization or not name.first:
        return name.last
    return f"{name.last}, {initials(name.first)}"


def apa_authors(authors: Sequence[Name]) -> str:
    listed = [apa_name(name) for name in authors]
    if len(listed) > APA_MAX_LISTED:
        return f"{', '.join(listed[: APA_MAX_LISTED - 1])}, . . . {listed[-1]}"
    if len(listed) == 2:
        return f"{listed[0]}, & {listed[1]}"
    return series(listed, "&")


def apa(work: Work) -> str:
    day = work.published
    when = f"({day.year}, {MONTHS[day.month - 1]} {day.day})" if day else f"({NO_DATE})"
    where = work.url if day else f"Retrieved {long_date(work.accessed)}, from {work.url}"
    if not work.authors:  # the title takes the author's place
        return f"{sentence(work.title)} {when}. {sentence(work.site)} {where}"
    return (
        f"{sentence(apa_authors(work.authors))} {when}. {sentence(work.title)} {sentence(work.site)} {where}"
    )


# --- MLA and Chicago --------------------------------------------------------------------------


def listed_authors(authors: Sequence[Name], most: int) -> str:
    """The first author inverted, the others not: "Last, First, and First Last"; beyond `most`,
    the first "et al." (the comma after an inverted name stays before "and")."""
    first = authors[0].inverted
    if len(authors) > most:
        return f"{first}, et al."
    if len(authors) == 2 and authors[0].first:
        return f"{first}, and {authors[1].natural}"
    return series([first, *(name.natural for name in authors[1:])], "and")


def mla_authors(authors: Sequence[Name]) -> str:
    return listed_authors(authors, 2)


def chicago_authors(authors: Sequence[Name]) -> str:
    return listed_authors(authors, CHICAGO_MAX_LISTED)


def mla(work: Work) -> str:
    when = mla_date(work.published) if work.published else NO_DATE
    text = f"{quoted(work.title)} {work.site}, {when}, {work.url}. Accessed {mla_date(work.accessed)}."
    return f"{sentence(mla_authors(work.authors))} {text}" if work.authors else text


def chicago(work: Work) -> str:
    when = sentence(f"{work.site}, {long_date(work.published) if work.published else NO_DATE}")
    text = f"{quoted(work.title)} {when} Accessed {long_date(work.accessed)}. {work.url}."
    return f"{sentence(chicago_authors(work.authors))} {text}" if work.authors else text


# --- BibTeX -----------------------------------------------------------------------------------


def bibtex_escape(text: str) -> str:
    return text.translate(BIBTEX_ESCAPES)


def ascii_word(text: str) -> str:
    """The first word of `text` in lowercase ASCII letters and digits ("" when none is left)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    return words[0] if words else ""


def bibtex_key(work: Work) -> str:
    """Stable: the first author's family name (or the site's), the year or "nd", the title's first word."""
    who = ascii_word(work.authors[0].last) if work.authors else ascii_word(work.site)
    year = str(work.published.year) if work.published else "nd"
    return f"{who or 'story'}{year}{ascii_word(work.title)}"


def bibtex_author(name: Name) -> str:
    """BibTeX's "Last, First"; an organization in braces, so that it is never split into names."""
    return f"{{{bibtex_escape(name.last)}}}" if name.organization else bibtex_escape(name.inverted)


def bibtex(work: Work) -> str:
    fields = []
    if work.authors:
        fields.append(("author", " and ".join(bibtex_author(name) for name in work.authors)))
    fields += [("title", f"{{{bibtex_escape(work.title)}}}"), ("publisher", bibtex_escape(work.site))]
    if work.published:
        fields += [("year", str(work.published.year)), ("month", str(work.published.month))]
        fields.append(("date", work.published.isoformat()))
    else:
        fields.append(("note", NO_DATE))
    fields += [("url", work.url), ("urldate", work.accessed.isoformat())]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(work)},\n{body}\n}}"


# --- Wikipedia --------------------------------------------------------------------------------


def wiki_author(number: int, name: Name) -> str:
    if name.organization or not name.first:
        return f"|author{number}={name.last.translate(WIKI_ESCAPES)}"
    last, first = name.last.translate(WIKI_ESCAPES), name.first.translate(WIKI_ESCAPES)
    return f"|last{number}={last} |first{number}={first}"


def cite_news(work: Work) -> str:
    """Wikipedia's {{cite news}}, its dates in ISO form ("n.d." when unknown, which it accepts)."""
    parts = ["{{cite news", *(wiki_author(n, name) for n, name in enumerate(work.authors, start=1))]
    parts += [
        f"|title={work.title.translate(WIKI_ESCAPES)}",
        f"|work={work.site.translate(WIKI_ESCAPES)}",
        f"|date={work.published.isoformat() if work.published else NO_DATE}",
        f"|url={work.url}",
        f"|access-date={work.accessed.isoformat()}}}}}",
    ]
    return " ".join(parts)


# --- the page ---------------------------------------------------------------------------------


def meta_tags(work: Work) -> tuple[tuple[str, str], ...]:
    """Google Scholar's `citation_*` tags (read by Zotero and Mendeley too): authors "Last, First",
    the date only when known, as YYYY/MM/DD."""
    tags = [("citation_title", work.title)]
    tags += [("citation_author", name.inverted) for name in work.authors]
    if work.published:
        tags.append(("citation_publication_date", work.published.strftime("%Y/%m/%d")))
    tags += [("citation_publisher", work.site), ("citation_fulltext_html_url", work.url)]
    return tuple(tags)


def cite(work: Work) -> Citation:
    styles = (
        Style("apa", "APA", apa(work)),
        Style("mla", "MLA", mla(work)),
        Style("chicago", "Chicago", chicago(work)),
        Style("bibtex", "BibTeX", bibtex(work), preformatted=True),
        Style("wikipedia", "Wikipedia", cite_news(work), preformatted=True),
    )
    return Citation(styles, meta_tags(work))


def local_date(value: datetime | None, zone: tzinfo) -> date | None:
    """The day of `value` in the site's (the request's) time zone."""
    if value is None:
        return None
    return value.astimezone(zone).date() if timezone.is_aware(value) else value.date()


@lru_cache(maxsize=512)
def _citation(
    title: str,
    bylines: tuple[tuple[str, bool], ...],
    url: str,
    published: datetime | None,
    zone: tzinfo,
    today: date,
    site: str,
) -> Citation:
    authors = names(SimpleNamespace(name=name, is_organization=org) for name, org in bylines)
    return cite(Work(" ".join(title.split()), authors, site, url, local_date(published, zone), today))


def story_citation(request: HttpRequest, story: StoryPage) -> Citation:
    """The story's citation, at its address on this site, accessed today (a Jinja2 global: the
    article page calls it once, outside its blocks, and both blocks read it). Kept by its values:
    a page rendered again (the archive moved, the page cache let it go) costs a lookup."""
    zone = current_timezone()
    bylines = tuple((author.name, author.is_organization) for author in story.authors)
    url = absolute_urls(request)(story_url(story.slug))
    today = timezone.now().astimezone(zone).date()
    return _citation(story.title, bylines, url, story.published_at, zone, today, settings.SITE_NAME)
