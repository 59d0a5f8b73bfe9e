"""Every revision of a story kept, comparable and restorable (issue 26; articles/revisions.py).

The admin is driven as an editor would: the rendered forms posted back with one change
(`form_fields`, tests/articles/test_roles.py)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from reversion.models import Version

from articles import revisions
from articles.models import Article
from tests.articles.test_import_command import page, write
from tests.articles.test_roles import form_fields, member, url
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

OLD_BODY = "<p>The cat sat on the mat in the old town square.</p>"
NEW_BODY = "<p>The dog sat on the mat in the new town square.</p>"


@pytest.fixture
def desk(client, django_user_model):
    user = member(django_user_model, "desk", "Editors")
    client.force_login(user)
    return client


@pytest.fixture
def contributor(django_user_model):
    writer = Client()  # a client of its own: the editor's fixtures use `client`
    writer.force_login(member(django_user_model, "writer", "Contributors"))
    return writer


def history(story: Article) -> list[Version]:
    return list(revisions.versions_of(story.pk).order_by("pk"))


def edit(client, story: Article, **changes: str):
    fields = form_fields(client.get(url("change", story.pk)).content)
    response = client.post(url("change", story.pk), {**fields, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


@pytest.fixture
def edited(desk) -> Article:
    """A story made outside the admin (as the importer makes them), then edited once by an editor."""
    story = ArticleFactory(title="Old town square", body=OLD_BODY, authors=[AuthorFactory(name="Ann Lee")])
    assert history(story) == []
    edit(desk, story, body=NEW_BODY, title="New town square")
    return story


def test_an_admin_save_keeps_the_story_before_and_after_with_who_made_it(edited):
    first, second = history(edited)
    assert first.revision.user is None and first.revision.comment == revisions.BASELINE_COMMENT
    assert first.field_dict["title"] == "Old town square" and "cat" in first.field_dict["body"]
    assert second.revision.user.username == "desk"
    assert second.field_dict["title"] == "New town square" and "dog" in second.field_dict["body"]
    assert "Changed" in second.revision.get_comment()
    # The bylines are part of the revision.
    byline_versions = second.revision.version_set.exclude(pk=second.pk)
    assert [v.field_dict["position"] for v in byline_versions if v._model.__name__ == "ArticleAuthor"] == [0]


def test_the_history_compares_two_revisions_with_the_changed_words_marked(desk, edited):
    first, second = history(edited)
    listing = desk.get(url("history", edited.pk)).content.decode()
    assert "Compare the two revisions" in listing and "style=" not in listing
    assert f'name="version_id1" value="{first.pk}"' in listing
    response = desk.get(
        url("history", edited.pk) + "compare/", {"version_id1": second.pk, "version_id2": first.pk}
    )
    assert response.status_code == 200
    page_html = response.content.decode()
    assert "style=" not in page_html and "<style" not in page_html  # CSP: classes only
    body = BeautifulSoup(page_html, "html.parser")
    [headline_row] = [row for row in body.select("tr") if row.th and row.th.text.startswith("Headline")]
    old, new = headline_row.select("td")
    assert [d.text for d in old.select("del")] == ["Old"] and [i.text for i in new.select("ins")] == ["New"]
    [body_row] = [row for row in body.select("tr") if row.th and row.th.text.startswith("Body")]
    old, new = body_row.select("td")
    assert [d.text for d in old.select("del")] == ["cat", "old"]
    assert [i.text for i in new.select("ins")] == ["dog", "new"]
    assert old.text == "The cat sat on the mat in the old town square."


def test_restoring_the_first_revision_brings_the_old_text_back_as_a_third_revision(desk, edited):
    first, _second = history(edited)
    revert_url = url("revision", edited.pk, first.pk)
    form = desk.get(revert_url)
    assert form.status_code == 200
    assert Article.objects.get(pk=edited.pk).title == "New town square"  # showing it changes nothing
    response = desk.post(revert_url, form_fields(form.content))
    assert response.status_code == 302
    story = Article.objects.get(pk=edited.pk)
    assert story.title == "Old town square" and "cat" in story.body
    assert story.byline == "Ann Lee"
    third = history(story)[-1]
    assert len(history(story)) == 3
    assert third.revision.user.username == "desk"
    assert third.revision.comment.startswith("Reverted to previous version")
    assert third.field_dict["title"] == "Old town square"


def test_a_bulk_publish_records_a_revision_per_story_with_the_editor_and_the_action(desk):
    drafts = [ArticleFactory(status="draft"), ArticleFactory(status="draft")]
    desk.post(url("changelist"), {"action": "publish", "_selected_action": [str(a.pk) for a in drafts]})
    for story in drafts:
        before, after = history(story)
        assert before.field_dict["status"] == "draft" and after.field_dict["status"] == "published"
        assert after.revision.user.username == "desk"
        assert after.revision.comment == "Published (bulk action)."
        assert after.revision.version_set.filter(content_type=after.content_type).count() == 1  # alone


def test_an_import_that_updates_a_story_records_a_revision_made_by_the_import(tmp_path: Path):
    folder = tmp_path / "pages"
    folder.mkdir()
    path = write(folder, "a.txt", page("Harbour reopens", ["The harbour reopens on Monday."] * 3))
    call_command("import_articles", str(folder), stdout=io.StringIO())
    story = Article.objects.get()
    assert history(story) == []  # written with COPY: no revision until something changes it
    path.write_text(page("Harbour reopens", ["The harbour reopens on Tuesday."] * 3))
    call_command("import_articles", str(folder), stdout=io.StringIO())
    before, after = history(story)
    assert before.revision.comment == revisions.BASELINE_COMMENT and "Monday" in before.field_dict["body"]
    assert after.revision.user is None
    assert after.revision.comment == f"Updated by import ({path})"
    assert "Tuesday" in after.field_dict["body"]
    assert any(v._model.__name__ == "ArticleAuthor" for v in after.revision.version_set.all())


def test_reparse_sources_records_a_revision_made_by_it(tmp_path: Path):
    write(tmp_path, "a.txt", page("Harbour reopens", ["The harbour reopens on Monday."] * 3))
    call_command("import_articles", str(tmp_path), stdout=io.StringIO())
    story = Article.objects.get()
    Article.objects.filter(pk=story.pk).update(title="Harbour")  # as an older parser left it
    call_command("reparse_sources", stdout=io.StringIO(), stderr=io.StringIO())
    before, after = history(story)
    assert before.field_dict["title"] == "Harbour" and after.field_dict["title"] == "Harbour reopens"
    assert re.fullmatch(r"Updated by reparse_sources \(.+a\.txt\)", after.revision.comment)


def test_a_contributor_cannot_restore_a_published_story_nor_publish_by_restoring(contributor, edited):
    first, _ = history(edited)
    revert_url = url("revision", edited.pk, first.pk)
    assert contributor.get(revert_url).status_code == 403
    assert contributor.post(revert_url, {"title": "x"}).status_code == 403
    assert Article.objects.get(pk=edited.pk).title == "New town square"
    # A draft whose old revision was published: restoring it would publish it.
    Article.objects.filter(pk=edited.pk).update(status="draft")
    assert contributor.get(revert_url).status_code == 403
    assert Article.objects.get(pk=edited.pk).status == "draft"


def test_a_contributor_restores_a_draft_to_a_draft(contributor):
    story = ArticleFactory(status="draft", title="Draft one", body=OLD_BODY)
    edit(contributor, story, title="Draft two")
    first, _ = history(story)
    form = contributor.get(url("revision", story.pk, first.pk))
    assert form.status_code == 200
    assert contributor.post(url("revision", story.pk, first.pk), form_fields(form.content)).status_code == 302
    assert Article.objects.get(pk=story.pk).title == "Draft one"
    assert Article.objects.get(pk=story.pk).status == "draft"
