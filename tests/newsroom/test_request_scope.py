"""Values read once per request (newsroom/request_scope.py). That requests begin and end a scope is
checked by tests/articles/test_caching.py (one read of the archive's state per request)."""

import zoneinfo
from datetime import UTC, datetime

import pytest
from django.urls import set_script_prefix
from django.utils import timezone

from articles.templating import format_date
from newsroom.links import story_url
from newsroom.request_scope import once_per_request, request_scope


@pytest.fixture
def counted():
    calls = []

    @once_per_request
    def value():
        calls.append(1)
        return len(calls)

    return value, calls


@pytest.fixture
def in_request():
    with request_scope():
        yield


def test_outside_a_request_every_call_runs(counted):
    value, calls = counted
    assert (value(), value()) == (1, 2)


def test_within_a_request_the_first_value_is_kept_until_forgotten(counted, in_request):
    value, calls = counted
    assert (value(), value()) == (1, 1)
    value.forget()
    assert value() == 2


def test_each_request_reads_afresh(counted):
    value, calls = counted
    for expected in (1, 2):
        with request_scope():
            assert value() == value() == expected


def test_a_time_zone_activated_before_the_first_date_is_the_requests(in_request):
    when = datetime(2024, 3, 5, 23, 30, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        assert format_date(when, "c") == "2024-03-06T08:30:00+09:00"
        assert format_date(when, "F j, Y") == "March 6, 2024"


def test_a_script_prefix_set_as_the_request_began_is_in_its_links(in_request):
    set_script_prefix("/news/")
    try:
        assert story_url("s") == "/news/articles/s/"
    finally:
        set_script_prefix("/")
