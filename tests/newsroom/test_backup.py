"""Backup and restore: a dump restored into an empty database loses nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg2 import sql

from articles.importer.pages import read_saved_page
from articles.models import SourceDocument
from newsroom.backup import BackupError, database_snapshot, restore
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, RelatedLinkFactory, SectionFactory

ROOT = Path(__file__).resolve().parents[2]
# Odd but legal text: curly quotes, CRLF, trailing spaces, non-Latin scripts, an emoji.
ODD_PAGE = "Opinion\r\n\r\n“Quoted” title — ünïcödé 🗞️\r\n\r\n1 min read\r\n\r\nКиїв body line.   \r\n"


def connect(name: str):
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=name, user=db["USER"], password=db["PASSWORD"] or None, host=db["HOST"], port=db["PORT"]
    )


@pytest.fixture
def scratch_database() -> Iterator[dict]:
    """An empty database next to the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    admin = connect("postgres")
    admin.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield {**connection.settings_dict, "NAME": name}
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    admin.close()


def make_archive(tmp_path: Path) -> None:
    """Every model populated: factories for the editors' side, the importer for real pages."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "odd.txt").write_bytes(ODD_PAGE.encode())
    call_command(
        "import_articles", str(ROOT / "fixtures" / "seed"), str(tmp_path / "pages"), stdout=io.StringIO()
    )
    author = AuthorFactory()
    article = ArticleFactory(authors=[author], hero_image=ImageFactory(), section=SectionFactory())
    RelatedLinkFactory(article=article, target=ArticleFactory(status="draft", published_at=None))
    from django.contrib.auth.models import User

    User.objects.create_superuser("editor", "editor@example.org", "a-long-password-1")


def snapshot(name: str) -> dict[str, list]:
    return database_snapshot({**connection.settings_dict, "NAME": name})


@pytest.mark.django_db(transaction=True)  # committed data: pg_dump reads it from its own connection
def test_a_backup_restored_into_an_empty_database_loses_nothing(tmp_path, scratch_database):
    make_archive(tmp_path)
    dump = tmp_path / "archive.dump"
    out = io.StringIO()
    call_command("backup_archive", str(dump), stdout=out)
    assert "backup written" in out.getvalue() and dump.stat().st_size > 0

    restore(scratch_database, dump)

    before, after = snapshot(connection.settings_dict["NAME"]), snapshot(scratch_database["NAME"])
    assert before.keys() == after.keys()
    assert {t: len(r) for t, r in before.items()} == {t: len(r) for t, r in after.items()}
    for table in before:
        assert before[table] == after[table], f"{table} differs after the round trip"
    assert len(before["articles_article"]) == 4 and len(before["articles_sourcedocument"]) == 2
    with connect(scratch_database["NAME"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT text FROM articles_sourcedocument")
        restored_sources = {row[0] for row in cur.fetchall()}
    conn.close()
    pages = [ROOT / "fixtures" / "seed" / "000_a62c5fcdd14d0141.txt", tmp_path / "pages" / "odd.txt"]
    originals = {read_saved_page(p.read_bytes(), origin=str(p)).text for p in pages}
    assert restored_sources == originals == set(SourceDocument.objects.values_list("text", flat=True))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    ArticleFactory()
    dump = tmp_path / "archive.dump"
    call_command("backup_archive", str(dump), stdout=io.StringIO())
    with pytest.raises(BackupError, match="not empty"):
        restore(connection.settings_dict, dump)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_archive", str(dump), stdout=io.StringIO())


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path, scratch_database):
    with pytest.raises(BackupError, match="no backup file"):
        restore(scratch_database, tmp_path / "nothing.dump")
