"""The admin site: Django's own, refusing what PostgreSQL cannot be asked.

The admin passes its list filters (`?status__exact=…`, `?layout__exact=…`) to the database as
they come, and PostgreSQL refuses a NUL byte in any text: the driver's error would be a 500. Every
admin view (`admin_view` wraps them all, each model's included) answers a NUL in its address or
query string with a 400 instead. Reader pages clean their own input (articles/forms.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


def holds_nul(request: HttpRequest) -> bool:
    """Whether the request's path or any query parameter (name or value) holds a NUL byte."""
    return "\x00" in request.path or any(
        "\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists()
    )


class NewsroomAdminSite(AdminSite):
    def admin_view(self, view: Callable, cacheable: bool = False) -> Callable:
        wrapped = super().admin_view(view, cacheable)

        @wraps(view)
        def refusing_nul(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if holds_nul(request):
                return HttpResponseBadRequest(
                    "A NUL byte cannot be part of a request.", content_type="text/plain"
                )
            return wrapped(request, *args, **kwargs)

        return refusing_nul


class NewsroomAdminConfig(AdminConfig):
    """`django.contrib.admin` with `NewsroomAdminSite` as `admin.site` (INSTALLED_APPS)."""

    default_site = "newsroom.admin_site.NewsroomAdminSite"
