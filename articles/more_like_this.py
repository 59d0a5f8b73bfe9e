"""The "More like this" block: the public stories most like a story, from its title's and summary's
words.

Shown on a story's page when it has fewer than four teasers (hand-picked links), as up to four
other public stories. One statement (`MORE_LIKE_THIS`), in the manner of Lucene's MoreLikeThis:

1. **Which words.** The story's headline-and-dek lexemes (`search_vector_head`: English stems, stop
   words gone), each weighted by how much the story is *about* it and how rare it is:
   `times · ln(1 + N / ndoc)`. `times` counts the word in the whole story (`search_vector`, through
   `ts_rank_cd` with every weight 1, which for one word is its number of occurrences): a story
   about Kharkiv says "Kharkiv" again and again in its body, a word that merely happens to be in
   its headline once. `ndoc` is how many public stories' titles and summaries use the word, from
   search's spelling vocabulary (`articles_search_vocabulary`, refreshed after imports; a word it
   does not know yet counts as rare, one only this story has is skipped). Words in more than
   `COMMON_SHARE` of the archive (and more than `COMMON_FLOOR` stories) are left out: they say
   nothing about a subject. The best `TERMS` words are kept, and of those only as many as the
   vocabulary says hold about `POSTINGS` index entries between them (the first always).
2. **Which stories.** For each word, up to `PER_TERM` public stories other than this one whose
   `search_vector_head` holds it, through its GIN index (`article_search_head_gin`): at most
   TERMS × PER_TERM rows are read and about POSTINGS index entries decoded, whatever the
   archive's size. A rare word's stories are all found; a common one's are a sample.
3. **Which order.** The `SHORTLIST` best candidates by the words they share (the sum of their
   weights: `ts_rank` weighs every word alike, so a story sharing one stray rare word would tie
   with one sharing the subject) are scored again by how often their own body says each shared
   word (`ts_rank_cd` with only the body's weight: its occurrences there), which separates a
   story about the subject from one that names it in passing. Ties go to the same section, then
   to the listing order (newest first). Reading every candidate's body vector instead (its TOAST
   pages) found the subject a little more often on the generated archive (79% against 78% of the
   shown stories) for half as much time again (bench/RESULTS.md, "More like this"). `FETCHED`
   leaves room for the teasers' own targets, which the page drops rather than show a story twice.

**When.** Computed the first time a page needs it, then kept in the cache under the story's id
and the archive's version (`archive_state.archive_cached`) until the archive changes: a story
published since may be more like it. Precomputing every story's list instead would mean
re-running a million statements at each change of the archive, most for pages nobody opens
before the next change; the statement is bounded (step 2), so the first view of a story after a
change pays for it once, and every later view reads it from the cache.
`settings.MORE_LIKE_THIS_STORIES = 0` turns the block off.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles import page_queries
from articles.archive_state import archive_cached
from articles.markup import story_list
from articles.rows import StoryPage, Teaser
from articles.rules import listing_order_sql, public_sql
from newsroom.request_scope import current_language, current_timezone

TERMS = 6  # words a story is matched on
PER_TERM = 40  # candidate stories read for each word, at most
POSTINGS = 10_000  # the index entries read for the words, about: the words after this many are dropped
SHORTLIST = 60  # the best candidates by headline and dek, ranked again by how often their text says the words
COMMON_SHARE = 0.02  # a word in more than this share of the archive's headlines and deks is common…
COMMON_FLOOR = 500  # …when it is also in more than this many (a small archive has no common words)
SIZE_FLOOR = 1000  # the archive's size in the rarity weight, at least (before its first ANALYZE: -1)
SHOWN_WITH_TEASERS_BELOW = 4  # a story with this many teasers or more shows none
KEPT_SECONDS = 24 * 3600  # at most, even when the archive does not change
TIMES_CAP = 10  # a word said more often than this in a story counts as this often
FETCHED = 8  # the shown stories and room for the teasers' targets, which are dropped
NOTHING = mark_safe("")

MORE_LIKE_THIS = f"""
WITH story AS (
    SELECT a.id, a.section_id, a.title, a.summary, a.search_vector, a.search_vector_head
    FROM articles_article a WHERE a.id = $1),
size AS (
    SELECT greatest(reltuples, {SIZE_FLOOR}) AS n FROM pg_class WHERE oid = 'articles_article'::regclass),
