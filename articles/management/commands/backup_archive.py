"""`python manage.py backup_archive [FILE]` — dump the whole archive to one file (pg_dump).

Guarantees: the file holds every table of the database (articles, authors, sources verbatim,
users, sessions…) and the sequences' positions; it is written under a temporary name and renamed
when complete, so a file with the final name is a whole backup. Exit code 0 on success, 1 otherwise.
Restore it with `restore_archive` (newsroom/backup.py).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from newsroom.backup import BackupError, backup

DEFAULT_FOLDER = Path(settings.BASE_DIR) / "var" / "backups"


class Command(BaseCommand):
    help = "Dump the archive database to FILE (default: var/backups/newsroom-<UTC time>.dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--database", default="default", help="Django database alias.")

    def handle(self, *args, **options) -> None:
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        path = options["file"] or DEFAULT_FOLDER / f"newsroom-{stamp}.dump"
        try:
            backup(settings.DATABASES[options["database"]], path)
        except BackupError as error:
            raise CommandError(str(error), returncode=1) from error
        self.stdout.write(f"backup written: {path} ({path.stat().st_size:,} bytes)")
