"""Generate a synthetic news archive for the search benchmark (never committed: made at run time).

    EMBEDDED_DB_DIR=var/bench-postgres DEBUG=1 .venv/bin/python manage.py migrate
    EMBEDDED_DB_DIR=var/bench-postgres DEBUG=1 .venv/bin/python bench/generate_archive.py --articles 100000

Realistic enough to stress search: body words drawn from English word frequencies (`wordfreq`), a
few topic words repeated per article (and often in its title), 300-1,200-word bodies in
paragraphs, a few hundred Faker authors, sections, dates across 20 years (2% undated, 2% drafts).
Deterministic from --seed: each block of 10,000 articles has its own seeded generator, so the
archive does not depend on the number of workers. Fast: rows go in with COPY from two worker
processes (one per core), with the table's secondary indexes dropped during the load and rebuilt
after (a GIN index built once is far cheaper than one maintained row by row).

It also plants GOLD articles: for each relevance query (`gold_queries`), three stories that carry
the query words in title, summary and body, at spread dates (one nearly 20 years old). These are
the hand-judged "must be in the top 10" answers the benchmark's relevance check uses.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")

BLOCK = 10_000
START = datetime(2006, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 20 * 365 * 86400
SECTIONS = [
    "News", "World", "Politics", "Business", "Technology", "Science", "Health", "Culture",
    "Sport", "Opinion", "Environment", "Education", "Travel", "Uncategorized",
]  # fmt: skip
COLUMNS = (
    "id, title, slug, section_id, summary, body, reading_minutes, published_at, status, "
    "byline, canonical_url, search_filters, created_at, updated_at, edited_fields"
)
GOLD_QUERIES = 20


def vocabulary() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """(words, their CDF, topic words, topic CDF): the 30,000 commonest English words by frequency;
    topics from the less common part of that list, as a story's subject usually is, with a
    Zipf-like popularity (a few topics in many stories, most in a handful)."""
    from wordfreq import top_n_list, word_frequency

    words = [w for w in top_n_list("en", 30_000) if w.isascii() and w.isalpha() and len(w) > 1]
    frequencies = np.array([word_frequency(w, "en") for w in words])
    topics = [w for w in words[3_000:] if len(w) >= 5][:6_000]
    popularity = 1.0 / (np.arange(len(topics)) + 20.0)
    return words, _cdf(frequencies), topics, _cdf(popularity)


def _cdf(weights: np.ndarray) -> np.ndarray:
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


def gold_queries(topics: list[str]) -> list[str]:
    """Twenty relevance queries across popularity: single topics from common to rare, and pairs."""
    singles = [topics[i] for i in (0, 3, 10, 30, 100, 300, 1000, 2000, 3000, 4000, 5000, 5900)]
    pairs = [f"{topics[i]} {topics[j]}" for i, j in ((1, 2), (5, 40), (20, 200), (60, 600))]
    pairs += [f"{topics[i]} {topics[j]}" for i, j in ((150, 1500), (8, 2500), (400, 4500), (50, 5500))]
    return singles + pairs


class ArticleMaker:
    """Builds one block's rows from its own seeded generator (numpy: ~20x faster sampling)."""

    def __init__(self, seed: int, block: int, authors: list[tuple[int, str]], sections: list[int]):
        self.rng = np.random.default_rng([seed, block])
        self.words, self.cdf, self.topics, self.topic_cdf = VOCAB
        self.authors, self.sections = authors, sections

    def text(self, count: int, topics: list[str], repeats: int) -> list[str]:
        words = self.words
        picked = [words[i] for i in np.searchsorted(self.cdf, self.rng.random(count))]
        for topic in topics:
            for position in self.rng.integers(0, count, repeats):
                picked[position] = topic
        return picked

    def pick_topics(self) -> list[str]:
        count = 1 if self.rng.random() < 0.7 else 2
        return [self.topics[i] for i in np.searchsorted(self.topic_cdf, self.rng.random(count))]

    def row(self, article_id: int, topics: list[str] | None = None, date: datetime | None = None) -> tuple:
        from articles.models import filter_lexeme

        rng = self.rng
        gold = topics is not None
        topics = topics or self.pick_topics()
        title = self.text(int(rng.integers(5, 11)), topics if gold or rng.random() < 0.6 else [], 1)
        summary = self.text(int(rng.integers(15, 31)), topics if gold or rng.random() < 0.5 else [], 1)
        repeats = int(rng.integers(6, 10)) if gold else int(rng.integers(2, 7))
        body_words = self.text(int(rng.integers(300, 1201)), topics, repeats)
        cuts = np.cumsum(rng.integers(40, 121, len(body_words) // 40 + 1))
        starts = [0, *(int(c) for c in cuts if c < len(body_words))]
        ends = [*starts[1:], len(body_words)]
        paragraphs = [_sentence(body_words[a:b]) for a, b in zip(starts, ends, strict=True)]
        chosen = rng.choice(len(self.authors), 2 if rng.random() < 0.25 else 1, replace=False)
        byline_authors = [self.authors[int(i)] for i in chosen]
        if date is None and rng.random() >= 0.02:
            date = START + timedelta(seconds=int(rng.integers(0, SPAN_SECONDS)))
        status = "published" if gold or rng.random() >= 0.02 else "draft"
        section = self.sections[int(rng.integers(0, len(self.sections)))]
        row = (
            article_id,
            _sentence(title).rstrip("."),
            f"{'gold' if gold else 'bench'}-{article_id}",
            section,
            _sentence(summary),
            "\n\n".join(paragraphs),
            max(1, round(len(body_words) / 230)),
            date.isoformat() if date else None,
            status,
            " and ".join(name for _, name in byline_authors),
            "",
            # What migrations 0007 and 0008's triggers would write (they do not run under COPY here).
            " ".join(
                [
                    filter_lexeme("section", section),
                    *([filter_lexeme("year", date.astimezone(UTC).year)] if date else []),
                    *(filter_lexeme("author", a) for a, _ in byline_authors),
                ]
            ),
        )
        # Each byline carries its story's status and date (the triggers that copy them do not run
        # under COPY with session_replication_role = replica).
        bylines = [
            (article_id, author_id, pos, status, row[7]) for pos, (author_id, _) in enumerate(byline_authors)
        ]
        return row, bylines


def _sentence(words: list[str]) -> str:
    return (" ".join(words).capitalize() + ".") if words else ""


VOCAB: tuple = ()  # set once in the parent before the worker processes fork


def _copy_block(args: tuple) -> int:
    """Generate and COPY one block of articles (runs in a worker process)."""
    seed, block, first_id, count, authors, sections, gold = args
    from django.db import connection

    maker = ArticleMaker(seed, block, authors, sections)
    now = datetime.now(UTC).isoformat()
    articles, links = io.StringIO(), io.StringIO()
    for offset in range(count):
        article_id = first_id + offset
        topics, date = gold.get(article_id, (None, None))
        row, bylines = maker.row(article_id, topics, date)
        articles.write("\t".join(_copy_value(v) for v in (*row, now, now, "{}")) + "\n")
        for link in bylines:
            links.write("\t".join(_copy_value(v) for v in link) + "\n")
    articles.seek(0)
    links.seek(0)
    with connection.cursor() as cursor:
        # The rows are valid by construction (authors and sections exist): skip the per-row
        # foreign-key triggers, and do not wait for the WAL flush of each block.
        cursor.execute("SET session_replication_role = replica; SET synchronous_commit = off")
        cursor.copy_expert(f"COPY articles_article ({COLUMNS}) FROM STDIN", articles)
        cursor.copy_expert(
            "COPY articles_articleauthor"
            " (article_id, author_id, position, article_status, article_published_at) FROM STDIN",
            links,
        )
    return count


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n")


def make_people(seed: int, count: int) -> tuple[list[tuple[int, str]], list[int]]:
    from faker import Faker

    from articles.models import Section
    from authors.models import Author

    fake = Faker("en_US")
    fake.seed_instance(seed)
    names = list(dict.fromkeys(fake.unique.name() for _ in range(count)))
    Author.objects.bulk_create(
        [Author(name=n, slug=f"bench-{i}-{n.lower().replace(' ', '-')}"[:50]) for i, n in enumerate(names)],
        ignore_conflicts=True,
    )
    Section.objects.bulk_create([Section(name=n, slug=n.lower()) for n in SECTIONS], ignore_conflicts=True)
    authors = list(Author.objects.filter(slug__startswith="bench-").order_by("id").values_list("id", "name"))
    return authors, list(
        Section.objects.filter(name__in=SECTIONS).order_by("id").values_list("id", flat=True)
    )


def plant_gold(seed: int, total: int, topics: list[str]) -> dict[int, tuple[list[str], datetime]]:
    """Three gold articles per relevance query, at ids spread through the archive."""
    rng = np.random.default_rng(seed)
    ids = [int(i) + 1 for i in rng.choice(total, GOLD_QUERIES * 3, replace=False)]
    ages = (timedelta(days=30), timedelta(days=6 * 365), timedelta(days=19 * 365))
    end = START + timedelta(seconds=SPAN_SECONDS)
    return {
        ids[q * 3 + k]: (query.split(), end - ages[k])
        for q, query in enumerate(gold_queries(topics))
        for k in range(3)
    }


def secondary_indexes(cursor) -> list[tuple[str, str]]:
    """(name, statements that build it again): its definition, and any statistics target set on its
    columns (migration 0009 turns off ANALYZE's statistics for the word-pairs index)."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef || ';' || coalesce(string_agg(format("
        "' ALTER INDEX %I ALTER COLUMN %s SET STATISTICS %s;', i.indexname, a.attnum, a.attstattarget), '')"
        " FILTER (WHERE a.attnum IS NOT NULL), '') "
        "FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
        "JOIN pg_index x ON x.indexrelid = c.oid "
        "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND a.attstattarget >= 0 "
        "WHERE i.tablename = 'articles_article' AND NOT x.indisunique AND NOT x.indisprimary "
        "GROUP BY i.indexname, i.indexdef"
    )
    return cursor.fetchall()


def load(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection, connections

    global VOCAB
    VOCAB = vocabulary()
    authors, sections = make_people(args.seed, args.authors)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM articles_article")
        base = cursor.fetchone()[0]
        indexes = secondary_indexes(cursor)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    gold = {base + k: v for k, v in plant_gold(args.seed, args.articles, VOCAB[2]).items()}
    blocks = [
        (args.seed, b, base + 1 + b * BLOCK, min(BLOCK, args.articles - b * BLOCK), authors, sections, gold)
        for b in range((args.articles + BLOCK - 1) // BLOCK)
    ]
    connections.close_all()
    started, done = time.monotonic(), 0
    with Pool(args.workers) as pool:
        for count in pool.imap_unordered(_copy_block, blocks):
            done += count
            print(f"\r{done:,} articles, {time.monotonic() - started:.0f} s", end="", flush=True)
    print()
    finish(indexes, started)


def finish(indexes: list[tuple[str, str]], started: float) -> None:
    from django.db import connection

    from articles.search.suggest import refresh_vocabulary

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            print(f"rebuilding {name} …", flush=True)
            cursor.execute(definition)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), max(id)) FROM articles_article"
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('articles_articleauthor', 'id'), max(id)) "
            "FROM articles_articleauthor"
        )
        print("vocabulary, VACUUM ANALYZE …", flush=True)
        refresh_vocabulary()
        cursor.execute("VACUUM ANALYZE articles_article")
        cursor.execute("VACUUM ANALYZE articles_articleauthor")
    print(f"done in {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--authors", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2)
    load(parser.parse_args())


if __name__ == "__main__":
    main()
