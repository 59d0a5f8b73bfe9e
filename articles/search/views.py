"""/search/: a thin view over articles/search/results.py (the feed is in feed.py); /search/opened/,
which counts a result opened from it (articles/search_log.py)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.forms import SORT_LABELS, SearchForm
from articles.models import Article
from articles.search import limits
from articles.search.counting import mark_outcome
from articles.search.limits import FACET_LIMIT
from articles.search.query import ParsedQuery
from articles.search.results import ResultsPage, run_search
from articles.search.sql import SORTS, Search
from articles.search.synonyms import added_forms, with_alternates
from articles.search_log import count_opened

FEED_SIZE = 20
LATEST_SIZE = 10
FILTER_FIELDS = ("author", "section", "after", "before")
SEARCH_PARAMETERS = (*SearchForm.base_fields, "page")  # what a results page or its feed reads
CHIP_LABELS = {"phrase": "“{}”", "exclude": "not {}", "author": "author: {}", "section": "section: {}"}
CHIP_LABELS |= {"after": "on or after {}", "before": "on or before {}", "term": "{}"}


def build_search(request: HttpRequest) -> tuple[SearchForm, Search]:
    form = SearchForm(request.GET)
    form.is_valid()  # errors are shown on the page; valid fields still narrow the search
    parsed = with_alternates(form.parsed())  # known alternate spellings and synonyms
    return form, Search(parsed, form.sort_value, messages=list(parsed.errors))


def search(request: HttpRequest) -> HttpResponse:
    form, query = build_search(request)
    feed_url = _feed_url(request)
    context = {"form": form, "search": query, "feed_url": feed_url, "meta": _meta(request, query, feed_url)}
    if not query.active:
        context["latest"] = Article.objects.published().for_listing()[:LATEST_SIZE]
        return _noindex(render(request, "articles/search.html", context))
    page_number = request.GET.get("page") or "1"
    try:
        results = run_search(query, page_number, title_jump=page_number == "1" and query.sort == "relevance")
    except InvalidPage as error:
        raise Http404("No such page of results") from error
    if results.title_match:  # the reader is taken to the story: a search that opened a result
        story = redirect("article_detail", slug=results.title_match)
        return mark_outcome(story, found_nothing=False, opened=True)
    links = _Links(request.GET, reverse("search"))
    context |= {
        "results": results,
        "facet_groups": _facet_groups(links, results),
        "chips": chips(links, query.parsed, form),
        "sort_links": _sort_links(links, query.sort),
        "suggestion_url": links.to(q=results.suggestion) if results.suggestion else "",
        "facet_sample": f"{limits.COUNT_CAP:,}",
        "ranked_window": _ranked_window(),
        "also": dict(zip(("searched", "left_out"), added_forms(query.parsed), strict=True)),
        "opened_url": f"{reverse('search_opened')}?{urlencode({'q': request.GET.get('q', '')})}",
        **_page_links(request.GET, results),
    }
    response = _noindex(render(request, "articles/search.html", context))
    return mark_outcome(response, found_nothing=not results.total and not results.stopped)


@csrf_exempt  # a ping carries no token; all it can do is move a counter (below)
@require_POST
def opened(request: HttpRequest) -> HttpResponse:
    """A reader opened a result of `?q=`: the results' links carry it in their HTML `ping`
    attribute, which the browser POSTs as it follows the link. Chosen over a script
    (`sendBeacon`: a static file to load, nothing without JS) and a redirect through this site
    (a hop on every click, and an open redirect to guard): no script, no cookie, no delay, and
    browsers that switch pings off (Firefox by default, Brave, uBlock) are simply not counted, so
    the report's "opened" is a lower bound. It only adds one to a row a search made today, up to
    that day's searches (`count_opened`); a request another site's page sends (`Sec-Fetch-Site`)
    changes nothing. Always 204, whatever the input."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin":
        count_opened(request.GET.get("q", ""))
    return HttpResponse(status=204)


def _ranked_window() -> str:
    """What a bounded relevance order ranked (`articles/search/relevance.py`), for the page's note."""
    return f"{limits.HEAD_CANDIDATES:,} headline and {limits.BODY_CANDIDATES:,} other"


