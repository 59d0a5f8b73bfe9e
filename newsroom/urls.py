"""The project's URLconf: the admin, and the archive's pages (`articles.urls`)."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from newsroom.views import hello

handler404 = "articles.views.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots_txt",
    ),
    path("", include("articles.urls")),
]

if settings.BENCHMARK_HELLO:
    urlpatterns.append(path("bench/hello", hello))

if settings.DEBUG:  # uploaded hero images and avatars under `make run`; production serves media itself
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
