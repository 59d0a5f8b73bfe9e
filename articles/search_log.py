"""What readers searched for, and what they could not find (issue 27): counts per query and day.

Nothing that tells one reader from another is kept: no address, cookie, session, user or user
agent (a test reads the tables' columns). A row is a normalised query, a day, and three counters:
searches, searches that found nothing, and results opened from its results. What is counted, and
when, is `articles/search/counting.py`; the admin's report is `articles/admin_search_log.py`.

Retention: `SEARCH_LOG_DAYS` (default 90). Each process deletes older rows as it writes its first
count of a day, so the promise holds without a scheduled job (one indexed DELETE a day, after a
response); `manage.py purge_search_log` does the same for ops (a site nobody searches for days, or
a shorter period at once). Days are UTC days, as the database's `current_date` is on Django's
connections (the report's view reads it).
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import F

from articles.search.query import MAX_QUERY_LENGTH

QUERY_LENGTH = 200  # longer searches are pasted text or probes, not what readers look for
logger = logging.getLogger(__name__)


class SearchCount(models.Model):
    """How often readers searched for `query` on `day` (UTC), how many of those searches found
    nothing, and how many results they opened (at most one a search: see `count_opened`)."""

    query = models.CharField(max_length=QUERY_LENGTH)
    day = models.DateField()
    searches = models.PositiveIntegerField(default=0)
    found_nothing = models.PositiveIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["query", "day"], name="searchcount_query_day")]
        indexes = [models.Index(fields=["day"], name="searchcount_day_idx")]  # the week; retention
        ordering = ["-day", "-searches"]

    def __str__(self) -> str:
        return f"{self.query} ({self.day})"


class SearchWeek(models.Model):
    """The last seven days' counts summed per query: a database view (migration 0023), read-only,
    which the admin's report lists, sorts and filters like any table."""

    query = models.CharField(max_length=QUERY_LENGTH, primary_key=True)
    searches = models.PositiveIntegerField()
    found_nothing = models.PositiveIntegerField()
    opened = models.PositiveIntegerField()
    last_day = models.DateField()

    class Meta:
        managed = False
        db_table = "articles_searchweek"
        default_permissions = ("view",)
        ordering = ["-searches", "query"]
        verbose_name = "search this week"
        verbose_name_plural = "searches this week"

    def __str__(self) -> str:
        return self.query


def normalise_query(text: str) -> str:
    """A search as it is counted: compatibility-normalised (NFKC: full-width letters, ligatures),
    case-folded, without control or format characters (NUL, zero-width, direction marks: the
    search drops them too), whitespace collapsed. Quotes, `-`, `or` and `author:` stay: they change
    what is searched (`search_terms.normalise_term` drops them: right for synonyms, not here)."""
    folded = unicodedata.normalize("NFKC", text[: MAX_QUERY_LENGTH * 2]).casefold()
    return " ".join("".join(_visible(c) for c in folded).split())


def _visible(character: str) -> str:
    if unicodedata.category(character)[0] != "C":
        return character
    return " " if character.isspace() else ""


# A count lost to a crash costs nothing: its commit need not wait for the WAL's flush, which a
# worker would otherwise wait for (after the response) before its next request.
UPSERT = """
SET LOCAL synchronous_commit TO OFF;
INSERT INTO articles_searchcount AS row (query, day, searches, found_nothing, opened)
VALUES (%s, %s, 1, %s, %s)
ON CONFLICT (query, day) DO UPDATE SET searches = row.searches + 1,
    found_nothing = row.found_nothing + EXCLUDED.found_nothing, opened = row.opened + EXCLUDED.opened
"""
_last_purge: dict[str, date] = {}  # per database: the day this process last applied retention


def count_search(query: str, *, found_nothing: bool, opened: bool = False) -> None:
    """One search for `query` (normalised) today: one statement, and once a day the retention's
    DELETE. Never raises: a lost count is logged, and must not break anything."""
    alias = router.db_for_write(SearchCount)
    today = utc_today()
    try:
        with transaction.atomic(using=alias):  # a savepoint inside a caller's transaction
            if _last_purge.get(alias) != today:
                purge_search_log(settings.SEARCH_LOG_DAYS, using=alias)
                _last_purge[alias] = today
            with connections[alias].cursor() as cursor:
                cursor.execute(UPSERT, [query, today, int(found_nothing), int(opened)])
    except DatabaseError:
        logger.warning("search not counted: %r", query, exc_info=True)


def count_opened(text: str) -> bool:
    """A reader opened a result of `text` today: +1 on a row a search made, never a new row, and
    never past that day's searches (a forged request can move a count only so far). Whether a row
    changed. Never raises."""
    query = normalise_query(text)
    if not query or len(query) > QUERY_LENGTH:
        return False
    try:
        rows = SearchCount.objects.filter(query=query, day=utc_today(), opened__lt=F("searches"))
        return rows.update(opened=F("opened") + 1) > 0
    except DatabaseError:
        logger.warning("opened result not counted: %r", query, exc_info=True)
        return False


def purge_search_log(days: int, *, using: str = "default") -> int:
    """Delete the counts of days more than `days` ago (0: all but today's); how many rows."""
    cutoff = utc_today() - timedelta(days=max(days, 0))
    deleted, _ = SearchCount.objects.using(using).filter(day__lt=cutoff).delete()
    return deleted


def utc_today() -> date:
    return datetime.now(UTC).date()
