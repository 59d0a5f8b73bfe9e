"""Search's helpers for the page shown: highlighted snippets with a link to the matching paragraph,
and spelling suggestions from the archive's own vocabulary (no pg_trgm in the embedded server:
candidates of similar length come from a small word table, distances are computed in Python)."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from django.db import connection, connections, transaction
from django.utils.safestring import SafeString, mark_safe

from articles.search_query import ParsedQuery, edit_distance
from articles.search_vocabulary_sql import REFRESH_VOCABULARY

CONFIG = "english"
# Private-use characters mark highlights inside ts_headline's output, which is escaped as plain
# text before they become <mark> tags: body text can never inject HTML. Stripped from the input.
START_SEL, STOP_SEL = "\ue000", "\ue001"
_MARKED_RUN = re.compile(f"{START_SEL}([^{STOP_SEL}]*){STOP_SEL}([^\n{START_SEL}]*)")


# ts_headline's options (the page statement in articles/search.py calls it in SQL): the markers
# above, about a sentence or two, and up to two fragments around the matches.
HEADLINE_OPTIONS = (
    f"StartSel='{START_SEL}', StopSel='{STOP_SEL}', MaxWords=35, MinWords=15, MaxFragments=2, "
    "FragmentDelimiter=' … '"
)


def render_snippet(raw_snippet: str) -> SafeString:
    """Escape the headline as text, then turn the sentinels into <mark> tags. (Bodies are HTML:
    ts_headline leaves their entities, `&amp;`, which are text once more first.)"""
    snippet = html.escape(html.unescape(raw_snippet or ""))
    snippet = snippet.replace(START_SEL, "<mark>").replace(STOP_SEL, "</mark>")
    # An unbalanced marker can only come from a cut fragment; close it rather than leak a tag.
    if snippet.count("<mark>") > snippet.count("</mark>"):
        snippet += "</mark>"
    return mark_safe(snippet)  # noqa: S308 - escaped above; only our own <mark> tags remain


def text_fragment(raw_snippet: str) -> str:
    """A `#:~:text=` link to the first highlighted words, so the browser scrolls to that paragraph."""
    match = _MARKED_RUN.search(html.unescape(raw_snippet or ""))
    if not match:
        return ""
    following = match.group(2).replace(STOP_SEL, "").split()[:4]
    words = " ".join([match.group(1).strip(), *following]).strip(" .,;:…")
    # Text fragments treat "-", "&" and "," as syntax: percent-encode everything.
    return "#:~:text=" + quote(words, safe="") if words else ""


def suggest(parsed: ParsedQuery, using: str = "default") -> str:
    """A respelled query from the archive's own words, or "" when every word is known/unfixable."""
    words = [token for token in parsed.tokens if token.kind == "term" and token.value.isalpha()]
    wanted = {token.value.lower() for token in words if 3 <= len(token.value) <= 30}
    if not wanted:
        return ""
    vocabulary = _vocabulary_near(wanted, using)
    replacements = {word: _closest(word, vocabulary) for word in wanted if word not in vocabulary}
    replacements = {word: best for word, best in replacements.items() if best}
    if not replacements:
        return ""
    return " ".join(replacements.get(token.value.lower(), token.raw) for token in parsed.tokens)


def _vocabulary_near(words: set[str], using: str) -> dict[str, int]:
    """Vocabulary words within two letters of the wanted lengths, sharing a first letter."""
    lengths = [len(word) for word in words]
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM articles_search_vocabulary WHERE word = ANY(%s) OR ("
            "length(word) BETWEEN %s AND %s AND left(word, 1) = ANY(%s))",
            [list(words), min(lengths) - 2, max(lengths) + 2, sorted({word[0] for word in words})],
        )
        return dict(cursor.fetchall())


def _closest(word: str, vocabulary: dict[str, int]) -> str:
    limit = 1 if len(word) <= 4 else 2
    scored = [
        (distance, -ndoc, candidate)
        for candidate, ndoc in vocabulary.items()
        if candidate[0] == word[0] and (distance := edit_distance(word, candidate, limit)) <= limit
    ]
    return min(scored)[2] if scored else ""


def refresh_vocabulary() -> None:
    """Rebuild the suggester's word list (after imports; `manage.py refresh_search_vocabulary`)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(REFRESH_VOCABULARY)
