"""The story and what follows it on a saved text page: paragraphs, teasers, author boxes, cards, footers.

The body runs from under the head (or the hero image) to the first of: the site's trailing blocks
("News Feed", "Editors' Picks", …), the "Avatar" author box, a tag line, an "Author:" footer or an author
card. Blocks after it are read for teasers (loose blocks before any footer, every item of an
"Editors' Picks" / "Most popular" list) and authors. A page that ends mid-text is marked truncated and
its cut-off fragment dropped. Every step is one linear pass. Pure: no Django, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from articles.importer import text_blocks as tb
from articles.importer import text_chrome as tc
from articles.importer import text_head as th
from articles.importer.parsed import ParsedArticle, ParsedAuthor, ParsedTeaser


def read_main(article: ParsedArticle, lines: list[str], body_start: int, *, has_byline: bool) -> None:
    """Fill paragraphs, teasers, authors (boxes, cards, footers) and truncation from `body_start` on.

    `has_byline`: the head named the authors, so a page without an author box is not missing one."""
    avatar_at = next((i for i in range(body_start, len(lines)) if tb.is_avatar(lines[i])), None)
    main_end = len(lines) if avatar_at is None else avatar_at
    known = {tb.fold(author.name): author.name for author in article.authors}
    body_end = _body_end(lines, body_start, main_end, known)
    _read_body(article, lines, body_start, body_end, before_box=body_end == avatar_at)
    closed = _read_tail(article, lines, body_end, main_end, known)
    if avatar_at is not None:
        closed = _read_boxes(article, lines, avatar_at) or closed
    _warn_missing(article, boxed=avatar_at is not None, has_byline=has_byline)
    closed = closed or any(tb.is_end_marker(line) for line in lines[body_start:])
    _mark_truncation(article, lines, body_start, closed)


def _read_boxes(article: ParsedArticle, lines: list[str], avatar_at: int) -> bool:
    """The author boxes from the first "Avatar" on, then any "Editors' Picks"-style list after them.
    True when a box was closed by "Read more"."""
    boxes, saw_read_more, box_warnings = tb.read_author_blocks(lines, avatar_at)
    article.warnings.extend(box_warnings)
    article.authors = merge_authors(article.authors, boxes)
    if any(tb.is_list_marker(line) for line in lines[avatar_at:]):
        _read_tail(article, lines, avatar_at, len(lines), {}, lists_only=True)
    return saw_read_more


def _warn_missing(article: ParsedArticle, *, boxed: bool, has_byline: bool) -> None:
    if not boxed and not article.authors and not has_byline:
        article.warnings.append("no author block found")
    if not article.authors and has_byline:
        article.warnings.append("no author found")
    if not article.paragraphs:
        article.warnings.append("no body paragraphs found")


def _body_end(lines: list[str], start: int, stop: int, known: dict[str, str]) -> int:
    """Where the story stops: the site's trailing blocks, a tag line, an author footer or card."""
    for i in range(start, stop):
        if _ends_body(lines, i, known):
            return i
    return stop


def _ends_body(lines: list[str], at: int, known: dict[str, str]) -> bool:
    line = lines[at]
    # Markers, tag lines and cards are short; only an "Authors:" footer may be longer.
    if len(line) > 60 and tc.ends_sentence(line) and not line.startswith("Author"):
        return False  # a sentence: what most lines are, and never a marker, tag line or card
    if len(line) > tc.MAX_CHROME_LEN:
        return line.startswith("Author") and bool(th.authors_footer_names(line))
    return bool(line) and (tb.is_end_marker(line) or _is_credit_line(lines, at, known))


def _is_credit_line(lines: list[str], at: int, known: dict[str, str]) -> bool:
    line = lines[at]
    return tc.is_tags_line(line) or bool(
        th.authors_footer_names(line) or tb.author_card_name(lines, at, known)
    )


def _read_body(article: ParsedArticle, lines: list[str], start: int, end: int, *, before_box: bool) -> None:
    body_runs = tb.runs(lines, start, end)
    closed = end < len(lines)
    for index, run in enumerate(body_runs):
        last = index == len(body_runs) - 1
        story = tb.story_lines(run)
        # A block closing the story is a teaser only when it opens with a headline, not a sentence.
        closing = closed and last and len(story) > 1 and th.looks_like_headline(story[0])
        teasers = _block_teasers(run, closing=closing)
        if teasers is not None:
            article.teasers.extend(teasers)
        elif last and before_box and _is_lone_headline(story):
            # A lone headline right above the author box is a related story's title.
            article.teasers.append(tb.teaser_from_lines(story, image_alt="", video=False))
        else:
            article.paragraphs.extend(story)


def _block_teasers(run: list[str], *, closing: bool) -> list[ParsedTeaser] | None:
    """The teasers of a body block, or None when it is story text."""
    # Only a closing block or one holding a thumbnail's alt text can be teasers.
    if closing or any(map(tb.is_article_image, run)):
        return tb.teasers_from_run(run, video=False, closing=closing)
    return None


