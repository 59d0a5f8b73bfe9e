"""The teaser furniture's fast formatting gives exactly what Django's date formats give."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override as override_language

from articles.templatetags.reader import DATE_UNKNOWN, dateline

MOMENTS = [
    datetime(2024, 1, 1, 0, 0, tzinfo=UTC),
    datetime(2024, 12, 31, 23, 59, 59, 123456, tzinfo=UTC),  # a new year in Auckland
    datetime(1999, 2, 28, 12, 30, tzinfo=UTC),
    datetime(812, 7, 4, 8, 0, tzinfo=UTC),  # a year of three digits: "Y" pads it to four
]


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/New_York"])
@pytest.mark.parametrize("when", MOMENTS)
def test_dateline_matches_django_date_formats(when: datetime, zone: str) -> None:
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        local = timezone.localtime(when)
        expected = f'<time datetime="{date_format(local, "c")}">{date_format(local, "F j, Y")}</time>'
        assert str(dateline(when)) == expected


def test_dateline_month_follows_the_active_language() -> None:
    when = datetime(2024, 3, 5, 12, tzinfo=UTC)
    with override_language("de"):
        assert str(dateline(when)).endswith(">März 5, 2024</time>")


def test_dateline_never_invents_a_date() -> None:
    assert dateline(None) is DATE_UNKNOWN
