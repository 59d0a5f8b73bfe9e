"""`reparse_sources`: stories re-derived from their stored pages, editors' changes kept."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("reparse_sources", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def seed() -> Article:
    call_command("import_articles", str(SEED), stdout=io.StringIO())
    return Article.objects.get()


def as_an_older_parser_left_it(story: Article) -> None:
    """The fields an earlier parser derived differently (a worse title split, a lost paragraph)."""
    Article.objects.filter(pk=story.pk).update(
        title="Trump, Putin open to cooperation", body="<p>Only the first paragraph.</p>", reading_minutes=9
    )


def test_stories_are_brought_up_to_date_with_the_current_parser_and_a_rerun_changes_nothing(seed):
    assert "0 updated, 1 unchanged, 0 failed" in run()  # just imported: nothing to re-derive
    right = Article.objects.values("title", "body", "reading_minutes").get(pk=seed.pk)
    as_an_older_parser_left_it(seed)
    report = run()
    assert "1 updated, 0 unchanged, 0 failed" in report
    assert "title: 'Trump, Putin open to cooperation' → " in report and "reading_minutes: 9 → 2" in report
    assert Article.objects.values("title", "body", "reading_minutes").get(pk=seed.pk) == right
    assert "0 updated, 1 unchanged, 0 failed" in run()


def test_a_dry_run_reports_and_writes_nothing_and_json_lists_each_change(seed):
    as_an_older_parser_left_it(seed)
    assert "Dry run (nothing written): 1 would be updated" in run("--dry-run")
    assert Article.objects.get(pk=seed.pk).title == "Trump, Putin open to cooperation"
    [line] = run("--dry-run", "--json").splitlines()
    changed = {change["field"] for change in json.loads(line)["changes"]}
    assert changed == {"title", "body", "reading_minutes"}


def test_a_headline_an_editor_changed_is_kept_and_the_rest_updated(seed, admin_client):
    from tests.articles.test_admin import _change_form, admin_url

    form = _change_form(seed, title="Kremlin: Trump and Putin discuss cooperation")
    form["hero_image"] = seed.hero_image_id
    response = admin_client.post(admin_url(Article, "change", seed.pk), form)
    assert response.status_code == 302
    assert Article.objects.get(pk=seed.pk).edited_fields == ["title"]
    Article.objects.filter(pk=seed.pk).update(body="<p>Only the first paragraph.</p>")

    report = run()
    story = Article.objects.get(pk=seed.pk)
    assert story.title == "Kremlin: Trump and Putin discuss cooperation"  # the editor's
    assert len(story.paragraphs) == 9 and "body:" in report and "title:" not in report
    # An import of the same page again keeps it too.
    call_command("import_articles", str(SEED), stdout=io.StringIO())
    assert Article.objects.get(pk=seed.pk).title == "Kremlin: Trump and Putin discuss cooperation"
