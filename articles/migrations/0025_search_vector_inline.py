# Each story's search vector is kept in its table row, not in the TOAST table (issue 28): exact
# ranking reads every match's vector, and fetching one from TOAST (an index descent, three
# chunks) cost ~7-11 µs against ~1 µs in the row: `ts_rank` over 1,003 matches 14.4 → 4.4 ms at
# 1,000,000 stories (bench/vector_storage.py), and the relevance classes' p95 over HTTP at 1M
# fell by 35-66% (bench/RESULTS.md, "Vectors in the row"). STORAGE MAIN keeps a column in the row
# unless the row cannot fit in a page; toast_tuple_target at its maximum (8,160 bytes) leaves a
# row uncompressed until then: the body, the bigger text, is compressed or moved out first. A
# vector that cannot fit (a very long story) still goes to TOAST, as before.
#
# Only rows written from now on move: on a large existing archive, `VACUUM FULL articles_article`
# (or pg_repack) in a quiet hour moves the rest (docs/operations.md, "Scaling").
from django.db import migrations

INLINE = (
    "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE MAIN;"
    " ALTER TABLE articles_article SET (toast_tuple_target = 8160);"
)
UNDO = (
    "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE EXTENDED;"
    " ALTER TABLE articles_article RESET (toast_tuple_target);"
)


class Migration(migrations.Migration):
    dependencies = [("articles", "0024_spelling")]

    operations = [migrations.RunSQL(INLINE, UNDO)]
