"""The SQL behind the spelling suggester: the archive's word list and its deletion variants.
`REFRESH_VOCABULARY` is shared by migration 0002 and `articles.search.refresh_vocabulary`, and
`SPELLING_TABLE`/`REFRESH_SPELLING` by migration 0024 and the same refresh, so a migration and the
refresh can never drift apart. The public gate is the SQL form of `articles.rules` (a migration
cannot use the model's `published()`)."""

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

# SymSpell's index (Wolf Garbe's symmetric delete): every vocabulary word under each string it
# becomes with up to 1 letter deleted (words of up to 4 letters, which are respelled at most 1 edit
# away) or 2 (longer words), itself included. Two words within that many edits share a variant, so
# a misspelling's own variants, looked up in the B-tree (the primary key leads with `variant`),
# find every word close enough. The suggester joins the vocabulary for `ndoc`: not copied here,
# so a refresh need not rewrite the rows of words whose counts changed.
SPELLING_TABLE = """
CREATE TABLE articles_search_spelling (
    variant text NOT NULL, word text NOT NULL, PRIMARY KEY (variant, word)
);
DROP INDEX articles_search_vocabulary_len;
"""
UNDO_SPELLING_TABLE = """
DROP TABLE articles_search_spelling;
CREATE INDEX articles_search_vocabulary_len ON articles_search_vocabulary (length(word), word);
"""

# Run after REFRESH_VOCABULARY, in its transaction (whose lock makes refreshes take turns), and
# incremental: a word's variants depend on the word alone, so only the words that left the
# vocabulary lose theirs and only the new ones gain theirs; readers keep the previous variants
# (MVCC) until the commit, and the table does not bloat by a full rewrite per import. A word's
# variant equal to itself marks it as present. Rows go in key order (cheap B-tree appends).
REFRESH_SPELLING = """
DELETE FROM articles_search_spelling AS s
WHERE NOT EXISTS (SELECT FROM articles_search_vocabulary AS v WHERE v.word = s.word);
INSERT INTO articles_search_spelling (variant, word)
SELECT DISTINCT variants.variant, v.word
FROM articles_search_vocabulary AS v
CROSS JOIN LATERAL (
    SELECT v.word
    UNION ALL
    SELECT left(v.word, i - 1) || substr(v.word, i + 1)
    FROM generate_series(1, length(v.word)) AS i
    UNION ALL
    SELECT left(v.word, i - 1) || substr(v.word, i + 1, j - i - 1) || substr(v.word, j + 1)
    FROM generate_series(1, length(v.word)) AS i, generate_series(i + 1, length(v.word)) AS j
    WHERE length(v.word) > 4
) AS variants (variant)
WHERE NOT EXISTS (
    SELECT FROM articles_search_spelling AS s WHERE s.variant = v.word AND s.word = v.word
)
ORDER BY 1, 2;
"""
