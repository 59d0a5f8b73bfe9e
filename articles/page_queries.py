"""The data of the busiest reader pages, each in one SQL statement, prepared once per connection.

Built from the ORM, an uncached article page ran six queries and a list page three or four;
building them in Python cost more than running them, and PostgreSQL planned each one again
(bench/RESULTS.md, "the other stack"). Here the article, home, section and author pages are one
statement each, `PREPARE`d on a connection the first time it is used (and planned once:
`plan_cache_mode` in newsroom/embedded_db.py), so a request costs one round trip and no planning.
Rows come back as the typed classes of `articles.rows`, whose names are the models' field names,
so templates and `articles.seo` read them as they read model instances.

The public gate and the listing order come from `articles.rules` in their SQL form;
tests/articles/test_page_queries.py checks these pages agree with the querysets, story by story, on
every case the gate knows (draft, scheduled, undated, published). Set
`DATABASE_PREPARED_STATEMENTS=0` behind a transaction-pooling PgBouncer, which cannot keep a
prepared statement from one transaction to the next: the statements then run unprepared.
"""

from __future__ import annotations

import json
from typing import Any

import psycopg2.extensions
from django.conf import settings
from django.db import connections, router
from django.utils import timezone

from articles.models import Article
from articles.rows import AuthorListing, HomeListing, SectionListing, StoryPage
from articles.rules import listing_order_sql, public_sql


def _public(alias: str, *, byline: bool = False, now: str = "$3") -> str:
    """The public gate on a story (`a`) or on a byline's copies of its status and date (`l`); `now`
    is the parameter holding the request's time."""
    if byline:
        return public_sql(f"{alias}.article_status", f"{alias}.article_published_at", now)
    return public_sql(f"{alias}.status", f"{alias}.published_at", now)


# The story at $1; a staff preview ($2) also finds drafts and scheduled stories. Beside it: its
# byline, each author with their three newest other public stories (`author_listing_idx`), the
# teasers with their pictures and, when public, their target's slug, and the older and newer
# public story of its section in listing order (`article_section_listing_idx`: newest first,
# undated last, then by id). Each neighbour's scan starts at the story's date: an OR of the listing
# order's cases could not bound it, and walked the section from its newest story (31 ms for a
# 2016 story among 70,000 at 1M stories); the undated stories, last in the order, are read only
# when no dated story is left.
OLDER_FIRST = listing_order_sql("o.published_at", "o.id")
NEWER_FIRST = listing_order_sql("o.published_at", "o.id", reverse=True)


def _neighbour(condition: str, order: str) -> str:
    """The first public story of the story's section (`a`) meeting `condition`, in `order`."""
    return f"""(SELECT json_build_object('slug', o.slug, 'title', o.title) FROM articles_article o
        WHERE o.section_id = a.section_id AND {_public("o")} AND {condition} ORDER BY {order} LIMIT 1)"""


DATED_OLDER = "o.published_at <= a.published_at AND NOT (o.published_at = a.published_at AND o.id >= a.id)"
DATED_NEWER = "o.published_at >= a.published_at AND NOT (o.published_at = a.published_at AND o.id <= a.id)"
_STORY_NEIGHBOURS = f"""
    CASE WHEN a.section_id IS NULL THEN NULL
    WHEN a.published_at IS NULL THEN {_neighbour("o.published_at IS NULL AND o.id < a.id", OLDER_FIRST)}
    ELSE coalesce({_neighbour(DATED_OLDER, OLDER_FIRST)}, {_neighbour("o.published_at IS NULL", OLDER_FIRST)})
    END AS older,
    CASE WHEN a.section_id IS NULL THEN NULL
    WHEN a.published_at IS NULL THEN coalesce(
        {_neighbour("o.published_at IS NULL AND o.id > a.id", NEWER_FIRST)},
        {_neighbour("o.published_at IS NOT NULL", NEWER_FIRST)})
    ELSE {_neighbour(DATED_NEWER, NEWER_FIRST)}
    END AS newer"""

