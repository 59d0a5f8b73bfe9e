"""A database restart under way: safe requests are tried once more after a short wait; the rest get
the 503 page (bench/db_restart.py measures it against a real restart under load)."""

import pytest
from django.db import OperationalError

from articles import views
from newsroom import middleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky_home(monkeypatch):
    """The home page fails with a lost connection on its first call, then works."""
    monkeypatch.setattr(middleware, "RETRY_WAIT_SECONDS", 0)
    real_get, calls = views.HomeView.get, []

    def get(self, request, *args, **kwargs):
        calls.append(request.method)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_get(self, request, *args, **kwargs)

    monkeypatch.setattr(views.HomeView, "get", get)
    return calls


def test_a_get_during_a_restart_is_answered_after_one_retry(client, flaky_home):
    response = client.get("/")
    assert response.status_code == 200
    assert flaky_home == ["GET", "GET"]


def test_a_get_still_failing_after_the_retry_gets_the_503_page(client, monkeypatch):
    monkeypatch.setattr(middleware, "RETRY_WAIT_SECONDS", 0)

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.HomeView, "get", down)
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "5"


def test_a_post_is_never_retried(client, flaky_home):
    response = client.post("/", {})
    assert response.status_code in {405, 503}  # the home page takes no POST: never run twice either way
    assert flaky_home.count("POST") <= 1
