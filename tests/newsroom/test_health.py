"""/healthz and the 503 page for a database that is away."""

import pytest
from django.db import OperationalError

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_healthz_reports_a_healthy_database_and_search_index(client):
    ArticleFactory()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "unindexed_articles": 0}
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def test_healthz_is_unhealthy_when_the_database_is_unreachable(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Article.objects, "filter", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable: OperationalError"


@pytest.mark.slow
def test_a_database_outage_gives_a_503_page_not_a_traceback(client, monkeypatch):
    from articles import views

    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views.HomeView, "get", unreachable)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"Back in a moment" in response.content