STORY_PAGE = f"""
SELECT a.id, a.title, a.slug, a.summary, a.body, a.reading_minutes, a.published_at, a.updated_at,
    a.revised_at,
    a.status, a.byline, a.canonical_url, {_public("a")} AS is_public,
    CASE WHEN s.id IS NULL THEN NULL
        ELSE json_build_object('id', s.id, 'name', s.name, 'slug', s.slug) END AS section,
    CASE WHEN i.id IS NULL THEN NULL ELSE json_build_object(
        'file', i.file, 'source_url', i.source_url, 'alt_text', i.alt_text, 'caption', i.caption,
        'credit', i.credit, 'width', i.width, 'height', i.height,
        'renditions', i.renditions) END AS hero_image,
    (SELECT coalesce(json_agg(json_build_object(
        'id', au.id, 'name', au.name, 'slug', au.slug, 'role', au.role, 'bio', au.bio,
        'avatar', au.avatar, 'avatar_renditions', au.avatar_renditions, 'is_organization', au.is_organization,
        'more', (SELECT coalesce(json_agg(json_build_object('slug', m.slug, 'title', m.title)), '[]')
            FROM (SELECT ma.slug, ma.title FROM articles_articleauthor ml
                JOIN articles_article ma ON ma.id = ml.article_id
                WHERE ml.author_id = au.id AND ml.article_id <> a.id AND {_public("ml", byline=True)}
                ORDER BY {listing_order_sql("ml.article_published_at", "ml.article_id")} LIMIT 3) m)
        ) ORDER BY l.position, l.id), '[]')
        FROM articles_articleauthor l JOIN authors_author au ON au.id = l.author_id
        WHERE l.article_id = a.id) AS authors,
    (SELECT coalesce(json_agg(json_build_object(
        'title', r.title, 'summary', r.summary, 'url', r.url, 'kind', r.kind,
        'image', CASE WHEN ri.id IS NULL THEN NULL ELSE json_build_object(
            'file', ri.file, 'alt_text', ri.alt_text, 'width', ri.width, 'height', ri.height,
            'renditions', ri.renditions) END,
        'target_slug', CASE WHEN {_public("t")} THEN t.slug END
        ) ORDER BY r.position, r.id), '[]')
        FROM articles_relatedlink r
        LEFT JOIN articles_image ri ON ri.id = r.image_id
        LEFT JOIN articles_article t ON t.id = r.target_id
        WHERE r.article_id = a.id) AS teasers,
    (SELECT coalesce(json_agg(json_build_object('kind', c.kind, 'text', c.text, 'made_at', c.made_at)
        ORDER BY c.made_at, c.id), '[]')
        FROM articles_correction c WHERE c.article_id = a.id) AS corrections,
    {_STORY_NEIGHBOURS}
FROM articles_article a
LEFT JOIN articles_section s ON s.id = a.section_id
LEFT JOIN articles_image i ON i.id = a.hero_image_id
WHERE a.slug = $1 AND ($2 OR {_public("a")})
"""

# --- lists of stories ---------------------------------------------------------------------------
# A page of a listing ($offset, $limit) in listing order (newest first, undated last, then by id)
# and the listing's size counted up to $cap (`BoundedPaginator`), each from its listing index.

LISTING_ORDER = listing_order_sql("a.published_at", "a.id")
BYLINE_ORDER = listing_order_sql("l.article_published_at", "l.article_id")
TEASER_COLUMNS = "a.id, a.title, a.slug, a.summary, a.byline, a.reading_minutes, a.published_at, a.section_id"


def teaser_json(*, hero: bool = False) -> str:
    """A teaser's fields as JSON, from a story `a` and its section `s` (and its picture `i`)."""
    picture = """, 'hero_image', CASE WHEN i.id IS NULL THEN NULL ELSE json_build_object(
        'file', i.file, 'alt_text', i.alt_text, 'width', i.width, 'height', i.height,
        'renditions', i.renditions) END"""
    return f"""json_build_object('id', a.id, 'title', a.title, 'slug', a.slug, 'summary', a.summary,
        'byline', a.byline, 'reading_minutes', a.reading_minutes, 'published_at', a.published_at,
        'section', CASE WHEN s.id IS NULL THEN NULL
            ELSE json_build_object('id', s.id, 'name', s.name, 'slug', s.slug) END
        {picture if hero else ""})"""


