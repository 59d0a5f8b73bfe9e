"""Load parsed pages into the archive: one transaction per page, idempotent, fast in bulk.

How a page's story is identified (unchanged, a correction, or new) is `identity.py`'s.

Sections and authors are matched by slug (an author's newer role or bio updates the author). Teasers
link to the archived article with the same title, and teasers imported earlier are re-linked when
their target arrives. Every page keeps its raw source (`SourceDocument`).

Speed: pages are handled in batches. New, unambiguous pages of a batch are created together with
one COPY statement per table (`copy_rows.py`); if that batch fails, each of its pages is retried
through the ORM in a transaction of its own, so a bad page never takes others down and never leaves
half an article. Both paths write the same rows (`_source_fields`, `article_fields`, … are shared).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.text import slugify

from articles.archive_state import bump_archive_version
from articles.importer.copy_rows import copy_into, reserve_ids
from articles.importer.identity import (
    base_slug,
    find_same_story,
    free_slug,
    own_story_slug,
    published_datetime,
    revised_datetime,
)
from articles.importer.pages import SavedPage
from articles.importer.parsed import PARSER_VERSION, ParsedArticle, ParsedAuthor
from articles.models import Article, ArticleAuthor, Image, RelatedLink, Section, SourceDocument, format_byline
from articles.richtext import blocks_to_html, clean_body, paragraphs_to_html, reading_minutes
from authors.models import Author

# Two imports of one folder race for the same sha256 and slugs; the loser re-decides ("unchanged").
CONFLICT_RETRIES = 2


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class ImportOptions:
    section: str = ""  # overrides the page's section
    published: datetime | None = None  # used when the page carries no date
    status: str = Article.Status.PUBLISHED


@dataclass(frozen=True)
class PageResult:
    page: SavedPage
    outcome: Outcome
    article_id: int | None = None
    error: str = ""


class UnimportablePage(Exception):
    """A page that cannot become an article (the reason is shown to ops)."""


def article_upsert_from_import(*, page: SavedPage, options: ImportOptions = ImportOptions()) -> PageResult:
    """Create, update or leave alone the article of one page, atomically."""
    return next(import_pages([page], options=options))


def import_pages(
    pages: Iterable[SavedPage], *, options: ImportOptions = ImportOptions(), batch_size: int = 200
) -> Iterator[PageResult]:
    """Import pages in order, yielding one result per page. Never raises for a bad page."""
    batch: list[SavedPage] = []
    for page in pages:
        batch.append(page)
        if len(batch) >= batch_size:
            yield from _import_batch(batch, options)
            batch = []
    if batch:
        yield from _import_batch(batch, options)


# --- batches ------------------------------------------------------------------------------------------


def _import_batch(batch: list[SavedPage], options: ImportOptions) -> Iterator[PageResult]:
    yield from _import_planned(_plan_batch(batch), options)
    bump_archive_version()  # bulk statements send no signals: cached pages go stale here


def _import_planned(plan: _BatchPlan, options: ImportOptions) -> Iterator[PageResult]:
    if plan.fresh:
        try:
            with transaction.atomic():
                ids = _copy_articles(plan.fresh, options, slugs=plan.fresh_slugs)
            yield from (PageResult(p, Outcome.CREATED, i) for p, i in zip(plan.fresh, ids, strict=True))
        except (DatabaseError, UnimportablePage, ValueError):  # ValueError: a value COPY cannot carry
            plan.one_by_one = plan.fresh + plan.one_by_one  # find the bad page, save the good ones
    yield from plan.unchanged
    for page in plan.one_by_one:
        yield _import_one(page, options)


@dataclass
class _BatchPlan:
    fresh: list[SavedPage] = field(default_factory=list)  # new stories with a free slug: bulk-created
    fresh_slugs: list[str] = field(default_factory=list)  # theirs, checked free
    unchanged: list[PageResult] = field(default_factory=list)
    one_by_one: list[SavedPage] = field(default_factory=list)  # anything needing a decision per page


def _plan_batch(batch: list[SavedPage]) -> _BatchPlan:
    """Sort a batch with two queries: which sources exist, which slugs and canonical URLs are taken."""
    plan = _BatchPlan()
    known = dict(
        SourceDocument.objects.filter(
            sha256__in=[p.sha256 for p in batch], articles__isnull=False
        ).values_list("sha256", "articles__id")
    )
    slugs = [base_slug(p.parsed.title) for p in batch]
    urls = {p.parsed.canonical_url for p in batch if p.parsed.canonical_url}
    taken = Article.objects.filter(Q(slug__in=set(slugs)) | Q(canonical_url__in=urls)).values_list(
        "slug", "canonical_url"
    )
    taken_keys = {key for pair in taken for key in pair if key}
    for page, slug in zip(batch, slugs, strict=True):
        if page.sha256 in known:
            plan.unchanged.append(PageResult(page, Outcome.UNCHANGED, known[page.sha256]))
            continue
        keys = {slug, page.parsed.canonical_url, page.sha256} - {""}
        if not page.parsed.title or keys & taken_keys or own_story_slug(page.parsed.canonical_url):
            plan.one_by_one.append(page)
        else:
            plan.fresh.append(page)
            plan.fresh_slugs.append(slug)
        taken_keys |= keys  # a second page with the same story in this batch is decided on its own
    return plan


def _import_one(page: SavedPage, options: ImportOptions, *, retries: int = CONFLICT_RETRIES) -> PageResult:
    try:
        with transaction.atomic():
            return _upsert(page, options)
    except UnimportablePage as error:
        return PageResult(page, Outcome.FAILED, error=str(error))
    except (DatabaseError, ValueError) as error:
        if _is_conflict(error):
            if retries > 0:  # another import committed this page (or took its slug) first: decide again
                return _import_one(page, options, retries=retries - 1)
            return PageResult(page, Outcome.FAILED, error=f"conflict with a concurrent import: {error}")
        return PageResult(page, Outcome.FAILED, error=f"database refused the page: {error}".strip())


def _is_conflict(error: Exception) -> bool:
    """A unique-key race, deadlock or serialization failure with another writer, not a bad page."""
    code = getattr(error.__cause__, "pgcode", "")
    return (isinstance(error, IntegrityError) and code == "23505") or code in {"40P01", "40001"}


def _upsert(page: SavedPage, options: ImportOptions) -> PageResult:
    source = SourceDocument.objects.filter(sha256=page.sha256).first()
    if source is not None and (existing_id := source.articles.values_list("id", flat=True).first()):
        return PageResult(page, Outcome.UNCHANGED, existing_id)
    _check_importable(page.parsed)
    article = find_same_story(page.parsed)
    if article is None:
        slug = free_slug(page.parsed.title)
        [article_id] = _create_articles([page], options, slugs=[slug], sources=[source])
        return PageResult(page, Outcome.CREATED, article_id)
    update_article(article, page, options, source)
    return PageResult(page, Outcome.UPDATED, article.id)


def _check_importable(parsed: ParsedArticle) -> None:
    if not parsed.title:
        reasons = "; ".join(parsed.warnings) or "no title found"
        raise UnimportablePage(f"not an article page ({reasons})")


# --- writing -----------------------------------------------------------------------------------------


def _published_at(parsed: ParsedArticle, options: ImportOptions) -> datetime | None:
    return published_datetime(parsed) or options.published


def article_fields(page: SavedPage, options: ImportOptions) -> dict:
    parsed = page.parsed
    # As Article.save() would store it: the page's blocks (HTML pages), else its paragraphs.
    body = clean_body(
        blocks_to_html(parsed.blocks) if parsed.blocks else paragraphs_to_html(parsed.paragraphs)
    )
    minutes = parsed.read_minutes
    if minutes is None:
        minutes = reading_minutes(body)
    return {
        "title": parsed.title[:500],
        "summary": parsed.summary,
        "body": body,
        "reading_minutes": min(minutes, 32767),
        "published_at": _published_at(parsed, options),
        "revised_at": revised_datetime(parsed),
        "status": options.status,
        "canonical_url": "" if own_story_slug(parsed.canonical_url) else parsed.canonical_url[:2000],
        "byline": format_byline([a.name for a in parsed.authors])[:500],
    }


def _source_fields(page: SavedPage) -> dict[str, Any]:
    return {
        "text": page.text,
        "sha256": page.sha256,
        "origin": page.origin[:1000],
        "layout": page.parsed.layout[:50],
        "parser_version": PARSER_VERSION,
        "warnings": list(page.parsed.warnings),
    }


def _new_source(page: SavedPage) -> SourceDocument:
    return SourceDocument(**_source_fields(page))


def _hero_fields(parsed: ParsedArticle) -> dict[str, Any] | None:
    hero = parsed.hero_image
    if hero is None:
        return None
    return {
        "alt_text": hero.alt[:500],
        "caption": hero.caption,
        "credit": hero.credit[:300],
        "source_url": hero.url[:2000],
    }


def _new_hero(parsed: ParsedArticle) -> Image | None:
    fields = _hero_fields(parsed)
    return Image(**fields) if fields is not None else None


def _create_articles(
    pages: list[SavedPage], options: ImportOptions, *, slugs: list[str], sources: list[SourceDocument | None]
) -> list[int]:
    """Create the articles of new pages with a handful of bulk statements; return their ids in order.

    `sources[i]` is page i's existing SourceDocument, or None to store a new one."""
    for page in pages:
        _check_importable(page.parsed)
    sections = _sections([options.section or p.parsed.section for p in pages])
    authors = _authors([a for p in pages for a in p.parsed.authors])
    new_sources = iter(
        SourceDocument.objects.bulk_create(
            [_new_source(p) for p, s in zip(pages, sources, strict=True) if not s]
        )
    )
    sources = [s or next(new_sources) for s in sources]
    heroes = {i: img for i, p in enumerate(pages) if (img := _new_hero(p.parsed)) is not None}
    Image.objects.bulk_create(list(heroes.values()))
    articles = Article.objects.bulk_create(
        [
            Article(
                **article_fields(page, options),
                slug=slug,
                section=sections.get(options.section or page.parsed.section),
                hero_image=heroes.get(i),
                source=src,
            )
            for i, (page, slug, src) in enumerate(zip(pages, slugs, sources, strict=True))
        ]
    )
    _link_authors(articles, [[authors[_author_key(a)] for a in p.parsed.authors] for p in pages])
    _create_teasers(articles, pages)
    _relink_teasers([a.title for a in articles])
    return [a.id for a in articles]


