"""The "did you mean" look-up (articles/search/suggest.py, the variants' SQL in
articles/search/vocabulary.py) against a plain reference: the closest word of the whole vocabulary
by a full edit-distance table, under the suggester's rules (1 edit for words of up to 4 letters,
2 for longer ones, the same first letter, then most stories, then alphabetical)."""

import random
from itertools import combinations

import pytest
from django.db import connection

from articles.models import Article
from articles.search.query import parse_query
from articles.search.suggest import CANDIDATES, deletion_variants, edit_limit, refresh_vocabulary, suggest
from articles.search.vocabulary import REFRESH_SPELLING
from tests.factories import ArticleFactory


def levenshtein(a: str, b: str) -> int:
    """The whole table, no early exit: the reference, written apart from the code under test."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def reference(word: str, vocabulary: dict[str, int]) -> str:
    """What one unknown word should be respelled to ("" for a known word or none close enough)."""
    if word in vocabulary:
        return ""
    limit = 1 if len(word) <= 4 else 2
    ranked = sorted(
        (levenshtein(word, known), -ndoc, known) for known, ndoc in vocabulary.items() if known[0] == word[0]
    )
    return ranked[0][2] if ranked and ranked[0][0] <= limit else ""


def reference_variants(word: str) -> set[str]:
    depth = 1 if len(word) <= 4 else 2
    positions = range(len(word))
    return {
        "".join(letter for at, letter in enumerate(word) if at not in gone)
        for count in range(depth + 1)
        for gone in combinations(positions, count)
    }


def know(vocabulary: dict[str, int]) -> None:
    """This vocabulary instead of the archive's, with its variants built by the refresh's SQL."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_search_vocabulary")
        cursor.execute(
            "INSERT INTO articles_search_vocabulary (word, ndoc) "
            "SELECT unnest(%s::text[]), unnest(%s::int[])",
            [list(vocabulary), list(vocabulary.values())],
        )
        cursor.execute(REFRESH_SPELLING)


def made_up(rng: random.Random, count: int, alphabet: str = "abcdef") -> dict[str, int]:
    """Words from a small alphabet (many near neighbours, many ties) with few distinct counts."""
    words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(3, 9))) for _ in range(count)}
    return {word: rng.randint(1, 3) for word in sorted(words)}


