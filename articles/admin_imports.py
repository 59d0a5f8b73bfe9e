"""The imports' audit trail in the admin (articles/import_log.py): read-only, as history is."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from articles.import_log import ImportedStory, ImportRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the importer only: nobody adds, changes or deletes a line of it here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "run_by", "arguments", "created", "updated", "failed"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "started_at", "finished_at", "run_by", "arguments", "created", "updated", "unchanged", "failed",
        "stories_link", "failures",
    ]  # fmt: skip

    @admin.display(description="Stories")
    def stories_link(self, run: ImportRun) -> str:
        address = reverse("admin:articles_importedstory_changelist") + f"?run__id__exact={run.pk}"
        return format_html(
            '<a href="{}">The {} stories it created or updated</a>', address, run.created + run.updated
        )


@admin.register(ImportedStory)
class ImportedStoryAdmin(ReadOnlyAdmin):
    list_display = ["run", "outcome", "story_link", "source"]
    list_filter = ["outcome"]
    list_select_related = ["run", "article"]
    search_fields = ["source"]

    @admin.display(description="Story")
    def story_link(self, line: ImportedStory) -> str:
        if line.article is None:
            return "(deleted)"
        address = reverse("admin:articles_article_change", args=[line.article_id])
        return format_html('<a href="{}">{}</a>', address, line.article.title)
