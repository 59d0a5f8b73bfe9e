"""`python manage.py purge_search_log [--days N]` — delete the search counts older than the
retention period (`SEARCH_LOG_DAYS`, default 90; articles/search_log.py).

Counting already does this once a day in each app process; this is for ops to schedule or run at
once (a shorter period, or a site nobody has searched for days). Idempotent; prints how many
day-rows it deleted; exit code 0 unless the database fails.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from articles.search_log import purge_search_log


class Command(BaseCommand):
    help = "Delete readers' search counts older than SEARCH_LOG_DAYS (or --days) days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="keep this many days (default: SEARCH_LOG_DAYS)"
        )

    def handle(self, *args, days: int | None, **options) -> None:
        kept = settings.SEARCH_LOG_DAYS if days is None else days
        deleted = purge_search_log(kept)
        self.stdout.write(f"Deleted {deleted} search counts older than {kept} days.")
