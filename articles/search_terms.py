"""Search's own vocabulary that editors keep: groups of alternate spellings and synonyms
(Kiev/Kyiv, UAV/drone). Applied when a search's query is built (`articles.search.synonyms`), so
a change takes effect at once, without re-indexing: saving or deleting a group makes the cached
pages and census stale (`articles.events.archive_changed_in_bulk`)."""

from __future__ import annotations

import re
import unicodedata

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.events import archive_changed_in_bulk

TERM_LENGTH = 100
_WORD = re.compile(r"\w+")


def normalise_term(text: str) -> str:
    """A term as searches are matched against it: compatibility-normalised, case-folded, its
    words only (punctuation, quotes and operators dropped), single-spaced. "" if no word."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def shown_term(text: str) -> str:
    """A term as stored and shown: what the editor typed, less quotes and extra spaces."""
    return " ".join(text.replace('"', " ").split())


class SynonymGroup(models.Model):
    """Terms that mean the same to a reader: a search for any one also searches for the others.
    A term is a word or a phrase."""

    terms = ArrayField(
        models.CharField(max_length=TERM_LENGTH),
        help_text="Two or more equivalent words or phrases, separated by commas: Kiev, Kyiv.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why (for other editors).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "alternate spelling or synonym group"
        ordering = ["terms"]

    def __str__(self) -> str:
        return " = ".join(self.terms)

    def clean(self) -> None:
        terms = [shown_term(term) for term in self.terms or []]
        keys = [normalise_term(term) for term in terms]
        if not all(keys):
            raise ValidationError({"terms": "Each term needs at least one letter or digit."})
        if len(set(keys)) < 2:
            raise ValidationError({"terms": "A group needs two or more different terms."})
        self.terms = list(dict.fromkeys(terms))


@receiver(post_save, sender=SynonymGroup, dispatch_uid="synonyms-saved")
@receiver(post_delete, sender=SynonymGroup, dispatch_uid="synonyms-deleted")
def synonyms_changed(sender, **kwargs) -> None:
    """Cached searches (pages, census) were built with the old list: make them stale."""
    archive_changed_in_bulk.send(sender=__name__)
