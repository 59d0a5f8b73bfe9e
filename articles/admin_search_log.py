"""What readers searched for this week, in the admin (articles/search_log.py): read-only.

One list, three reports: every query by how often it was searched (the default), the queries that
found nothing, and those that found stories no reader opened. Each query links to its search on
the site: an editor's search (signed in) is not counted, so running one changes no figure.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from articles.admin_imports import ReadOnlyAdmin
from articles.search_log import SearchWeek


class ReportFilter(admin.SimpleListFilter):
    title = "report"
    parameter_name = "report"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("nothing", "Found nothing"), ("unopened", "No result opened")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "nothing":
            return queryset.filter(found_nothing__gt=0).order_by("-found_nothing", "-searches", "query")
        if self.value() == "unopened":  # found stories at least once; none opened
            return queryset.filter(opened=0, found_nothing__lt=F("searches"))
        return queryset


@admin.register(SearchWeek)
class SearchWeekAdmin(ReadOnlyAdmin):
    list_display = ["run_it", "searches", "found_nothing", "opened", "last_day"]
    list_display_links = None  # a row is a sum, with no page of its own
    list_filter = [ReportFilter]
    search_fields = ["query"]
    list_per_page = 50

    @admin.display(description="Query", ordering="query")
    def run_it(self, row: SearchWeek) -> str:
        address = reverse("search") + "?" + urlencode({"q": row.query})
        return format_html('<a href="{}" title="Run this search on the site">{}</a>', address, row.query)
