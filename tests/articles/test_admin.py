"""The editors' admin renders every page and does what editors rely on."""

from datetime import UTC, datetime

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from articles.models import Article, Image, RelatedLink, Section, SourceDocument
from authors.models import Author
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, SourceDocumentFactory

pytestmark = pytest.mark.django_db

MODELS = [Article, Section, Image, SourceDocument, Author]


@pytest.fixture
def editor_client(client, admin_user):
    client.force_login(admin_user)
    return client


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_changelist_renders_for_a_superuser(editor_client, model, article):
    SourceDocumentFactory()
    response = editor_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", [m for m in MODELS if m is not SourceDocument], ids=lambda m: m.__name__)
def test_every_add_page_renders_for_a_superuser(editor_client, model):
    assert editor_client.get(admin_url(model, "add")).status_code == 200


def test_sources_are_read_only_and_show_warnings_and_raw_text(editor_client):
    source = SourceDocumentFactory(text="Raw <b>page</b> text", warnings=["no publication date"])
    assert editor_client.get(admin_url(SourceDocument, "add")).status_code == 403
    page = editor_client.get(admin_url(SourceDocument, "change", source.pk)).content.decode()
    assert "no publication date" in page
    assert "Raw &lt;b&gt;page&lt;/b&gt; text" in page
    assert 'name="_save"' not in page


def test_article_change_page_has_inlines_preview_and_view_on_site(editor_client, article):
    article.hero_image = ImageFactory(caption="Putin and Trump in Hamburg")
    article.save()
    page = editor_client.get(admin_url(Article, "change", article.pk)).content.decode()
    assert "author_links-TOTAL_FORMS" in page and "teasers-TOTAL_FORMS" in page
    assert "Putin and Trump in Hamburg" in page  # hero preview without a file
    assert "/admin/r/" in page  # "View on site"


def test_admin_search_uses_the_full_text_vector(editor_client):
    ArticleFactory(title="Energy talks", body="The leaders discussed hockey matches between players.")
    ArticleFactory(title="Unrelated story", body="Nothing to see.")
    response = editor_client.get(admin_url(Article, "changelist"), {"q": "hockey match"})
    titles = [a.title for a in response.context["cl"].result_list]
    assert titles == ["Energy talks"]  # "match" finds "matches": stemmed full-text, not icontains


def test_admin_search_finds_an_exact_title_of_common_words(editor_client):
    ArticleFactory(title="The Who", body="A band.")  # only stop words: nothing for the vector
    ArticleFactory(title="Who is there", body="Nobody.")
    response = editor_client.get(admin_url(Article, "changelist"), {"q": "the who"})
    assert [a.title for a in response.context["cl"].result_list] == ["The Who"]


def test_admin_date_drill_down_is_offered_without_a_search(editor_client, article):
    changelist = admin_url(Article, "changelist")
    assert editor_client.get(changelist).context["cl"].date_hierarchy == "published_at"
    assert editor_client.get(changelist, {"q": "nothingmatches"}).context["cl"].date_hierarchy is None


def test_admin_author_filter_lists_the_authors_with_bylines(editor_client):
    writer, idle = AuthorFactory(name="Ann Writer"), AuthorFactory(name="Idle Person")
    ArticleFactory(authors=[writer], status="draft")
    page = editor_client.get(admin_url(Article, "changelist")).content.decode()
    assert "Ann Writer" in page and "Idle Person" not in page
    assert idle.pk


def test_admin_search_survives_hostile_input(editor_client):
    for query in ['"unbalanced', "-", "or", "'; DROP TABLE articles_article; --", "a" * 5000]:
        assert editor_client.get(admin_url(Article, "changelist"), {"q": query}).status_code == 200
    # PostgreSQL refuses NUL in any text: every admin view refuses it first (newsroom/admin_site.py).
    assert editor_client.get(admin_url(Article, "changelist"), {"q": "a\x00b"}).status_code == 400


def test_bulk_publish_and_unpublish_actions(editor_client):
    drafts = [ArticleFactory(status="draft"), ArticleFactory(status="draft")]
    ids = [str(a.pk) for a in drafts]
    url = admin_url(Article, "changelist")
    editor_client.post(url, {"action": "publish", "_selected_action": ids})
    assert Article.objects.published().count() == 2
    editor_client.post(url, {"action": "unpublish", "_selected_action": ids})
    assert Article.objects.published().count() == 0
    # Each story's history says what the bulk action did, and who did it, as a single save does.
    from django.contrib.admin.models import LogEntry

    for story in drafts:
        history = LogEntry.objects.filter(object_id=str(story.pk)).order_by("action_time")
        assert [entry.get_change_message() for entry in history] == [
            "Published (bulk action).",
            "Unpublished: back to draft (bulk action).",
        ]
        assert {entry.user.username for entry in history} == {"admin"}
    response = editor_client.get(admin_url(Article, "history", drafts[0].pk))
    assert "Unpublished: back to draft (bulk action)." in response.content.decode()


