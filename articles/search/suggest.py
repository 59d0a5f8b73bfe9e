"""Spelling suggestions ("Did you mean …?") from the archive's own vocabulary, for a search that
found nothing, and the refresh of the tables they read after imports.

A look-up, not a scan (issue 28): SymSpell's symmetric deletes in a table with a B-tree
(`articles_search_spelling`, built with the vocabulary by `articles/search/vocabulary.py`). A word
within `limit` edits of a known word shares one of its deletion variants, so the misspelled words'
own variants, sought with `= ANY(…)` in one indexed statement, return every candidate (a few dozen);
the true edit distance then keeps the close ones. A table rather than symspellpy's dictionary in
each process: its index is built once per refresh for every worker, costs them no memory, and is
current for all of them when the refresh commits (bench/RESULTS.md, "Did you mean").

The rules are today's, not SymSpell's defaults: a word of up to 4 letters may be 1 edit away, a
longer one 2; the suggestion shares the word's first letter (SymSpell's would not: kept because
first letters are the least often mistyped, and dropping the rule mostly adds wrong guesses for
short words, "bat" for an unknown "cat"); the closest wins, then the one in most stories, then the
first in alphabetical order."""

from __future__ import annotations

from django.db import connection, connections, transaction

from articles.search.query import ParsedQuery, edit_distance
from articles.search.vocabulary import REFRESH_SPELLING, REFRESH_VOCABULARY

# Respelled words: letters only, as many as the vocabulary keeps (3-30).
SHORTEST, LONGEST = 3, 30

CANDIDATES = """
SELECT s.variant, v.word, v.ndoc
FROM articles_search_spelling AS s JOIN articles_search_vocabulary AS v ON v.word = s.word
WHERE s.variant = ANY(%(variants)s)
"""


def suggest(parsed: ParsedQuery, using: str = "default") -> str:
    """A respelled query from the archive's own words, or "" when every word is known/unfixable."""
    wanted = respellable_words(parsed)
    if not wanted:
        return ""
    near = candidates(wanted, using)
    found = {word: closest(word, near[word]) for word in wanted if word not in near[word]}
    replacements = {word: best for word, best in found.items() if best}
    if not replacements:
        return ""
    return " ".join(replacements.get(token.value.lower(), token.raw) for token in parsed.tokens)


def edit_limit(word: str) -> int:
    """How many edits away a word's respelling may be: 1 for short words, else 2."""
    return 1 if len(word) <= 4 else 2


def deletion_variants(word: str, deletions: int) -> set[str]:
    """The word and every string it becomes with up to `deletions` letters deleted (the SQL in
    `REFRESH_SPELLING` makes the vocabulary's the same way)."""
    variants = {word}
    for _ in range(deletions):
        variants |= {variant[:at] + variant[at + 1 :] for variant in variants for at in range(len(variant))}
    return variants


def candidates(words: set[str], using: str = "default") -> dict[str, dict[str, int]]:
    """For each word, the vocabulary words (with their story counts) sharing one of its deletion
    variants: every known word within its edit limit, itself if known, and a few more. One
    statement for all the words; each is then compared with its own candidates only."""
    variants = {word: deletion_variants(word, edit_limit(word)) for word in words}
    with connections[using].cursor() as cursor:
        cursor.execute(CANDIDATES, {"variants": sorted(set().union(*variants.values()))})
        rows = cursor.fetchall()
    by_variant: dict[str, dict[str, int]] = {}
    for variant, known, ndoc in rows:
        by_variant.setdefault(variant, {})[known] = ndoc
    return {
        word: {
            known: ndoc for variant in own & by_variant.keys() for known, ndoc in by_variant[variant].items()
        }
        for word, own in variants.items()
    }


def closest(word: str, vocabulary: dict[str, int]) -> str:
    """The known word to suggest for `word` among `vocabulary` (word → stories), or ""."""
    limit = edit_limit(word)
    scored = [
        (distance, -ndoc, candidate)
        for candidate, ndoc in vocabulary.items()
        if candidate[0] == word[0] and (distance := edit_distance(word, candidate, limit)) <= limit
    ]
    return min(scored)[2] if scored else ""


def respellable_words(parsed: ParsedQuery) -> set[str]:
    """The query's plain words (letters only, 3-30 of them), lowercased: the ones respelled."""
    words = [token.value for token in parsed.tokens if token.kind == "term" and token.value.isalpha()]
    return {word.lower() for word in words if SHORTEST <= len(word) <= LONGEST}


def refresh_vocabulary() -> None:
    """Rebuild the suggester's word list and its deletion variants, in one transaction (after
    imports; `manage.py refresh_search_vocabulary`)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(REFRESH_VOCABULARY)
        cursor.execute(REFRESH_SPELLING)
