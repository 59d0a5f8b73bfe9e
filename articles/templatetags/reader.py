"""Page furniture shared by every reader page."""

from __future__ import annotations

from django import template
from django.db.models import Exists, OuterRef

from articles.models import Article, Section

register = template.Library()

NAV_SECTIONS = 8


@register.inclusion_tag("articles/_section_nav.html", takes_context=True)
def section_nav(context: template.Context) -> dict:
    """The masthead's section links: sections with at least one public story (one query)."""
    has_stories = Exists(Article.objects.published().filter(section=OuterRef("pk")))
    sections = Section.objects.filter(has_stories).only("name", "slug")[:NAV_SECTIONS]
    request = context.get("request")
    return {"sections": sections, "current_path": request.path if request is not None else ""}
