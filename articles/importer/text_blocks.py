"""Line-level building blocks for the plain-text page parser (`parse_text`).

A saved text page is a list of lines. Image alt texts ("Avatar", "Article image", the title repeated
over the hero image) are the only reliable anchors in it, so everything here either classifies a
line (chrome, end-of-article marker, anchor) or reads one block (author box, teasers, caption) that
starts at such an anchor. Pure functions: no Django, no I/O.
"""

from __future__ import annotations

import re

from articles.importer import text_head as th
from articles.importer.parsed import ParsedAuthor, ParsedTeaser

# Line classification lives in text_chrome; re-exported so callers keep one module to ask.
from articles.importer.text_chrome import (  # noqa: F401
    MAX_CHROME_LEN,
    clean_page_text,
    ends_sentence,
    fold,
    is_article_image,
    is_avatar,
    is_chrome,
    is_end_marker,
    is_list_marker,
    is_pitch,
    is_read_more,
    is_time_line,
    is_video_heading,
)
from articles.importer.text_head import is_organization_name  # noqa: F401

_VIDEO_TITLE = re.compile(r"\bvideos?\b|^watch\b", re.IGNORECASE)
# A caption's last group is the credit unless it only says where someone stands in the photo.
_POSITION_MARKERS = frozenset({"l", "r", "c", "left", "right", "center", "centre", "top", "bottom",
                               "front", "back", "l-r", "from left", "from l to r"})  # fmt: skip
_PAREN_DEPTH = {")": 1, "(": -1}  # scanning right to left


def next_nonblank(lines: list[str], start: int, stop: int | None = None) -> int | None:
    stop = len(lines) if stop is None else stop
    for i in range(max(start, 0), stop):
        if lines[i]:
            return i
    return None


def runs(lines: list[str], start: int, stop: int) -> list[list[str]]:
    """Groups of consecutive non-blank lines: the page's paragraphs and teaser blocks."""
    return [run for _, run in runs_at(lines, start, stop)]


def runs_at(lines: list[str], start: int, stop: int) -> list[tuple[int, list[str]]]:
    """The same groups, each with the index of its first line."""
    groups: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for i in range(max(start, 0), min(stop, len(lines))):
        if lines[i]:
            current.append(lines[i])
        elif current:
            groups.append((i - len(current), current))
            current = []
    if current:
        groups.append((min(stop, len(lines)) - len(current), current))
    return groups


def story_lines(run: list[str]) -> list[str]:
    """The lines of a block that are story text: chrome dropped, and with each banner pitch the short
    non-sentence lines glued right above it ("Independent journalism" / "for an independent Ukraine"),
    which are the banner's heading rather than subheads of the story."""
    keep = [not is_chrome(line) for line in run]
    if all(keep):
        return list(run)  # no chrome, hence no pitch either: the common case, kept cheap
    walked = -1  # each line is walked over once at most: no quadratic rescans under pitch after pitch
    for i, line in enumerate(run):
        if keep[i] or not is_pitch(line):  # a pitch is chrome: only dropped lines need the check
            continue
        _drop_banner_heading(run, keep, i, walked)
        walked = i
    return [line for line, kept in zip(run, keep, strict=True) if kept]


def _drop_banner_heading(run: list[str], keep: list[bool], pitch: int, walked: int) -> None:
    """Mark the chrome and short non-sentence lines right above the pitch at `pitch` as dropped, up to
    the line `walked` (the previous pitch)."""
    j = pitch - 1
    while j > walked and (not keep[j] or (len(run[j]) <= 80 and not ends_sentence(run[j]))):
        keep[j] = False
        j -= 1


def is_caption(line: str) -> bool:
    """A photo caption: sentence text closed by a parenthesised credit ("… 2023. (Photo: X / AFP)")."""
    if len(line) > 1000 or not line.endswith(")"):
        return False
    caption, credit = split_caption(line)
    return bool(credit) and ends_sentence(caption)


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
    if name_at is None or is_chrome(lines[name_at]) or len(lines[name_at]) > MAX_CHROME_LEN:
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


