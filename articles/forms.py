"""Forms for reader input. Hostile input becomes a validation message here, never a 500."""

from __future__ import annotations

from django import forms

from articles.search.query import MAX_QUERY_LENGTH, ParsedQuery, parse_query
from articles.search.sql import SORTS

SORT_LABELS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}


class SearchForm(forms.Form):
    """The search box and its filters. Filters given as fields win over the same operator in `q`."""

    q = forms.CharField(
        label="Search the archive",
        max_length=MAX_QUERY_LENGTH,
        required=False,
        error_messages={"max_length": "Searches are limited to %(limit_value)d characters."},
    )
    author = forms.CharField(max_length=100, required=False)
    section = forms.CharField(max_length=100, required=False)
    after = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label="On or after")
    before = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label="On or before")
    sort = forms.ChoiceField(choices=[(key, SORT_LABELS[key]) for key in SORTS], required=False)

    def parsed(self) -> ParsedQuery:
        """The query text parsed, with the filter fields merged in (call after is_valid())."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        parsed = parse_query(data.get("q") or "")
        overrides = {name: data[name] for name in ("author", "section", "after", "before") if data.get(name)}
        if not overrides:
            return parsed
        return ParsedQuery(
            tokens=parsed.tokens,
            errors=parsed.errors,
            _text=parsed.text,
            **{**_filters_of(parsed), **overrides},
        )

    @property
    def sort_value(self) -> str:
        return (self.cleaned_data.get("sort") if hasattr(self, "cleaned_data") else "") or "relevance"


def _filters_of(parsed: ParsedQuery) -> dict:
    return {
        "author": parsed.author,
        "section": parsed.section,
        "after": parsed.after,
        "before": parsed.before,
    }
