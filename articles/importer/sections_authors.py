"""A story's section and authors as rows: existing ones matched, missing ones created.

Sections are matched by name or slug; authors by the slug of their name, else by their exact name
(an editor may have chosen the slug). A page's newer role or bio updates its author. Each call takes
one to three queries, whatever the number of pages it serves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Q
from django.utils.text import slugify

from articles.importer.outcomes import ImportOptions
from articles.importer.pages import SavedPage
from articles.importer.parsed import ParsedAuthor
from articles.importer.story_rows import section_name
from articles.models import Section
from authors.models import Author


def sections_and_bylines(
    pages: Sequence[SavedPage], options: ImportOptions
) -> tuple[dict[str, Section], list[list[Author]]]:
    """The sections of new pages by name, and each page's authors in byline order."""
    sections = get_or_create_sections([section_name(p, options) for p in pages])
    authors = get_or_create_authors([a for p in pages for a in p.parsed.authors])
    return sections, bylines(pages, authors)


def bylines(pages: Iterable[SavedPage], authors: dict[str, Author]) -> list[list[Author]]:
    """Each page's authors (from `get_or_create_authors`), in the order its byline names them."""
    return [[authors[author_key(a)] for a in page.parsed.authors] for page in pages]


# --- sections ----------------------------------------------------------------------------------------


def get_or_create_sections(names: Iterable[str]) -> dict[str, Section]:
    """Existing or new sections by name (matched by name or slug), in one to three queries."""
    slugs = _section_slugs(names)
    if not slugs:
        return {}
    found = _find_sections(slugs)
    missing = {slug: name for name, slug in slugs.items() if slug not in found and name not in found}
    if missing:
        Section.objects.bulk_create(
            [Section(name=n, slug=s) for s, n in missing.items()], ignore_conflicts=True
        )
        found = _find_sections(slugs)
    return {name: found.get(name) or found[slug] for name, slug in slugs.items()}


def _section_slugs(names: Iterable[str]) -> dict[str, str]:
    """Each name (as stored) to its slug; names without one are no section."""
    # dict.fromkeys: each name once (a batch names the same few sections 200 times), in order.
    return {name[:100]: slug for name in dict.fromkeys(names) if (slug := slugify(name)[:120])}


def _find_sections(slugs: dict[str, str]) -> dict[str, Section]:
    found = Section.objects.filter(Q(slug__in=slugs.values()) | Q(name__in=slugs))
    return {key: s for s in found for key in (s.slug, s.name)}


# --- authors -----------------------------------------------------------------------------------------


def author_key(author: ParsedAuthor) -> str:
    return slugify(author.name, allow_unicode=True)[:220] or "author"


def get_or_create_authors(parsed: Iterable[ParsedAuthor]) -> dict[str, Author]:
    """Existing or new authors by slug of name; a page's newer role or bio updates the author."""
    latest = {author_key(a): a for a in parsed}
    if not latest:
        return {}
    found = _existing_authors(latest)
    missing = [_new_author(key, a) for key, a in latest.items() if key not in found]
    if missing:
        Author.objects.bulk_create(missing, ignore_conflicts=True)
        found = _existing_authors(latest)
    changed = [_refresh_author(found[key], a) for key, a in latest.items()]
    Author.objects.bulk_update([a for a in changed if a is not None], ["role", "bio", "is_organization"])
    return found


def _existing_authors(latest: dict[str, ParsedAuthor]) -> dict[str, Author]:
    """Authors matched by slug, or else by their exact name (an editor may have chosen the slug)."""
    names = {a.name[:200]: key for key, a in latest.items()}
    rows = list(Author.objects.filter(Q(slug__in=latest) | Q(name__in=names)))
    found = {a.slug: a for a in rows if a.slug in latest}
    for author in rows:
        if author.name in names:
            found.setdefault(names[author.name], author)
    return found


def _new_author(slug: str, parsed: ParsedAuthor) -> Author:
    return Author(
        name=parsed.name[:200],
        slug=slug,
        role=parsed.role[:200],
        bio=parsed.bio,
        is_organization=parsed.is_organization,
    )


def _refresh_author(author: Author, parsed: ParsedAuthor) -> Author | None:
    """Apply what the page says about the author, when it says something new."""
    role, bio = parsed.role[:200] or author.role, parsed.bio or author.bio
    if (role, bio, parsed.is_organization) == (author.role, author.bio, author.is_organization):
        return None
    author.role, author.bio, author.is_organization = role, bio, parsed.is_organization
    return author
