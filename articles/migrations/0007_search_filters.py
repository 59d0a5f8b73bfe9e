import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

# Why: a word search narrowed to a section or an author ANDed two indexes: the text index's
# bitmap of every story with the word (a 10% word: 100,000 postings at 1M stories, 12-18 ms to
# decode) with the section's date index (38,000 entries, 4-5 ms) or the author's stories looked up
# one by one by id (4,000, 7-10 ms). With the section and authors as lexemes in a second column of
# the same GIN index, the index intersects them itself, skipping through the word's postings:
# `doctor author:<one>` 21 → 2 ms, `doctor section:News after:2015-01-01` 18 → 11 ms (EXPLAIN
# ANALYZE at 1M stories).
#
# The database keeps the column, not the app, as it keeps the bylines' copies (0005): a story's
# value is computed before it is written (its section, and the bylines already there: the
# importer writes bylines first), and a byline added, moved or removed updates its story, only
# when the value changes.
#
# On a large archive the text indexes are dropped first and rebuilt after the backfill (a GIN
# index gains ~500 entries per updated row): 1M stories take about 7 minutes here. The steps run
# in their own transactions (atomic = False): an index built in the backfill's transaction would
# also hold every story's old row version until the next VACUUM, and each search would visit
# both (twice the work, measured at 100k stories). The backfill and the triggers share one
# transaction, so no write can slip between them.
FUNCTIONS = """
CREATE FUNCTION articles_search_filters(story bigint, section bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    -- The same lexemes as articles.models.filter_lexeme() (and as the story trigger below).
    SELECT array_to_tsvector(ARRAY(
        SELECT 's' || section WHERE section IS NOT NULL
        UNION ALL
        SELECT 'a' || author_id FROM articles_articleauthor WHERE article_id = story
    ))
$$;

-- Spelled out rather than calling articles_search_filters(): PL/pgSQL keeps this statement's
-- plan for the session, a SQL function called from it is planned again for each row (50 µs).
CREATE FUNCTION articles_story_search_filters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_filters := array_to_tsvector(ARRAY(
        SELECT 's' || NEW.section_id WHERE NEW.section_id IS NOT NULL
        UNION ALL
        SELECT 'a' || author_id FROM articles_articleauthor WHERE article_id = NEW.id
    ));
    RETURN NEW;
END $$;

-- Once per statement, for the stories whose bylines it wrote (a COPY of a batch's bylines is one
-- UPDATE, not one per row: 70 µs a byline row by row).
CREATE FUNCTION articles_bylines_search_filters() RETURNS trigger LANGUAGE plpgsql AS $$
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
    -- Planned for these ids each time (EXECUTE): a plan kept from when the table was small
    -- scanned all of it, computing each story's value (the importer's bylines took 25 times as long).
    EXECUTE 'UPDATE articles_article SET search_filters = NULL WHERE id = ANY($1) '
            'AND search_filters IS DISTINCT FROM articles_search_filters(id, section_id)'
    USING stories;  -- NULL: the story trigger computes the new value
    RETURN NULL;
END $$;
"""
BACKFILL = "UPDATE articles_article SET search_filters = articles_search_filters(id, section_id);"
TRIGGERS = """
-- Bylines are now written before their story (the importer): a byline's look-up of its story
-- (migration 0005) first ran on an empty table, and the plan PL/pgSQL kept from then read the
-- whole table for each byline afterwards (10,000 pages: 0.2 → 6 s). Planned for each row instead.
ALTER FUNCTION articles_byline_copy_story() SET plan_cache_mode = force_custom_plan;

CREATE TRIGGER articles_story_search_filters
BEFORE INSERT OR UPDATE OF section_id, search_filters ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_story_search_filters();

CREATE TRIGGER articles_bylines_inserted
AFTER INSERT ON articles_articleauthor REFERENCING NEW TABLE AS new_bylines
FOR EACH STATEMENT EXECUTE FUNCTION articles_bylines_search_filters();
CREATE TRIGGER articles_bylines_updated
AFTER UPDATE ON articles_articleauthor REFERENCING OLD TABLE AS old_bylines NEW TABLE AS new_bylines
FOR EACH STATEMENT EXECUTE FUNCTION articles_bylines_search_filters();
CREATE TRIGGER articles_bylines_deleted
AFTER DELETE ON articles_articleauthor REFERENCING OLD TABLE AS old_bylines
FOR EACH STATEMENT EXECUTE FUNCTION articles_bylines_search_filters();
"""
# A run that stopped after this step left them in place: it starts over.
DROP_IF_ANY = """
DROP TRIGGER IF EXISTS articles_bylines_deleted ON articles_articleauthor;
DROP TRIGGER IF EXISTS articles_bylines_updated ON articles_articleauthor;
DROP TRIGGER IF EXISTS articles_bylines_inserted ON articles_articleauthor;
DROP TRIGGER IF EXISTS articles_story_search_filters ON articles_article;
DROP FUNCTION IF EXISTS articles_bylines_search_filters();
DROP FUNCTION IF EXISTS articles_story_search_filters();
DROP FUNCTION IF EXISTS articles_search_filters(bigint, bigint);
"""
DROP = """
ALTER FUNCTION articles_byline_copy_story() RESET plan_cache_mode;
DROP TRIGGER articles_bylines_deleted ON articles_articleauthor;
DROP TRIGGER articles_bylines_updated ON articles_articleauthor;
DROP TRIGGER articles_bylines_inserted ON articles_articleauthor;
DROP TRIGGER articles_story_search_filters ON articles_article;
DROP FUNCTION articles_bylines_search_filters();
DROP FUNCTION articles_story_search_filters();
DROP FUNCTION articles_search_filters(bigint, bigint);
"""


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("articles", "0006_published_index")]

    # Each step may be run again: a migration in several transactions can stop part-way (a full
    # disk during the backfill), and `migrate` then starts it over.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS article_search_gin; DROP INDEX IF EXISTS article_search_head_gin;",
                    "CREATE INDEX article_search_gin ON articles_article USING gin (search_vector); "
                    "CREATE INDEX article_search_head_gin ON articles_article USING gin (search_vector_head);",
                ),
                migrations.RunSQL(
                    "ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_filters tsvector NULL;",
                    "ALTER TABLE articles_article DROP COLUMN search_filters;",
                ),
            ],
            state_operations=[
                migrations.RemoveIndex(model_name="article", name="article_search_gin"),
                migrations.RemoveIndex(model_name="article", name="article_search_head_gin"),
                migrations.AddField(
                    model_name="article",
                    name="search_filters",
                    field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
            ],
        ),
        migrations.RunSQL(f"BEGIN; {DROP_IF_ANY} {FUNCTIONS} {BACKFILL} {TRIGGERS} COMMIT;", DROP),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "CREATE INDEX IF NOT EXISTS article_search_gin"
                    " ON articles_article USING gin (search_vector, search_filters); "
                    "CREATE INDEX IF NOT EXISTS article_search_head_gin"
                    " ON articles_article USING gin (search_vector_head, search_filters);",
                    "DROP INDEX article_search_gin; DROP INDEX article_search_head_gin;",
                ),
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name="article",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["search_vector", "search_filters"], name="article_search_gin"
                    ),
                ),
                migrations.AddIndex(
                    model_name="article",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["search_vector_head", "search_filters"], name="article_search_head_gin"
                    ),
                ),
            ],
        ),
        # Statistics for the new column (the planner's estimate of a section's or author's share),
        # and the old row versions marked free.
        migrations.RunSQL("VACUUM ANALYZE articles_article", migrations.RunSQL.noop),
    ]
