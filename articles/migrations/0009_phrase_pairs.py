import django.contrib.postgres.indexes
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations
from django.db.models import F, Func, IntegerField

# Why: GIN keeps no word positions, so a quoted phrase re-read the body vector of every story
# holding all of its words to check their order: "straw never" at 1M stories re-read 5,335 vectors
# to find 11 (45 ms), "game never" ~300,000 (1.6 s warm, 6.7 s cold). The pairs of adjacent words
# are what a phrase needs; indexed, a phrase's candidates are the stories holding all of its
# pairs, a few hundred at most (bench/RESULTS.md, "Search").
#
# A pair is hashed into one of 2^20 integers, so the index has a bounded number of keys (the
# distinct pairs of an archive run to hundreds of millions); a collision only adds a candidate,
# which the text match then rejects. Positions come from the stored vector itself, so a story has
# the pair exactly when its vector puts the two words side by side, which is what `@@` tests:
# truncated or clamped positions are the same on both sides. An expression index: nothing more is
# stored in the table, and the function runs only when a story is written (~0.3 ms).
# hashtext() is immutable and has not changed since PostgreSQL 8.4; built concurrently, so that
# editors can keep saving stories while a large archive's index is built (~8 min at 1M stories).
PAIRS_FUNCTION = """
CREATE OR REPLACE FUNCTION articles_phrase_pairs(vector tsvector) RETURNS integer[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    WITH word AS (SELECT lexeme, position FROM unnest(vector) AS u, unnest(u.positions) AS position)
    SELECT coalesce(array_agg(hashtext(a.lexeme || ' ' || b.lexeme) & 1048575), '{}')
    FROM word AS a JOIN word AS b ON b.position = a.position + 1
$$;
"""
# Duplicates are left in the array: GIN keeps each key of a row once, and `@>` ignores them. Without
# DISTINCT's sort, and unnesting the vector once, the function takes 0.29 ms a story instead of 0.49.
# ANALYZE would run the function on its sample of 30,000 stories (~15 s) for statistics no plan
# uses: the pairs are only read up front, by a bitmap scan, whatever their estimate.
NO_STATISTICS = "ALTER INDEX article_phrase_pairs_idx ALTER COLUMN 1 SET STATISTICS 0;"


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("articles", "0008_search_filters_year")]

    operations = [
        migrations.RunSQL(PAIRS_FUNCTION, "DROP FUNCTION IF EXISTS articles_phrase_pairs(tsvector);"),
        AddIndexConcurrently(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                Func(
                    F("search_vector"),
                    function="articles_phrase_pairs",
                    output_field=ArrayField(IntegerField()),
                ),
                name="article_phrase_pairs_idx",
            ),
        ),
        migrations.RunSQL(NO_STATISTICS, migrations.RunSQL.noop),
    ]
