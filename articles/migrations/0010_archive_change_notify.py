from django.db import migrations

# Why: every app process keeps its own page cache by default (`CACHE_URL=locmem://`), and an
# editor's save reached only the process that handled it; the others served the old page until it
# expired. PostgreSQL now says when the archive changed: any statement that writes a table pages
# are made of sends a notification on the `archive_changed` channel, delivered when (and only if)
# its transaction commits, whoever wrote it (the admin, the importer's COPY, a restore, psql). Each
# app process listens (`articles.archive_listener.ArchiveChangeListener`) and makes its cached pages stale.
#
# Statement-level, with an empty payload: a transaction's notifications on one channel with one
# payload are folded into one, so an import of thousands of rows sends a single message.
TABLES = (
    "articles_article",
    "articles_articleauthor",
    "articles_image",
    "articles_relatedlink",
    "articles_section",
    "authors_author",
)
FUNCTION = """
CREATE FUNCTION articles_notify_archive_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('archive_changed', '');
    RETURN NULL;
END $$;
"""
TRIGGERS = "".join(
    f"CREATE TRIGGER {table}_archive_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION articles_notify_archive_changed();\n"
    for table in TABLES
)
REVERSE = "".join(f"DROP TRIGGER {table}_archive_changed ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION articles_notify_archive_changed();"
)


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_phrase_pairs"), ("authors", "0001_initial")]

    operations = [migrations.RunSQL(FUNCTION + TRIGGERS, REVERSE)]
