"""The imports' audit trail (articles/import_log.py): who ran each import, when, on what, and which
stories it created or updated, read-only in the admin."""

from __future__ import annotations

import pytest
from django.core.management import CommandError
from django.urls import reverse
from django.utils.html import escape

from articles.import_log import ImportedStory, ImportRun
from articles.models import Article
from tests.articles.test_import_command import SEED, run_import, write

pytestmark = pytest.mark.django_db


def test_a_run_records_who_when_what_and_its_stories(tmp_path):
    bad = write(tmp_path, "empty.txt", "")
    with pytest.raises(CommandError):  # one page failed: the run says so, and still keeps its trail
        run_import(SEED, bad)
    run = ImportRun.objects.get()
    assert run.finished_at is not None and run.finished_at >= run.started_at
    assert "@" in run.run_by and str(SEED) in run.arguments
    assert (run.created, run.updated, run.unchanged, run.failed) == (1, 0, 0, 1)
    assert "empty.txt" in run.failures
    story = Article.objects.get()
    assert list(run.stories.values_list("article_id", "outcome", "source")) == [
        (story.pk, "created", str(SEED))
    ]


def test_an_update_is_listed_and_an_unchanged_page_is_not(tmp_path):
    run_import(SEED)
    run_import(SEED)
    corrected = SEED.read_text().replace("for 30 days", "for thirty days")
    run_import(write(tmp_path, "corrected.txt", corrected))
    first, second, third = ImportRun.objects.order_by("started_at", "id")
    assert (second.unchanged, second.stories.count()) == (1, 0)
    assert list(third.stories.values_list("outcome", flat=True)) == ["updated"]


def test_a_dry_run_leaves_no_trail():
    run_import("--dry-run", SEED)
    assert not ImportRun.objects.exists() and not ImportedStory.objects.exists()


def test_editors_read_the_trail_and_nobody_edits_it(client, admin_user):
    run_import(SEED)
    run = ImportRun.objects.get()
    client.force_login(admin_user)
    listing = client.get(reverse("admin:articles_importrun_changelist"))
    assert listing.status_code == 200 and run.run_by in listing.content.decode()
    detail = client.get(reverse("admin:articles_importrun_change", args=[run.pk]))
    assert detail.status_code == 200 and "stories it created or updated" in detail.content.decode()
    stories = client.get(reverse("admin:articles_importedstory_changelist") + f"?run__id__exact={run.pk}")
    assert escape(Article.objects.get().title) in stories.content.decode()
    assert client.get(reverse("admin:articles_importrun_add")).status_code == 403
    assert (
        client.post(reverse("admin:articles_importrun_delete", args=[run.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert ImportRun.objects.filter(pk=run.pk).exists()
