"""`python manage.py reparse_sources` — re-derive every story from its stored source page.

Guarantees:

* each source is re-parsed with the current parser and its story updated in place when the page
  now gives something different (one transaction per story; a failure leaves that story as it was
  and does not stop the others);
* fields an editor changed in the admin are never overwritten, and no story's status or slug changes;
* `--dry-run` reports what would change and writes nothing; `--json` prints one JSON object per
  changed (or failed) story on stdout, everything else on stderr;
* idempotent: a second run right after the first changes nothing;
* the exit code is 0 when every source was read, 1 when any failed.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm

from articles.importer.reparse import Reparsed, reparse
from articles.models import SourceDocument


class Command(BaseCommand):
    help = "Re-parse every stored source page and update the stories whose derived fields changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--json", action="store_true", help="One JSON object per changed story on stdout."
        )

    def handle(self, *args, **options) -> None:
        report = self.stderr if options["json"] else self.stdout
        counts = self._reparse_all(dry_run=options["dry_run"], as_json=options["json"], report=report)
        prefix = "Dry run (nothing written): " if options["dry_run"] else ""
        verb = "would be updated" if options["dry_run"] else "updated"
        report.write(
            f"{prefix}{counts['updated']} {verb}, {counts['unchanged']} unchanged, {counts['failed']} failed"
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} source(s) could not be re-parsed", returncode=1)

    def _reparse_all(self, *, dry_run: bool, as_json: bool, report) -> Counter[str]:
        """Every source with a story re-parsed in turn; how many were updated, unchanged, failed."""
        sources = SourceDocument.objects.filter(articles__isnull=False).distinct().order_by("pk")
        counts: Counter[str] = Counter()
        progress = tqdm(total=sources.count(), unit="source", file=sys.stderr, disable=None, leave=False)
        for source in sources.iterator(chunk_size=200):
            result = self._reparse(source, dry_run)
            counts["failed" if result.error else "updated" if result.changes else "unchanged"] += 1
            if result.changes or result.error:
                self._show(result, as_json=as_json, report=report)
            progress.update(1)
        progress.close()
        return counts

    def _reparse(self, source: SourceDocument, dry_run: bool) -> Reparsed:
        try:
            return reparse(source, dry_run=dry_run)
        except (DatabaseError, ValueError) as error:
            return Reparsed(source, None, error=f"database refused the update: {error}".strip())

    def _show(self, result: Reparsed, *, as_json: bool, report) -> None:
        if as_json:
            self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, default=str))
            return
        name = result.source.origin or result.source.sha256[:12]
        if result.error:
            report.write(f"  failed: {name}: {result.error}")
            return
        report.write(f"  story {result.article_id} ({name}):")
        for field, old, new in result.changes:
            report.write(f"    {field}: {old!r} → {new!r}")
