"""The "More like this" block (articles/more_like_this.py): stories of one subject find each other, through
the head vector's GIN index, behind the public gate, kept until the archive changes."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.utils import timezone

from articles.more_like_this import MORE_LIKE_THIS, similar_stories
from articles.search.suggest import refresh_vocabulary
from tests.factories import ArticleFactory, RelatedLinkFactory, SectionFactory

pytestmark = pytest.mark.django_db

# A subject's stories share a few words in their headlines and deks and say them again in their
# bodies; the unrelated ones share only everyday words with them.
GLACIER = [
    ("Glacier retreat speeds up in the Alps", "Meltwater lakes form below the glacier tongue."),
    ("Alpine glacier loses a record mass of ice", "Scientists measure the meltwater each summer."),
    ("Villages below a retreating glacier plan for floods", "Meltwater lakes threaten the valley."),
    ("A glacier's meltwater feeds the river less each year", "Farmers downstream fear dry summers."),
    ("Why the Alps' glacier ice is turning grey", "Dust darkens the glacier and speeds the melt."),
]
FOOTBALL = [
    ("Striker scores twice as the club wins the derby", "The goalkeeper saved a late penalty."),
    ("Club sacks its coach after the derby defeat", "The striker asked for a transfer this year."),
    ("Penalty shootout decides the cup final", "The goalkeeper became the hero of the final."),
]


def story(title: str, summary: str, subject: str, **fields):
    body = " ".join([f"<p>{title}. {summary}"] + [f"The {subject} story goes on." for _ in range(4)]) + "</p>"
    return ArticleFactory(title=title, summary=summary, body=body, **fields)


@pytest.fixture
def subjects():
    climate, sport = SectionFactory(name="Climate"), SectionFactory(name="Sport")
    glacier = [story(t, s, "glacier meltwater", section=climate) for t, s in GLACIER]
    football = [story(t, s, "derby striker goalkeeper", section=sport) for t, s in FOOTBALL]
    refresh_vocabulary()
    return glacier, football


def titles(stories) -> set[str]:
    return {similar.title for similar in stories}


def shown(client, article) -> list[str]:
    """The headlines of the page's "More like this" block, in order."""
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    block = BeautifulSoup(response.content, "lxml").select_one(".more-like-this")
    return [] if block is None else [a.get_text() for a in block.select(".story-title a")]


def test_stories_of_one_subject_find_each_other_and_not_another_subject(subjects):
    glacier, football = subjects
    for article in glacier:
        found = similar_stories(article.id)
        assert titles(found[:4]) == titles(glacier) - {article.title}, article.title
    assert titles(similar_stories(football[0].id)[:2]) == titles(football[1:])


def test_unprepared_behind_a_transaction_pooler_the_same(settings, subjects):
    glacier, _ = subjects
    prepared = [similar.slug for similar in similar_stories(glacier[0].id)]
    settings.DATABASE_PREPARED_STATEMENTS = False
    assert [similar.slug for similar in similar_stories(glacier[0].id)] == prepared


def test_the_page_shows_four_stories_of_its_subject(client, subjects):
    glacier, _ = subjects
    headlines = shown(client, glacier[0])
    assert len(headlines) == 4 and set(headlines) == titles(glacier[1:])


def test_never_a_draft_a_scheduled_story_or_itself(subjects):
    glacier, _ = subjects
    draft = story("Glacier meltwater draft", "Glacier meltwater lakes.", "glacier meltwater", status="draft")
    scheduled = story(
        "Glacier meltwater scheduled",
        "Glacier meltwater lakes.",
        "glacier meltwater",
        published_at=timezone.now() + timedelta(days=1),
    )
    refresh_vocabulary()
    found = {similar.slug for similar in similar_stories(glacier[0].id)}
    assert found and not found & {draft.slug, scheduled.slug, glacier[0].slug}
    assert glacier[0].slug in {similar.slug for similar in similar_stories(draft.id)}  # its preview's


def test_hidden_when_the_story_has_four_teasers_and_without_its_teasers_targets(client, subjects):
    glacier, _ = subjects
    article = glacier[0]
    RelatedLinkFactory(article=article, target=glacier[1], title="Linked by hand", position=1)
    headlines = shown(client, article)
    assert glacier[1].title not in headlines and set(headlines) == titles(glacier[2:])
    for position in range(2, 5):
        RelatedLinkFactory(article=article, title=f"Teaser {position}", position=position)
    assert shown(client, article) == []


def test_the_list_follows_an_archive_change(client, settings, subjects, django_capture_on_commit_callbacks):
    settings.ARCHIVE_CHANGE_LISTENER = False  # the app's signals move the version (no listener here)
    glacier, _ = subjects
    settings.MORE_LIKE_THIS_STORIES = 8
    before = shown(client, glacier[0])
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = story(
            "Glacier meltwater lakes grow below the Alps' glacier",
            "Meltwater from the glacier fills new lakes.",
            "glacier meltwater",
        )
    after = shown(client, glacier[0])
    assert newcomer.title not in before and newcomer.title in after


def test_kept_until_the_archive_changes(client, subjects, archive_state_read, django_assert_max_num_queries):
    """The page's queries, pinned: the first view of a story computes its list (one statement
    beside the story's own), the next ones read it from the cache."""
    glacier, _ = subjects
    url = glacier[0].get_absolute_url()
    client.get(glacier[1].get_absolute_url())  # the section menu and the prepared statements
    with django_assert_max_num_queries(2) as cold:
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(1) as warm:
        assert client.get(url).status_code == 200
    assert "newsroom_more_like_this" in cold.captured_queries[-1]["sql"]
    assert "newsroom_story_page" in warm.captured_queries[0]["sql"]


def test_turned_off(client, settings, subjects):
    settings.MORE_LIKE_THIS_STORIES = 0
    assert shown(client, subjects[0][0]) == []


def test_the_statement_reads_the_head_vectors_gin_index():
    """With the generic plan the prepared statement gets (`plan_cache_mode=force_generic_plan`),
    on 3,000 stories with fresh statistics: the candidates come from `article_search_head_gin`,
    not from a scan of the table."""
    section = SectionFactory(name="Climate")
    ArticleFactory.create_batch(3000, section=section, body="")
    article = story(*GLACIER[0], "glacier meltwater", section=section)
    refresh_vocabulary()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE more_like_this_plan (integer, timestamptz) AS {MORE_LIKE_THIS}")
        try:
            cursor.execute("EXPLAIN EXECUTE more_like_this_plan (%s, now())", [article.id])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE more_like_this_plan")
    assert "article_search_head_gin" in plan and "Seq Scan on articles_article" not in plan, plan