# The home page: the newest public stories; on the front page ($5) also the lead story's byline,
# and ($8) the newest $6 stories of each section among the $7 newest.
HOME_PAGE = f"""
WITH page AS (
    SELECT {TEASER_COLUMNS}, a.hero_image_id FROM articles_article a WHERE {_public("a", now="$3")}
    ORDER BY {LISTING_ORDER} OFFSET $1 LIMIT $2)
SELECT
    (SELECT count(*) FROM (SELECT 1 FROM articles_article a WHERE {_public("a", now="$3")} LIMIT $4) c)
        AS count,
    (SELECT coalesce(json_agg({teaser_json(hero=True)} ORDER BY {LISTING_ORDER}), '[]')
        FROM page a LEFT JOIN articles_section s ON s.id = a.section_id
        LEFT JOIN articles_image i ON i.id = a.hero_image_id) AS stories,
    CASE WHEN $5 THEN (
        SELECT coalesce(json_agg(json_build_object('name', au.name, 'slug', au.slug)
            ORDER BY l.position, l.id), '[]')
        FROM articles_articleauthor l JOIN authors_author au ON au.id = l.author_id
        WHERE l.article_id = (SELECT a.id FROM page a ORDER BY {LISTING_ORDER} LIMIT 1)) END AS lead_authors,
    CASE WHEN $8 THEN (
        SELECT coalesce(json_agg(json_build_object('id', s.id, 'name', s.name, 'slug', s.slug,
            'stories', b.stories) ORDER BY s.name), '[]')
        FROM (SELECT r.section_id, json_agg(json_build_object('slug', r.slug, 'title', r.title,
                'published_at', r.published_at) ORDER BY r.rank) AS stories
            FROM (SELECT c.*, row_number() OVER (PARTITION BY c.section_id
                    ORDER BY {listing_order_sql("c.published_at", "c.id")}) AS rank
                FROM (SELECT a.id, a.section_id, a.slug, a.title, a.published_at FROM articles_article a
                    WHERE {_public("a", now="$3")} AND a.section_id IS NOT NULL
                    ORDER BY {LISTING_ORDER} LIMIT $7) c) r
            WHERE r.rank <= $6 GROUP BY r.section_id) b
        JOIN articles_section s ON s.id = b.section_id) END AS section_blocks
"""

# A section ($1) and a page of its stories (`article_section_listing_idx`).
SECTION_PAGE = f"""
SELECT s.id, s.name, s.slug, s.description,
    (SELECT count(*) FROM (SELECT 1 FROM articles_article a
        WHERE a.section_id = s.id AND {_public("a", now="$4")} LIMIT $5) c) AS count,
    (SELECT coalesce(json_agg({teaser_json()} ORDER BY {LISTING_ORDER}), '[]')
        FROM (SELECT {TEASER_COLUMNS} FROM articles_article a
            WHERE a.section_id = s.id AND {_public("a", now="$4")}
            ORDER BY {LISTING_ORDER} OFFSET $2 LIMIT $3) a) AS stories
FROM articles_section s WHERE s.slug = $1
"""

# An author ($1) and a page of their stories, from their bylines' copies of each story's status and
# date (`author_listing_idx`), as `ArticleQuerySet.by_author` reads them.
AUTHOR_PAGE = f"""
SELECT au.id, au.name, au.slug, au.role, au.bio, au.avatar, au.avatar_renditions::json, au.is_organization,
    (SELECT count(*) FROM (SELECT 1 FROM articles_articleauthor l
        WHERE l.author_id = au.id AND {_public("l", byline=True, now="$4")} LIMIT $5) c) AS count,
    (SELECT coalesce(json_agg({teaser_json()}
            ORDER BY {BYLINE_ORDER}), '[]')
        FROM (SELECT l.article_id, l.article_published_at FROM articles_articleauthor l
            WHERE l.author_id = au.id AND {_public("l", byline=True, now="$4")}
            ORDER BY {BYLINE_ORDER} OFFSET $2 LIMIT $3) l
        JOIN articles_article a ON a.id = l.article_id
        LEFT JOIN articles_section s ON s.id = a.section_id) AS stories
FROM authors_author au WHERE au.slug = $1
"""


