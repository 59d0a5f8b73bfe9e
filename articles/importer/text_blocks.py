"""Line-level building blocks for the plain-text page parser (`parse_text`).

A saved text page is a list of lines. Image alt texts ("Avatar", "Article image", the title repeated
over the hero image) are the only reliable anchors in it, so everything here either classifies a
line (chrome, end-of-article marker, anchor) or reads one block (author box, teasers, caption) that
starts at such an anchor. Pure functions: no Django, no I/O.
"""

from __future__ import annotations

import functools
import re

from articles.importer.parsed import ParsedAuthor, ParsedTeaser

# Characters that break downstream storage: PostgreSQL rejects NUL in text, XML 1.0 (RSS/Atom feeds)
# forbids the other C0 controls, and lone surrogates cannot be encoded as UTF-8.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Chrome is short: a longer line is always treated as text, which also keeps the folding below cheap.
_MAX_CHROME_LEN = 200

_QUOTE_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
                             "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"'})  # fmt: skip

AVATAR_ALTS = frozenset({"avatar", "author avatar", "author image", "author photo"})
ARTICLE_IMAGE_ALTS = frozenset({"article image", "article thumbnail"})
VIDEO_HEADINGS = frozenset({"video", "videos", "watch"})
# Where the article proper ends: the site's own blocks that follow it.
END_MARKERS = VIDEO_HEADINGS | frozenset({
    "news feed", "show more", "load more", "most popular", "most read", "latest news",
    "related articles", "related news", "related", "more news", "more stories", "recommended", "trending",
    "editors' picks", "editor's picks", "you may also like",
})  # fmt: skip
# Lines that are never part of the story wherever they appear (banners, buttons, widget labels).
CHROME_LINES = frozenset({
    "read more", "share", "share this article", "copy link", "advertisement", "listen to this article",
    "listen", "support independent journalism", "support us", "become a member", "subscribe",
    "subscribe now", "sign up", "sign in", "log in", "donate", "join us", "menu", "search", "close",
    "skip to content", "skip to main content", "follow us", "bookmark", "print", "comments",
})  # fmt: skip
_AI_AUDIO_NOTICE = re.compile(
    r"(?:audio|voice(?:over)?|narration|listen)\b.{0,80}\b(?:ai\b|artificial intelligence)"
    r"|\bai[- ](?:generated|assisted|voiced) (?:audio|voice|narration)"
)
_MAX_NOTICE_LEN = 100
_VIDEO_TITLE = re.compile(r"\bvideos?\b|^watch\b", re.IGNORECASE)
# Words that may stay lower-case in a byline name ("The Kyiv Independent news desk", "Ursula von der Leyen").
NAME_PARTICLES = frozenset({
    "and", "of", "the", "news", "desk", "staff", "team", "editorial", "newsroom", "bureau", "de", "da",
    "del", "della", "di", "do", "dos", "du", "van", "von", "der", "den", "la", "le", "al", "el", "bin",
    "ibn", "y", "e", "investigations",
})  # fmt: skip
# An author is an organisation when the name says so; see `is_organization_name`.
_ORGANIZATION_WORDS = re.compile(
    r"\b(?:desk|staff|editorial|editors|newsroom|bureau|team)\b|^the\s", re.IGNORECASE
)
_TERMINAL_PUNCTUATION = tuple(".!?…\"”’'»)]")
# A caption's last group is the credit unless it only says where someone stands in the photo.
_POSITION_MARKERS = frozenset({"l", "r", "c", "left", "right", "center", "centre", "top", "bottom",
                               "front", "back", "l-r", "from left", "from l to r"})  # fmt: skip


_PAREN_DEPTH = {")": 1, "(": -1}  # scanning right to left


