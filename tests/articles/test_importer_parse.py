"""The plain-text page parser (articles.importer.parse_text): pure functions, no database.

Hand-made pages live in tests/articles/pages/, one per variation of the site's layout; each test
compares the whole ParsedArticle, so every extracted field (and every warning) is asserted.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.importer.parse_text import INTERNAL_ERROR, decode_page, parse_article_page
from articles.importer.parsed import ParsedArticle, ParsedAuthor, ParsedImage, ParsedTeaser
from articles.importer.text_blocks import clean_page_text

PAGES = Path(__file__).parent / "pages"
SEED_TEXT = (Path(__file__).resolve().parents[2] / "fixtures/seed/000_a62c5fcdd14d0141.txt").read_text()
SEED_TITLE = "Trump, Putin open to 'mutually beneficial cooperation' in key sectors, Kremlin says"
SEED_CREDIT = "Mikhail Klimentyev / Sputnik / AFP via Getty Images"
NO_DATE = "no publication date"
NO_HERO = "no hero image"
CUT_OFF = "page appears cut off: it ends mid-text with no closing block"
ABBEY = ParsedAuthor(
    name="Abbey Fenbert",
    role="Senior News Editor",
    bio="Abbey Fenbert is a senior news editor at the Kyiv Independent.",
)
THUMBNAIL = "Article image"


def parse_page(name: str) -> ParsedArticle:
    return parse_article_page((PAGES / name).read_text(encoding="utf-8"))


def hero(title: str, caption: str, credit: str) -> ParsedImage:
    return ParsedImage(alt=title, caption=caption, credit=credit)


# --- the seed -----------------------------------------------------------------------------------------


def test_seed_page_yields_every_field():
    article = parse_article_page(SEED_TEXT)

    assert article.layout == "text/standard"
    assert article.section == "News Feed"
    assert article.title == SEED_TITLE
    assert article.summary == ""
    assert article.read_minutes == 2
    assert article.published is None
    assert article.canonical_url == ""
    assert article.truncated is False
    assert article.warnings == [NO_DATE]
    [author] = article.authors
    assert author.name == "Abbey Fenbert"
    assert author.role == "Senior News Editor"
    assert author.bio.startswith("Abbey Fenbert is a senior news editor")
    assert author.bio.endswith("Abbey served as a Peace Corps Volunteer in Ukraine from 2008-2011.")
    assert author.is_organization is False
    assert author.url == ""
    image = article.hero_image
    assert image.alt == SEED_TITLE
    assert image.caption.startswith("Illustrative purposes: Russian President Vladimir Putin (L) and")
    assert image.caption.endswith(
        "Donald Trump (R) speak during their meeting on the sidelines of the G20 Summit "
        "in Hamburg, Germany, on July 7, 2017."
    )
    assert image.credit == SEED_CREDIT
    assert image.url == ""
    assert len(article.paragraphs) == 9
    assert article.paragraphs[0].startswith("U.S. President Donald Trump and Russian")
    assert article.paragraphs[-1].startswith("President Volodymyr Zelensky")
    [teaser] = article.teasers
    assert teaser.title == "Ukraine war latest: Putin, Trump hold 1.5-hour call, discuss ceasefire in Ukraine"
    assert teaser.summary.startswith("Key developments on March 18: * Trump-Putin call:")
    assert teaser.summary.endswith("Russia claims * Ukrai…")
    assert teaser.kind == "article"
    assert teaser.image_alt == THUMBNAIL
    assert teaser.url == ""


def test_seed_body_holds_no_page_chrome():
    article = parse_article_page(SEED_TEXT)
    chrome = ["Avatar", THUMBNAIL, "Read more", "Show More", "Video", "News Feed", "live and sleep in Kyiv"]

    for paragraph in article.paragraphs:
        assert not any(word in paragraph for word in chrome), paragraph
    assert "\n\n".join(article.paragraphs) in SEED_TEXT


def test_crlf_and_nul_bytes_parse_like_the_seed():
    expected = parse_article_page(SEED_TEXT)

    assert parse_article_page(SEED_TEXT.replace("\n", "\r\n")) == expected
    assert parse_article_page(SEED_TEXT.replace("\n", "\r")) == expected
    assert parse_article_page("\ufeff" + SEED_TEXT.replace("\n", "\x00\n\x0c")) == expected


def test_seed_saved_as_cp1252_bytes_decodes_to_the_same_article():
    data = SEED_TEXT.replace("\n", "\r\n").encode("cp1252")

    assert parse_article_page(decode_page(data)) == parse_article_page(SEED_TEXT)


# --- variations of the standard layout ------------------------------------------------------------


def test_page_without_hero_image_keeps_its_first_paragraph():
    assert parse_page("no_hero.txt") == ParsedArticle(
        layout="text/standard",
        title="Ukraine receives first F-16 jets from Norway",
        section="News Feed",
        read_minutes=3,
        authors=[
            ParsedAuthor(
                "Martin Fornusek", "News Editor", "Martin Fornusek is a news editor at the Kyiv Independent."
            )
        ],
        paragraphs=[
            "Norway has delivered the first F-16 jets to Ukraine, the Defense Ministry said on Aug. 1.",
            "The handover had been expected since spring.",
        ],
        teasers=[
            ParsedTeaser(
                "Norway pledges more air defense aid",
                "Oslo will fund two more NASAMS systems, the ministry said…",
                image_alt=THUMBNAIL,
            )
        ],
        warnings=[NO_DATE, NO_HERO],
    )


def test_news_desk_author_has_no_role():
    title = "Russian drone attack damages energy facility in Odesa Oblast"
    caption = "Firefighters work at the site of a drone strike in Odesa Oblast, Ukraine, on March 20, 2025."
    assert parse_page("news_desk.txt") == ParsedArticle(
        layout="text/standard",
        title=title,
        section="News Feed",
        read_minutes=1,
        authors=[
            ParsedAuthor(
                "Kyiv Independent news desk",
                "",
                "The Kyiv Independent news desk is a team of reporters and editors covering breaking news.",
                is_organization=True,
            )
        ],
        hero_image=hero(title, caption, "State Emergency Service / Telegram"),
        paragraphs=[
            "Russian drones struck an energy facility in Odesa Oblast overnight, the regional governor said.",
            "No casualties were reported.",
        ],
        warnings=[NO_DATE],
    )


def test_teaser_without_summary_keeps_its_title_and_thumbnail():
    title = "EU approves new sanctions package against Russia"
    assert parse_page("teaser_no_summary.txt") == ParsedArticle(
        layout="text/standard",
        title=title,
        section="News Feed",
        read_minutes=2,
        authors=[
            ParsedAuthor("Dmytro Basmat", "Reporter", "Dmytro Basmat is a reporter at the Kyiv Independent.")
        ],
        hero_image=hero(
            title,
            "EU flags outside the European Commission building in Brussels, Belgium.",
            "John Thys / AFP via Getty Images",
        ),
        paragraphs=[
            "The EU has approved its 16th sanctions package against Russia.",
            "The package targets the shadow fleet.",
        ],
        teasers=[ParsedTeaser("EU foreign ministers meet in Brussels", image_alt=THUMBNAIL)],
        warnings=[NO_DATE],
    )


def test_teaser_without_thumbnail_is_found_above_the_author_box():
    title = "Zelensky meets Polish president in Warsaw"
    caption = "President Volodymyr Zelensky (L) and President Andrzej Duda (R) in Warsaw on Jan. 15, 2025."
    assert parse_page("teaser_no_image.txt") == ParsedArticle(
        layout="text/standard",
        title=title,
        section="News Feed",
        read_minutes=2,
        authors=[ABBEY],
        hero_image=hero(title, caption, "Office of the President"),
        paragraphs=[
            "President Volodymyr Zelensky met his Polish counterpart in Warsaw on Jan. 15.",
            "The two leaders discussed security guarantees.",
        ],
        teasers=[
            ParsedTeaser(
                "Poland to train Ukrainian soldiers",
                "Warsaw will train a new brigade, the defense minister said…",
            )
        ],
        warnings=[NO_DATE],
    )


def test_other_section_line_is_read_as_the_section():
    title = "Kyiv Independent launches new podcast"
    assert parse_page("uncategorized.txt") == ParsedArticle(
        layout="text/standard",
        title=title,
        section="Uncategorized",
        read_minutes=2,
        authors=[ParsedAuthor("Kyiv Independent editorial team", is_organization=True)],
        hero_image=hero(title, "The Kyiv Independent's studio in Kyiv, Ukraine.", "The Kyiv Independent"),
        paragraphs=[
            "The Kyiv Independent has launched a weekly podcast about the war.",
            "New episodes appear every Friday.",
        ],
        warnings=[NO_DATE],
    )


def test_membership_banner_before_the_section_is_ignored():
    title = "Why Ukraine needs long-range missiles now"
    assert parse_page("banner.txt") == ParsedArticle(
        layout="text/standard",
        title=title,
        section="Opinion",
        read_minutes=5,
        authors=[
            ParsedAuthor(
                "Oleksiy Sorokin",
                "Deputy Chief Editor",
                "Oleksiy Sorokin is deputy chief editor of the Kyiv Independent.",
            )
        ],
        hero_image=hero(title, "A missile launch during a military exercise.", "Ministry of Defense"),
        paragraphs=[
            "Ukraine cannot win a defensive war without striking the bases that launch attacks against it.",
            "The West should lift its restrictions.",
        ],
        warnings=[NO_DATE],
    )


def test_page_cut_off_mid_word_is_marked_truncated():
    title = "Explosions heard in Kharkiv as Russia launches drone attack"
    assert parse_page("cut_off.txt") == ParsedArticle(
        layout="text/standard",
        title=title,
        section="News Feed",
        read_minutes=2,
        hero_image=hero(
            title,
            "Smoke rises over Kharkiv, Ukraine, after a drone strike.",
            "Sergey Bobok / AFP via Getty Images",
        ),
        # The page stops mid-word: its cut-off last fragment is not a paragraph of the story.
        paragraphs=["Explosions were heard in Kharkiv on the evening of May 3, Mayor Ihor Terekhov said."],
        truncated=True,
        warnings=[NO_DATE, "no author block found", CUT_OFF],
    )


def test_seed_cut_inside_the_author_bio_is_marked_truncated():
    article = parse_article_page(SEED_TEXT[: SEED_TEXT.index("She is a free") + len("She is a free")])

    assert article.truncated is True
    assert article.warnings == [NO_DATE, CUT_OFF]
    assert (
        article.authors[0].bio
        == "Abbey Fenbert is a senior news editor at the Kyiv Independent. She is a free"
    )


def test_page_ending_right_after_the_head_is_marked_truncated():
    article = parse_article_page("News Feed\n\nA headline\n\n2 min read\n")

    assert article == ParsedArticle(
        layout="text/standard",
        title="A headline",
        section="News Feed",
        read_minutes=2,
        truncated=True,
        warnings=[NO_DATE, NO_HERO, "no author block found", "no body paragraphs found", CUT_OFF],
    )


def test_zero_min_read_is_zero_minutes_not_missing():
    title = "Air raid alert declared across Ukraine"
    assert parse_page("zero_min.txt") == ParsedArticle(
        layout="text/standard",
        title=title,
        section="News Feed",
        read_minutes=0,
        authors=[ParsedAuthor("Kyiv Independent news desk", is_organization=True)],
        hero_image=hero(
            title, "An air raid siren on a street in Kyiv, Ukraine.", "Kyiv City Military Administration"
        ),
        paragraphs=["An air raid alert was declared across Ukraine on the morning of April 2."],
        warnings=[NO_DATE],
    )


def test_title_is_found_by_its_repeat_when_the_read_time_is_missing():
    title = "Ukraine's parliament extends martial law for 90 days"
    assert parse_page("no_read_time.txt") == ParsedArticle(
        layout="text/standard",
        title=title,
        section="News Feed",
        authors=[ABBEY],
        hero_image=hero(
            title, "Lawmakers vote in the Verkhovna Rada in Kyiv, Ukraine.", "Verkhovna Rada / Telegram"
        ),
        paragraphs=["The Verkhovna Rada voted on Jan. 15 to extend martial law for another 90 days."],
        warnings=["no read time", NO_DATE],
    )


def test_curly_and_straight_quotes_match_and_are_kept_as_written():
    title = "Trump, Putin open to ‘mutually beneficial cooperation,’ Kremlin says"
    assert parse_page("curly_quotes.txt") == ParsedArticle(
        layout="text/standard",
        title=title,
        section="News Feed",
        read_minutes=2,
        authors=[ABBEY],
        hero_image=hero(
            "Trump, Putin open to 'mutually beneficial cooperation,' Kremlin says",
            "Vladimir Putin and Donald Trump in Hamburg, Germany, on July 7, 2017.",
            SEED_CREDIT,
        ),
        paragraphs=[
            'The leaders are developing “mutually beneficial cooperation," the Kremlin said.',
            "It called the talks 'frank and substantive.’",
        ],
        warnings=[NO_DATE],
    )


def test_ai_audio_notice_is_never_a_paragraph():
    title = "Ukraine strikes Russian oil refinery in Ryazan"
    assert parse_page("ai_audio_notice.txt") == ParsedArticle(
        layout="text/standard",
        title=title,
        section="News Feed",
        read_minutes=2,
        authors=[
            ParsedAuthor(
                "Martin Fornusek", "News Editor", "Martin Fornusek is a news editor at the Kyiv Independent."
            )
        ],
        hero_image=hero(title, "A fire at an oil refinery in Ryazan, Russia.", "Telegram"),
        paragraphs=[
            "Ukrainian drones hit an oil refinery in Ryazan overnight, a Security Service source said.",
            "The refinery is one of the largest in central Russia.",
        ],
        warnings=[NO_DATE],
    )


def test_several_teasers_and_a_video_block_are_told_apart():
    title = "Ukraine war latest: Russia launches massive missile attack"
    assert parse_page("teasers_video.txt") == ParsedArticle(
        layout="text/standard",
        title=title,
        section="News Feed",
        read_minutes=4,
        authors=[
            ParsedAuthor("Kollen Post", "Reporter", "Kollen Post is a reporter at the Kyiv Independent.")
        ],
        hero_image=hero(
            title,
            "Firefighters put out a fire in Kyiv, Ukraine, after a missile strike.",
            "Roman Pilipey / AFP via Getty Images",
        ),
        paragraphs=[
            "Russia launched 40 missiles and 70 drones at Ukraine overnight, the Air Force said.",
            "Energy facilities in six oblasts were hit.",
        ],
        teasers=[
            ParsedTeaser(
                "Ukraine war latest: Ukraine hits Russian airfield",
                "Key developments on April 1: * Ukraine "
                "strikes airfield * Russia claims village capture * Zelensky vis…",
                image_alt=THUMBNAIL,
            ),
            ParsedTeaser(
                "Watch: How Ukraine's air defense works at night", kind="video", image_alt=THUMBNAIL
            ),
            ParsedTeaser(
                "Inside a mobile fire group near Kyiv",
                "Our reporters spent a night with a mobile air defense unit.",
                kind="video",
                image_alt=THUMBNAIL,
            ),
        ],
        warnings=[NO_DATE],
    )


def test_caption_ending_in_a_position_marker_has_no_credit():
    page = (
        "News Feed\n\nA headline\n\n1 min read\nA headline\nPutin (L) and Trump (R)\n\nText.\n\nNews Feed\n"
    )
    article = parse_article_page(page)

    assert article.hero_image == ParsedImage(alt="A headline", caption="Putin (L) and Trump (R)")
    assert article.warnings == [NO_DATE, "hero caption has no photo credit", "no author block found"]


def test_right_to_left_text_is_kept_as_written():
    title = "روسيا تطلق صواريخ على كييف"
    page = f"News Feed\n\n{title}\n\n1 min read\n{title}\nصورة (وكالة)\n\n\u200fنص المقال.\n\nNews Feed\n"
    article = parse_article_page(page)

    assert (article.title, article.hero_image) == (
        title,
        ParsedImage(alt=title, caption="صورة", credit="وكالة"),
    )
    assert article.paragraphs == ["\u200fنص المقال."]


# --- the byline layout ------------------------------------------------------------------------------


def test_byline_page_with_one_author_date_time_and_read_time():
    title = "Ukraine, Russia exchange 175 prisoners of war each"
    assert parse_page("byline_one_author.txt") == ParsedArticle(
        layout="text/byline",
        title=title,
        section="News Feed",
        read_minutes=3,
        published=datetime(2025, 3, 18, 16, 12),
        authors=[
            ParsedAuthor(
                "Kateryna Denisova", "Reporter", "Kateryna Denisova is a reporter at the Kyiv Independent."
            )
        ],
        hero_image=hero(
            title,
            "Ukrainian soldiers return home after a prisoner exchange.",
            "Coordination Headquarters for the Treatment of Prisoners of War / Telegram",
        ),
        paragraphs=[
            "Ukraine and Russia exchanged 175 prisoners of war each on March 19, Zelensky said.",
            "Twenty-two severely wounded soldiers were also returned.",
        ],
    )


def test_byline_page_with_two_authors_and_a_date_only():
    assert parse_page("byline_two_authors.txt") == ParsedArticle(
        layout="text/byline",
        title="Ukraine's economy grew 3% in 2024, central bank says",
        section="Business",
        published=date(2024, 1, 5),
        authors=[ParsedAuthor("Alice Smith"), ParsedAuthor("Bob Jones")],
        paragraphs=[
            "Ukraine's economy grew by about 3% in 2024, the National Bank of Ukraine said.",
            "Growth slowed in the fourth quarter after attacks on the energy grid.",
        ],
        warnings=["no read time", NO_HERO],
    )


def test_byline_news_desk_without_date_is_an_organization():
    title = "Russian attack on Sumy injures 12"
    assert parse_page("byline_news_desk.txt") == ParsedArticle(
        layout="text/byline",
        title=title,
        section="News Feed",
        read_minutes=2,
        authors=[ParsedAuthor("The Kyiv Independent news desk", is_organization=True)],
        hero_image=hero(
            title,
            "Rescue workers at the site of a Russian strike in Sumy, Ukraine.",
            "State Emergency Service",
        ),
        paragraphs=["A Russian missile strike on Sumy injured 12 people, the regional administration said."],
        warnings=[NO_DATE],
    )


@pytest.mark.parametrize(
    ("byline", "names", "published", "minutes"),
    [
        (
            "by Kateryna Denisova March 18, 2025 4:12 PM 3 min read",
            ["Kateryna Denisova"],
            datetime(2025, 3, 18, 16, 12),
            3,
        ),
        (
            "by Alice Smith and Bob Jones January 5, 2024",
            ["Alice Smith", "Bob Jones"],
            date(2024, 1, 5),
            None,
        ),
        ("by The Kyiv Independent news desk 2 min read", ["The Kyiv Independent news desk"], None, 2),
        (
            "By Olena Goncharova, Alexander Query and Dmytro Basmat Sept. 5, 2024 at 9:05 a.m.",
            ["Olena Goncharova", "Alexander Query", "Dmytro Basmat"],
            datetime(2024, 9, 5, 9, 5),
            None,
        ),
        (
            "by Martin Fornusek Dec 31, 2023 12:30 AM 0 min read",
            ["Martin Fornusek"],
            datetime(2023, 12, 31, 0, 30),
            0,
        ),
        (
            "by Ursula von der Leyen Feb. 1, 2024 18:45",
            ["Ursula von der Leyen"],
            datetime(2024, 2, 1, 18, 45),
            None,
        ),
    ],
)
def test_byline_line_yields_authors_date_and_read_time(byline, names, published, minutes):
    article = parse_article_page(f"News Feed\n\nA headline\n\n{byline}\n\nStory text.\n\nNews Feed\n")

    assert (article.layout, article.title, article.section) == ("text/byline", "A headline", "News Feed")
    assert [author.name for author in article.authors] == names
    assert (article.published, article.read_minutes) == (published, minutes)


def test_impossible_byline_date_is_left_empty_with_a_warning():
    article = parse_article_page(
        "Opinion\n\nA headline\n\nby Jane Doe February 30, 2024 1 min read\n\nText.\n"
    )

    assert article.published is None
    assert article.warnings == ["unreadable date: 'February 30, 2024'", NO_DATE, NO_HERO]


def test_sentence_starting_with_by_is_not_a_byline():
    page = "News Feed\n\nA headline\n\nBy Monday the troops had left the city.\n\nMore text.\n"

    assert parse_article_page(page).layout == "unknown"


# --- junk and hostile input -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\x00\x01\x02\x7f", "hello world", "Avatar\nRead more\n"])
def test_junk_input_has_no_title_and_an_unknown_layout(text):
    assert parse_article_page(text) == ParsedArticle(
        layout="unknown",
        warnings=[
            "page layout not recognised: no read-time line, byline or repeated title",
            "no title found",
        ],
    )


def test_huge_inputs_are_capped():
    """Capped before any line is read (the speed itself is bench/fuzz_parsers.py's to measure)."""
    many_lines = parse_article_page(SEED_TEXT * 2000)  # ~8 MB of lines
    one_line = parse_article_page("by " + "x " * 5_000_000)
    nul_bytes = parse_article_page("\x00" * 10_000_000)

    assert many_lines.title == SEED_TITLE
    assert many_lines.warnings[0].endswith("only the first 1000000 were read")
    assert one_line.layout == nul_bytes.layout == "unknown"


def test_decode_page_reads_utf8_with_bom_and_drops_a_cut_off_character():
    assert decode_page(b"\xef\xbb\xbfNews \xe2\x80\x94 Feed\r\n") == "News — Feed\n"
    assert decode_page("cut mid-char ‘".encode()[:-1]) == "cut mid-char "
    assert decode_page(b"caf\xe9 \x93quoted\x94\r") == "café “quoted”\n"
    assert decode_page(b"\x81\x8d") == "\x81\x8d"  # not cp1252: every byte still maps (latin-1)
    assert decode_page("UTF-16 page".encode("utf-16")) == "UTF-16 page"


# --- properties -------------------------------------------------------------------------------------

SEED_LINES = SEED_TEXT.split("\n")
EXTRA_LINES = [
    "",
    "Avatar",
    THUMBNAIL,
    "Read more",
    "Video",
    "Most popular",
    "0 min read",
    "Become a member",
    "by Alice Smith and Bob Jones January 5, 2024",
    "This audio is created with AI assistance",
    "by Jane Doe Feb 30, 2024 13:99 PM 999 min read",
    "(",
    ")",
    "((credit)",
]
# No example database: the run leaves nothing behind in the project folder.
FAST = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def assert_nothing_invented(article: ParsedArticle, text: str) -> None:
    cleaned = clean_page_text(text)
    lines = {line.strip() for line in cleaned.split("\n")}
    assert not any(warning.startswith(INTERNAL_ERROR) for warning in article.warnings)
    assert article.title == "" or article.title in lines
    assert article.title or "no title found" in article.warnings
    assert article.section == "" or article.section in lines
    if article.hero_image is not None:
        assert article.hero_image.alt in cleaned and article.hero_image.caption in cleaned
        assert article.hero_image.credit in cleaned
    for name in [author.name for author in article.authors] + [teaser.title for teaser in article.teasers]:
        assert name and "\n" not in name and name in cleaned
    assert all(paragraph in lines for paragraph in article.paragraphs)
    assert article.published is None or str(article.published.year) in cleaned


@st.composite
def seed_mutations(draw: st.DrawFn) -> str:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(0, 6))):
        operation = draw(st.sampled_from(["delete", "duplicate", "shuffle", "insert_chars", "insert_line"]))
        at = draw(st.integers(0, len(lines)))
        if operation == "insert_line" or not lines[at:]:
            lines.insert(at, draw(st.sampled_from(EXTRA_LINES) | st.text(max_size=30)))
        elif operation == "delete":
            del lines[at : at + draw(st.integers(1, 4))]
        elif operation == "duplicate":
            lines.insert(at, lines[at])
        elif operation == "shuffle":
            lines[at : at + 5] = draw(st.permutations(lines[at : at + 5]))
        else:
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + draw(st.text(max_size=8)) + lines[at][cut:]
    text = "\n".join(lines)
    return text[: draw(st.integers(0, len(text)))] if draw(st.booleans()) else text


