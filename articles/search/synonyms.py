"""Alternate spellings and synonyms (`articles.search_terms.SynonymGroup`), applied when a
search's query is built: nothing is re-indexed, so a change to the list takes effect at once.

A word, a quoted phrase, a `-`exclusion, or a run of words (`donetsk oblast`) that is a known term
matches any term of its group, both ways. websearch_to_tsquery cannot say so: it takes `(` and
`)` for punctuation, so "(kiev or kyiv) war" means kiev | (kyiv & war). The tsquery is then
composed in SQL from websearch_to_tsquery pieces with tsquery's own operators (`&&`, `||`, always
parenthesised: they share one precedence), following websearch's grammar: the text is an `or`
of runs of parts ANDed together; the reader's own parts of a run go to one websearch_to_tsquery,
as without synonyms, and each expanded part becomes (its own text || each other form) — for an
exclusion, (-itself && -each other form). Each form is quoted, so an editor's term is never read
as an operator. A query with no known term keeps the one `TSQUERY` call and its plans.

For the cost model (`articles.search`) an expanded part is an `or` term: a phrase in it is not
one every match must hold (`ParsedQuery.required_phrases`), so it is not narrowed by its pairs.
"""

from __future__ import annotations

from dataclasses import replace

from articles.archive_state import archive_cached
from articles.search.query import TEXT_KINDS, Alternate, ParsedQuery, Token, websearch_form
from articles.search_terms import SynonymGroup, normalise_term

MAX_RUN = 4  # words of a run of plain words looked up as one term
GROUPS_CACHE_SECONDS = 3600  # and until the archive (or the list) changes


def websearch(name: str) -> str:
    return f"websearch_to_tsquery('english'::regconfig, %({name})s)"


def known_terms() -> dict[str, tuple[str, ...]]:
    """Each known term, normalised, and every term it is equivalent to (groups sharing a term are
    merged), from the cache: saving a group moves the archive version."""
    return archive_cached("search-synonyms", _read_terms, GROUPS_CACHE_SECONDS)


def _read_terms() -> dict[str, tuple[str, ...]]:
    known: dict[str, tuple[str, ...]] = {}
    for terms in SynonymGroup.objects.values_list("terms", flat=True):
        for term in terms:
            key = normalise_term(term)
            if key:
                known[key] = tuple(dict.fromkeys((*known.get(key, ()), *terms)))
    return known


def with_alternates(parsed: ParsedQuery, known: dict[str, tuple[str, ...]] | None = None) -> ParsedQuery:
    """`parsed` with its known terms' other forms (`ParsedQuery.alternates`)."""
    if not parsed.text:
        return parsed
    known = known_terms() if known is None else known
    if not known:
        return replace(parsed, alternates=())
    return replace(parsed, alternates=tuple(_alternates(parsed.tokens, known)))


def _alternates(tokens: tuple[Token, ...], known: dict[str, tuple[str, ...]]) -> list[Alternate]:
    found, at = [], 0
    while at < len(tokens):
        alternate = _alternate_at(tokens, at, known)
        if alternate:
            found.append(alternate)
        at = alternate.stop if alternate else at + 1
    return found


def _alternate_at(tokens: tuple[Token, ...], at: int, known: dict[str, tuple[str, ...]]) -> Alternate | None:
    """The known term starting at token `at`: a phrase, an exclusion, or the longest run of plain
    words (up to MAX_RUN) that is one."""
    kind = tokens[at].kind
    if kind == "term":
        stops = range(min(len(tokens), at + MAX_RUN), at, -1)
    else:
        stops = [at + 1] if kind in ("phrase", "exclude") else []
    for stop in stops:
        if any(token.kind != kind for token in tokens[at:stop]):
            continue
        key = normalise_term(" ".join(token.value for token in tokens[at:stop]))
        forms = tuple(form for form in known.get(key, ()) if normalise_term(form) != key)
        if forms:
            return Alternate(at, stop, forms)
    return None


def added_forms(parsed: ParsedQuery) -> tuple[list[str], list[str]]:
    """The forms searched for besides the reader's words, and those left out besides theirs."""
    searched, left_out = [], []
    for alternate in parsed.alternates:
        excluded = parsed.tokens[alternate.start].kind == "exclude"
        (left_out if excluded else searched).extend(alternate.forms)
    return list(dict.fromkeys(searched)), list(dict.fromkeys(left_out))


def tsquery_sql(parsed: ParsedQuery) -> tuple[str, dict[str, object]]:
    """The search's tsquery as SQL, and its named parameters."""
    if not parsed.alternates:
        return websearch("query"), {"query": parsed.text}  # sql.TSQUERY
    starts = {alternate.start: alternate for alternate in parsed.alternates}
    params: dict[str, object] = {}
    runs: list[str] = []
    for run in _or_runs(parsed.tokens):
        plain, parts, at = [], [], 0
        while at < len(run):
            position, token = run[at]
            alternate = starts.get(position)
            if alternate is None:
                plain.append(websearch_form(token))
                at += 1
                continue
            own = [
                websearch_form(token) for _position, token in run[at : at + alternate.stop - alternate.start]
            ]
            parts.append(_expanded(" ".join(own), alternate.forms, token.kind == "exclude", params))
            at += alternate.stop - alternate.start
        if plain:
            parts.insert(0, websearch(_param(params, " ".join(plain))))
        runs.append("(" + " && ".join(parts) + ")")
    return "(" + " || ".join(runs) + ")", params


def _or_runs(tokens: tuple[Token, ...]) -> list[list[tuple[int, Token]]]:
    """The text tokens (with their positions) in runs between `or`s; empty runs dropped."""
    runs: list[list[tuple[int, Token]]] = [[]]
    for position, token in enumerate(tokens):
        if token.kind == "or":
            runs.append([])
        elif token.kind in TEXT_KINDS:
            runs[-1].append((position, token))
    return [run for run in runs if run]


def _expanded(own: str, forms: tuple[str, ...], excluded: bool, params: dict[str, object]) -> str:
    sign, joiner = ("-", " && ") if excluded else ("", " || ")
    quoted = [f'{sign}"{" ".join(form.replace(chr(34), " ").split())}"' for form in forms]
    pieces = [websearch(_param(params, text)) for text in (own, *quoted)]
    return "(" + joiner.join(pieces) + ")"


def _param(params: dict[str, object], value: str) -> str:
    name = f"query_{len(params)}"
    params[name] = value
    return name
