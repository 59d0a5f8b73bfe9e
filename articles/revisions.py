"""Every revision of a story kept, comparable and restorable (issue 26), with django-reversion.

Why django-reversion rather than django-simple-history: a story is its row *and* its bylines
and teasers, and reversion keeps them together (a `Revision` groups the `Version`s of the
story and of the rows it follows) and restores them together, deleting the rows added since; its
admin (`VersionAdmin`) gives the history and the restore, and a restore goes through the story's
own form, so the roles (`PublishingGate`) and the form's bookkeeping apply, and is itself a
revision. simple-history keeps one history table per model, a copy of each row with the model's
columns (the generated search vectors included), with no notion of the story and its bylines as one
revision, and restores one row at a time. Both are maintained and support Django 5.2.

What a revision holds: each registered model's fields but the derived ones (the search vectors,
which PostgreSQL computes, and `search_filters`, which a trigger rewrites on every update), as
JSON in `reversion_version`. Who or what made it is the revision's user (an editor) or its comment
("Updated by import (…)", "Updated by reparse_sources (…)").

The write paths (docs/architecture.md, "Revisions"):
- the admin's form: `VersionAdmin.change_view` (user, and the admin's change message);
- the admin's bulk actions: one revision per story (`record_each`), so restoring one story never
  touches the others of the selection;
- the importer's and reparse_sources' updates (`importer/update_story.update_article`);
- new stories written with COPY record nothing when they are made (a revision per page would
  roughly double an import's writes: bench/RESULTS.md, "Revisions"). Their first revision is taken
  lazily, when something first changes them (`keep_baseline`), dated when the story was created:
  the story is then as the import wrote it.
"""

from __future__ import annotations

from collections.abc import Iterable

import reversion
from reversion.models import Version

from articles.models import Article, ArticleAuthor, RelatedLink
from articles.querysets import SEARCH_COLUMNS

# Derived columns: recomputed by PostgreSQL on every write, never worth a copy per revision.
DERIVED = SEARCH_COLUMNS
# A story's revision holds these rows too. Not its correction notes: they are what the newsroom told
# readers, and restoring old text must never take one back (a note is removed only by hand).
FOLLOWED = ("author_links", "teasers")
BASELINE_COMMENT = "As imported (kept when the story first changed)."


def register() -> None:
    """Register the story and the rows it follows (idempotent: the admin and the importer call it)."""
    if reversion.is_registered(Article):
        return
    reversion.register(Article, exclude=DERIVED, follow=FOLLOWED)
    reversion.register(ArticleAuthor, exclude=("article_status", "article_published_at"))  # triggers'
    reversion.register(RelatedLink)


register()


def versions_of(article_id: int):
    """The story's versions, oldest first."""
    return Version.objects.get_for_object_reference(Article, article_id).select_related(
        "revision", "revision__user"
    )


def keep_baseline(article: Article) -> None:
    """Before the first recorded change of a story that has no revision (one the importer wrote
    with COPY, or made before revisions were kept): record it as it stands, as its first revision,
    dated from its creation. One index probe when it already has one."""
    if versions_of(article.pk).exists():
        return
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment(BASELINE_COMMENT)
        reversion.set_date_created(article.created_at)
        reversion.add_to_revision(article)


def record(article: Article, comment: str, user=None) -> None:
    """A revision of the story as it stands now (its bylines, teasers and notes followed); the
    caller kept the baseline before changing it."""
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment(comment)
        if user is not None:
            reversion.set_user(user)
        reversion.add_to_revision(article)


def record_each(stories: Iterable[Article], comment: str, user=None) -> None:
    """A revision per story (bulk actions), each restorable on its own."""
    for story in stories:
        record(story, comment, user)
