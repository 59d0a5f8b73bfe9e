"""Roles (issue 26): Contributors write drafts; Editors publish, schedule and change what readers see.

The groups come from migration 0019; the admin enforces them (articles/admin.py, PublishingGate).
Forms are posted as a browser would: the rendered form's own fields, with one changed.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.admin import PUBLISH_PERMISSION, may_publish
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

ROLES = importlib.import_module("articles.migrations.0019_roles")

CONTRIBUTOR_PERMISSIONS = {
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.add_articleauthor",
    "articles.change_articleauthor",
    "articles.delete_articleauthor",
    "articles.view_articleauthor",
    "articles.add_relatedlink",
    "articles.change_relatedlink",
    "articles.delete_relatedlink",
    "articles.view_relatedlink",
    "articles.add_image",
    "articles.change_image",
    "articles.view_image",
    "articles.view_section",
    "authors.view_author",
}
EDITOR_MODELS = [
    "article",
    "articleauthor",
    "relatedlink",
    "image",
    "section",
    "sourcedocument",
    "correction",
]


def make_roles() -> None:
    """The migration's groups again, for tests that flush the database (transactional ones)."""
    state = MigrationExecutor(connection).loader.project_state(("articles", "0019_roles"))
    ROLES.create_roles(state.apps, SimpleNamespace(connection=connection))


def group_permissions(name: str) -> set[str]:
    return {
        f"{app}.{code}"
        for app, code in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def member(django_user_model, username: str, group: str):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def contributor(client, django_user_model):
    client.force_login(member(django_user_model, "writer", "Contributors"))
    return client


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(member(django_user_model, "desk", "Editors"))
    return client


def url(view: str, *args) -> str:
    return reverse(f"admin:articles_article_{view}", args=args)


def form_fields(page: bytes) -> dict[str, str | list[str]]:
    """What a browser would send of the admin's story form, as rendered: inputs, selected
    options, text areas (the inlines' empty templates left out, as Django ignores them)."""
    form = BeautifulSoup(page, "html.parser").find("form", id="article_form")
    fields: dict[str, str | list[str]] = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or "__prefix__" in name or element.has_attr("disabled"):
            continue
        if element.name == "textarea":
            fields[name] = element.text
        elif element.name == "select":
            chosen = [
                option.get("value", option.text) for option in element.find_all("option", selected=True)
            ]
            fields[name] = chosen if element.has_attr("multiple") else (chosen[0] if chosen else "")
        elif element.get("type") in {"checkbox", "radio"}:
            if element.has_attr("checked"):
                fields[name] = element.get("value", "on")
        elif element.get("type") != "submit" or name == "_save":
            fields[name] = element.get("value", "")
    return fields


def offered_actions(listing) -> set[str]:
    """The changelist's actions (no action form at all when none is offered)."""
    form = listing.context["action_form"]
    return {value for value, _label in form.fields["action"].choices if value} if form else set()


PUBLISH_NOW = {"status": "published", "published_at_0": "2025-03-18", "published_at_1": "10:00:00"}


# The groups ----------------------------------------------------------------------------------------


def test_the_migration_makes_both_groups_with_their_permissions():
    assert group_permissions("Contributors") == CONTRIBUTOR_PERMISSIONS
    editors = group_permissions("Editors")
    expected = {
        f"articles.{action}_{model}"
        for model in EDITOR_MODELS
        for action in ("add", "change", "delete", "view")
    } | {f"authors.{action}_author" for action in ("add", "change", "delete", "view")}
    trail = {"articles.view_importrun", "articles.view_importedstory"}  # migration 0020: read only
    trail |= {"articles.view_searchweek"}  # migration 0023: the search report, read only
    assert editors == expected | {PUBLISH_PERMISSION} | trail
    publish = Permission.objects.get(codename="publish_article")
    assert publish.name == "Can publish, schedule and change published stories"


def test_the_migration_reverses_and_runs_again():
    state = MigrationExecutor(connection).loader.project_state(("articles", "0019_roles"))
    schema_editor = SimpleNamespace(connection=connection)
    ROLES.remove_roles(state.apps, schema_editor)
    assert not Group.objects.filter(name__in=["Contributors", "Editors"]).exists()
    assert not Permission.objects.filter(codename="publish_article").exists()
    ROLES.create_roles(state.apps, schema_editor)
    ROLES.create_roles(state.apps, schema_editor)  # twice: nothing doubles
    assert group_permissions("Contributors") == CONTRIBUTOR_PERMISSIONS
    assert PUBLISH_PERMISSION in group_permissions("Editors")


def test_who_may_publish(django_user_model):
    writer = member(django_user_model, "writer", "Contributors")
    desk = member(django_user_model, "desk", "Editors")
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "x")
    assert [may_publish(user) for user in (writer, desk, boss)] == [False, True, True]


# Contributors --------------------------------------------------------------------------------------