@settings(FAST, max_examples=1500)
@given(st.text(max_size=2000))
@pytest.mark.slow
def test_parser_never_raises_on_arbitrary_text(text):
    assert_nothing_invented(parse_article_page(text), text)


@settings(FAST, max_examples=600)
@given(st.lists(st.sampled_from(SEED_LINES + EXTRA_LINES) | st.text(max_size=40), max_size=60))
@pytest.mark.slow
def test_parser_never_raises_on_page_like_line_soup(lines):
    text = "\n".join(lines)
    assert_nothing_invented(parse_article_page(text), text)


@settings(FAST, max_examples=1200)
@given(seed_mutations())
@pytest.mark.slow
def test_seed_mutations_never_raise_nor_invent_titles_or_authors(text):
    assert_nothing_invented(parse_article_page(text), text)


@settings(FAST, max_examples=1000)
@given(st.binary(max_size=2000))
def test_decode_page_never_raises_on_arbitrary_bytes(data):
    text = decode_page(data)

    assert "\x00" not in text and "\r" not in text
    assert not any(warning.startswith(INTERNAL_ERROR) for warning in parse_article_page(text).warnings)


@settings(FAST, max_examples=300)
@given(st.text(max_size=300))
def test_decode_page_reads_utf8_text_back(text):
    expected = text.removeprefix("\ufeff").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")

    assert decode_page(text.encode("utf-8")) == expected
