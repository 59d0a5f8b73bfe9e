"""`python manage.py restore_archive FILE` — restore a `backup_archive` file into an EMPTY database.

Guarantees: refuses a database that has any table (a restore never merges into a live archive);
restores in one transaction and stops at the first error, so a failed restore leaves the database
as empty as it was. Exit code 0 on success, 1 otherwise. To restore next to a live archive, point
the settings at a new database (`EMBEDDED_DB_NAME=newsroom_restored` or `DATABASE_URL=…`).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup_archive FILE into the (empty) archive database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default="default", help="Django database alias.")

    def handle(self, *args, **options) -> None:
        db = settings.DATABASES[options["database"]]
        try:
            restore(db, options["file"])
        except BackupError as error:
            raise CommandError(str(error), returncode=1) from error
        self.stdout.write(f"restored {options['file']} into database {db['NAME']!r}")
