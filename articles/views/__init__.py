"""Reader-facing pages: small generic views behind one mixin
(`base`), the article page as a function (`story`), the lists (`lists`), the date archive
(`archive`) and a calendar day in earlier years (`on_this_day`).

The busiest pages (article, home, section, author) read their data in one prepared statement each
(articles/page_queries.py); the others query `Article.objects` (articles/models.py). `published()`
is the one gate for what readers see, and the statements repeat it in SQL (tested to agree); the
only exception is the editors' preview of a draft or scheduled story (`may_preview`), which is
marked `noindex` and never cached. Every page runs a fixed, small number of queries.
"""

from articles.views.archive import (
    ArchiveIndexView,
    DayArchiveView,
    MonthArchiveView,
    UndatedArchiveView,
    YearArchiveView,
)
from articles.views.base import not_found
from articles.views.corrections import CorrectionListView
from articles.views.lists import AuthorDetailView, HomeView, SectionDetailView, SectionIndexView, opensearch
from articles.views.on_this_day import OnThisDayView, on_this_day_today
from articles.views.story import article_detail, may_preview

__all__ = [
    "ArchiveIndexView", "AuthorDetailView", "CorrectionListView", "DayArchiveView", "HomeView",
    "MonthArchiveView", "OnThisDayView", "SectionDetailView", "SectionIndexView", "UndatedArchiveView",
    "YearArchiveView", "article_detail", "may_preview", "not_found", "on_this_day_today", "opensearch",
]  # fmt: skip
