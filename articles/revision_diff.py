"""Two revisions of a story side by side, the changed words marked (the admin's compare page).

Written here with Python's difflib rather than taken from django-reversion-compare: that package
(GPL-3.0, with diff-match-patch and rich besides) writes inline `style=` attributes and a <style>
block, which the Content-Security-Policy refuses, and compares a story field by field through
per-model hooks we would override anyway. Here: the words of each field (the body as its text, not
its markup), <del> on the older side and <ins> on the newer, styled by static/css/admin.css.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

from articles.models import ArticleAuthor, Image, RelatedLink, Section
from articles.richtext import body_text
from authors.models import Author

# (label, how a version's fields give it), in the form's order.
SCALARS = [
    ("Headline", "title"),
    ("Slug", "slug"),
    ("Section", "section_id"),
    ("Summary", "summary"),
    ("Body", "body"),
    ("Status", "status"),
    ("Publication date", "published_at"),
    ("Reading time (minutes)", "reading_minutes"),
    ("Hero image", "hero_image_id"),
    ("Canonical URL", "canonical_url"),
]
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class Row:
    label: str
    old: SafeString
    new: SafeString
    changed: bool


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Both texts, escaped, the words only the older has in <del>, those only the newer has in <ins>."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(conditional_escape(old_part))
            right.append(conditional_escape(new_part))
            continue
        if old_part:
            left.append(format_html("<del>{}</del>", old_part))
        if new_part:
            right.append(format_html("<ins>{}</ins>", new_part))
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 (each part escaped above)


def compare(old: Version, new: Version) -> list[Row]:
    """The story's fields, bylines, teasers and notes in both versions, the changes marked."""
    a, b = _story_state(old), _story_state(new)
    rows = []
    for label in a:
        marked_old, marked_new = word_diff(a[label], b[label])
        rows.append(Row(label, marked_old, marked_new, a[label] != b[label]))
    return rows


def _story_state(version: Version) -> dict[str, str]:
    fields = version.field_dict
    state = {label: _shown(name, fields.get(name)) for label, name in SCALARS}
    related = _related(version)
    authors = Author.objects.in_bulk([row["author_id"] for row in related[ArticleAuthor]])
    state["Authors"] = ", ".join(
        str(authors.get(row["author_id"], f"author {row['author_id']}")) for row in related[ArticleAuthor]
    )
    state["Teasers"] = "\n".join(f"{row['title']} {row['url']}".strip() for row in related[RelatedLink])
    return state


def _related(version: Version) -> dict[type, list[dict[str, Any]]]:
    """The rows the story's revision holds of each followed model, in their order."""
    found: dict[type, list[dict[str, Any]]] = {ArticleAuthor: [], RelatedLink: []}
    for other in version.revision.version_set.exclude(pk=version.pk):
        model = other._model
        if model in found and str(other.field_dict.get("article_id")) == version.object_id:
            found[model].append(other.field_dict)
    for rows in found.values():
        rows.sort(key=lambda row: (row["position"], row["id"]))
    return found


def _shown(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "body":
        return body_text(value)
    if name == "section_id":
        return str(Section.objects.filter(pk=value).values_list("name", flat=True).first() or value)
    if name == "hero_image_id":
        image = Image.objects.filter(pk=value).first()
        return f"{image.caption or image.alt_text or image.source_url} (#{value})" if image else f"#{value}"
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)
