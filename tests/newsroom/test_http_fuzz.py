"""Hostile input over HTTP, test-sized: a few hundred generated requests over every URL pattern, 0 × 500.

The generator is bench/http_fuzz.py's (which sends thousands to a real gunicorn); here the requests
go through Django's test client, which re-raises nothing: an unhandled error is simply a 500.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, RelatedLinkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
BENCH = Path(__file__).resolve().parents[2] / "bench" / "http_fuzz.py"
REQUESTS = 300


def load_fuzzer():
    spec = importlib.util.spec_from_file_location("http_fuzz", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["http_fuzz"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_hostile_requests_over_every_url_pattern_never_get_a_500(admin_user):
    fuzz = load_fuzzer()
    author = AuthorFactory()
    article = ArticleFactory(authors=[author], hero_image=ImageFactory())
    RelatedLinkFactory(article=article, target=ArticleFactory())
    real = [article.slug.encode(), author.slug.encode(), article.section.slug.encode(), b"2025", b"01"]
    routes = fuzz.url_routes()
    assert any(r.startswith("admin/") for r in routes) and "search/" in routes

    anonymous, editor = Client(raise_request_exception=False), Client(raise_request_exception=False)
    editor.force_login(admin_user)  # the admin's own views, not only its login redirect
    failures = []
    for n, request in enumerate(fuzz.generate(routes, real, REQUESTS, b"testserver", seed=11)):
        method, path, headers, body = fuzz.as_test_client_call(request)
        client = editor if n % 3 == 0 else anonymous
        content_type = headers.pop("Content-Type", "application/octet-stream")
        response = client.generic(method, path, data=body, content_type=content_type, headers=headers)
        if response.status_code >= 500:
            failures.append((method, path[:200], response.status_code))
    assert failures == []
    for url in ("/", "/healthz"):
        assert Client().get(url).status_code == 200
