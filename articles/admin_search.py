"""Search's vocabulary in the admin (articles/search_terms.py): the alternate spellings and
synonyms editors keep. A change takes effect at the next search, without re-indexing."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from articles.search_terms import SynonymGroup


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    list_display = ["group", "note", "updated_at", "try_it"]
    search_fields = ["terms", "note"]
    fields = ["terms", "note"]

    @admin.display(description="Terms", ordering="terms")
    def group(self, synonyms: SynonymGroup) -> str:
        return str(synonyms)

    @admin.display(description="Search")
    def try_it(self, synonyms: SynonymGroup) -> str:
        query = synonyms.terms[0] if synonyms.terms else ""
        address = reverse("search") + "?" + urlencode({"q": f'"{query}"' if " " in query else query})
        return format_html('<a href="{}">Search for “{}”</a>', address, query)
