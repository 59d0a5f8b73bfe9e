"""Full-text search over the public archive: the logic behind /search/ and its feed.

Everything starts from `Article.objects.published()`, the one gate for what readers see: its
WHERE clause (with the reader's author/section/date filters) is compiled by the ORM once per
search and embedded in the SQL below, so the gate is never spelled out twice.

Cost model (measured, bench/RESULTS.md "## Search" and "Vectors in the row"): a story's stored
vector is ~5 KB, kept in its table row (migration 0025), so a story whose `search_vector`
PostgreSQL must *read* (to rank it, or to test it outside the GIN index) costs its row's visit,
~2-5 µs (a row nearly fills an 8 KB page), plus ~1 µs (from the TOAST table, where PostgreSQL
puts such values by default, it cost ~15 µs more); ranking or counting every match of a common
word still takes seconds on a large archive. A posting in a bitmap costs ~0.1 µs, planning ~0.3
ms per text condition, and an ORM query ~1 ms of Python to build. So a results page runs two SQL
statements, each bounded in the rows it visits, written here rather than composed by the ORM:

1. The census (`census_statement`): count, capped at COUNT_CAP ("1,000+"), and the section, year
   and author facets, from one sample of at most COUNT_CAP + 1 matches. Title/summary matches are
   taken first, from the small `search_vector_head` GIN index; the big body index is only read
   when those are too few (a word in half the archive's bodies is in ~3% of its headlines: the
   sample then costs 27,000 postings instead of 500,000 at 1M stories). When the census holds
   every match (≤ COUNT_CAP), or every headline match, it hands their ids over in order. On a
   results page's first page it also looks up the story titled exactly as a plain query (the
   jump to it), in the same round trip. The census is kept in the cache for the search's other
   pages (`cached_census`, SEARCH_CACHE_SECONDS).
2. The page (`page_statement`): the ids of results start..stop and those rows with highlighted
   snippets (`ts_headline` re-parses each document, so only the shown rows pay for it). Cut from
   the census's ids when it has them; otherwise it matches again, bounded as described below.

Filters: with words, a section or author filter is a condition on the story's `search_filters`
(its section and authors as lexemes, kept by database triggers), a second column of both GIN
indexes, so PostgreSQL intersects it with the words inside one index scan; ANDing another index
instead first decoded every posting of the word (`filter_articles`).

Relevance (`relevance.py`; a total order, so pages are stable). Every story is scored the same
way, by its stored vector (title A, summary B, body D) and its age:
    score = ts_rank(search_vector, q) * (0.5 + 0.5 * exp(-age_days / RECENCY_DAYS))
(a story loses at most half its weight to age; undated stories count as old). Scoring reads the
whole vector, body included, from the story's row, so:
  1. Exact, up to EXACT_LINE matches: for relevance the census reads up to EXACT_LINE + 1 matches
     (the facets still come from the first COUNT_CAP) and hands over every id when they are no
     more; the page scores them all (`exact_ids`). The results are then exactly the plain answer
     (`tests/search_reference.rank_exact`), and the page says nothing more.
  2. Bounded, above the line: a window of the newest HEAD_CANDIDATES title/summary matches and
     the newest BODY_CANDIDATES text-only matches is scored, then every other match follows
     newest first; the page says so ("most relevant among the newest … matches"). Each half of
     the window is gathered window by window of years, newest first (`candidates`): the years
     are lexemes of `search_filters`, so each window is one scan of the GIN index that skips
     through the word's postings, not a visit of every match's row for its date. Text-only
     matches of a word in more than DENSE_SHARE of the stories are dense enough to walk the date
     index instead. The headline matches come from the census when it holds all of them.
  Title matches weigh ten times a text-only one, so for a common word the top of the full
  ranking is its recent headline matches: the window holds them (bench/RESULTS.md measures the
  share per query class, `search_bench.py --http`).
Date sorts: with ≤ COUNT_CAP matches every match is sorted (the census's ids); beyond that the
date index is walked, which finds a page quickly because matches are dense.

Phrases: GIN keeps no word positions, so the text index hands over every story holding all of a
quoted phrase's words, and each one's body vector is re-read to check their order (5,335 for
"straw never" at 1M stories, ~300,000 for "game never"). A phrase that every match must hold is
first narrowed to the stories holding its pairs of adjacent words (`phrase_candidates`, an index
of hashed word pairs), when they are few enough to be worth it.

Every statement has a time budget (SEARCH_TIMEOUT_MS): PostgreSQL cancels one that runs past it,
and the search runs again in titles and summaries only, saying so (`within_budget`, `run_search`).
What can still get there is a phrase of very common words that the pairs do not narrow: beside an
`or`, with a stop word between them ("game of never"), or held by more stories than
PHRASE_CANDIDATES_LIMIT.
"""
