"""Pages that list stories: the front page, an author, a section, the sections' index; and the
OpenSearch description that lets browsers search the archive."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.generic import TemplateView

from articles import page_queries
from articles.archive_state import archive_cache_key
from articles.markup import busiest_sections, section_blocks
from articles.models import Section
from articles.rows import AuthorListing, HomeListing, SectionListing
from articles.views.base import COUNT_CAP, ReaderPageMixin, StoryListView, describe, feed_link
from authors.models import initials
from newsroom.links import author_url, section_url, url

HOME_TOP_STORIES = 5  # the lead and four beside it; the rest of the first page is "Latest"
SECTION_BLOCKS_CACHE_SECONDS = 3600  # a bound only: any change, and any go-live, replace them


class HomeView(StoryListView):
    """The front page: the lead story, the top stories beside it, the latest, stories by section;
    `?page=2…` is "More stories"."""

    template_name = "articles/home.html"

    def fetch(self, offset: int, limit: int) -> HomeListing:
        """The page's stories; on the front page also its "By section" blocks, as markup kept in
        the cache until the archive changes (the cache framework's fragment: the blocks' query and
        42 headlines were a fifth of an uncached front page)."""
        front = offset == 0
        key = archive_cache_key("front-section-blocks") if front else ""
        self.blocks = cache.get(key) if front else None
        listing = page_queries.home_page(
            offset, limit, count_cap=COUNT_CAP, blocks=front and self.blocks is None
        )
        if listing.section_blocks is not None:
            self.blocks = section_blocks(listing.section_blocks)
            cache.set(key, self.blocks, SECTION_BLOCKS_CACHE_SECONDS)
        return listing

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            stories = self.listing.stories
            context.update(
                lead=stories[0] if stories else None,
                lead_authors=self.listing.lead_authors,
                top_stories=stories[1:HOME_TOP_STORIES],
                latest=stories[HOME_TOP_STORIES:],
                blocks=self.blocks,
            )
        return context

    def get_meta(self) -> dict[str, Any]:
        number = self.page_obj.number
        return {"title": settings.SITE_NAME if number == 1 else f"More stories, page {number}"}


class AuthorDetailView(StoryListView):
    template_name = "articles/author_detail.html"

    def fetch(self, offset: int, limit: int) -> AuthorListing | None:
        return page_queries.author_page(self.kwargs["slug"], offset, limit, count_cap=COUNT_CAP)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        author = context["author"] = self.listing
        author.initials = initials(author.name)
        return context

    def get_meta(self) -> dict[str, Any]:
        author = self.listing
        role = f"{author.role}, {settings.SITE_NAME}" if author.role else settings.SITE_NAME
        return {
            "title": f"{author.name} — {role}",
            "description": describe(
                author.bio or f"Stories by {author.name} in the {settings.SITE_NAME} archive."
            ),
            "og_type": "profile",
            "feeds": [feed_link(f"Stories by {author.name}", "author_feed", slug=author.slug)],
            "breadcrumbs": [("Home", url("home")), (author.name, author_url(author.slug))],
        }


class SectionDetailView(StoryListView):
    template_name = "articles/section_detail.html"

    def fetch(self, offset: int, limit: int) -> SectionListing | None:
        return page_queries.section_page(self.kwargs["slug"], offset, limit, count_cap=COUNT_CAP)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["section"] = self.listing
        return context

    def get_meta(self) -> dict[str, Any]:
        section = self.listing
        return {
            "title": section.name,
            "description": describe(section.description or f"{section.name}: stories from the archive."),
            "feeds": [feed_link(f"{section.name} stories", "section_feed", slug=section.slug)],
            "breadcrumbs": [("Home", url("home")), (section.name, section_url(section.slug))],
        }


class SectionIndexView(ReaderPageMixin, TemplateView):
    """Every section with public stories, the busiest first: how many stories each holds (counts
    kept a few minutes, `busiest_sections`) and its newest story."""

    template_name = "articles/section_index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        busiest = busiest_sections()
        newest = Section.objects.filter(pk__in=[s.pk for s in busiest]).with_newest_story().in_bulk()
        for section in busiest:
            found = newest.get(section.pk)
            section.newest_title = found.newest_title if found else ""
            section.newest_slug = found.newest_slug if found else ""
            section.newest_published_at = found.newest_published_at if found else None
        return super().get_context_data(sections=[s for s in busiest if s.newest_slug], **kwargs)

    def get_meta(self) -> dict[str, Any]:
        return {
            "title": "Sections",
            "description": f"Every section of the {settings.SITE_NAME} archive.",
            "breadcrumbs": [("Home", url("home")), ("Sections", url("section_index"))],
        }


def opensearch(request: HttpRequest) -> HttpResponse:
    """The OpenSearch description (`<link rel="search">` on every page): browsers offer the
    archive as a search engine."""
    search = request.build_absolute_uri(url("search"))
    return render(
        request,
        "opensearch.xml",
        {"search": search, "icon": request.build_absolute_uri(static("img/favicon.svg"))},
        content_type="application/opensearchdescription+xml",
    )
