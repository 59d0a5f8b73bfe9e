from django.contrib import admin

from authors.models import Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "is_organization", "updated_at"]
    list_filter = ["is_organization"]
    search_fields = ["name", "role"]  # also what the article form's author autocomplete searches
    prepopulated_fields = {"slug": ["name"]}
