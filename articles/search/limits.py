"""How much work a search may do: the bounds its statements keep to (articles/search/__init__.py
says why each one is needed). Read as `limits.NAME` where tests change them."""

PAGE_SIZE = 10
HEAD_CANDIDATES = 200
BODY_CANDIDATES = 100  # the newest text-only matches ranked beside them above EXACT_LINE
COUNT_CAP = 1_000
# Up to this many matches every one is scored (the census counts this far for relevance); above
# it, only the bounded window (measured: bench/RESULTS.md, "Exact ranking").
EXACT_LINE = 2_000
# Above this share of the archive's stories, a word's newest text-only matches are found by
# walking the date index (a few rows visited a match) rather than by windows of years.
DENSE_SHARE = 0.1
FACET_LIMIT = 8  # entries of a facet group shown at first…
FACET_LISTED = 50  # …and listed at most behind its "all" toggle
RECENCY_DAYS = 5 * 365
# Tier-1 candidates of a word in more headlines than the census holds (the planner's estimate)
# are read window by window of years, newest first (`_head_windows`).
HEAD_WINDOW_SECONDS = 600  # how long a process keeps the archive's date histogram
AUTHOR_IDS_LIMIT = 20_000  # an author filter's stories are sent as a list of ids up to this many
FILTER_CACHE_SECONDS = 600  # how long a section or author name's ids are kept (`_filter_query`)
PHRASE_CANDIDATES_LIMIT = 2_000  # a phrase's candidates are sent as a list of ids up to this many
SNIPPET_BEFORE, SNIPPET_LENGTH = 150, 600  # the body window ts_headline parses (characters)
