"""Addresses that last: a story's old slugs answer with a permanent redirect to its current one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.importer.copy_rows import copy_columns, copy_into, reserve_ids
from articles.models import Article, OldSlug
from articles.views.story import MOVED_SECONDS
from newsroom.links import story_url
from tests.articles.test_admin import _change_form
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

MAX_ARTICLE_QUERIES = 4  # tests/articles/test_views.py, MAX_QUERIES["article"] ("More like this" computed)


def rename(story: Article, slug: str) -> Article:
    story.slug = slug
    story.save()
    return story


def old_slugs(story: Article) -> set[str]:
    return set(story.old_slugs.values_list("slug", flat=True))


@pytest.fixture
def story():
    return ArticleFactory(slug="first-slug", title="Harbour reopens")


def test_an_old_slug_answers_a_permanent_redirect_to_the_current_one(client, story):
    rename(story, "harbour-reopens")

    response = client.get("/articles/first-slug/")

    assert response.status_code == 301
    assert response["Location"] == "/articles/harbour-reopens/"
    control = response["Cache-Control"]
    assert "public" in control and f"max-age={MOVED_SECONDS}" in control
    assert f"s-maxage={MOVED_SECONDS}" in control
    assert client.get(response["Location"]).status_code == 200


def test_a_chain_of_renames_answers_one_hop_from_each_old_slug(client, story):
    for slug in ("second-slug", "third-slug", "fourth-slug"):
        rename(story, slug)

    assert old_slugs(story) == {"first-slug", "second-slug", "third-slug"}
    for old in ("first-slug", "second-slug", "third-slug"):
        response = client.get(f"/articles/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/articles/fourth-slug/")


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=2)},  # scheduled
    ],
    ids=["draft", "scheduled"],
)
def test_an_old_slug_of_a_story_readers_cannot_see_is_a_404(client, admin_user, story, changes):
    rename(story, "secret-new-slug")
    Article.objects.filter(pk=story.pk).update(**changes)

    response = client.get("/articles/first-slug/")

    assert response.status_code == 404
    assert "Location" not in response
    assert b"secret-new-slug" not in response.content
    # An editor who may preview the story gets the same 404: a redirect only ever leads readers.
    client.force_login(admin_user)
    assert client.get("/articles/first-slug/").status_code == 404


def test_a_slug_taken_over_by_a_new_story_serves_that_story(client, story):
    rename(story, "harbour-reopens")
    newcomer = ArticleFactory(slug="first-slug", title="A different story")

    response = client.get("/articles/first-slug/")

    assert response.status_code == 200
    assert response.content.decode().count("A different story") >= 1
    assert not OldSlug.objects.filter(slug="first-slug").exists()  # the live story wins
    # Once the newcomer moves on, its own old slug leads to it, not to the first story.
    rename(newcomer, "different-story")
    assert client.get("/articles/first-slug/")["Location"] == "/articles/different-story/"


def test_an_unpublished_story_taking_an_old_slug_hides_the_redirect(client, story):
    rename(story, "harbour-reopens")
    ArticleFactory(slug="first-slug", status=Article.Status.DRAFT)

    assert client.get("/articles/first-slug/").status_code == 404


def test_stories_written_in_bulk_take_their_slugs_from_old_ones(client, story):
    """The importer's COPY and bulk_create write no `save()`: the database still forgets the slug."""
    rename(story, "harbour-reopens")
    Article.objects.bulk_create([Article(title="Bulk one", slug="first-slug", status="published")])

    assert not OldSlug.objects.filter(slug="first-slug").exists()
    assert client.get("/articles/first-slug/").status_code == 200


def test_a_story_the_importer_copies_in_takes_its_slug_from_an_old_one(client, story):
    """The importer writes new stories with COPY (importer/create_copy.py), which no save() sees."""
    rename(story, "harbour-reopens")
    [article_id] = reserve_ids({Article: 1})[Article]
    now = timezone.now()
    row = {attname: None for _column, attname in copy_columns(Article)}
    row |= {"id": article_id, "title": "Copied in", "slug": "first-slug", "summary": "", "body": ""}
    row |= {"reading_minutes": 1, "status": "published", "byline": "", "canonical_url": ""}
    row |= {"created_at": now, "updated_at": now, "edited_fields": "{}"}
    copy_into(Article, [row])

    assert not OldSlug.objects.filter(slug="first-slug").exists()
    assert client.get("/articles/first-slug/").status_code == 200


def test_renaming_back_to_an_old_slug_removes_it_and_leaves_no_loop(client, story):
    rename(story, "second-slug")
    rename(story, "first-slug")

    assert old_slugs(story) == {"second-slug"}
    assert client.get("/articles/first-slug/").status_code == 200
    response = client.get("/articles/second-slug/")
    assert (response.status_code, response["Location"]) == (301, "/articles/first-slug/")