class _HasId(Protocol):  # an Article, or a _NewArticle of the COPY path
    @property
    def id(self) -> int: ...

    @property
    def status(self) -> str: ...

    @property
    def published_at(self) -> datetime | None: ...


class _NewArticle(NamedTuple):
    id: int
    title: str
    status: str
    published_at: datetime | None


def _copy_articles(pages: list[SavedPage], options: ImportOptions, *, slugs: list[str]) -> list[int]:
    """`_create_articles` for new pages with new sources, written with COPY; return their ids in order.

    The same rows as the ORM path (a test compares them): the same field builders, and the ORM's
    defaults spelled out (timestamps, an image without a file). Ids are taken first, so that the
    article rows can name their source and hero image before those rows exist."""
    for page in pages:
        _check_importable(page.parsed)
    sections = _sections([options.section or p.parsed.section for p in pages])
    authors = _authors([a for p in pages for a in p.parsed.authors])
    heroes = [_hero_fields(p.parsed) for p in pages]
    ids = reserve_ids(
        {SourceDocument: len(pages), Image: sum(h is not None for h in heroes), Article: len(pages)}
    )
    image_ids = iter(ids[Image])
    hero_ids = [None if hero is None else next(image_ids) for hero in heroes]
    now = timezone.now()  # what auto_now(_add) and default=timezone.now would give, once per batch
    copy_into(
        SourceDocument,
        [
            {**_source_fields(page), "id": source_id, "imported_at": now}
            for page, source_id in zip(pages, ids[SourceDocument], strict=True)
        ],
    )
    copy_into(
        Image,
        [
            {
                **hero,
                "id": image_id,
                "file": "",
                "width": None,
                "height": None,
                "renditions": [],
                "created_at": now,
            }
            for hero, image_id in zip(heroes, hero_ids, strict=True)
            if hero is not None
        ],
    )
    rows = [
        {
            **article_fields(page, options),
            "id": article_id,
            "slug": slug,
            "section_id": _pk(sections.get(options.section or page.parsed.section)),
            "hero_image_id": hero_id,
            "source_id": source_id,
            "created_at": now,
            "updated_at": now,
            "edited_fields": "{}",  # no editor has touched a new story (an empty array, as COPY reads it)
            "search_filters": None,  # the database writes it (migrations 0007, 0008)
        }
        for page, slug, article_id, source_id, hero_id in zip(
            pages, slugs, ids[Article], ids[SourceDocument], hero_ids, strict=True
        )
    ]
    articles = [_NewArticle(row["id"], row["title"], row["status"], row["published_at"]) for row in rows]
    # Bylines first (foreign keys are checked at commit): each story's `search_filters` is then
    # complete when its row is written, instead of each byline updating its story again (a
    # second copy of every index entry of the story, GIN included).
    _link_authors(articles, [[authors[_author_key(a)] for a in p.parsed.authors] for p in pages], copy=True)
    copy_into(Article, rows)
    _create_teasers(articles, pages, copy=True)
    _relink_teasers([a.title for a in articles])
    return ids[Article]


