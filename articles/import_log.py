"""The audit trail of imports: each run of `import_articles` (who ran it, when, on what, with what
outcome) and the stories it created or updated, shown in the admin (articles/admin_imports.py).

What changed in an updated story is its revision (articles/revisions.py, "Updated by import");
a run lists which stories it touched. Rows are written in batches as the run goes, so a run's
memory does not grow with its pages, and a run that was interrupted shows no end time.
"""

from __future__ import annotations

import getpass
import socket

from django.db import models
from django.utils import timezone

STORIES_PER_WRITE = 1_000
FAILURES_KEPT = 1_000  # reasons shown in the admin; the command's own report lists them all


class ImportRun(models.Model):
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the run was interrupted.")
    run_by = models.CharField(max_length=200, help_text="The system user and host that ran the command.")
    arguments = models.TextField(help_text="The command's paths and options.")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    failures = models.TextField(blank=True, help_text="Each file that failed, with its reason.")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Import of {self.started_at:%Y-%m-%d %H:%M} by {self.run_by}"


class ImportedStory(models.Model):
    """A story an import run created or updated."""

    class Outcome(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"

    # A run's list goes with the run; a story deleted later leaves its line without a story.
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="stories")
    article = models.ForeignKey("articles.Article", on_delete=models.SET_NULL, null=True, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    source = models.TextField(help_text="The file the story was read from.")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "imported stories"

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.source}"


class ImportRecorder:
    """Writes a run's trail as its results come: the run when made, `story` for each story
    created or updated, `finish` with the counts."""

    def __init__(self, arguments: str) -> None:
        self.run = ImportRun.objects.create(run_by=_who(), arguments=arguments)
        self._pending: list[ImportedStory] = []

    def story(self, article_id: int, outcome: str, source: str) -> None:
        line = ImportedStory(run=self.run, article_id=article_id, outcome=outcome, source=source)
        self._pending.append(line)
        if len(self._pending) >= STORIES_PER_WRITE:
            self._write()

    def finish(self, counts: dict[str, int], failures: list[tuple[str, str]]) -> None:
        self._write()
        self.run.finished_at = timezone.now()
        for outcome in ("created", "updated", "unchanged", "failed"):
            setattr(self.run, outcome, counts.get(outcome, 0))
        self.run.failures = "\n".join(f"{origin}: {reason}" for origin, reason in failures[:FAILURES_KEPT])
        self.run.save()

    def _write(self) -> None:
        ImportedStory.objects.bulk_create(self._pending)
        self._pending.clear()


def _who() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container's user without a name
        user = "unknown user"
    return f"{user}@{socket.gethostname()}"
