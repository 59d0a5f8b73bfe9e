# The spelling suggester's deletion variants (issue 28): a table with a B-tree, filled from the
# vocabulary here and by every refresh (articles/search/vocabulary.py holds the SQL); the length
# index the suggester's scan used goes.
from django.db import migrations

from articles.search.vocabulary import REFRESH_SPELLING, SPELLING_TABLE, UNDO_SPELLING_TABLE


class Migration(migrations.Migration):
    dependencies = [("articles", "0023_search_log")]

    operations = [
        migrations.RunSQL(SPELLING_TABLE, UNDO_SPELLING_TABLE),
        migrations.RunSQL(REFRESH_SPELLING, migrations.RunSQL.noop),
    ]
