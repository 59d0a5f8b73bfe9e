from django.db import migrations

# Why: the title/summary vector's statistics only decide whether a word is common enough in
# headlines for date windows (articles/search/, `_head_windows`), which the default-sized list
# of most common elements answers as well. At 1,000 (0002) every text condition on it cost the
# planner ~0.2 ms to read 10,000 elements: 0.4 ms of a results page's census, 0.4 ms of its page
# (measured at 100k stories). The body vector keeps 1,000: its estimates steer date-ordered plans.
STATISTICS = """
ALTER TABLE articles_article ALTER COLUMN search_vector_head SET STATISTICS 100;
ANALYZE articles_article (search_vector_head);
"""
UNDO_STATISTICS = "ALTER TABLE articles_article ALTER COLUMN search_vector_head SET STATISTICS 1000;"


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_listing_indexes")]

    operations = [migrations.RunSQL(STATISTICS, UNDO_STATISTICS)]