# name: (parameter types, SQL)
STATEMENTS = {
    "newsroom_story_page": ("text, boolean, timestamptz", STORY_PAGE),
    "newsroom_home_page": (
        "integer, integer, timestamptz, integer, boolean, integer, integer, boolean",
        HOME_PAGE,
    ),
    "newsroom_section_page": ("text, integer, integer, timestamptz, integer", SECTION_PAGE),
    "newsroom_author_page": ("text, integer, integer, timestamptz, integer", AUTHOR_PAGE),
}


def first_row(
    name: str, params: list[Any], statement: tuple[str, str] | None = None
) -> dict[str, Any] | None:
    """The first row of statement `name`, on the database that reads stories, by column name: one
    of STATEMENTS, or `statement` (parameter types, SQL) of another module (`more_like_this`)."""
    connection = connections[router.db_for_read(Article)]
    types, sql = statement or STATEMENTS[name]
    with connection.cursor() as cursor:
        psycopg2.extensions.register_type(JSON, cursor.cursor)
        if settings.DATABASE_PREPARED_STATEMENTS:
            prepared = _prepared_on(connection)
            if name not in prepared:
                cursor.execute(f"PREPARE {name} ({types}) AS {sql}")
                prepared.add(name)
            cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)
        else:
            for number in range(len(params), 0, -1):  # $12 before $1
                sql = sql.replace(f"${number}", f"%(p{number})s")
            cursor.execute(sql, {f"p{number}": value for number, value in enumerate(params, 1)})
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([column.name for column in cursor.description], row, strict=True))


def _prepared_on(connection: Any) -> set[str]:
    """The statements prepared on this database session (a new session starts with none)."""
    raw = connection.connection
    state = getattr(connection, "_prepared_statements", None)
    if state is None or state[0] is not raw:
        state = (raw, set())
        connection._prepared_statements = state
    return state[1]


# The statements' json columns decoded (for these cursors only: Django's own JSON handling is
# untouched). 114 is json's fixed type id.
JSON = psycopg2.extensions.new_type(
    (114,), "NEWSROOM_JSON", lambda value, _cursor: None if value is None else json.loads(value)
)


def story_page(slug: str, *, preview: bool = False) -> StoryPage | None:
    """The article page's story and everything around it, or None when there is no such story
    (or, unless `preview`, it is not public)."""
    row = first_row("newsroom_story_page", [slug, preview, timezone.now()])
    return None if row is None else StoryPage.of(row)


def home_page(
    offset: int,
    limit: int,
    *,
    count_cap: int,
    blocks: bool | None = None,
    per_section: int = 3,
    recent: int = 400,
) -> HomeListing:
    """`stories[offset:offset + limit]` of the public listing and its `count` (up to `count_cap`);
    on the front page (offset 0) also `lead_authors`, the first story's byline, and, unless
    `blocks` is False, `section_blocks`: each section with its newest `per_section` stories among
    the `recent` newest, by section name."""
    front = offset == 0
    blocks = front if blocks is None else blocks
    params = [offset, limit, timezone.now(), count_cap, front, per_section, recent, blocks]
    return HomeListing.of(first_row("newsroom_home_page", params))


def section_page(slug: str, offset: int, limit: int, *, count_cap: int) -> SectionListing | None:
    """The section at `slug` with a page of its public stories and their `count`, or None."""
    row = first_row("newsroom_section_page", [slug, offset, limit, timezone.now(), count_cap])
    return None if row is None else SectionListing.of(row)


def author_page(slug: str, offset: int, limit: int, *, count_cap: int) -> AuthorListing | None:
    """The author at `slug` with a page of their public stories and their `count`, or None."""
    row = first_row("newsroom_author_page", [slug, offset, limit, timezone.now(), count_cap])
    return None if row is None else AuthorListing.of(row)