def clean_page_text(text: str) -> str:
    """Line ends normalised to LF and unsafe characters removed; everything else kept as written."""
    text = text.removeprefix("\ufeff")
    text = _UNSAFE_CHARS.sub("", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def fold(line: str) -> str:
    """A comparison key: curly and straight quotes alike, whitespace collapsed, case ignored."""
    return " ".join(line.translate(_QUOTE_FOLD).split()).casefold()


def _short_key(line: str) -> str:
    return _cached_fold(line) if len(line) <= _MAX_CHROME_LEN else ""


# Every line is classified several times and chrome lines repeat across pages; only short lines are
# cached, so the cache stays small whatever the input.
_cached_fold = functools.lru_cache(maxsize=4096)(fold)


def is_avatar(line: str) -> bool:
    return _short_key(line) in AVATAR_ALTS


def is_article_image(line: str) -> bool:
    return _short_key(line) in ARTICLE_IMAGE_ALTS


def is_video_heading(line: str) -> bool:
    return _short_key(line) in VIDEO_HEADINGS


def is_end_marker(line: str) -> bool:
    return _short_key(line) in END_MARKERS


def is_read_more(line: str) -> bool:
    return _short_key(line) == "read more"


def is_chrome(line: str) -> bool:
    """Any line that is site furniture rather than story text (anchors, markers, banners, notices)."""
    key = _short_key(line)
    if not key:
        return False
    if key in CHROME_LINES or key in END_MARKERS or key in AVATAR_ALTS or key in ARTICLE_IMAGE_ALTS:
        return True
    # Notices are one short sentence; a longer line that mentions audio and AI is story text.
    return len(key) <= _MAX_NOTICE_LEN and _AI_AUDIO_NOTICE.search(key) is not None


def ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(_TERMINAL_PUNCTUATION)


def is_organization_name(name: str) -> bool:
    """The documented rule: a byline is an organisation when its name contains desk / staff /
    editorial / editors / newsroom / bureau / team, or starts with "The". A missing role line is
    NOT used: the same author must get the same flag whether or not a page prints their box."""
    return _ORGANIZATION_WORDS.search(name) is not None


def next_nonblank(lines: list[str], start: int, stop: int | None = None) -> int | None:
    stop = len(lines) if stop is None else stop
    for i in range(max(start, 0), stop):
        if lines[i]:
            return i
    return None


def runs(lines: list[str], start: int, stop: int) -> list[list[str]]:
    """Groups of consecutive non-blank lines: the page's paragraphs and teaser blocks."""
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines[start:stop]:
        if line:
            current.append(line)
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def split_caption(caption: str) -> tuple[str, str]:
    """(caption, credit): the credit is the LAST parenthesised group, when it ends the line."""
    body = caption.rstrip().removesuffix(".").rstrip()
    if not body.endswith(")"):
        return caption, ""
    depth = 0
    for i in range(len(body) - 1, -1, -1):
        depth += _PAREN_DEPTH.get(body[i], 0)
        if depth == 0:
            credit = body[i + 1 : -1].strip()
            if fold(credit) in _POSITION_MARKERS or not credit:
                return caption, ""
            return body[:i].rstrip(), credit
    return caption, ""  # unbalanced parentheses: keep the line whole rather than guess


def teaser_from_lines(lines: list[str], *, image_alt: str, video: bool) -> ParsedTeaser:
    """First line is the teaser title; the rest (a summary, possibly a "Key developments" run) joined."""
    title = lines[0]
    kind = "video" if video or _VIDEO_TITLE.search(title) else "article"
    return ParsedTeaser(title=title, summary=" ".join(lines[1:]), kind=kind, image_alt=image_alt)


def teasers_from_run(run: list[str], *, video: bool, closing: bool) -> list[ParsedTeaser] | None:
    """Teasers in one block of consecutive lines, or None when the block is not a teaser block.

    "Article image" (the thumbnail's alt text) closes each teaser. Without it, only the block that
    directly precedes the author box or the site's trailing blocks (`closing`) is taken as a teaser,
    and only when it has a title and a summary: a lone line there is as likely the last paragraph.
    """
    teasers: list[ParsedTeaser] = []
    pending: list[str] = []
    saw_image = False
    for line in run:
        if is_article_image(line):
            saw_image = True
            if pending:
                teasers.append(teaser_from_lines(pending, image_alt=line, video=video))
            pending = []
        elif not is_chrome(line):
            pending.append(line)
    if pending and (saw_image or (closing and len(pending) >= 2)):
        teasers.append(teaser_from_lines(pending, image_alt="", video=video))
    elif pending:
        return None
    return teasers


def _looks_like_role(line: str) -> bool:
    # Roles are short labels ("Senior News Editor"); bios are sentences.
    return len(line) <= 80 and len(line.split()) <= 10 and not ends_sentence(line)


def _author_from_texts(name: str, texts: list[str]) -> ParsedAuthor:
    role = ""
    if texts and _looks_like_role(texts[0]):
        role, texts = texts[0], texts[1:]
    return ParsedAuthor(
        name=name, role=role, bio="\n\n".join(texts), is_organization=is_organization_name(name)
    )


def _block_stop(line: str) -> bool:
    return is_read_more(line) or is_end_marker(line) or is_avatar(line)


def read_author_block(lines: list[str], avatar: int) -> tuple[ParsedAuthor | None, int, bool]:
    """One author box starting at its "Avatar" line: (author, index after the box, saw "Read more").

    The box is: name, then the role (when there is one) and the bio as separate paragraphs, then
    "Read more". It stops early at the next box, an end marker, or the end of a cut-off page.
    """
    name_at = next_nonblank(lines, avatar + 1)
    if name_at is None or is_chrome(lines[name_at]) or len(lines[name_at]) > _MAX_CHROME_LEN:
        return None, avatar + 1, False
    texts: list[str] = []
    i = name_at + 1
    while i < len(lines) and not _block_stop(lines[i]):
        if lines[i] and not is_chrome(lines[i]):
            texts.append(lines[i])
        i += 1
    saw_read_more = i < len(lines) and is_read_more(lines[i])
    return _author_from_texts(lines[name_at], texts), i + (1 if saw_read_more else 0), saw_read_more


def read_author_blocks(lines: list[str], first_avatar: int) -> tuple[list[ParsedAuthor], bool, list[str]]:
    """Consecutive author boxes: (authors, any box closed by "Read more", warnings)."""
    authors: list[ParsedAuthor] = []
    warnings: list[str] = []
    closed = False
    at: int | None = first_avatar
    while at is not None and is_avatar(lines[at]):
        author, after, saw_read_more = read_author_block(lines, at)
        closed = closed or saw_read_more
        if author is not None:
            authors.append(author)
        elif not warnings:  # once is enough, however many nameless boxes a broken page has
            warnings.append("author block without a name")
        at = next_nonblank(lines, after)
    return authors, closed, warnings
