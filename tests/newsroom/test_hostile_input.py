"""Readers' and editors' input at the edges of its type: never a 5xx.

Every date and number a reader can give (search operators, form fields, page numbers, feed
parameters, archive paths) at the limits of its type, NUL bytes and invalid UTF-8 in every admin
parameter for a signed-in editor, and a property: any query string on any URL pattern answers
below 500. (bench/http_fuzz.py sends tens of thousands of such requests to a real gunicorn.)
"""

from __future__ import annotations

import random
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ArticleFactory, AuthorFactory
from tests.newsroom.test_http_fuzz import load_fuzzer

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EDGE_DATES = [
    "0001-01-01",
    "9999-12-31",
    "2024-02-29",
    "2023-02-29",
    "0000-00-00",
    "10000-01-01",
    "２０２４-０１-０１",  # full-width digits
    "٢٠٢٤-٠١-٠١",  # Arabic-Indic digits
    "2024-1-1",
]
EDGE_NUMBERS = [
    "0",
    "-1",
    "1",
    "9223372036854775808",  # 2**63
    "-9223372036854775809",
    "18446744073709551616",
    "1e309",
    "NaN",
    "inf",
    "-0",
    "１",  # full-width one
    "1.5",
    "last",
    "",
]
READER_PATHS = ["/search/", "/search/feed/"]


def quoted(value: str) -> str:
    return quote(value, safe="")


@pytest.fixture
def archive(db):
    author = AuthorFactory(slug="abbey-fenbert")
    return ArticleFactory(title="War and the city", body="War came to the city.", authors=[author])


@pytest.mark.parametrize("day", EDGE_DATES)
@pytest.mark.parametrize("path", READER_PATHS)
def test_a_date_at_the_edge_of_its_type_never_fails_a_search(client, archive, path, day):
    for query in (
        f"q={quoted('before:' + day)}",
        f"q={quoted('after:' + day)}",
        f"q=war&before={quoted(day)}",
        f"q=war&after={quoted(day)}",
        f"before={quoted(day)}&after={quoted(day)}",
        f"q={quoted(f'war after:{day} before:{day}')}",
    ):
        assert client.get(f"{path}?{query}").status_code < 500, query


def test_the_last_day_there_is_includes_every_story(client, archive):
    response = client.get("/search/?q=war&before=9999-12-31")
    assert response.status_code == 200
    assert archive.title in response.content.decode()
    response = client.get("/search/?q=war+after:0001-01-01+before:9999-12-31")
    assert archive.title in response.content.decode()


@pytest.mark.parametrize("number", EDGE_NUMBERS)
def test_a_page_number_at_the_edge_of_its_type_is_a_404_or_a_page(client, archive, number):
    for path in ["/", "/search/?q=war&", "/archive/", f"/authors/{archive.authors.first().slug}/"]:
        url = f"{path}{'&' if '?' in path else '?'}page={quoted(number)}"
        assert client.get(url).status_code in {200, 301, 302, 404}, url


@pytest.mark.parametrize(
    "path",
    [
        "/archive/9999/",
        "/archive/9999/12/",
        "/archive/9999/12/31/",
        "/archive/0001/01/01/",
        "/archive/0000/01/01/",
        "/archive/2024/02/29/",
        "/archive/2023/02/29/",
        "/archive/2024/13/01/",
        "/archive/2024/00/00/",
    ],
)
def test_an_archive_date_at_the_edge_is_a_page_or_a_404(client, archive, path):
    assert client.get(path).status_code in {200, 404}


def _changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


HOSTILE_VALUES = ["%00", "a%00b", "%ff%fe", "%c0%af", "%ed%a0%80", "9223372036854775808", "-1", "NaN"]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_admin_parameters_never_fail_for_an_editor(admin_client, archive, value):
    """Each changelist's own filters (field__exact, dates, ordering, search, page) and any
    parameter at all, given NUL bytes, invalid UTF-8 and out-of-range numbers."""
    params = ["q", "o", "p", "e", "status__exact", "layout__exact", "section__id__exact", "pk", "id__in"]
    params += ["published_at__gte", "published_at__year", "authors__id__exact", "_changelist_filters"]
    for changelist in _changelists():
        for param in params:
            url = f"{changelist}?{param}={value}"
            assert admin_client.get(url).status_code < 500, url
        # the change form of an object id of that value
        assert admin_client.get(f"{changelist}{value}/change/").status_code < 500


def test_a_nul_byte_in_a_list_filter_is_a_bad_request_not_a_500(admin_client, archive):
    for url in [
        "/admin/articles/article/?status__exact=%00",
        "/admin/articles/sourcedocument/?layout__exact=%00",
    ]:
        assert admin_client.get(url).status_code == 400


def _routes() -> list[str]:
    return load_fuzzer().url_routes()


query_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(EDGE_DATES + EDGE_NUMBERS + ["%00", "%ff", "%", "before:9999-12-31", "after:0001-01-01"]),
)
query_strings = st.lists(
    st.tuples(
        st.sampled_from(["q", "page", "sort", "author", "section", "after", "before", "o", "p"]), query_values
    )
    | st.tuples(st.text(max_size=10), query_values),
    max_size=5,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route_index=st.integers(min_value=0, max_value=10_000), pairs=query_strings, as_editor=st.booleans())
def test_any_query_string_on_any_url_pattern_never_gets_a_5xx(
    archive, admin_user, route_index, pairs, as_editor
):
    fuzz = load_fuzzer()
    routes = _routes()
    real = [archive.slug.encode(), b"abbey-fenbert", archive.section.slug.encode(), b"2025", b"01"]

    path = fuzz.fill_route(routes[route_index % len(routes)], real, random.Random(route_index)).decode(
        "latin-1"
    )
    query = "&".join(
        f"{quote(key.encode('utf-8', 'surrogatepass'))}={quote(value.encode('utf-8', 'surrogatepass'))}"
        for key, value in pairs
    )
    client = Client(raise_request_exception=False)
    if as_editor:
        client.force_login(admin_user)
    response = client.get(f"{quote(path, safe='/%')}?{query}")
    assert response.status_code < 500, (path, query)