def test_a_scheduled_story_says_so_in_the_list_and_the_form(editor_client):
    from django.utils import timezone

    soon = timezone.now() + timezone.timedelta(days=2)
    story = ArticleFactory(title="Embargoed report", published_at=soon)
    listing = editor_client.get(admin_url(Article, "changelist")).content.decode()
    local = timezone.localtime(soon)
    assert f"Scheduled for {local:%b} {local.day}, {local.year}, {local:%H:%M}" in listing
    assert "Scheduled for" in editor_client.get(admin_url(Article, "change", story.pk)).content.decode()


def test_saving_an_article_with_ordered_authors_sets_the_byline(editor_client):
    section = SectionFactory(name="Opinion")
    first, second = AuthorFactory(name="Ann Lee"), AuthorFactory(name="Bo Chan")
    form = {
        "title": "A new story",
        "slug": "a-new-story",
        "section": section.pk,
        "summary": "",
        "body": "One two three.",
        "status": "published",
        "published_at_0": "2025-03-18",
        "published_at_1": "10:00:00",
        "reading_minutes": "",
        "hero_image": "",
        "canonical_url": "",
        "author_links-TOTAL_FORMS": "2",
        "author_links-INITIAL_FORMS": "0",
        "author_links-0-position": "1",
        "author_links-0-author": first.pk,
        "author_links-1-position": "0",
        "author_links-1-author": second.pk,
        "teasers-TOTAL_FORMS": "1",
        "teasers-INITIAL_FORMS": "0",
        "teasers-0-position": "0",
        "teasers-0-kind": "video",
        "teasers-0-title": "Watch: the call",
        "teasers-0-summary": "",
        "teasers-0-url": "https://example.com/v",
        "teasers-0-target": "",
        "teasers-0-image": "",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }
    response = editor_client.post(admin_url(Article, "add"), form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    story = Article.objects.get(slug="a-new-story")
    assert story.byline == "Bo Chan and Ann Lee"
    assert story.reading_minutes == 1
    assert list(story.teasers.values_list("kind", flat=True)) == [RelatedLink.Kind.VIDEO]
    assert story.published_at == datetime(2025, 3, 18, 10, tzinfo=UTC)


def test_every_registered_model_has_an_admin():
    for model in MODELS:
        assert site.is_registered(model)


def _change_form(article: Article, **changes) -> dict:
    form = {
        "title": article.title,
        "slug": article.slug,
        "section": article.section_id or "",
        "summary": article.summary,
        "body": article.body,
        "status": article.status,
        "published_at_0": article.published_at.strftime("%Y-%m-%d") if article.published_at else "",
        "published_at_1": article.published_at.strftime("%H:%M:%S") if article.published_at else "",
        "reading_minutes": article.reading_minutes,
        "hero_image": "",
        "canonical_url": "",
        "author_links-TOTAL_FORMS": "0",
        "author_links-INITIAL_FORMS": "0",
        "teasers-TOTAL_FORMS": "0",
        "teasers-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }
    return form | changes


def test_an_editors_change_to_a_published_story_is_a_revision_readers_see(editor_client):
    story = ArticleFactory(published_at=datetime(2025, 3, 18, 10, tzinfo=UTC), hero_image=None)
    assert story.revised_at is None
    form = _change_form(story, body="<p>Corrected: 40 ships, not 30.</p>", summary="Line one\r\nline two")
    assert editor_client.post(admin_url(Article, "change", story.pk), form).status_code == 302
    story.refresh_from_db()
    assert story.revised_at is not None and story.summary == "Line one\nline two"
    before = story.revised_at
    # Saving it again unchanged is no revision.
    assert editor_client.post(admin_url(Article, "change", story.pk), _change_form(story)).status_code == 302
    story.refresh_from_db()
    assert story.revised_at == before


def test_publishing_a_draft_or_changing_its_text_is_no_revision(editor_client):
    draft = ArticleFactory(
        status="draft", published_at=datetime(2025, 3, 18, 10, tzinfo=UTC), hero_image=None
    )
    form = _change_form(draft, body="<p>New text.</p>")
    assert editor_client.post(admin_url(Article, "change", draft.pk), form).status_code == 302
    form = _change_form(draft, body="<p>New text.</p>", status="published")
    assert editor_client.post(admin_url(Article, "change", draft.pk), form).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.revised_at is None
