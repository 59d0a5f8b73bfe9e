"""The replica router: reads to replicas, writes and in-transaction reads to the primary."""

import pytest
from django.db import transaction

from articles.models import Article
from newsroom.db_router import ReplicaRouter


@pytest.fixture
def with_replicas(settings):
    settings.DATABASES = {**settings.DATABASES, "replica1": {}, "replica2": {}}
    return ReplicaRouter()


def test_without_replicas_everything_uses_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"


def test_reads_go_to_replicas_and_writes_to_the_primary(with_replicas):
    assert {with_replicas.db_for_read(Article) for _ in range(50)} == {"replica1", "replica2"}
    assert with_replicas.db_for_write(Article) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(with_replicas):
    with transaction.atomic():
        assert with_replicas.db_for_read(Article) == "default"


def test_migrations_run_on_the_primary_only(with_replicas):
    assert with_replicas.allow_migrate("default", "articles")
    assert not with_replicas.allow_migrate("replica1", "articles")