def test_every_write_path_records_the_old_slug(client, story):
    """A queryset's update() (a bulk script, a restored revision written that way) as much as save()."""
    Article.objects.filter(pk=story.pk).update(slug="updated-in-bulk")

    assert old_slugs(story) == {"first-slug"}
    assert client.get("/articles/first-slug/")["Location"] == "/articles/updated-in-bulk/"


def test_a_save_that_keeps_the_slug_records_nothing(story):
    story.title = "Harbour reopens at last"
    story.save()
    story.save(update_fields=["title"])

    assert not OldSlug.objects.exists()


def test_a_deleted_story_takes_its_old_slugs_with_it(client, story):
    rename(story, "harbour-reopens")
    story.delete()

    assert not OldSlug.objects.exists()
    assert client.get("/articles/first-slug/").status_code == 404


def test_an_editors_slug_change_in_the_admin_records_the_old_slug(client, admin_user, story):
    client.force_login(admin_user)
    change = reverse("admin:articles_article_change", args=[story.pk])

    response = client.post(change, _change_form(story, slug="harbour-reopens-today"))

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    story.refresh_from_db()
    assert story.slug == "harbour-reopens-today"
    assert old_slugs(story) == {"first-slug"}
    # The change form shows editors what still leads to the story.
    page = client.get(change).content.decode()
    assert "Old addresses" in page and "<code>/articles/first-slug/</code>" in page
    client.logout()
    response = client.get("/articles/first-slug/")
    assert (response.status_code, response["Location"]) == (301, "/articles/harbour-reopens-today/")


def test_the_article_page_never_reads_old_slugs_on_its_normal_path(
    client, story, archive_state_read, django_assert_max_num_queries
):
    rename(story, "harbour-reopens")
    with django_assert_max_num_queries(MAX_ARTICLE_QUERIES), CaptureQueriesContext(connection) as queries:
        assert client.get("/articles/harbour-reopens/").status_code == 200
    assert not any("articles_oldslug" in query["sql"] for query in queries.captured_queries)


def test_an_unknown_slug_costs_one_lookup_more_and_is_a_404(
    client, story, archive_state_read, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_ARTICLE_QUERIES + 1):
        assert client.get("/articles/no-such-story/").status_code == 404


def test_the_query_string_is_dropped_and_head_answers_alike(client, story):
    """The story's page reads no parameter (urls.story_page): the redirect leads to its one address."""
    rename(story, "harbour-reopens")

    for response in (
        client.get("/articles/first-slug/?utm_source=newsletter&page=2"),
        client.head("/articles/first-slug/?utm_source=newsletter"),
    ):
        assert (response.status_code, response["Location"]) == (301, "/articles/harbour-reopens/")
    assert client.head("/articles/first-slug/").content == b""


def test_a_signed_in_readers_redirect_is_private(client, django_user_model, story):
    rename(story, "harbour-reopens")
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))

    response = client.get("/articles/first-slug/")

    assert response.status_code == 301 and "private" in response["Cache-Control"]


def test_unicode_slugs_move_and_are_quoted_in_the_location(client):
    story = ArticleFactory(slug="café-reopens")
    rename(story, "новости-гавани")

    response = client.get(story_url("café-reopens"))

    assert response.status_code == 301
    assert (
        response["Location"]
        == story_url("новости-гавани")
        == reverse("article_detail", kwargs={"slug": "новости-гавани"})
    )
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/articles/" + "x" * 5000 + "/",
        "/articles/" + "é" * 300 + "/",
        "/articles/%F0%9F%92%A5/",
        "/articles/%E2%80%AE-rtl-%E2%80%8B/",
        "/articles/first-slug%20/",
        "/articles/%25/",
    ],
)
def test_hostile_slugs_are_never_server_errors(client, story, path):
    rename(story, "harbour-reopens")
    assert client.get(path).status_code == 404


def test_feeds_and_sitemaps_list_only_the_current_slug(client, story):
    rename(story, "harbour-reopens")

    for address in (
        "/feed/",
        f"/sections/{story.section.slug}/feed/",
        "/sitemap-articles.xml",
        "/news-sitemap.xml",
    ):
        body = client.get(address).content.decode()
        assert "/articles/harbour-reopens/" in body, address
        assert "/articles/first-slug/" not in body, address


def test_the_page_cache_keeps_no_redirect(client, settings, story):
    """Only 200s are kept: a new story taking an old address is served at once."""
    settings.PAGE_CACHE_SECONDS = 60
    rename(story, "harbour-reopens")
    assert client.get("/articles/first-slug/").status_code == 301

    ArticleFactory(slug="first-slug", title="A different story")

    assert client.get("/articles/first-slug/").status_code == 200
