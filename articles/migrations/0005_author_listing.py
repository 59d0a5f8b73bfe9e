from django.db import migrations, models

# Why: an author page lists the author's public stories newest first. With the story's status and
# date only on the story, PostgreSQL either walked the archive's listing index testing each
# story's byline (90 ms for a page at 1M stories; a rare author's page read the whole index) or
# sorted all of the author's stories (19 ms for the "More by" box of an author with 4,000). A copy
# of the two columns on each byline row lets one index answer both with a short walk.
#
# The database keeps the copies, not the app, so that no write path can forget them: bulk
# updates, the admin's actions, the importer's COPY and restores included.
# * Before a byline row is written it takes its story's current values (what the app sent is
#   ignored; when the story is not there yet, as in a data-only restore, the values sent stay).
# * After a story's status or date changes, its byline rows follow in the same statement.
BACKFILL = """
UPDATE articles_articleauthor AS byline
SET article_status = story.status, article_published_at = story.published_at
FROM articles_article AS story
WHERE story.id = byline.article_id;
"""
TRIGGERS = """
CREATE FUNCTION articles_byline_copy_story() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    story_status varchar(10);
    story_published_at timestamptz;
BEGIN
    SELECT status, published_at INTO story_status, story_published_at
    FROM articles_article WHERE id = NEW.article_id;
    IF FOUND THEN
        NEW.article_status := story_status;
        NEW.article_published_at := story_published_at;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER articles_byline_copy_story
BEFORE INSERT OR UPDATE ON articles_articleauthor
FOR EACH ROW EXECUTE FUNCTION articles_byline_copy_story();

CREATE FUNCTION articles_story_to_bylines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles_articleauthor
    SET article_status = NEW.status, article_published_at = NEW.published_at
    WHERE article_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER articles_story_to_bylines
AFTER UPDATE OF status, published_at ON articles_article
FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at)
EXECUTE FUNCTION articles_story_to_bylines();
"""
DROP_TRIGGERS = """
DROP TRIGGER articles_story_to_bylines ON articles_article;
DROP FUNCTION articles_story_to_bylines();
DROP TRIGGER articles_byline_copy_story ON articles_articleauthor;
DROP FUNCTION articles_byline_copy_story();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_head_vector_statistics"),
        ("authors", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="articleauthor",
            name="article_published_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="articleauthor",
            name="article_status",
            field=models.CharField(default="draft", editable=False, max_length=10),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.AddIndex(
            model_name="articleauthor",
            index=models.Index(
                models.F("author"),
                models.OrderBy(models.F("article_published_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("article"), descending=True),
                condition=models.Q(("article_status", "published")),
                name="author_listing_idx",
            ),
        ),
    ]