known AS (
    SELECT (ts_lexize('english_stem', w.lexeme))[1] AS lexeme, max(v.ndoc) AS ndoc
    FROM story, unnest(to_tsvector('simple', story.title || ' ' || story.summary)) w
    JOIN articles_search_vocabulary v ON v.word = w.lexeme
    GROUP BY 1),
weighed AS (
    SELECT q.query, coalesce(known.ndoc, 2) AS ndoc,
        least(ts_rank_cd('{{1, 1, 1, 1}}', story.search_vector, q.query), {TIMES_CAP})
            * ln(1 + size.n / coalesce(known.ndoc, 2)) AS weight
    FROM story CROSS JOIN size CROSS JOIN unnest(story.search_vector_head) h
    CROSS JOIN LATERAL (SELECT quote_literal(h.lexeme)::tsquery AS query) q
    LEFT JOIN known ON known.lexeme = h.lexeme
    WHERE h.lexeme ~ '^[[:alpha:]]{{3,}}$' AND known.ndoc IS DISTINCT FROM 1
        AND coalesce(known.ndoc, 0) <= greatest({COMMON_FLOOR}, {COMMON_SHARE} * size.n)
    ORDER BY weight DESC, h.lexeme LIMIT {TERMS}),
terms AS (
    SELECT w.query, w.weight FROM (
        SELECT weighed.*, sum(ndoc) OVER (ORDER BY weight DESC ROWS UNBOUNDED PRECEDING) - ndoc AS before
        FROM weighed) w
    WHERE w.before < {POSTINGS}),
matches AS (
    SELECT c.id, t.query, t.weight FROM terms t CROSS JOIN LATERAL (
        SELECT c.id FROM articles_article c
        WHERE c.search_vector_head @@ t.query AND c.id <> $1
            AND {public_sql("c.status", "c.published_at", "$2")}
        LIMIT {PER_TERM}) c),
shortlist AS (
    SELECT m.id FROM matches m GROUP BY m.id ORDER BY sum(m.weight) DESC, m.id DESC LIMIT {SHORTLIST}),
ranked AS (
    SELECT a.id, a.section_id, a.published_at, sum(m.weight * (1 + least(
        ts_rank_cd('{{0, 1, 0, 0}}', a.search_vector, m.query), {TIMES_CAP}))) AS score
    FROM shortlist JOIN matches m ON m.id = shortlist.id JOIN articles_article a ON a.id = m.id
    GROUP BY a.id),
best AS (
    SELECT r.id, row_number() OVER (ORDER BY r.score DESC,
        r.section_id IS NOT DISTINCT FROM (SELECT section_id FROM story) DESC,
        {listing_order_sql("r.published_at", "r.id")}) AS rank
    FROM ranked r ORDER BY rank LIMIT {FETCHED})
SELECT (SELECT coalesce(json_agg({page_queries.teaser_json()} ORDER BY b.rank), '[]')
    FROM best b JOIN articles_article a ON a.id = b.id
    LEFT JOIN articles_section s ON s.id = a.section_id) AS stories
"""
STATEMENT = ("newsroom_more_like_this", "integer, timestamptz", MORE_LIKE_THIS)


def similar_stories(story_id: int) -> list[Teaser]:
    """The public stories most like story `story_id`, best first (up to FETCHED), computed now."""
    row = page_queries.first_row(STATEMENT[0], [story_id, timezone.now()], statement=STATEMENT[1:])
    return [Teaser.of(data) for data in row["stories"]] if row else []


def more_like_this(story: StoryPage) -> SafeString:
    """The story's "More like this" list as markup (`markup.story_list`, as lists of stories are):
    empty when it has enough teasers of its own, else up to `MORE_LIKE_THIS_STORIES` stories,
    without those its teasers link to already. Kept rendered until the archive changes, so that
    a later view costs one read of the cache: the rows unpickled and written again cost the
    page +19% instructions (bench/RESULTS.md). Its dates are in the request's time zone and
    language, which the key therefore names."""
    wanted = settings.MORE_LIKE_THIS_STORIES
    if not wanted or len(story.teasers) >= SHOWN_WITH_TEASERS_BELOW:
        return NOTHING
    key = f"more-like-this:{story.id}:{wanted}:{current_timezone()}:{current_language()}"
    return archive_cached(key, lambda: _rendered(story, wanted), KEPT_SECONDS)


def _rendered(story: StoryPage, wanted: int) -> SafeString:
    linked = {teaser.target_slug for teaser in story.teasers}
    shown = [similar for similar in similar_stories(story.id) if similar.slug not in linked][:wanted]
    return story_list(shown, level=3) if shown else NOTHING
