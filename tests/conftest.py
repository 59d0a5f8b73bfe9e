import pytest
from django.core.cache import cache

from articles.archive_state import archive_state
from tests.factories import ArticleFactory, AuthorFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives each test's rolled-back data: what one test cached (the section menu, the
    archive version) must not show in the next."""
    cache.clear()
    yield


@pytest.fixture
def archive_state_read(db):
    """Pages read the archive's version and its next go-live time once per version, one query
    after each change (articles/archive_state.py), not each: a test pinning a page's queries counts
    them for a page after that."""
    archive_state()


@pytest.fixture
def author(db):
    return AuthorFactory(name="Abbey Fenbert", slug="abbey-fenbert", role="Senior News Editor")


@pytest.fixture
def article(db, author):
    return ArticleFactory(title="Kremlin says talks will continue", authors=[author])


@pytest.fixture
def page_cache(settings):
    """The page cache on, and empty before and after the test."""
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()
