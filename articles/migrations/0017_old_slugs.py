"""A story's old slugs (`OldSlug`), kept by triggers on `articles_article`.

Why triggers: a slug changes in the admin's form, and will in a restored revision; the importer
writes new stories with COPY (`importer/create_copy.py`), which no `save()` or signal sees; and any
`update()` on a queryset skips both. In the database, each of them records the same thing in the
same transaction as the change, as `search_filters` and the bylines' copies are kept (0005, 0008):

- a story's slug changes: its old slug now points at the story (the row's `article_id`, not the
  next slug, so `a → b → c` leaves `a` and `b` pointing at the story, one hop to `c`), replacing
  whatever story that address pointed at before;
- a story takes a slug (a rename, a rename back, a new story): that slug is nobody's old slug any
  more. The live story wins, and a story renamed back to an old slug does not redirect to itself.

A row trigger for a rename, only when the slug differs (a story's ordinary save costs nothing);
a statement trigger with the new rows for inserts, so an import's COPY of a batch is one DELETE.
"""

import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models

TRIGGERS = """
CREATE FUNCTION articles_record_old_slug() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM articles_oldslug WHERE slug = NEW.slug;
    INSERT INTO articles_oldslug (slug, article_id) VALUES (OLD.slug, NEW.id)
    ON CONFLICT (slug) DO UPDATE SET article_id = EXCLUDED.article_id, left_at = now();
    RETURN NULL;
END $$;
CREATE TRIGGER articles_article_slug_changed AFTER UPDATE OF slug ON articles_article
FOR EACH ROW WHEN (OLD.slug IS DISTINCT FROM NEW.slug) EXECUTE FUNCTION articles_record_old_slug();

CREATE FUNCTION articles_forget_taken_slugs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM articles_oldslug o USING taken_new n WHERE o.slug = n.slug;
    RETURN NULL;
END $$;
CREATE TRIGGER articles_article_slug_taken AFTER INSERT ON articles_article
REFERENCING NEW TABLE AS taken_new
FOR EACH STATEMENT EXECUTE FUNCTION articles_forget_taken_slugs();
"""
REVERSE = """
DROP TRIGGER articles_article_slug_changed ON articles_article;
DROP TRIGGER articles_article_slug_taken ON articles_article;
DROP FUNCTION articles_record_old_slug();
DROP FUNCTION articles_forget_taken_slugs();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_health_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="OldSlug",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(allow_unicode=True, max_length=255, unique=True)),
                (
                    "left_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(), editable=False
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="old_slugs",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "old address",
                "ordering": ["-left_at", "-id"],
            },
        ),
        migrations.RunSQL(TRIGGERS, REVERSE),
    ]
