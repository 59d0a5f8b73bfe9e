import pytest
from django.core.cache import cache

from tests.factories import ArticleFactory, AuthorFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives each test's rolled-back data: what one test cached (the section menu, the
    archive version) must not show in the next."""
    cache.clear()
    yield


@pytest.fixture
def author(db):
    return AuthorFactory(name="Abbey Fenbert", slug="abbey-fenbert", role="Senior News Editor")


@pytest.fixture
def article(db, author):
    return ArticleFactory(title="Kremlin says talks will continue", authors=[author])
