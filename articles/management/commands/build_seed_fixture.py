"""`python manage.py build_seed_fixture` — regenerate `fixtures/seed.json` from `fixtures/seed/`.

The fixture is what the importer makes of the seed pages, so `manage.py loaddata seed` gives the
same archive as `import_articles fixtures/seed/`. It is built in a scratch database (created,
migrated and dropped here), never from whatever the working database holds.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

SEED_DIR = Path(settings.BASE_DIR) / "fixtures" / "seed"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed.json"
SCRATCH_DATABASE = "newsroom_fixture_build"


class Command(BaseCommand):
    help = "Rebuild fixtures/seed.json by importing fixtures/seed/ into a scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(FIXTURE))

    def handle(self, *args, **options) -> None:
        real_name = connection.settings_dict["NAME"]
        connection.settings_dict["TEST"] = {
            **connection.settings_dict.get("TEST", {}),
            "NAME": SCRATCH_DATABASE,
        }
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            call_command("import_articles", str(SEED_DIR), stdout=io.StringIO())
            call_command(
                "dumpdata", "authors", "articles", indent=2, output=options["output"], stdout=io.StringIO()
            )
        finally:
            connection.creation.destroy_test_db(real_name, verbosity=0)
        self.stdout.write(f"Wrote {options['output']}")
