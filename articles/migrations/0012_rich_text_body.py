"""Bodies become HTML (the admin's rich-text editor, articles/richtext.py).

Stories stored before are plain text, paragraphs separated by a blank line, some with the
browser's `\\r\\n` line ends: each becomes `<p>` elements, its text escaped and its whitespace
collapsed, as `richtext.clean_body` makes them. The stored search vector is recomputed by the
update and holds the same words: PostgreSQL's parser skips tags and entities. In SQL, one
statement: at 1,000,000 stories a Python loop would take hours.
"""

from django.db import migrations, models

PLAIN_TO_PARAGRAPHS = r"""
UPDATE articles_article AS a SET body = coalesce((
    SELECT string_agg(
        '<p>' || replace(replace(replace(
            regexp_replace(btrim(part, E' \t\n'), E'\\s+', ' ', 'g'),
            '&', '&amp;'), '<', '&lt;'), '>', '&gt;') || '</p>',
        '' ORDER BY n)
    FROM regexp_split_to_table(replace(replace(a.body, E'\r\n', E'\n'), E'\r', E'\n'), E'\n[ \t]*\n')
        WITH ORDINALITY AS t(part, n)
    WHERE btrim(part, E' \t\n') <> ''
), '')
WHERE a.body <> '' AND left(ltrim(a.body), 1) <> '<'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_story_change_notify"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(blank=True),
        ),
        migrations.RunSQL(PLAIN_TO_PARAGRAPHS, reverse_sql=migrations.RunSQL.noop),
    ]
