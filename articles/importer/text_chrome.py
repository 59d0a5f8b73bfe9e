"""What a line of a saved text page IS, before anyone asks what it says: site chrome or story text.

The saved pages carry everything the browser showed: crawl stamps, skip links, the editor's bar,
membership banners, menus, sidebar feeds, cookie notices. None of it may become a section, a title,
a paragraph or a teaser, so every reader in `parse_text` / `text_blocks` asks these predicates first.
They are pure, run on one (stripped) line, and only ever look at short lines (`MAX_CHROME_LEN`), which
keeps them cheap and lets the results be cached. Pure functions: no Django, no I/O.
"""

from __future__ import annotations

import functools
import re

# Characters that break downstream storage: PostgreSQL rejects NUL in text, XML 1.0 (RSS/Atom feeds)
# forbids the other C0 controls, and lone surrogates cannot be encoded as UTF-8.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The crawler stamps the capture date at the very top (" date 2022-10-17 "), sometimes glued to the
# page's first line. It is a capture date, never content, so it is dropped and the rest kept.
_CRAWL_STAMP = re.compile(r"^[ \t]*date[ \t]+\d{4}-\d{2}-\d{2}(?:[ \t]+|$)", re.MULTILINE)
# It sits above the page's own first lines; only that far is searched.
_STAMP_ZONE = 500

# Chrome is short: a longer line is always treated as text, which also keeps the folding below cheap.
MAX_CHROME_LEN = 200

_QUOTE_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
                             "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"'})  # fmt: skip

