from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from articles.caching import cache_public_page
from articles.sitemaps import NEWS_SITEMAPS, SITEMAPS, sitemap_section
from newsroom.health import healthz, hello

# Crawlers come often and sitemaps are big; a sitemap's page is `?p=N`. The stories' sitemap keeps
# its pages itself, compressed and by what they list (`sitemap_section`), not in the page cache.
sitemap_page = cache_public_page(max_age=300, s_maxage=900, params=("p",))
sitemap_section_page = cache_public_page(max_age=300, s_maxage=900, params=("p",), store=False)
handler404 = "articles.views.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots_txt",
    ),
    path(
        "sitemap.xml",
        sitemap_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap_index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_section_page(sitemap_section),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path(
        "news-sitemap.xml",
        sitemap_page(sitemap_views.sitemap),
        {"sitemaps": NEWS_SITEMAPS, "template_name": "articles/sitemap_news.xml"},
        name="sitemap_news",
    ),
    path("", include("articles.urls")),
]

if settings.BENCHMARK_HELLO:
    urlpatterns.append(path("bench/hello", hello))

if settings.DEBUG:  # uploaded hero images and avatars under `make run`; production serves media itself
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
