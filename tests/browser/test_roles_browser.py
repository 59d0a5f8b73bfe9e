"""A contributor in Chromium: their story form offers no way to publish, schedule or change a
published story (issue 26, roles; the rules are articles/admin.py's PublishingGate)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from tests.articles.test_roles import make_roles
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-contributor-passphrase"


@pytest.fixture
def contributor(django_user_model):
    make_roles()  # an earlier transactional test may have flushed the migration's groups
    user = django_user_model.objects.create_user("writer", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Contributors"))
    return user


def sign_in(page) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("writer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.locator("#site-name")).to_be_visible()


def test_a_contributors_story_form_offers_no_way_to_publish(page, contributor):
    draft = ArticleFactory(title="Harbour reopens", status="draft", published_at=None)
    public = ArticleFactory(
        title="Storm closes harbour", published_at=timezone.now() - timezone.timedelta(days=1)
    )
    sign_in(page)

    page.goto(f"/admin/articles/article/{draft.pk}/change/")
    form = page.locator("#article_form")
    expect(form.locator("[name=title]")).to_be_editable()
    expect(form.locator("[name=status]")).to_have_count(0)
    expect(form.locator("[name^=published_at]")).to_have_count(0)
    expect(form.locator(".field-status .readonly")).to_have_text("Draft")
    form.locator("[name=title]").fill("Harbour reopens after the storm")
    form.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto("/admin/articles/article/")
    expect(page.locator("select[name=action]")).to_have_count(0)  # no publish, unpublish or delete

    page.goto(f"/admin/articles/article/{public.pk}/change/")
    expect(page.locator("#article_form input[name=_save]")).to_have_count(0)
    expect(page.locator("#article_form [name=title]")).to_have_count(0)
    expect(page.locator(".field-title .readonly")).to_have_text("Storm closes harbour")