AVATAR_ALTS = frozenset({"avatar", "author avatar", "author image", "author photo"})
ARTICLE_IMAGE_ALTS = frozenset({"article image", "article thumbnail"})
VIDEO_HEADINGS = frozenset({"video", "videos", "watch"})
# Lists of other stories after the body: each item there is a teaser title, even on its own line.
LIST_MARKERS = frozenset({
    "most popular", "most read", "related articles", "related news", "related", "more news", "more stories",
    "recommended", "trending", "editors' picks", "editor's picks", "editors picks", "you may also like",
})  # fmt: skip
# Where the article proper ends: the site's own blocks that follow it.
END_MARKERS = (
    VIDEO_HEADINGS | LIST_MARKERS | frozenset({"news feed", "show more", "load more", "latest news"})
)
# End markers that are also the name of a section printed above a title.
SECTION_MARKERS = frozenset({"news feed", "video", "videos"})
# Lines that are never part of the story wherever they appear (banners, buttons, widget labels).
CHROME_LINES = frozenset({
    "read more", "share", "share this article", "copy link", "advertisement", "listen to this article",
    "listen", "support independent journalism", "support us", "become a member", "subscribe",
    "subscribe now", "sign up", "sign in", "log in", "donate", "join us", "menu", "search", "close",
    "skip to content", "skip to main content", "follow us", "bookmark", "print", "comments",
    "support", "support our reporting", "pre-order now", "get tickets", "gift membership", "ok", "accept",
    "accept all", "got it", "ukraine daily",
})  # fmt: skip
# The WordPress editor's bar, injected between the section line and the title for logged-in staff.
EDITOR_BAR = frozenset({"edit post", "edit page", "edit article"})
_AI_AUDIO_NOTICE = re.compile(
    r"(?:audio|voice(?:over)?|narration|listen)\b.{0,80}\b(?:ai\b|artificial intelligence)"
    r"|\bai[- ](?:generated|assisted|voiced) (?:audio|voice|narration)"
)
_MAX_NOTICE_LEN = 100
# Membership pitches, newsletter and cookie notices: phrases the site's banners use and story text
# does not (story quotes say "support Ukraine", not "support our reporting"). Each pattern runs only
# on lines holding its keyword and starts with a literal, so the scan stays fast on story text.
_PITCHES = (
    ("support", re.compile(
        r"support (?:(?:independent|trusted)\b[\w ]{0,30}\bjournalism|our (?:reporting|journalism|work)\b"
        r"|us (?:just once|monthly|today)\b)"
    )),
    ("member", re.compile(r"become a member\b|join (?:as|us as) a member\b|members? (?:on board|today)")),
    ("membership", re.compile(r"gift (?:a )?membership\b")),
    ("fight", re.compile(r"join us in this fight\b")),
    ("newsletter", re.compile(r"signing up for (?:this|our) newsletter\b")),
    ("cookies", re.compile(r"we use cookies\b")),
    ("email", re.compile(r"enter (?:a )?correct email\b")),
    ("inbox", re.compile(r"news from ukraine in your inbox\b")),
    (" us on ", re.compile(r"^(?:follow|watch|find|like) us on \w+$")),
)  # fmt: skip
_AI_NOTICE_WORDS = ("audio", "voice", "narration", "listen")
_PAYMENT_LOGOS = re.compile(r"(?:\s*(?:visa|mastercard|american ?express|paypal|apple ?pay|google ?pay))+")
_TIME_ONLY = re.compile(r"\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?")
_WEEKDAY_HEADER = re.compile(
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+"
    r"[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)
_UPDATED_LINE = re.compile(r"\(?\s*(?:last )?updated:[^()]{0,60}\)?")
_TAGS_LINE = re.compile(r"tags?:\s.*")
_TERMINAL_PUNCTUATION = tuple(".!?…\"”’'»)]")
# Lines that are chrome by what they say, as a whole: one set lookup for all of them.
_CHROME_KEYS = CHROME_LINES | END_MARKERS | AVATAR_ALTS | ARTICLE_IMAGE_ALTS | EDITOR_BAR


def clean_page_text(text: str) -> str:
    """Line ends normalised to LF, unsafe characters and the crawl stamp removed; the rest as written."""
    text = text.removeprefix("\ufeff")
    text = _UNSAFE_CHARS.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "date" not in text[:_STAMP_ZONE]:
        return text  # no stamp: spare copying the page
    return _CRAWL_STAMP.sub("", text[:_STAMP_ZONE], count=1) + text[_STAMP_ZONE:]


def fold(line: str) -> str:
    """A comparison key: curly and straight quotes alike, whitespace collapsed, case ignored."""
    return " ".join(line.translate(_QUOTE_FOLD).split()).casefold()


# Every line is classified several times and chrome lines repeat across pages; only short lines are
# cached, so the cache stays small whatever the input.
_cached_fold = functools.lru_cache(maxsize=4096)(fold)


def short_key(line: str) -> str:
    """The folded line when it is short enough to be chrome or an anchor, else ""."""
    return _cached_fold(line) if len(line) <= MAX_CHROME_LEN else ""


def is_avatar(line: str) -> bool:
    return short_key(line) in AVATAR_ALTS


def is_article_image(line: str) -> bool:
    return short_key(line) in ARTICLE_IMAGE_ALTS


def is_video_heading(line: str) -> bool:
    return short_key(line) in VIDEO_HEADINGS


def is_end_marker(line: str) -> bool:
    return short_key(line) in END_MARKERS


def is_list_marker(line: str) -> bool:
    return short_key(line) in LIST_MARKERS


def is_read_more(line: str) -> bool:
    return short_key(line) == "read more"


def is_editor_bar(line: str) -> bool:
    return short_key(line) in EDITOR_BAR


def is_time_line(line: str) -> bool:
    """A bare clock time: the stamp of a sidebar news-feed item, never story text."""
    return len(line) <= 12 and _TIME_ONLY.fullmatch(line.strip().casefold()) is not None


def is_weekday_header(line: str) -> bool:
    """The site header's "Monday, October 17, 2022": the day the page was captured, not published."""
    key = short_key(line)
    return bool(key) and len(key) <= 40 and _WEEKDAY_HEADER.fullmatch(key) is not None


def is_tags_line(line: str) -> bool:
    key = short_key(line)
    return bool(key) and _TAGS_LINE.fullmatch(key) is not None


def is_pitch(line: str) -> bool:
    """A membership / newsletter / cookie / social banner line (may be a sentence, so checked apart)."""
    key = short_key(line)
    return bool(key) and _is_pitch_key(key)


@functools.lru_cache(maxsize=4096)
def _is_pitch_key(key: str) -> bool:
    # Substring tests first: they are C-fast, and story lines almost never pass them.
    return any(word in key and pattern.search(key) for word, pattern in _PITCHES)


def is_chrome(line: str) -> bool:
    """Any line that is site furniture rather than story text (anchors, markers, banners, notices)."""
    key = short_key(line)
    return bool(key) and _is_chrome_key(key)


@functools.lru_cache(maxsize=4096)
def _is_chrome_key(key: str) -> bool:
    return (
        key in _CHROME_KEYS
        or _is_pitch_key(key)
        or _PAYMENT_LOGOS.fullmatch(key) is not None
        or _is_stamp_key(key)
        or _is_player_label_key(key)
        or _is_ai_notice_key(key)
    )


def _is_stamp_key(key: str) -> bool:
    """A clock time, the header's weekday date, an "(Updated: …)" note or a tag line."""
    if len(key) <= 40 and (_TIME_ONLY.fullmatch(key) or _WEEKDAY_HEADER.fullmatch(key)):
        return True
    return len(key) <= 80 and bool(_UPDATED_LINE.fullmatch(key) or _TAGS_LINE.fullmatch(key))


def _is_player_label_key(key: str) -> bool:
    # An audio/video player's label ("The Kyiv Indie Podcasts · Holding Hostomel"): show · episode.
    return len(key) <= 100 and " · " in key and not ends_sentence(key)


def _is_ai_notice_key(key: str) -> bool:
    # Notices are one short sentence; a longer line that mentions audio and AI is story text.
    if len(key) > _MAX_NOTICE_LEN or not any(word in key for word in _AI_NOTICE_WORDS):
        return False
    return _AI_AUDIO_NOTICE.search(key) is not None


def ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(_TERMINAL_PUNCTUATION)
