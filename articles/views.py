"""Reader-facing pages. Thin: the queries live in `Article.objects` (articles/models.py)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.models import Article, Section
from authors.models import Author

PAGE_SIZE = 20


def _page(request: HttpRequest, queryset):
    try:
        return Paginator(queryset, PAGE_SIZE, allow_empty_first_page=True).page(request.GET.get("page") or 1)
    except Exception as error:  # PageNotAnInteger, EmptyPage: a bad page number is a 404
        raise Http404("No such page") from error


def home(request: HttpRequest) -> HttpResponse:
    page = _page(request, Article.objects.published().for_listing().prefetch_related("authors"))
    return render(request, "articles/home.html", {"page": page})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    queryset = Article.objects.select_related("section", "hero_image")
    article = get_object_or_404(queryset, slug=slug)
    if not article.is_public and not request.user.is_staff:
        raise Http404("No such article")
    context = {
        "article": article,
        "authors": [link.author for link in article.author_links.select_related("author")],
        "teasers": article.teasers.select_related("target"),
    }
    return render(request, "articles/article_detail.html", context)


def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    page = _page(request, Article.objects.published().for_listing().filter(authors=author))
    return render(request, "articles/author_detail.html", {"author": author, "page": page})


def section_detail(request: HttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Section, slug=slug)
    page = _page(request, Article.objects.published().for_listing().filter(section=section))
    return render(request, "articles/section_detail.html", {"section": section, "page": page})
