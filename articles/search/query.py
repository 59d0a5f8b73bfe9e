"""The search box's query language, parsed without Django or a database (so it can be fuzzed).

`websearch_to_tsquery` syntax ("quoted phrase", -exclude, or) plus the operators `author:NAME`,
`section:NAME`, `after:YYYY-MM-DD` and `before:YYYY-MM-DD`; operator values may be quoted
(`author:"Abbey Fenbert"`). Every input parses: what cannot be understood becomes a message, never
an exception. Each part is kept as a token with its raw text, so the page can show one removable
chip per part and rebuild the query without it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

MAX_QUERY_LENGTH = 500
OPERATORS = ("author", "section", "after", "before")
TEXT_KINDS = frozenset({"term", "phrase", "exclude", "or"})

_TOKEN = re.compile(
    r"""
    (?P<op>(?i:author|section|after|before)):(?:"(?P<opq>[^"]*)"?|(?P<opv>[^\s"]+))
    | (?P<neg>-)?"(?P<phrase>[^"]*)"?
    | (?P<word>[^\s"]+)
    """,
    re.VERBOSE,
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Letters, digits and marks carry meaning; format characters (RTL overrides, zero-width joiners),
# controls and unassigned code points only confuse the parser and the page.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


@dataclass(frozen=True)
class Token:
    kind: str  # term | phrase | exclude | or | author | section | after | before
    value: str
    raw: str


@dataclass(frozen=True)
class Alternate:
    """Tokens start..stop-1 (a word, a quoted phrase, or a run of words) are a known term, and
    `forms` are the other terms of its group (`articles.search.synonyms`): the search matches
    any of them, like words joined by `or`."""

    start: int
    stop: int
    forms: tuple[str, ...]


@dataclass(frozen=True)
class ParsedQuery:
    tokens: tuple[Token, ...] = ()
    errors: tuple[str, ...] = ()
    after: date | None = None
    before: date | None = None
    author: str = ""
    section: str = ""
    alternates: tuple[Alternate, ...] = ()
    _text: str = field(default="", repr=False)

    @property
    def text(self) -> str:
        """The free-text part, in websearch_to_tsquery syntax."""
        return self._text

    @property
    def has_filters(self) -> bool:
        return bool(self.author or self.section or self.after or self.before)

    @property
    def is_plain(self) -> bool:
        """Only words: no operators, phrases or exclusions (candidate for the exact-title jump)."""
        return bool(self.tokens) and all(token.kind == "term" for token in self.tokens)

    @property
    def required_phrases(self) -> tuple[str, ...]:
        """The quoted phrases every match must hold: not excluded, not beside an `or` (which makes
        them one choice of several), not expanded to its alternate forms (the same), and of two or
        more plain words. Search narrows a phrase's
        candidates by its adjacent word pairs (`articles.search`); plain words are where the
        database's parser and the pairs surely agree."""
        expanded = {at for alternate in self.alternates for at in range(alternate.start, alternate.stop)}
        text = [(at, token) for at, token in enumerate(self.tokens) if token.kind in TEXT_KINDS]
        kinds = [token for _at, token in text]
        return tuple(
            token.value
            for position, (at, token) in enumerate(text)
            if _plain_phrase(token) and not _beside_or(kinds, position) and at not in expanded
        )

    def without(self, index: int) -> str:
        """The raw query with token `index` removed (a chip's "remove" link)."""
        return " ".join(token.raw for position, token in enumerate(self.tokens) if position != index)


def _plain_phrase(token: Token) -> bool:
    """A quoted phrase of two or more words of letters only."""
    return (
        token.kind == "phrase" and " " in token.value and all(word.isalpha() for word in token.value.split())
    )


def _beside_or(text: list[Token], at: int) -> bool:
    """Whether the text token at `at` is next to an `or`."""
    return any(0 <= near < len(text) and text[near].kind == "or" for near in (at - 1, at + 1))


def clean_text(raw: str) -> str:
    """Drop control/format characters and collapse whitespace; cap the length."""
    normalized = unicodedata.normalize("NFC", raw)
    kept = "".join(
        " " if char.isspace() else char
        for char in normalized
        if char.isspace() or unicodedata.category(char) not in _DROPPED_CATEGORIES
    )
    return " ".join(kept.split())[:MAX_QUERY_LENGTH]


def parse_query(raw: str) -> ParsedQuery:
    """Parse the search box's text into tokens, filters and messages."""
    tokens: list[Token] = []
    errors: list[str] = []
    filters: dict[str, object] = {}
    for match in _TOKEN.finditer(clean_text(raw)):
        token = _token_from_match(match)
        if token is None:
            continue
        if token.kind in OPERATORS:
            problem = _apply_operator(token, filters)
            if problem:
                errors.append(problem)
                continue
        tokens.append(token)
    text = " ".join(websearch_form(token) for token in tokens if token.kind in TEXT_KINDS)
    return ParsedQuery(tokens=tuple(tokens), errors=tuple(errors), _text=text, **filters)


def _token_from_match(match: re.Match[str]) -> Token | None:
    raw = match.group(0)
    if match.group("op"):
        value = match.group("opq") if match.group("opq") is not None else match.group("opv")
        value = " ".join(value.split())
        return Token(match.group("op").lower(), value, raw) if value else None
    if match.group("phrase") is not None:
        phrase = " ".join(match.group("phrase").split())
        if not phrase:
            return None
        return Token("exclude" if match.group("neg") else "phrase", phrase, raw)
    word = match.group("word")
    if word.lower() == "or":
        return Token("or", "or", raw)
    if word.startswith("-"):
        stripped = word.lstrip("-")
        return Token("exclude", stripped, raw) if stripped else None
    return Token("term", word, raw)


def _apply_operator(token: Token, filters: dict[str, object]) -> str:
    """Record an operator's value in `filters`; return a message when it cannot be used."""
    if token.kind in ("author", "section"):
        filters[token.kind] = token.value[:100]
        return ""
    parsed = parse_date(token.value)
    if parsed is None:
        return f"“{token.raw}” was ignored: dates look like {token.kind}:2024-05-31."
    filters[token.kind] = parsed
    return ""


def parse_date(value: str) -> date | None:
    """A YYYY-MM-DD date, or None for anything else (2025-13-45, 99999-01-01, …)."""
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def websearch_form(token: Token) -> str:
    """A text token as websearch_to_tsquery reads it."""
    # Quotes inside values were consumed by the tokenizer, so re-quoting cannot unbalance them.
    if token.kind == "phrase":
        return f'"{token.value}"'
    if token.kind == "exclude":
        return f'-"{token.value}"' if " " in token.value else f"-{token.value}"
    return token.value


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
