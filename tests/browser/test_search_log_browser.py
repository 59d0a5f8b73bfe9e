"""What readers could not find, in Chromium (issue 27): a reader's search that found nothing, and a
result another opened (the link's `ping`), reach the editors' report in the admin."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.search_log import SearchCount
from tests.articles.test_search_log import make_report_readers
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-editor-passphrase"


@pytest.fixture
def editor(django_user_model):
    make_report_readers()  # an earlier transactional test may have flushed the migrations' rows
    user = django_user_model.objects.create_user("desk", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def opened(query: str) -> int:
    """The opened count of `query` today, once the browser's ping has arrived (it is sent as the
    link is followed, beside the navigation)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        row = SearchCount.objects.filter(query=query).first()
        if row and row.opened:
            return row.opened
        time.sleep(0.1)
    return 0


def test_a_search_that_found_nothing_reaches_the_editors_report(new_page, editor):
    ArticleFactory(title="Grain corridor reopens", slug="grain", body="Ships leave Odesa with grain.")
    reader = new_page()
    reader.goto("/search/")
    reader.fill("#id_q", "Zeppelin")
    reader.press("#id_q", "Enter")
    expect(reader.locator(".search-empty")).to_contain_text("No stories match")

    reader.fill("#id_q", "grain")
    reader.press("#id_q", "Enter")
    reader.get_by_role("link", name="Grain corridor reopens").click()
    reader.wait_for_url("**/articles/grain/**")
    assert opened("grain") == 1

    desk = new_page()
    desk.goto("/admin/login/?next=/admin/")
    desk.get_by_label("Username").fill("desk")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_label("Password").press("Enter")
    desk.get_by_role("link", name="Searches this week").click()
    desk.locator("#changelist-filter").get_by_role("link", name="Found nothing").click()
    row = desk.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name="zeppelin")).to_have_attribute("href", "/search/?q=zeppelin")

    row.get_by_role("link", name="zeppelin").click()  # run it on the site, as the editor
    expect(desk.locator(".search-empty")).to_be_visible()
    assert SearchCount.objects.get(query="zeppelin").searches == 1  # an editor's search is not counted
