"""A story's history in the admin: every revision (articles/revisions.py), two of them side by
side with the changed words marked (articles/revision_diff.py), and the restore of any one.

The history and the restore are django-reversion's `VersionAdmin`: a restore shows the story's form
filled with the old revision and saves it through the form, which records a new revision ("Reverted
to previous version, saved on …"). The roles hold there too: whoever may not publish restores
neither a story readers can see (or will) nor a revision in which they could.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles import revisions
from articles.models import Article
from articles.revision_diff import compare


class StoryHistory(VersionAdmin):
    object_history_template = "admin/articles/article/history.html"
    compare_template = "admin/articles/article/compare.html"
    history_latest_first = True

    def get_urls(self):
        compare_url = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="articles_article_compare",
        )
        return [compare_url, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        """The list without VersionAdmin's one revision around it: a bulk action records a revision
        per story (articles/admin.py), which an enclosing revision would merge into one."""
        context = {"has_change_permission": self.has_change_permission(request), **(extra_context or {})}
        return super(VersionAdmin, self).changelist_view(request, context)

    def history_view(self, request: HttpRequest, object_id, extra_context=None):
        """Reversion's history, each revision with its version's id, for the compare form."""
        story_id = unquote(object_id)
        found = revisions.versions_of(story_id).order_by("-pk") if story_id.isdigit() else []
        entries = [
            {"version": v, "url": reverse("admin:articles_article_revision", args=(v.object_id, v.pk))}
            for v in found
        ]
        context = {"entries": entries, "compare_url": "compare/", **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        if request.method == "POST":  # a story the import wrote has no revision yet: its state first
            story = self.get_object(request, unquote(object_id))
            if story is not None and self.has_change_permission(request, story):
                revisions.keep_baseline(story)
        return super().change_view(request, object_id, form_url, extra_context)

    def revision_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        self._may_restore(request, self.get_object(request, unquote(object_id)), version)
        if request.method == "POST":
            revisions.keep_baseline(self.get_object(request, unquote(object_id)))
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request: HttpRequest, version_id, extra_context=None):
        self._may_restore(request, None, get_object_or_404(Version, pk=version_id))
        return super().recover_view(request, version_id, extra_context)

    def _may_restore(self, request: HttpRequest, story: Article | None, version: Version) -> None:
        """A restore changes the story to the old revision's status and date: whoever may not
        publish may restore only a draft, to a draft."""
        if self.has_publish_permission(request):
            return
        old_status = version.field_dict.get("status")
        if (story is not None and self.is_released(story)) or old_status == Article.Status.PUBLISHED:
            raise PermissionDenied

    def compare_view(self, request: HttpRequest, object_id):
        story = self.get_object(request, unquote(object_id))
        if story is None or not self.has_view_or_change_permission(request, story):
            raise PermissionDenied
        versions = revisions.versions_of(story.pk)
        chosen = [request.GET.get("version_id1", ""), request.GET.get("version_id2", "")]
        if not all(value.isdigit() for value in chosen):
            raise Http404("Choose two revisions to compare.")
        old, new = sorted(
            (get_object_or_404(versions, pk=int(value)) for value in chosen), key=lambda v: v.pk
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": story,
            "title": f"Compare revisions of “{story}”",
            "old": old,
            "new": new,
            "rows": compare(old, new),
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.compare_template, context)
