"""How a search's statements are written and run: named parameters (`%(query)s`), one dict per
statement merged from its parts (a value used twice is written once; a literal % in the SQL is
written %%), its planner settings and time budget, one round trip."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, transaction

from articles.models import Article


@dataclass(frozen=True)
class Statement:
    """One SELECT with the planner settings it needs. Sent as one string ("SET LOCAL …; SELECT"),
    which PostgreSQL runs as one implicit transaction: one round trip, and the settings end with
    the statement."""

    sql: str
    # Not hashed (a dict is not hashable): equal statements still hash alike, by their SQL.
    params: dict[str, object] = field(hash=False)
    settings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        # Every statement gets the search time budget (`TOO_SLOW`, `run_search`).
        budget = f"statement_timeout = {int(settings.SEARCH_TIMEOUT_MS)}"
        return "".join(f"SET LOCAL {setting}; " for setting in (*self.settings, budget)) + self.sql


def named(values: Sequence, name: str) -> dict[str, object]:
    """Positional parameters named: `name` for one value, `name_0`, `name_1`… for several."""
    if len(values) == 1:
        return {name: values[0]}
    return {f"{name}_{n}": value for n, value in enumerate(values)}


PLACEHOLDER = re.compile(r"%%|%s")


def named_placeholders(sql: str, names: Sequence[str]) -> str:
    """The ORM's `%s` placeholders as `%(name)s`, in order; `%%` (a literal %) stays as it is."""
    slots = iter(names)

    def name(placeholder: re.Match) -> str:
        return "%%" if placeholder.group() == "%%" else f"%({next(slots)})s"

    text = PLACEHOLDER.sub(name, sql)
    if next(slots, None) is not None:
        raise ValueError("more parameters than placeholders")
    return text


def merge(*parts: Mapping[str, object]) -> dict[str, object]:
    """One statement's parameters from its parts'. A name two parts share must hold one value."""
    merged: dict[str, object] = {}
    for part in parts:
        for key, value in part.items():
            if key in merged and merged[key] != value:
                raise ValueError(f"parameter {key!r} given two values")
            merged[key] = value
    return merged


@contextmanager
def run_scope(db: str) -> Iterator[None]:
    """Outside a transaction a statement's SET LOCALs end with it. Inside one (tests, or a caller's
    atomic block) they would last to its end: run in a savepoint and roll it back (reads only)."""
    if not connections[db].in_atomic_block:
        yield
        return
    with transaction.atomic(using=db):
        yield
        transaction.set_rollback(True, using=db)


def fetch_rows(db: str, statement: Statement) -> list[tuple]:
    with run_scope(db), connections[db].cursor() as cursor:
        cursor.execute(statement.text, statement.params)
        return cursor.fetchall()


def fetch_articles(db: str, statement: Statement) -> list[Article]:
    with run_scope(db):
        return list(Article.objects.raw(statement.text, statement.params, using=db))
