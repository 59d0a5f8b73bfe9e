"""The rows that tie a story to others: its bylines (one per author) and its teasers.

Teasers link to the archived article with the same title, and teasers imported earlier are
re-linked when their target arrives. Each writer takes `copy=True` on the COPY path
(`copy_rows.py`) and saves through the ORM otherwise: the same rows either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper

from articles.importer.copy_rows import copy_into
from articles.importer.pages import SavedPage
from articles.importer.parsed import ParsedTeaser
from articles.models import Article, ArticleAuthor, RelatedLink
from authors.models import Author


class HasId(Protocol):  # an Article, or a NewArticle of the COPY path
    @property
    def id(self) -> int: ...

    @property
    def status(self) -> str: ...

    @property
    def published_at(self) -> datetime | None: ...


def link_authors(
    articles: Sequence[HasId], authors_per_article: list[list[Author]], *, copy: bool = False
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
    _save(ArticleAuthor, links, copy=copy)


_TEASER_KINDS = frozenset(RelatedLink.Kind.values)


def create_teasers(articles: Sequence[HasId], pages: list[SavedPage], *, copy: bool = False) -> None:
    titles = {t.title for p in pages for t in p.parsed.teasers}
    targets = dict(
        _titled(titles).order_by("-id").values_list("title", "id")
    )  # the oldest article wins: dict keeps the last value per title
    links = [
        _teaser_row(article.id, position, teaser, targets.get(teaser.title))
        for article, page in zip(articles, pages, strict=True)
        for position, teaser in enumerate(t for t in page.parsed.teasers if t.title)
    ]
    _save(RelatedLink, links, copy=copy)


def _teaser_row(
    article_id: int, position: int, teaser: ParsedTeaser, target_id: int | None
) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "position": position,
        "title": teaser.title[:500],
        "summary": teaser.summary,
        "url": teaser.url[:2000],
        "image_id": None,
        "target_id": target_id if target_id != article_id else None,  # a story is not its own teaser
        "kind": teaser.kind if teaser.kind in _TEASER_KINDS else RelatedLink.Kind.ARTICLE,
    }


def _save(model: type[Model], links: list[dict[str, Any]], *, copy: bool) -> None:
    if copy:
        copy_into(model, links, with_id=False)
    else:
        model.objects.bulk_create([model(**link) for link in links])


def relink_teasers(titles: list[str]) -> None:
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