def _pk(instance: Section | None) -> int | None:
    return None if instance is None else instance.pk


def update_article(
    article: Article, page: SavedPage, options: ImportOptions, source: SourceDocument | None
) -> None:
    """A corrected version of a story: update it in place, keeping its slug and URL, and every
    field an editor changed in the admin (`Article.edited_fields`)."""
    kept = set(article.edited_fields) | ({"byline"} if "authors" in article.edited_fields else set())
    fields = article_fields(page, options)
    if not fields["canonical_url"]:  # a page without one (or our own rendering) keeps the known URL
        del fields["canonical_url"]
    # A revision readers saw stays, whether an editor made it or the page's dateModified says so.
    fields["revised_at"] = max(filter(None, [article.revised_at, fields["revised_at"]]), default=None)
    for name, value in fields.items():
        if name not in kept:
            setattr(article, name, value)
    section_name = options.section or page.parsed.section
    if "section" not in kept:
        article.section = _sections([section_name]).get(section_name)
    if source is None:
        source = _new_source(page)
        source.save()
    article.source = source
    if "hero_image" not in kept:
        _update_hero(article, _new_hero(page.parsed))
    article.save()
    if "authors" not in kept:
        authors = _authors(page.parsed.authors)
        article.author_links.all().delete()
        _link_authors([article], [[authors[_author_key(a)] for a in page.parsed.authors]])
    if "teasers" not in kept:
        article.teasers.all().delete()
        _create_teasers([article], [page])
    _relink_teasers([article.title])


