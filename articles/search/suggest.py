"""Spelling suggestions ("Did you mean …?") from the archive's own vocabulary, for a search that
found nothing (no pg_trgm in the embedded server: candidates of similar length come from a small
word table, distances are computed in Python), and the refresh of that table after imports."""

from __future__ import annotations

from django.db import connection, connections, transaction

from articles.search.query import ParsedQuery, edit_distance
from articles.search.vocabulary import REFRESH_VOCABULARY


def suggest(parsed: ParsedQuery, using: str = "default") -> str:
    """A respelled query from the archive's own words, or "" when every word is known/unfixable."""
    wanted = _respellable_words(parsed)
    if not wanted:
        return ""
    replacements = _replacements(wanted, _vocabulary_near(wanted, using))
    if not replacements:
        return ""
    return " ".join(replacements.get(token.value.lower(), token.raw) for token in parsed.tokens)


def _respellable_words(parsed: ParsedQuery) -> set[str]:
    """The query's plain words (letters only, 3-30 of them), lowercased: the ones respelled."""
    words = [token.value for token in parsed.tokens if token.kind == "term" and token.value.isalpha()]
    return {word.lower() for word in words if 3 <= len(word) <= 30}


def _replacements(wanted: set[str], vocabulary: dict[str, int]) -> dict[str, str]:
    """Each wanted word the archive does not know, with its closest known word (if any is close)."""
    closest = {word: _closest(word, vocabulary) for word in wanted if word not in vocabulary}
    return {word: best for word, best in closest.items() if best}


def _vocabulary_near(words: set[str], using: str) -> dict[str, int]:
    """Vocabulary words within two letters of the wanted lengths, sharing a first letter."""
    lengths = [len(word) for word in words]
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM articles_search_vocabulary WHERE word = ANY(%(words)s) OR ("
            "length(word) BETWEEN %(shortest)s AND %(longest)s AND left(word, 1) = ANY(%(initials)s))",
            {
                "words": list(words),
                "shortest": min(lengths) - 2,
                "longest": max(lengths) + 2,
                "initials": sorted({word[0] for word in words}),
            },
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
