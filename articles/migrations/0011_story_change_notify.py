from django.db import migrations

# Why: every committed change emptied every cached page (migration 0010), so readers spread over
# the newest stories got the uncached rate whenever editors were busy: a correction every 10 s cut
# the page cache's throughput from 3,539 to 1,431 requests/s, one every 2 s to 449. A change to
# stories themselves (a correction, a new headline) now names them: the notice carries their
# slugs, old and new, and each process makes only those stories' pages stale, with every list
# (`articles.archive_listener`). Anything else (bylines, teasers, pictures, sections, authors), a change
# to more than 100 stories, or a TRUNCATE, still sends the empty notice: every page is stale.
#
# A trigger with transition tables serves one event, hence three; the TRUNCATE one stays 0010's.
FUNCTION = """
CREATE FUNCTION articles_notify_stories_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed integer;
    slugs text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT count(*) INTO changed FROM changed_old;
    ELSE
        SELECT count(*) INTO changed FROM changed_new;
    END IF;
    IF changed = 0 THEN
        RETURN NULL;  -- nothing changed: no notice
    ELSIF changed > 100 THEN  -- cheaper to empty every page than to name them all
        PERFORM pg_notify('archive_changed', '');
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT string_agg(DISTINCT slug, ' ') INTO slugs FROM changed_new;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT string_agg(DISTINCT slug, ' ') INTO slugs FROM changed_old;
    ELSE  -- a changed slug: the story's old address goes stale too
        SELECT string_agg(DISTINCT slug, ' ') INTO slugs
        FROM (SELECT slug FROM changed_old UNION ALL SELECT slug FROM changed_new) AS both_sides;
    END IF;
    -- A notice holds 8,000 bytes at most.
    PERFORM pg_notify('archive_changed', CASE WHEN octet_length(slugs) <= 7000 THEN 'stories ' || slugs ELSE '' END);
    RETURN NULL;
END $$;
"""
TRIGGERS = """
DROP TRIGGER articles_article_archive_changed ON articles_article;
CREATE TRIGGER articles_article_truncated AFTER TRUNCATE ON articles_article
FOR EACH STATEMENT EXECUTE FUNCTION articles_notify_archive_changed();
CREATE TRIGGER articles_article_inserted AFTER INSERT ON articles_article
REFERENCING NEW TABLE AS changed_new
FOR EACH STATEMENT EXECUTE FUNCTION articles_notify_stories_changed();
CREATE TRIGGER articles_article_updated AFTER UPDATE ON articles_article
REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
FOR EACH STATEMENT EXECUTE FUNCTION articles_notify_stories_changed();
CREATE TRIGGER articles_article_deleted AFTER DELETE ON articles_article
REFERENCING OLD TABLE AS changed_old
FOR EACH STATEMENT EXECUTE FUNCTION articles_notify_stories_changed();
"""
REVERSE = """
DROP TRIGGER articles_article_inserted ON articles_article;
DROP TRIGGER articles_article_updated ON articles_article;
DROP TRIGGER articles_article_deleted ON articles_article;
DROP TRIGGER articles_article_truncated ON articles_article;
DROP FUNCTION articles_notify_stories_changed();
CREATE TRIGGER articles_article_archive_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON articles_article
FOR EACH STATEMENT EXECUTE FUNCTION articles_notify_archive_changed();
"""


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_archive_change_notify")]

    operations = [migrations.RunSQL(FUNCTION + TRIGGERS, REVERSE)]