def _update_hero(article: Article, hero: Image | None) -> None:
    """Correct the story's hero image in place (an editor's uploaded file stays), or add or drop it."""
    if hero is None:
        article.hero_image = None
    elif article.hero_image_id:
        Image.objects.filter(pk=article.hero_image_id).update(
            alt_text=hero.alt_text, caption=hero.caption, credit=hero.credit, source_url=hero.source_url
        )
    else:
        hero.save()
        article.hero_image = hero


def _sections(names: Iterable[str]) -> dict[str, Section]:
    """Existing or new sections by name (matched by name or slug), in one to three queries."""
    # dict.fromkeys: each name once (a batch names the same few sections 200 times), in order.
    slugs = {name[:100]: slug for name in dict.fromkeys(names) if (slug := slugify(name)[:120])}
    if not slugs:
        return {}

    def lookup() -> dict[str, Section]:
        found = Section.objects.filter(Q(slug__in=slugs.values()) | Q(name__in=slugs))
        return {key: s for s in found for key in (s.slug, s.name)}

    found = lookup()
    missing = {slug: name for name, slug in slugs.items() if slug not in found and name not in found}
    if missing:
        Section.objects.bulk_create(
            [Section(name=n, slug=s) for s, n in missing.items()], ignore_conflicts=True
        )
        found = lookup()
    return {name: found.get(name) or found[slug] for name, slug in slugs.items()}