def list_teasers(run: list[str]) -> list[ParsedTeaser]:
    """Items of an "Editors' Picks" / "Most popular" list: a headline, alone or over its summary.

    A time-stamped block is a news-feed sidebar item, not a teaser; a sentence is not a headline."""
    if any(is_article_image(line) for line in run):
        return teasers_from_run(run, video=False, closing=True) or []
    content = [line for line in run if not is_chrome(line)]
    if not _opens_with_headline(run, content):
        return []
    if all(th.looks_like_headline(line) for line in content[1:]):
        # Items printed without blank lines between them: one headline per line, no summaries.
        return [teaser_from_lines([line], image_alt="", video=False) for line in content]
    return [teaser_from_lines(content, image_alt="", video=False)]


def _opens_with_headline(run: list[str], content: list[str]) -> bool:
    """The block's first line of content is a headline, and no line stamps it with a time."""
    if not content or any(is_time_line(line) for line in run):
        return False
    return th.looks_like_headline(content[0])


# --- author cards and footers (pages without "Avatar" boxes) -------------------------------------------


def _is_bio(line: str) -> bool:
    return ends_sentence(line) and len(line.split()) >= 6


def author_card_name(lines: list[str], at: int, known: dict[str, str]) -> str:
    """The author's name when the line at `at` opens an author card, else "".

    A card is a name printed twice (heading and photo alt), a desk's name over its bio, a name over a
    bio that starts with it, or a line that is (or ends with, glued to the site's name) the name of an
    author the byline already gave (`known`: folded name → name as printed)."""
    line = lines[at]
    if not line or len(line) > 120 or ends_sentence(line) or is_chrome(line):
        return ""
    key = fold(line)
    if (name := _known_name(line, key, known)) is not None:
        return name
    following = lines[at + 1] if at + 1 < len(lines) else ""
    return line if _opens_card(line, key, following) else ""


def _known_name(line: str, key: str, known: dict[str, str]) -> str | None:
    """The name of the byline's author that the line is (as printed there), or ends with; else None."""
    for folded, name in known.items():
        if key == folded:
            return line
        # Glued: "The Kyiv IndependentThe Kyiv Independent news desk" (no space before the name), so
        # an in-body "by NAME" line is not a card.
        if key.endswith(folded) and line.endswith(name) and not line[: -len(name)].endswith((" ", "\t")):
            return name
    return None


def _opens_card(line: str, key: str, following: str) -> bool:
    """A name line printed twice, or over a bio that starts with it; a desk's name over its bio."""
    if not th.is_name_line(line):
        return False
    if fold(following) == key or following.startswith(line + " "):
        return True
    return th.is_organization_name(line) and _is_bio(following)


def _card_stop(line: str) -> bool:
    return (
        not line
        or is_caption(line)
        or _block_stop(line)
        or is_chrome(line)
        or bool(th.authors_footer_names(line))
    )


def read_author_card(
    lines: list[str], at: int, name: str, *, max_texts: int = 20
) -> tuple[ParsedAuthor, int]:
    """The card opened at `at` (see `author_card_name`): (author, index after the card).

    The card is the name (maybe twice), then its role and bio lines; a bio set off by a blank line is
    taken only when it starts with the name. Captions, chrome and "Authors:" lines end it."""
    j = at + 1
    if j < len(lines) and fold(lines[j]) == fold(lines[at]):
        j += 1
    texts: list[str] = []
    while j < len(lines) and len(texts) < max_texts and not _card_stop(lines[j]):
        texts.append(lines[j])
        j += 1
    after = next_nonblank(lines, j)
    if max_texts > 1 and after is not None and lines[after].startswith(name + " "):
        texts.append(lines[after])
        j = after + 1
    return _author_from_texts(name, texts), j


def footer_authors(line: str) -> list[ParsedAuthor]:
    """The authors an "Author: NAME" / "Authors: A, B" footer line names (2022 layout)."""
    return [
        ParsedAuthor(name=name, is_organization=th.is_organization_name(name))
        for name in th.authors_footer_names(line)
    ]
