"""Highlighted snippets of a results page: ts_headline's output (run in SQL on the shown rows
only, articles/search/ranking.py) escaped as text, its markers made <mark> tags, and a
`#:~:text=` link to the first highlighted words."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from django.utils.safestring import SafeString, mark_safe

# Private-use characters mark highlights inside ts_headline's output, which is escaped as plain
# text before they become <mark> tags: body text can never inject HTML. Stripped from the input.
START_SEL, STOP_SEL = "\ue000", "\ue001"
_MARKED_RUN = re.compile(f"{START_SEL}([^{STOP_SEL}]*){STOP_SEL}([^\n{START_SEL}]*)")


# ts_headline's options (the page statement in articles/search.py calls it in SQL): the markers
# above, about a sentence or two, and up to two fragments around the matches.
HEADLINE_OPTIONS = (
    f"StartSel='{START_SEL}', StopSel='{STOP_SEL}', MaxWords=35, MinWords=15, MaxFragments=2, "
    "FragmentDelimiter=' … '"
)


def render_snippet(raw_snippet: str) -> SafeString:
    """Escape the headline as text, then turn the sentinels into <mark> tags. (Bodies are HTML:
    ts_headline leaves their entities, `&amp;`, which are text once more first.)"""
    snippet = html.escape(html.unescape(raw_snippet or ""))
    snippet = snippet.replace(START_SEL, "<mark>").replace(STOP_SEL, "</mark>")
    # An unbalanced marker can only come from a cut fragment; close it rather than leak a tag.
    if snippet.count("<mark>") > snippet.count("</mark>"):
        snippet += "</mark>"
    return mark_safe(snippet)  # noqa: S308 - escaped above; only our own <mark> tags remain


def text_fragment(raw_snippet: str) -> str:
    """A `#:~:text=` link to the first highlighted words, so the browser scrolls to that paragraph."""
    match = _MARKED_RUN.search(html.unescape(raw_snippet or ""))
    if not match:
        return ""
    following = match.group(2).replace(STOP_SEL, "").split()[:4]
    words = " ".join([match.group(1).strip(), *following]).strip(" .,;:…")
    # Text fragments treat "-", "&" and "," as syntax: percent-encode everything.
    return "#:~:text=" + quote(words, safe="") if words else ""
