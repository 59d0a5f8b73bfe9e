"""How the HTML front end's sources (JSON-LD, <meta> tags, the markup) become one article: each
field from the most trusted source that has it; authors and the hero image sub-field by sub-field.
Pure: no Django, no I/O."""

from __future__ import annotations

from dataclasses import replace

from .parsed import ParsedArticle, ParsedAuthor, ParsedImage

# The fields taken whole from the first source that has them (sources come most trusted first).
_WHOLE_FIELDS = (
    "title",
    "section",
    "summary",
    "read_minutes",
    "published",
    "modified",
    "teasers",
    "canonical_url",
)


def merge_sources(sources: list[ParsedArticle]) -> ParsedArticle:
    """Each field from the most trusted source that has it; authors and the hero image per sub-field."""
    merged = ParsedArticle(layout="")
    for name in _WHOLE_FIELDS:
        value = next((v for s in sources if (v := getattr(s, name)) is not None and v not in ("", [])), None)
        if value is not None:  # read_minutes 0 is a value
            setattr(merged, name, value)
    merged.authors = merge_authors([source.authors for source in sources])
    merged.hero_image = merge_images([source.hero_image for source in sources])
    return merged


def merge_authors(groups: list[list[ParsedAuthor]]) -> list[ParsedAuthor]:
    """The most trusted non-empty list, each author's missing role/bio/url filled from the others by name."""
    by_name: dict[str, list[ParsedAuthor]] = {}
    for author in (author for group in groups for author in group):
        by_name.setdefault(author.name.casefold(), []).append(author)
    unique: dict[str, ParsedAuthor] = {}  # a name listed twice is one author, first mention wins
    for author in next((group for group in groups if group), []):
        unique.setdefault(author.name.casefold(), author)
    return [_enrich(author, by_name[key]) for key, author in unique.items()]


def _enrich(author: ParsedAuthor, same: list[ParsedAuthor]) -> ParsedAuthor:
    fields = ("role", "bio", "url")
    filled = {f: getattr(author, f) or next((v for a in same if (v := getattr(a, f))), "") for f in fields}
    return replace(author, **filled, is_organization=any(a.is_organization for a in same))


def merge_images(images: list[ParsedImage | None]) -> ParsedImage | None:
    """One hero image, each of its fields from the most trusted source that has it."""
    present = [image for image in images if image is not None]
    if not present:
        return None
    fields = ("alt", "caption", "credit", "url")
    return ParsedImage(**{f: next((v for image in present if (v := getattr(image, f))), "") for f in fields})
