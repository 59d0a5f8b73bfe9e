"""`manage.py refresh_search_vocabulary`: rebuild the search page's spelling-suggestion word list
from the public titles and summaries. Atomic (readers see the old list until it commits);
idempotent; run it after large imports (a few seconds per 100,000 articles)."""

from django.core.management.base import BaseCommand

from articles.search.suggest import refresh_vocabulary


class Command(BaseCommand):
    help = "Rebuild the search spelling-suggestion vocabulary from public titles and summaries."

    def handle(self, *args, **options) -> None:
        refresh_vocabulary()
        self.stdout.write("Search vocabulary refreshed.")
