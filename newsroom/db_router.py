"""Send reads to read replicas when `DATABASE_REPLICA_URLS` names some; writes to the primary.

Reads inside a transaction on the primary (the admin's change views, the importer) stay on the
primary, so an editor never reads a replica that has not caught up with what they just saved.
Migrations run on the primary only; replicas receive them by streaming replication.
"""

from __future__ import annotations

import random

from django.conf import settings
from django.db import connections

PRIMARY = "default"


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        replicas = replica_aliases()
        if not replicas or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return random.choice(replicas)

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # every alias holds the same data

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db == PRIMARY
