"""What readers could not find (issue 27): searches counted per normalised query and day, through
the real view and page cache; the admin's report; retention; hostile input; and no column that
could tell one reader from another (articles/search_log.py, articles/search/counting.py)."""

from __future__ import annotations

import importlib
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils.html import escape

from articles.search_log import SearchCount, SearchWeek, normalise_query, purge_search_log, utc_today
from tests.articles.test_roles import make_roles
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LOG = importlib.import_module("articles.migrations.0023_search_log")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


@pytest.fixture
def stories():
    ArticleFactory(title="Grain corridor reopens", slug="grain", body="Ships leave Odesa with grain.")
    ArticleFactory(title="Harbour repairs", slug="harbour", body="Cranes at the grain terminal.")


def search(client, query: str, **params: str):
    return client.get(reverse("search"), {"q": query, **params}, HTTP_USER_AGENT=BROWSER)


def counts() -> dict[str, tuple[int, int, int]]:
    return {row.query: (row.searches, row.found_nothing, row.opened) for row in SearchCount.objects.all()}


def make_report_readers() -> None:
    """The migrations' groups and the report's permission again, for tests that flush the database."""
    make_roles()
    state = MigrationExecutor(connection).loader.project_state(("articles", "0023_search_log"))
    LOG.editors_read_the_report(state.apps, SimpleNamespace(connection=connection))


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("desk", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_a_search_is_counted_rendered_and_from_the_page_cache(client, page_cache, stories):
    first = search(client, "grain")
    second = search(client, "grain")
    assert first.content == second.content and b"Grain corridor reopens" in second.content
    assert counts() == {"grain": (2, 0, 0)}
    assert SearchCount.objects.get().day == utc_today()


def test_the_same_search_typed_differently_counts_once(client, stories):
    for typed in ["Grain", "  GRAIN ", "gr\u200bain", "grain\t"]:
        search(client, typed)
    search(client, '"Grain  corridor"')
    search(client, "grain -odesa")
    assert counts() == {"grain": (4, 0, 0), '"grain corridor"': (1, 0, 0), "grain -odesa": (1, 0, 0)}


def test_normalisation_keeps_operators_and_drops_controls():
    assert normalise_query("  Kyiv\x00 \u202eOblast\tREGION") == "kyiv oblast region"
    assert normalise_query("Ky\x00iv") == normalise_query("ＫＹＩＶ") == "kyiv"  # NFKC: full-width
    assert normalise_query('"Kyiv Oblast" -War author:Fenbert') == '"kyiv oblast" -war author:fenbert'
    assert normalise_query("\x00\u200b ") == ""


def test_only_the_first_page_of_a_typed_search_counts(client, stories):
    search(client, "grain")
    search(client, "grain", page="1")
    search(client, "grain", page="2")  # a 404: one page of results
    search(client, "grain", sort="newest")
    search(client, "grain", section="news")
    search(client, "grain", utm_source="mail")  # not a parameter of the page: the same search
    client.get(reverse("search_feed"), {"q": "grain"}, HTTP_USER_AGENT=BROWSER)
    assert counts() == {"grain": (3, 0, 0)}


def test_empty_long_robot_editor_and_head_searches_are_not_counted(client, stories, admin_user):
    search(client, "")
    search(client, "   ")
    search(client, "grain " * 60)  # 360 characters
    client.get(reverse("search"), {"q": "grain"}, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    client.head(reverse("search"), {"q": "grain"}, HTTP_USER_AGENT=BROWSER)
    client.force_login(admin_user)
    search(client, "grain")
    assert counts() == {}


def test_a_search_that_found_nothing_is_recorded_as_such(client, stories):
    page = search(client, "zeppelin")
    assert b"No stories match" in page.content
    search(client, "grain")
    assert counts() == {"zeppelin": (1, 1, 0), "grain": (1, 0, 0)}


def test_an_exact_title_counts_as_a_search_that_opened_its_story(client, stories):
    response = search(client, "Harbour repairs")
    assert response.status_code == 302
    assert counts() == {"harbour repairs": (1, 0, 1)}


def test_search_pages_are_kept_by_browsers_not_by_cdns(client, page_cache, stories):
    for _ in range(2):  # rendered, then from the page cache
        control = search(client, "grain")["Cache-Control"]
        assert control.startswith("private") and "public" not in control and "s-maxage" not in control


def test_results_carry_a_ping_and_an_opened_result_is_counted(client, stories):
    page = search(client, "grain").content.decode()
    ping = reverse("search_opened") + "?q=grain"
    assert f'ping="{escape(ping)}"' in page
    assert client.post(ping).status_code == 204
    assert counts() == {"grain": (1, 0, 1)}
    client.post(ping)  # no more opened than searches: a forged ping moves a count only so far
    assert counts() == {"grain": (1, 0, 1)}


def test_a_ping_creates_no_row_and_other_sites_cannot_send_one(client, stories):
    assert client.post(reverse("search_opened") + "?q=never+searched").status_code == 204
    search(client, "grain")
    client.post(reverse("search_opened") + "?q=grain", HTTP_SEC_FETCH_SITE="cross-site")
    assert counts() == {"grain": (1, 0, 0)}


HOSTILE = [
    "q=%00",
    "q=a%00b",
    "q=" + "x" * 5000,
    "q=%ed%a0%80",
    "q=%ff%fe",
    "q=%27+OR+1%3D1+--",
    "q=" + "%e2%80%ae" * 300,
    "q=grain%00" * 100,
    "q=grain&q=",
    "q[]=x&q=%0a",
]


@pytest.mark.parametrize("query_string", HOSTILE)
def test_hostile_queries_never_fail(client, stories, query_string):
    found = client.get(reverse("search"), QUERY_STRING=query_string, HTTP_USER_AGENT=BROWSER)
    assert found.status_code in {200, 302}
    ping = client.post(reverse("search_opened"), "PING" * 5000, "text/ping", QUERY_STRING=query_string)
    assert ping.status_code == 204
    assert all(len(query) <= 200 and "\x00" not in query for query in counts())


@pytest.mark.parametrize("method", ["get", "put", "delete", "options", "patch"])
def test_the_ping_answers_other_methods_without_an_error(client, method):
    assert getattr(client, method)(reverse("search_opened") + "?q=x").status_code == 405
    assert getattr(client, method)(reverse("search") + "?q=x").status_code < 500


def test_a_failed_count_does_not_break_the_page(client, stories, settings, caplog):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE articles_searchcount RENAME TO articles_searchcount_away")
    try:
        response = search(client, "grain")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE articles_searchcount_away RENAME TO articles_searchcount")
    assert response.status_code == 200 and b"Grain corridor reopens" in response.content
    assert "search not counted" in caplog.text


def test_the_report_lists_a_query_that_found_nothing_after_it_was_made(client, stories, editor):
    changelist = reverse("admin:articles_searchweek_changelist")
    client.force_login(editor)
    assert "zeppelin" not in client.get(changelist + "?report=nothing").content.decode()
    client.logout()
    search(client, "Zeppelin")
    search(client, "grain")
    client.force_login(editor)
    nothing = client.get(changelist + "?report=nothing").content.decode()
    assert nothing.count('href="/search/?q=') == 1 and 'href="/search/?q=zeppelin"' in nothing
    top = client.get(changelist).content.decode()
    assert 'href="/search/?q=zeppelin"' in top and 'href="/search/?q=grain"' in top
    unopened = client.get(changelist + "?report=unopened").content.decode()
    assert 'href="/search/?q=grain"' in unopened and "zeppelin" not in unopened
    assert client.get(reverse("admin:articles_searchweek_add")).status_code == 403


def test_the_report_sums_the_week_and_leaves_older_days_out():
    today = utc_today()
    SearchCount.objects.create(query="kyiv", day=today, searches=3, found_nothing=0, opened=1)
    SearchCount.objects.create(query="kyiv", day=today - timedelta(days=6), searches=2, opened=2)
    SearchCount.objects.create(query="kyiv", day=today - timedelta(days=7), searches=50)
    week = SearchWeek.objects.get()
    assert (week.query, week.searches, week.opened, week.last_day) == ("kyiv", 5, 3, today)


def test_contributors_do_not_see_the_report(client, django_user_model):
    user = django_user_model.objects.create_user("writer", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Contributors"))
    client.force_login(user)
    assert client.get(reverse("admin:articles_searchweek_changelist")).status_code == 403


def test_retention_deletes_older_counts(settings):
    today = utc_today()
    for age in (0, 89, 90, 91, 400):
        SearchCount.objects.create(query=f"age {age}", day=today - timedelta(days=age), searches=1)
    assert purge_search_log(90) == 2
    assert sorted(SearchCount.objects.values_list("query", flat=True)) == ["age 0", "age 89", "age 90"]
    settings.SEARCH_LOG_DAYS = 30
    out = io.StringIO()
    call_command("purge_search_log", stdout=out)
    assert out.getvalue() == "Deleted 2 search counts older than 30 days.\n"
    call_command("purge_search_log", "--days", "0", stdout=out)
    assert set(SearchCount.objects.values_list("query", flat=True)) == {"age 0"}


def test_counting_prunes_old_days_once_a_day(client, stories):
    from articles import search_log

    search_log._last_purge.clear()
    SearchCount.objects.create(query="old", day=utc_today() - timedelta(days=365), searches=1)
    search(client, "grain")
    assert set(counts()) == {"grain"}


def test_counting_off(client, stories, settings):
    settings.SEARCH_LOG_DAYS = 0
    search(client, "grain")
    assert counts() == {}


@pytest.mark.parametrize("table", ["articles_searchcount", "articles_searchweek"])
def test_no_column_of_the_report_can_tell_readers_apart(table):
    """Issue 27's bar: no table of the report holds an address, a session key, a user or a cookie."""
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, table)
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", [table]
        )
        types = dict(cursor.fetchall())
    names = {column.name for column in columns}
    assert names == set(types) and names >= {"query", "searches"}
    assert not {"inet", "cidr", "macaddr", "macaddr8", "uuid"} & set(types.values())
    banned = ("ip", "addr", "session", "user", "cookie", "agent", "host", "referer", "referrer", "token")
    assert [name for name in names if any(word in name for word in banned)] == []
    assert [model._meta.db_table for model in (SearchCount, SearchWeek)] == [
        "articles_searchcount",
        "articles_searchweek",
    ]
