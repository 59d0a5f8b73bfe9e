import pytest

from tests.factories import ArticleFactory, AuthorFactory


@pytest.fixture
def author(db):
    return AuthorFactory(name="Abbey Fenbert", slug="abbey-fenbert", role="Senior News Editor")


@pytest.fixture
def article(db, author):
    return ArticleFactory(title="Kremlin says talks will continue", authors=[author])
