"""The SQL that rebuilds the spelling suggester's word list. Shared by migration 0002 and
`articles.search.refresh_vocabulary`, so the two can never drift apart. The public gate is the
SQL form of `articles.rules` (a migration cannot use the model's `published()`)."""

from articles.rules import public_sql

REFRESH_VOCABULARY = f"""
-- Two imports finishing at once must not both delete-then-insert (a duplicate-key error): take turns.
-- Readers (SELECT) are not blocked by this lock mode.
LOCK TABLE articles_search_vocabulary IN EXCLUSIVE MODE;
DELETE FROM articles_search_vocabulary;
INSERT INTO articles_search_vocabulary (word, ndoc)
SELECT word, ndoc FROM ts_stat($$
    SELECT to_tsvector('simple', title || ' ' || summary) FROM articles_article
    WHERE {public_sql()}
$$) WHERE word ~ '^[a-z][a-z''-]{{2,29}}$';
"""
