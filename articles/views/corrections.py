"""`/corrections/`: every correction, clarification, update and editor's note on a public story,
newest first, each linked to its story (the feed: `feeds.CorrectionsFeed`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.views.generic import ListView

from articles.corrections import Correction
from articles.views.base import ReaderPageMixin, feed_link
from newsroom.links import url


class CorrectionListView(ReaderPageMixin, ListView):
    template_name = "articles/corrections.html"
    context_object_name = "notes"

    def get_queryset(self) -> QuerySet[Correction]:
        return Correction.objects.public().select_related("article")

    def get_meta(self) -> dict[str, Any]:
        return {
            "title": "Corrections and updates",
            "description": f"Every correction and update to a story in the {settings.SITE_NAME} archive.",
            "feeds": [feed_link("Corrections", "corrections_feed")],
            "breadcrumbs": [("Home", url("home")), ("Corrections", url("corrections"))],
        }