def _noindex(response: HttpResponse) -> HttpResponse:
    # Result pages are endless near-duplicates: keep them out of search engines.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _meta(request: HttpRequest, query: Search, feed_url: str) -> dict:
    title = f"Search: {query.parsed.text}"[:90] if query.parsed.text else "Search"
    return {
        "title": title,
        "description": f"Search the {settings.SITE_NAME} archive.",
        "og_type": "website",
        "image": None,
        "noindex": True,
        "feeds": [(f"{settings.SITE_NAME}: {title}", feed_url)],
        "breadcrumbs": [],
        "canonical": request.build_absolute_uri(reverse("search")),
    }


def _facet_groups(links: _Links, results: ResultsPage) -> list[dict]:
    """The facets as the template shows them: a heading, the first FACET_LIMIT items, the rest
    behind an "all" toggle, and how many there are in all (a group lists at most FACET_LISTED).
    Links, labels and counts are all made here (the template's `facet_items` only writes them)."""
    facets = results.facets
    for item in facets.sections:
        item |= {"url": links.to(section=item["slug"]), "label": item["name"]}
    for item in facets.authors:
        item |= {"url": links.to(author=item["slug"]), "label": item["name"]}
    for item in facets.years:
        after, before = f"{item['year']}-01-01", f"{item['year']}-12-31"
        item |= {"url": links.to(after=after, before=before), "label": item["year"]}
    groups = [
        ("Section", "sections", facets.sections, facets.section_count),
        ("Author", "authors", facets.authors, facets.author_count),
        ("Year", "years", facets.years, len(facets.years)),
    ]
    shown = []
    for title, plural, items, total in groups:
        for item in items:
            item["count"] = f"{item['n']:,}"
        if items:
            total = max(total, len(items))
            shown.append(
                {
                    "title": title,
                    "items": items[:FACET_LIMIT],
                    "more": items[FACET_LIMIT:],
                    "total": f"{total:,} {plural}",
                    "listed_all": len(items) >= total,
                }
            )
    return shown


def _page_links(params: QueryDict, results: ResultsPage) -> dict[str, str]:
    links = {}
    page = results.page
    for name, has, number in (("prev_url", page.has_previous, -1), ("next_url", page.has_next, 1)):
        if has():
            updated = params.copy()
            updated["page"] = str(page.number + number)
            links[name] = f"?{updated.urlencode()}"
    return links


def chips(links: _Links, parsed: ParsedQuery, form: SearchForm) -> list[dict[str, str]]:
    """One removable chip per parsed part of the query and per filter field."""
    found = []
    for index, token in enumerate(parsed.tokens):
        if token.kind in CHIP_LABELS:
            label = CHIP_LABELS[token.kind].format(token.value)
            found.append({"label": label, "url": links.to(q=parsed.without(index))})
    cleaned = getattr(form, "cleaned_data", {})
    for name in FILTER_FIELDS:
        if cleaned.get(name):
            label = CHIP_LABELS[name].format(cleaned[name])
            found.append({"label": label, "url": links.to(**{name: ""})})
    return found


def _sort_links(links: _Links, current: str) -> list[dict[str, str | bool]]:
    return [
        {"label": SORT_LABELS[sort], "url": links.to(sort=sort), "current": sort == current} for sort in SORTS
    ]


@dataclass
class _Links:
    """Links to this search with a change: the request's parameters and the page's path, resolved
    once (reverse() costs ~20 µs, and a results page builds ~40 of these links)."""

    params: QueryDict
    path: str

    def to(self, **changes: str) -> str:
        """This search's URL with `changes` applied (empty values removed) and back on page 1."""
        # Plain lists, not QueryDict.copy() (a deepcopy).
        kept = self.params.lists()
        pairs = {name: values for name, values in kept if name != "page" and name not in changes}
        pairs |= {name: [value] for name, value in changes.items() if value}
        encoded = urlencode(pairs, doseq=True)
        return f"{self.path}?{encoded}" if encoded else self.path


def _feed_url(request: HttpRequest) -> str:
    params = request.GET.copy()
    for name in ("page", "sort"):
        params.pop(name, None)
    return f"{reverse('search_feed')}?{params.urlencode()}"
