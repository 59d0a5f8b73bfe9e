"""The reader pages' Jinja2 environment (articles/templating.py) behaves as Django's templates did:
the same date and truncation output, escaping on, missing values silent."""

from datetime import UTC, date, datetime

import pytest
from django.template import defaultfilters, engines
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.markup import truncatewords
from articles.templating import format_date, truncatechars, url

WHEN = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/New_York"])
@pytest.mark.parametrize("fmt", ["c", "F j, Y", "F j, Y, H:i T", "Ymd", "N j, Y", "Y", "m", "d", "j", "F"])
def test_date_is_djangos_date_filter(zone, fmt):
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        assert format_date(WHEN, fmt) == defaultfilters.date(timezone.localtime(WHEN), fmt)
    assert format_date(date(2024, 3, 5), "F j, Y") == "March 5, 2024"
    assert format_date(None, "Y") == ""


@pytest.mark.parametrize(
    "text",
    [
        "",
        "one",
        "a b c d e f",
        "  spaced   out  words here ",
        "<b>bold</b> words",
        "e\u0301te\u0301",
        "fivec",
    ],
)
def test_truncation_is_djangos(text):
    assert truncatewords(text, 3) == defaultfilters.truncatewords(text, 3)
    for length in (1, 4, 5, 6):
        assert truncatechars(text, length) == defaultfilters.truncatechars(text, length)


def test_url_is_reverse_and_remembers_it():
    assert url("home") == reverse("home")
    assert url("author_feed", slug="ünï") == reverse("author_feed", kwargs={"slug": "ünï"})
    assert url("archive_month", year="2024", month="03") == "/archive/2024/03/"


def test_output_is_escaped_and_missing_values_are_silent():
    assert render("{{ x }}", x="<script>") == "&lt;script&gt;"
    assert render("[{{ meta.title }}]{% if meta.noindex %}x{% endif %}") == "[]"