def mistype(word: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        at, letter = rng.randrange(len(word) + 1), rng.choice("abcdefg")
        word = rng.choice(
            (word[:at] + word[at + 1 :], word[:at] + letter + word[at:], word[:at] + letter + word[at + 1 :])
        )
    return word


@pytest.mark.parametrize("word", ["cat", "letter", "aaaa", "aaaaa", "kremlin", "b" * 30])
def test_a_word_s_variants_are_every_deletion_within_its_limit(word):
    assert deletion_variants(word, edit_limit(word)) == reference_variants(word)


def test_the_lookup_answers_as_the_whole_vocabulary_does(db):
    rng = random.Random(28)
    vocabulary = made_up(rng, 800)
    know(vocabulary)
    words = list(vocabulary)
    wanted = [mistype(rng.choice(words), rng) for _ in range(600)] + rng.sample(words, 50)
    wanted = [word for word in wanted if len(word) >= 3]
    answers = {word: suggest(parse_query(word)) for word in wanted}
    assert answers == {word: reference(word, vocabulary) for word in wanted}
    # The sample must exercise what it claims: respellings at both limits, and misses.
    assert sum(1 for word, best in answers.items() if best and len(word) <= 4) > 20
    assert sum(1 for word, best in answers.items() if best and levenshtein(word, best) == 2) > 20
    assert sum(1 for word in wanted if not answers[word] and word not in vocabulary) > 20


def test_the_closest_word_wins_then_the_one_in_most_stories_then_the_first_alphabetically(db):
    know({"harvest": 1, "hardest": 50, "cart": 5, "card": 5, "care": 9, "cord": 5})
    assert suggest(parse_query("harvst")) == "harvest"  # 1 edit beats 2 edits in 50 stories
    assert suggest(parse_query("carx")) == "care"  # 1 edit each: most stories
    know({"cart": 5, "card": 5})
    assert suggest(parse_query("carx")) == "card"  # 1 edit, 5 stories each: alphabetical


def test_short_words_are_respelled_one_edit_away_at_most(db):
    know({"cat": 3, "coat": 2, "coats": 5})
    assert suggest(parse_query("cot")) == "cat"  # 1 edit from both: most stories
    assert suggest(parse_query("cta")) == ""  # 2 edits (a swap): too far for 3 letters
    assert suggest(parse_query("caots")) == "coats"  # 5 letters: 2 edits allowed (as "cat" is)
    assert suggest(parse_query("ct")) == ""  # under 3 letters: not respelled


def test_the_first_letter_is_kept(db):
    know({"kremlin": 10})
    assert suggest(parse_query("kremlni")) == "kremlin"
    assert suggest(parse_query("rkemlin")) == ""  # a swap with the first letter: 2 edits, not offered
    assert suggest(parse_query("xremlin")) == ""  # 1 edit, but the first letter
    assert reference("xremlin", {"kremlin": 10}) == ""


def test_known_words_stay_and_unknown_ones_are_respelled_in_place(db):
    know({"kremlin": 3, "talks": 2, "geneva": 1})
    assert suggest(parse_query("kremlin")) == ""
    assert suggest(parse_query("Kremlin tlaks in genvea")) == "Kremlin talks in geneva"
    assert suggest(parse_query("qzxvbnwplk")) == ""  # near nothing


def test_a_suggestion_is_one_statement_for_all_its_words(db, django_assert_num_queries):
    know({"kremlin": 3, "talks": 2, "geneva": 1})
    with django_assert_num_queries(1):
        assert suggest(parse_query("kremlni tlaks genvea")) == "kremlin talks geneva"


HOSTILE = [
    "a" * 31,  # longer than any known word: not respelled
    "b" * 30 + " " + "c" * 30,  # the longest respelled, 466 variants each
    "москва кремль",
    "東京都 北京",
    "kremlín ǅungla ﬁnance",
    "🙂🙂🙂 kr🙂emlin",
    "ἀθῆναι  كرملين  קרמלין",
    " ".join(["zzq"] * 120),
    "k" * 10_000,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_words_never_fail(db, client, text):
    know({"kremlin": 3, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb": 1})
    assert isinstance(suggest(parse_query(text)), str)
    assert client.get("/search/", {"q": text}).status_code == 200


def test_the_look_up_uses_the_variants_index(db):
    rng = random.Random(5)
    know(made_up(rng, 3_000, "abcdefghijklmnopqrstuvwxyz"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_search_spelling")
        cursor.execute("ANALYZE articles_search_vocabulary")
        variants = sorted(deletion_variants("kremlni", edit_limit("kremlni")))
        cursor.execute("EXPLAIN " + CANDIDATES, {"variants": variants})
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "articles_search_spelling_pkey" in plan, plan
    assert "Seq Scan on articles_search_spelling" not in plan, plan


def test_the_refresh_keeps_each_word_s_variants_as_the_vocabulary_changes(db):
    def stored() -> tuple[set[tuple[str, str]], set[str]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT variant, word FROM articles_search_spelling")
            rows = set(cursor.fetchall())
            cursor.execute("SELECT word FROM articles_search_vocabulary")
            return rows, {word for (word,) in cursor.fetchall()}

    ArticleFactory(title="Kremlin talks", summary="Harvest festival")
    gone = ArticleFactory(title="Cormorant sighting", summary="Birds")
    refresh_vocabulary()
    rows, words = stored()
    assert "cormorant" in words and rows == {(v, w) for w in words for v in reference_variants(w)}
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.DRAFT)
    ArticleFactory(title="Pelican sighting", summary="Birds again")
    refresh_vocabulary()
    rows, words = stored()
    assert "cormorant" not in words and {"pelican", "kremlin"} <= words
    assert rows == {(v, w) for w in words for v in reference_variants(w)}
    assert suggest(parse_query("pelcian")) == "pelican" and suggest(parse_query("cormorat")) == ""