def test_a_contributor_writes_and_edits_a_draft_through_the_form(contributor):
    section, author = SectionFactory(name="Opinion"), AuthorFactory(name="Ann Lee")
    page = contributor.get(url("add"))
    assert page.status_code == 200
    fields = form_fields(page.content)
    assert "status" not in fields and "published_at_0" not in fields  # shown, not editable
    assert "author_links-0-author" in fields  # bylines are part of writing
    fields |= {
        "title": "Harbour reopens",
        "slug": "harbour-reopens",
        "section": str(section.pk),
        "body": "<p>The harbour reopened.</p>",
        "author_links-0-author": str(author.pk),
    }
    response = contributor.post(url("add"), fields)
    assert response.status_code == 302
    story = Article.objects.get(slug="harbour-reopens")
    assert story.status == Article.Status.DRAFT and story.published_at is None
    assert story.byline == "Ann Lee"

    fields = form_fields(contributor.get(url("change", story.pk)).content)
    fields["title"] = "Harbour reopens after the storm"
    assert contributor.post(url("change", story.pk), fields).status_code == 302
    story.refresh_from_db()
    assert story.title == "Harbour reopens after the storm" and story.status == Article.Status.DRAFT


def test_a_contributors_forged_form_cannot_publish_a_new_story(contributor):
    fields = form_fields(contributor.get(url("add")).content)
    fields |= {"title": "Sneaky", "slug": "sneaky", "body": "<p>Out now.</p>"} | PUBLISH_NOW
    assert contributor.post(url("add"), fields).status_code == 302
    story = Article.objects.get(slug="sneaky")
    assert story.status == Article.Status.DRAFT and story.published_at is None


@pytest.mark.parametrize("when", ["2025-03-18", "2999-01-01"], ids=["publish", "schedule"])
def test_a_contributors_forged_form_cannot_publish_or_schedule_a_draft(contributor, when):
    draft = ArticleFactory(status="draft", published_at=None, hero_image=None)
    fields = form_fields(contributor.get(url("change", draft.pk)).content)
    fields |= PUBLISH_NOW | {"published_at_0": when}
    assert contributor.post(url("change", draft.pk), fields).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and draft.published_at is None


@pytest.mark.parametrize("days", [-1, 2], ids=["published", "scheduled"])
def test_a_published_or_scheduled_story_is_read_only_to_a_contributor(contributor, django_user_model, days):
    story = ArticleFactory(title="Stands as printed", published_at=timezone.now() + timedelta(days=days))
    page = contributor.get(url("change", story.pk))
    assert page.status_code == 200
    fields = form_fields(page.content)
    assert "title" not in fields and "_save" not in fields  # shown read-only, no Save
    assert "Stands as printed" in page.content.decode()

    # The form an editor would get, sent by the contributor: refused, nothing changes.
    desk = Client()
    desk.force_login(member(django_user_model, "desk", "Editors"))
    editors_form = form_fields(desk.get(url("change", story.pk)).content)
    for changes in ({"title": "Rewritten"}, {"status": "draft"}):
        assert contributor.post(url("change", story.pk), editors_form | changes).status_code == 403
    story.refresh_from_db()
    assert story.title == "Stands as printed" and story.status == Article.Status.PUBLISHED
    assert contributor.post(url("delete", story.pk), {"post": "yes"}).status_code == 403


def test_a_contributor_is_offered_no_publishing_action_and_a_forged_one_does_nothing(contributor):
    draft = ArticleFactory(status="draft")
    public = ArticleFactory(status="published")
    listing = contributor.get(url("changelist"))
    assert listing.status_code == 200
    assert not offered_actions(listing) & {"publish", "unpublish", "delete_selected"}
    for action, story in (("publish", draft), ("unpublish", public)):
        forged = {"action": action, "_selected_action": [str(story.pk)], "index": "0"}
        response = contributor.post(url("changelist"), forged)
        # Django runs only the actions it offers (`allowed_permissions`): with none offered the
        # POST just shows the list again; with others offered it says "No action selected."
        assert response.status_code in (200, 302)
        said = [str(message) for message in get_messages(response.wsgi_request)]
        assert not [message for message in said if "ublished" in message]
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT
    assert Article.objects.get(pk=public.pk).status == Article.Status.PUBLISHED
    assert not LogEntry.objects.exists()


# Editors ---------------------------------------------------------------------------------------------


def test_an_editor_publishes_schedules_and_changes_published_stories(editor):
    draft = ArticleFactory(status="draft", published_at=None, hero_image=None)
    fields = form_fields(editor.get(url("change", draft.pk)).content)
    assert fields["status"] == "draft"
    assert editor.post(url("change", draft.pk), fields | PUBLISH_NOW).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert draft.published_at == datetime(2025, 3, 18, 10, tzinfo=UTC)

    fields = form_fields(editor.get(url("change", draft.pk)).content)
    assert editor.post(url("change", draft.pk), fields | {"title": "Corrected"}).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Corrected" and draft.revised_at is not None

    listing = editor.get(url("changelist"))
    assert {"publish", "unpublish", "delete_selected"} <= offered_actions(listing)
    other = ArticleFactory(status="draft")
    editor.post(url("changelist"), {"action": "publish", "_selected_action": [str(other.pk)]})
    assert Article.objects.get(pk=other.pk).status == Article.Status.PUBLISHED
