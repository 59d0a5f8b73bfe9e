import importlib

from django.db import migrations

# Why: a results page ranks the newest 200 title/summary matches of its words. For a word in a few
# thousand headlines that meant reading every match's row for its date (a 10% word at 1M stories:
# 3,800 rows, 8-11 ms) or ANDing the text index with a date range of the listing index (as slow).
# With the story's year as a lexeme beside its section and authors (`y2025`), "matches from 2025
# on" is one GIN scan that skips through the word's postings: 10.7 → 1.9 ms for `doctor` at 1M
# (EXPLAIN ANALYZE on a scratch copy, bench/RESULTS.md). The year is the UTC year of
# `published_at`; an undated story has none.
#
# The same steps as 0007: the text indexes are dropped and rebuilt around the backfill, in
# separate transactions, each step safe to run again. Its functions are replaced and its story
# trigger also fires on a date change; its byline triggers stay as they are.
previous = importlib.import_module("articles.migrations.0007_search_filters")

FUNCTIONS = """
CREATE OR REPLACE FUNCTION articles_search_filters(story bigint, section bigint, published timestamptz)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    -- The same lexemes as articles.models.filter_lexeme() (and as the story trigger below).
    SELECT array_to_tsvector(ARRAY(
        SELECT 's' || section WHERE section IS NOT NULL
        UNION ALL
        SELECT 'y' || extract(year FROM published AT TIME ZONE 'UTC')::int WHERE published IS NOT NULL
        UNION ALL
        SELECT 'a' || author_id FROM articles_articleauthor WHERE article_id = story
    ))
$$;

-- Spelled out rather than calling articles_search_filters(): PL/pgSQL keeps this statement's
-- plan for the session, a SQL function called from it is planned again for each row (50 µs).
CREATE OR REPLACE FUNCTION articles_story_search_filters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_filters := array_to_tsvector(ARRAY(
        SELECT 's' || NEW.section_id WHERE NEW.section_id IS NOT NULL
        UNION ALL
        SELECT 'y' || extract(year FROM NEW.published_at AT TIME ZONE 'UTC')::int
        WHERE NEW.published_at IS NOT NULL
        UNION ALL
        SELECT 'a' || author_id FROM articles_articleauthor WHERE article_id = NEW.id
    ));
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION articles_bylines_search_filters() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    stories bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        stories := ARRAY(SELECT article_id FROM new_bylines);
    ELSIF TG_OP = 'UPDATE' THEN
        stories := ARRAY(SELECT article_id FROM new_bylines UNION SELECT article_id FROM old_bylines);
    ELSE
        stories := ARRAY(SELECT article_id FROM old_bylines);
    END IF;
    EXECUTE 'UPDATE articles_article SET search_filters = NULL WHERE id = ANY($1) '
            'AND search_filters IS DISTINCT FROM articles_search_filters(id, section_id, published_at)'
    USING stories;  -- NULL: the story trigger computes the new value
    RETURN NULL;
END $$;

DROP FUNCTION IF EXISTS articles_search_filters(bigint, bigint);
"""
# Computed while the story trigger is away, as in 0007 (it would compute each value again).
BACKFILL = (
    "UPDATE articles_article SET search_filters = articles_search_filters(id, section_id, published_at)"
    " WHERE published_at IS NOT NULL;"
)
DROP_STORY_TRIGGER = "DROP TRIGGER IF EXISTS articles_story_search_filters ON articles_article;"
STORY_TRIGGER = """
CREATE TRIGGER articles_story_search_filters
BEFORE INSERT OR UPDATE OF section_id, published_at, search_filters ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_story_search_filters();
"""
# Back to 0007's lexemes: its functions and triggers as it made them, and every value recomputed.
REVERSE = (
    f"{previous.DROP_IF_ANY} DROP FUNCTION IF EXISTS articles_search_filters(bigint, bigint, timestamptz); "
    f"{previous.FUNCTIONS} {previous.BACKFILL} {previous.TRIGGERS}"
)
DROP_INDEXES = "DROP INDEX IF EXISTS article_search_gin; DROP INDEX IF EXISTS article_search_head_gin;"
CREATE_INDEXES = (
    "CREATE INDEX IF NOT EXISTS article_search_gin ON articles_article USING gin (search_vector, search_filters); "
    "CREATE INDEX IF NOT EXISTS article_search_head_gin"
    " ON articles_article USING gin (search_vector_head, search_filters);"
)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("articles", "0007_search_filters")]

    operations = [
        migrations.RunSQL(DROP_INDEXES, CREATE_INDEXES),
        migrations.RunSQL(
            f"BEGIN; {DROP_STORY_TRIGGER} {FUNCTIONS} {BACKFILL} {STORY_TRIGGER} COMMIT;",
            f"BEGIN; {REVERSE} COMMIT;",
        ),
        migrations.RunSQL(CREATE_INDEXES, DROP_INDEXES),
        migrations.RunSQL("VACUUM ANALYZE articles_article", migrations.RunSQL.noop),
    ]