def _is_lone_headline(story: list[str]) -> bool:
    # Stricter than a teaser with a summary: a last paragraph ending in a quote is not a headline.
    return len(story) == 1 and th.looks_like_headline(story[0]) and not tb.ends_sentence(story[0])


@dataclass
class _Tail:
    """What reading the blocks after the story has seen so far."""

    pending: list[str]
    video: bool = False  # under a "Video" heading: teasers there are videos
    listing: bool = False  # under "Editors' Picks" / "Most popular": each item is a teaser
    footer: bool = False  # past an author card, footer or tag line: no more loose teaser blocks

    def flush(self, article: ParsedArticle) -> None:
        if self.pending and self.listing:
            article.teasers.extend(tb.list_teasers(self.pending))
        elif self.pending and not self.footer and not any(map(tc.is_time_line, self.pending)):
            # (a time-stamped block is a news-feed sidebar item, not a teaser)
            article.teasers.extend(tb.teasers_from_run(self.pending, video=self.video, closing=True) or [])
        self.pending = []

    def mark(self, line: str) -> None:
        """A trailing-block heading (or an author box) starts a new kind of block."""
        self.video = tb.is_video_heading(line)
        self.listing = tb.is_list_marker(line)


def _read_tail(
    article: ParsedArticle,
    lines: list[str],
    start: int,
    stop: int,
    known: dict[str, str],
    *,
    lists_only: bool = False,
) -> bool:
    """Blocks after the story: teasers, author cards and footers. True when a footer closed the page.

    With `lists_only` (after the author boxes) only "Editors' Picks"-style lists are read."""
    tail = _Tail(pending=[], footer=lists_only)
    i = start
    while i < stop:
        line = lines[i]
        if not line or tb.is_end_marker(line) or tb.is_avatar(line):
            tail.flush(article)
            if line:
                tail.mark(line)
        elif lists_only:
            tail.pending.append(line)
        elif tc.is_tags_line(line):
            tail.flush(article)
            return True  # the site's footer follows the tag line
        elif (after := _read_credit(article, lines, i, known)) is not None:
            tail.flush(article)
            tail.footer, i = True, after
            continue
        else:
            tail.pending.append(line)
        i += 1
    tail.flush(article)
    return tail.footer


def _read_credit(article: ParsedArticle, lines: list[str], at: int, known: dict[str, str]) -> int | None:
    """Read an author footer or card at `at`: the index after it, or None when there is none."""
    if footer := tb.footer_authors(lines[at]):
        article.authors = merge_authors(article.authors, footer)
        return at + 1
    if name := tb.author_card_name(lines, at, known):
        author, end = tb.read_author_card(lines, at, name)
        article.authors = merge_authors(article.authors, [author])
        return end
    return None


def merge_authors(byline: list[ParsedAuthor], boxes: list[ParsedAuthor]) -> list[ParsedAuthor]:
    """Byline order first, each enriched by its author box; authors only boxed are appended."""
    by_name = {tb.fold(box.name): box for box in boxes}
    merged = [
        replace(by_name.pop(tb.fold(a.name)), name=a.name) if tb.fold(a.name) in by_name else a
        for a in byline
    ]
    return merged + list(by_name.values())


def _mark_truncation(article: ParsedArticle, lines: list[str], body_start: int, closed: bool) -> None:
    """A page is cut off when nothing closes it ("Read more", the site's trailing blocks, an author
    footer) and it ends mid-text: its last line is story text that does not end a sentence, or nothing
    at all follows the head. A page whose last line is site furniture (a thumbnail's alt text, a
    banner) got past the story. The cut-off fragment is not a paragraph: half a sentence would be
    published as if it were whole."""
    if closed:
        return
    last = _last_block(lines, body_start)
    if not _ends_mid_text(last):
        return
    article.truncated = True
    article.warnings.append("page appears cut off: it ends mid-text with no closing block")
    # ...unless it is all the page holds: an article never comes out with neither title nor body.
    fragment_only = len(article.paragraphs) == 1 and not article.title
    if last and article.paragraphs and article.paragraphs[-1] == last[-1] and not fragment_only:
        article.paragraphs.pop()


def _ends_mid_text(last: list[str]) -> bool:
    """Nothing follows the head (no last block), or the last block ends in story text that ends no
    sentence."""
    if not last:
        return True
    story = tb.story_lines(last)
    return bool(story) and story[-1] == last[-1] and not tb.ends_sentence(last[-1])


def _last_block(lines: list[str], start: int) -> list[str]:
    """The page's last block of consecutive non-blank lines at or after `start` ([] when none)."""
    end = len(lines)
    while end > start and not lines[end - 1]:
        end -= 1
    first = end
    while first > start and lines[first - 1]:
        first -= 1
    return lines[first:end]
