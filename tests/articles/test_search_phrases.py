"""Quoted phrases narrowed by their word pairs (`phrase_candidates`, `article_phrase_pairs_idx`):
the pairs only ever remove stories that cannot hold the phrase, so every search finds exactly what
the text match alone finds, on stories built to trip a position-based shortcut."""

import pytest
from django.contrib.postgres.search import SearchQuery

from articles.models import Article
from articles.search import limits
from articles.search.query import parse_query
from articles.search.results import run_search
from articles.search.sql import CONFIG, Search
from tests.factories import ArticleFactory
from tests.search_reference import matches

MANY = " ".join(["harvest"] * 300)  # a vector keeps 256 positions of a word; both sides agree


@pytest.mark.parametrize(
    ("raw", "required"),
    [
        ('"harvest never"', ("harvest never",)),
        ('drought "Harvest Never came" section:news', ("Harvest Never came",)),
        ('"harvest never" "came late"', ("harvest never", "came late")),
        ('"harvest never" -came', ("harvest never",)),
        ('"harvest never" or drought', ()),  # one choice of two: not required
        ('drought or "harvest never"', ()),
        ('-"harvest never"', ()),
        ('"harvest"', ()),  # one word: no pair
        ('"covid-19 cases"', ()),  # not plain words: left to the text match alone
        ('"harvest never', ("harvest never",)),  # unbalanced, as PostgreSQL reads it
    ],
)
def test_required_phrases(raw, required):
    assert parse_query(raw).required_phrases == required


@pytest.fixture
def tricky(db):
    texts = {
        "body": ("Report", "", "The harvest never came."),
        "title": ("Harvest never came", "", "Nothing."),
        "summary": ("Report", "A harvest never seen.", "Nothing."),
        # The title's last word beside the summary's first: the stored vector puts them side by
        # side, so the text match finds the phrase across the two (and so must the pairs).
        "across": ("Our harvest", "Never again, said the farmers.", "Nothing."),
        "stemmed": ("Report", "", "Harvests never come easily."),
        "apart": ("Report", "", "The harvest, they said, never came."),
        "stop-word": ("Report", "", "A harvest of never-ending rain."),
        "reversed": ("Report", "", "Never harvest green wheat."),
        "repeated": ("Report", "", "never harvest never harvest never harvest never"),
        "year": ("Report", "", "The harvest of the year was late."),
        "past-256": ("Report", "", f"{MANY} harvest never"),
        "three": ("Report", "", "The harvest never came late this year."),
    }
    for slug, (title, summary, body) in texts.items():
        ArticleFactory(slug=slug, title=title, summary=summary, body=body)


@pytest.mark.parametrize(
    "raw",
    [
        '"harvest never"',
        '"harvests never"',
        '"never harvest"',
        '"harvest never came"',
        '"never came late"',
        '"harvest of never"',
        '"harvest of the year"',  # no adjacent pair: the condition folds away
        '"harvest never" -late',
        'came "harvest never"',
        '"harvest never" "came late"',
        '"harvest never" or "green wheat"',
        '"our harvest never again"',
    ],
)
@pytest.mark.parametrize("limit", [2_000, 3])  # 3: "harvest never" has more candidates, no condition
def test_the_pairs_never_lose_a_match(tricky, raw, limit, monkeypatch):
    monkeypatch.setattr(limits, "PHRASE_CANDIDATES_LIMIT", limit)
    parsed = parse_query(raw)
    words = SearchQuery(parsed.text, search_type="websearch", config=CONFIG)
    alone = Article.objects.filter(search_vector=words)
    expected = set(alone.values_list("slug", flat=True))
    assert set(matches(Search(parsed)).values_list("slug", flat=True)) == expected
    assert {hit.article.slug for hit in run_search(Search(parsed), 1).hits} == expected
    if raw == '"harvest never"':  # the case the pairs are for, and the tricky ones
        assert expected == {"body", "title", "summary", "across", "stemmed", "repeated", "three"}


@pytest.mark.parametrize(
    ("raw", "condition"),
    [
        ('"harvest never"', True),  # 7 stories
        ('"never green"', True),  # no story: the condition finds none, at once
        ('"harvest of the year"', False),  # no adjacent pair once "of the" is dropped
    ],
)
def test_a_phrase_is_narrowed_to_the_stories_holding_its_pairs(tricky, raw, condition):
    where, params = Search(parse_query(raw)).where
    assert (" = ANY(" in where) is condition
    if condition:
        listed = {int(value) for value in params["phrase_0"].strip("{}").split(",") if value}
        holding = Article.objects.filter(
            search_vector=SearchQuery(raw, search_type="websearch", config=CONFIG)
        )
        assert listed == set(holding.values_list("pk", flat=True))  # no hash collision among 12 stories
