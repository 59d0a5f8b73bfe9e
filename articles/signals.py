"""Any saved or deleted piece of the archive makes cached pages stale when it commits
(articles/archive_state.py): in this process through these signals, in the others through
PostgreSQL's notification, which each process's listener starts to hear with its first request.
Writers that bypass the models' signals announce their changes (`articles.events`), and an import
teaches search's spelling suggester the new words.

And text arriving with a browser's `\r\n` line ends (every admin textarea sends them) is stored
with `\n`, in every text field of the archive, whatever saves it."""

from django.core.signals import request_started
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from articles.archive_listener import listen_for_archive_changes
from articles.archive_state import bump_archive_version
from articles.events import archive_changed_in_bulk, stories_imported
from articles.richtext import normalize_line_ends
from articles.search.suggest import refresh_vocabulary


def archive_changed(sender, **kwargs) -> None:
    bump_archive_version()


def relearn_spelling(sender, *, created: int = 0, updated: int = 0, **kwargs) -> None:
    """Spelling suggestions learn the words of the stories an import created or changed."""
    if created or updated:
        refresh_vocabulary()


def unix_line_ends(sender, instance, **kwargs) -> None:
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.TextField) and isinstance(value := getattr(instance, field.attname), str):
            setattr(instance, field.attname, normalize_line_ends(value))


def connect() -> None:
    from articles.corrections import Correction, stamp_story
    from articles.models import Article, ArticleAuthor, Image, RelatedLink, Section
    from authors.models import Author

    request_started.connect(listen_for_archive_changes, dispatch_uid="archive-change-listener")
    archive_changed_in_bulk.connect(archive_changed, dispatch_uid="archive-changed-in-bulk")
    stories_imported.connect(relearn_spelling, dispatch_uid="relearn-spelling")
    post_save.connect(stamp_story, sender=Correction, dispatch_uid="correction-stamps-story")
    post_delete.connect(stamp_story, sender=Correction, dispatch_uid="correction-deleted-stamps-story")
    pre_save.connect(unix_line_ends, sender=Correction, dispatch_uid="line-ends-Correction")
    for model in (Article, ArticleAuthor, Author, Image, RelatedLink, Section):
        pre_save.connect(unix_line_ends, sender=model, dispatch_uid=f"line-ends-{model.__name__}")
        post_save.connect(
            archive_changed, sender=model, dispatch_uid=f"archive-changed-save-{model.__name__}"
        )
        post_delete.connect(
            archive_changed, sender=model, dispatch_uid=f"archive-changed-del-{model.__name__}"
        )
