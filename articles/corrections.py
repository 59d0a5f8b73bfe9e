"""Corrections and updates: notes an editor attaches to a story, shown to its readers.

A note changes its story: saving or deleting one stamps the story (`updated_at`, and `revised_at`
for a new note), so the story's ETag, Last-Modified, JSON-LD `dateModified` and cached pages follow
at once, through the same notice any change to a story sends (migration 0011). Readers see the
notes of public stories only (`CorrectionQuerySet.public`, the gate of `articles.rules`).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Greatest
from django.utils import timezone

from articles.rules import listing_order, public_q


class CorrectionQuerySet(models.QuerySet):
    def public(self) -> CorrectionQuerySet:
        """Notes on public stories."""
        return self.filter(public_q("article__status", "article__published_at"))


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"
        EDITORS_NOTE = "editors_note", "Editor's note"

    # A note belongs to its story: it goes when the story goes.
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right now, in a sentence or two.")
    made_at = models.DateTimeField(default=timezone.now, help_text="When the story was corrected.")

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = list(listing_order("made_at"))
        indexes = [models.Index(*listing_order("made_at"), name="correction_made_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["correction", "clarification", "update", "editors_note"]),
                name="correction_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.made_at:%Y-%m-%d}"


def stamp_story(sender: type[Correction], instance: Correction, created: bool = False, **kwargs: Any) -> None:
    """`post_save` / `post_delete` receiver: the note's story changed now (and was revised when
    the note was made, for a new one). An UPDATE of the story's row, so its notice names it."""
    stamps: dict[str, Any] = {"updated_at": timezone.now()}
    if created:
        stamps["revised_at"] = Greatest("revised_at", "published_at", instance.made_at)
    story = Correction._meta.get_field("article").related_model
    story.objects.filter(pk=instance.article_id).update(**stamps)