def _author_key(author: ParsedAuthor) -> str:
    return slugify(author.name, allow_unicode=True)[:220] or "author"


def _authors(parsed: Iterable[ParsedAuthor]) -> dict[str, Author]:
    """Existing or new authors by slug of name; a page's newer role or bio updates the author."""
    latest = {_author_key(a): a for a in parsed}
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


def _link_authors(
    articles: Sequence[_HasId], authors_per_article: list[list[Author]], *, copy: bool = False
) -> None:
    links = []
    for article, authors in zip(articles, authors_per_article, strict=True):
        unique = list({a.pk: a for a in authors}.values())  # a name twice in a byline is one author
        # The story's status and date go with each byline (a database trigger copies them too).
        story = {"article_status": article.status, "article_published_at": article.published_at}
        links += [
            {"article_id": article.id, "author_id": a.pk, "position": i, **story}
            for i, a in enumerate(unique)
        ]
    if copy:
        copy_into(ArticleAuthor, links, with_id=False)
    else:
        ArticleAuthor.objects.bulk_create([ArticleAuthor(**link) for link in links])


_TEASER_KINDS = frozenset(RelatedLink.Kind.values)


def _create_teasers(articles: Sequence[_HasId], pages: list[SavedPage], *, copy: bool = False) -> None:
    titles = {t.title for p in pages for t in p.parsed.teasers}
    targets = dict(
        _titled(titles).order_by("-id").values_list("title", "id")
    )  # the oldest article wins: dict keeps the last value per title
    links = [
        {
            "article_id": article.id,
            "position": position,
            "title": teaser.title[:500],
            "summary": teaser.summary,
            "url": teaser.url[:2000],
            "image_id": None,
            "target_id": targets.get(teaser.title) if targets.get(teaser.title) != article.id else None,
            "kind": teaser.kind if teaser.kind in _TEASER_KINDS else RelatedLink.Kind.ARTICLE,
        }
        for article, page in zip(articles, pages, strict=True)
        for position, teaser in enumerate(t for t in page.parsed.teasers if t.title)
    ]
    if copy:
        copy_into(RelatedLink, links, with_id=False)
    else:
        RelatedLink.objects.bulk_create([RelatedLink(**link) for link in links])


def _relink_teasers(titles: list[str]) -> None:
    """Teasers imported before their target story was archived now point at it."""
    oldest = (  # through the UPPER(title) index, as in `_titled`
        Article.objects.alias(upper_title=Upper("title"))
        .filter(upper_title=Upper(OuterRef("title")), title=OuterRef("title"))
        .order_by("id")
        .values("id")[:1]
    )
    RelatedLink.objects.filter(target__isnull=True, title__in=set(titles)).update(target=Subquery(oldest))


def _titled(titles: Iterable[str]) -> QuerySet[Article]:
    """Articles with one of these exact titles, found through the UPPER(title) index (search's
    exact-title jump): there is no index on the title itself, and a plain `title IN (…)` read the
    whole table once per batch (5 ms at 10,000 stories, growing with the archive; 0.3 ms this way).
    The titles are upper-cased by PostgreSQL, as the index is, not by Python (ß, ﬁ…)."""
    titles = list(titles)
    upper_titles = RawSQL("SELECT upper(unnest(%s::text[]))", (titles,))
    return Article.objects.alias(upper_title=Upper("title")).filter(
        upper_title__in=upper_titles, title__in=titles
    )
