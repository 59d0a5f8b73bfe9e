"""The HTML front end of the importer: JSON-LD, OpenGraph and document structure, merged.

No database and no Django: `parse_html_page` is pure. `render_page` below is a test-only stand-in for
the archive's own article template, so the round-trip tests pin the contract between the two: a page
rendered from a ParsedArticle re-parses to the same ParsedArticle.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.importer import parse_html
from articles.importer.parse_html import looks_like_html, parse_html_page
from articles.importer.parsed import Block, ParsedArticle, ParsedAuthor, ParsedImage, ParsedTeaser

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed" / "000_a62c5fcdd14d0141.txt"
ALL_MISSING = ["no title found", "no author found", "no publication date", "no body paragraphs found"]


# --- a test-only renderer shaped like the archive's article page --------------------------------------
# It mirrors templates/articles/article_detail.html, base.html and articles/seo.py: the
# story in <article class="story">, the related teasers in an <aside> after it, JSON-LD escaped the
# way json_script escapes it. Where the template drops something (decorative teaser thumbnails, a
# "0 min read"), `expected_after_round_trip` says so.

SITE = "https://newsroom.example"
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def author_path(author: ParsedAuthor) -> str:
    return f"/authors/{slug(author.name)}/"


def canonical(article: ParsedArticle) -> str:
    return article.canonical_url or f"{SITE}/articles/{slug(article.title)}/"


def _script(data: dict[str, object]) -> str:
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return f'<script type="application/ld+json">{text}</script>'


def _author_node(author: ParsedAuthor) -> dict[str, object]:
    node: dict[str, object] = {
        "@type": "Organization" if author.is_organization else "Person",
        "name": author.name,
    }
    if author.role and not author.is_organization:
        node["jobTitle"] = author.role
    if author.bio:
        node["description"] = author.bio
    return {**node, "url": SITE + author_path(author)}


def _jsonld(article: ParsedArticle) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
    }
    optional = {"description": article.summary, "articleSection": article.section}
    data.update({key: value for key, value in optional.items() if value})
    if article.published:
        data["datePublished"] = data["dateModified"] = article.published.isoformat()
    data["author"] = [_author_node(author) for author in article.authors]
    if (image := article.hero_image) is not None:
        fields = {"url": image.url, "caption": image.caption, "creditText": image.credit}
        data["image"] = {"@type": "ImageObject", **{key: value for key, value in fields.items() if value}}
    data["publisher"] = {"@type": "Organization", "name": "Newsroom", "url": SITE + "/"}
    data["mainEntityOfPage"] = {"@type": "WebPage", "@id": canonical(article)}
    data["url"] = canonical(article)
    crumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": 1, "name": "Home"}],
    }
    return _script(data) + _script({"@context": "https://schema.org", **crumbs})


def _head(article: ParsedArticle, *, jsonld: bool, opengraph: bool) -> str:
    e, image = html.escape, article.hero_image
    parts = [
        f"<title>{e(article.title)} · Newsroom</title>",
        f'<link rel="canonical" href="{e(canonical(article))}">',
    ]
    if article.summary:
        parts.append(f'<meta name="description" content="{e(article.summary)}">')
    if opengraph:
        parts += [
            '<meta property="og:site_name" content="Newsroom">',
            '<meta property="og:type" content="article">',
        ]
        parts.append(f'<meta property="og:title" content="{e(article.title)}">')
        parts.append(f'<meta property="og:url" content="{e(canonical(article))}">')
        if article.summary:
            parts.append(f'<meta property="og:description" content="{e(article.summary)}">')
        if image is not None and image.url:
            parts.append(f'<meta property="og:image" content="{e(image.url)}">')
            parts.append(f'<meta property="og:image:alt" content="{e(image.alt)}">' * bool(image.alt))
    if jsonld:
        parts.append(_jsonld(article))
        if article.published:
            parts.append(
                f'<meta property="article:published_time" content="{article.published.isoformat()}">'
            )
        if article.section:
            parts.append(f'<meta property="article:section" content="{e(article.section)}">')
        parts += [
            f'<meta property="article:author" content="{SITE}{author_path(a)}">' for a in article.authors
        ]
    return "\n".join(parts)


def _byline(authors: list[ParsedAuthor]) -> str:
    links = [f'<a rel="author" href="{author_path(a)}">{html.escape(a.name)}</a>' for a in authors]
    names = ", ".join(links[:-1]) + " and " + links[-1] if len(links) > 1 else "".join(links)
    return f'<p class="byline">By {names}</p>' if links else ""


def _dateline(article: ParsedArticle) -> str:
    published = article.published
    when = (
        f'<time class="published" datetime="{published.isoformat()}">{published:%B %d, %Y}</time>'
        if published
        else '<span class="date-unknown">Date unknown</span>'
    )
    updated = (
        '<span class="sep">·</span> <span class="updated-label">Updated '
        '<time class="updated" datetime="2099-01-01T00:00:00+00:00">January 1, 2099</time></span>'
    )
    minutes = f'<span class="sep">·</span> <span class="read-time">{article.read_minutes} min read</span>'
    minutes = minutes if article.read_minutes else ""  # the template shows no "0 min read"
    return f'<p class="dateline">{when}{updated if published else ""}{minutes}</p>'


def _figure(image: ParsedImage | None) -> str:
    if image is None:
        return ""
    e = html.escape
    if image.url:
        picture = f'<img src="{e(image.url)}" alt="{e(image.alt)}" decoding="async">'
    elif image.alt:
        picture = f'<div class="image-placeholder" role="img" aria-label="{e(image.alt)}"></div>'
    else:
        picture = '<div class="image-placeholder" aria-hidden="true"></div>'
    credit = f' <span class="credit">{e(image.credit)}</span>' if image.credit else ""
    caption = f"<figcaption>{e(image.caption)}{credit}</figcaption>" if image.caption or image.credit else ""
    placeholder = "" if image.url else " hero--placeholder"
    return f'<figure class="hero{placeholder}">{picture}{caption}</figure>'


def _author_box(author: ParsedAuthor, number: int) -> str:
    e, path = html.escape, author_path(author)
    initials = "".join(word[0] for word in author.name.split()[:2])
    role = f'<p class="author-role">{e(author.role)}</p>' if author.role else ""
    bio = f'<p class="author-bio">{e(author.bio)}</p>' if author.bio else ""
    return f"""<section class="author-box" aria-labelledby="author-{number}">
    <span class="author-avatar author-avatar--initials" aria-hidden="true">{e(initials)}</span>
    <div class="author-about">
    <h2 class="author-name" id="author-{number}"><a href="{path}">{e(author.name)}</a></h2>
    {role}{bio}<h3 class="author-more-heading">More by {e(author.name)}</h3>
    <ul class="author-more"><li><a href="/articles/older-story/">An older story</a></li></ul>
    <a class="author-all" href="{path}">All stories by {e(author.name)}<span aria-hidden="true"> →</span></a>
    </div></section>"""


def _teaser(teaser: ParsedTeaser) -> str:
    e, video = html.escape, teaser.kind == "video"
    thumb = '<div class="teaser-thumb"><div class="image-placeholder" aria-hidden="true"></div></div>' * video
    label = '<span class="teaser-label">Video</span>' * video
    title = (
        f'<a class="external" href="{e(teaser.url)}">{e(teaser.title)}</a>' if teaser.url else e(teaser.title)
    )
    summary = f"<p>{e(teaser.summary)}</p>" if teaser.summary else ""
    return (
        f'<article class="teaser{" teaser--video" * video}">{thumb}{label}<h3>{title}</h3>{summary}</article>'
    )


def render_page(article: ParsedArticle, *, jsonld: bool = True, opengraph: bool = True) -> str:
    """The archive's article page, shaped as the template renders it."""
    e = html.escape
    kicker = f'<p class="kicker"><a class="section-link" href="/sections/{slug(article.section)}/">'
    kicker += f"{e(article.section)}</a></p>"
    teasers = "".join(_teaser(teaser) for teaser in article.teasers)
    related = '<aside class="related"><h2 id="related-heading" class="rule-heading">Related</h2>'
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">{_head(article, jsonld=jsonld, opengraph=opengraph)}</head>
<body><a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><div class="masthead"><p class="site-name"><a href="/">Newsroom</a></p>
<p class="tagline">The news archive</p></div>
<nav class="section-nav" aria-label="Sections"><ul><li><a href="/">Front page</a></li>
<li><a href="/sections/news-feed/">News Feed</a></li></ul></nav></header>
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li></ol></nav>
<main id="main" tabindex="-1" class="page page--article"><article class="story"><header class="story-header">
{kicker if article.section else ""}<h1 class="story-headline">{e(article.title)}</h1>
{f'<p class="dek">{e(article.summary)}</p>' if article.summary else ""}
<div class="story-byline">{_byline(article.authors)}{_dateline(article)}</div></header>
{_figure(article.hero_image)}
<div class="article-body" itemprop="articleBody">{"".join(f"<p>{e(p)}</p>" for p in article.paragraphs)}</div>
{"".join(_author_box(author, number) for number, author in enumerate(article.authors))}
</article>
{f"{related}{teasers}</aside>" if teasers else ""}
<nav class="story-pager"><a rel="prev" href="/articles/previous/">Previous in News Feed</a></nav></main>
<footer class="site-footer"><nav aria-label="Site"><ul><li><a href="/archive/">Archive</a></li></ul></nav>
<p>Newsroom — a news archive. Dates we do not know are marked “Date unknown”.</p></footer></body></html>"""


def expected_after_round_trip(article: ParsedArticle, layout: str = "html/jsonld") -> ParsedArticle:
    """What the parser should give back from `render_page(article)`.

    Author links point at the archive's author pages (absolute in JSON-LD, relative in the byline);
    the canonical address is the archive's; the template draws teaser thumbnails as decorative (no alt)
    and shows no "0 min read".
    """
    site = SITE if layout == "html/jsonld" else ""
    return replace(
        article,
        layout=layout,
        authors=[replace(a, url=site + author_path(a)) for a in article.authors],
        teasers=[replace(teaser, image_alt="") for teaser in article.teasers],
        read_minutes=article.read_minutes or None,
        blocks=[Block("p", paragraph) for paragraph in article.paragraphs],  # the body, as rendered
        # JSON-LD's dateModified is the publication's date until a story is revised
        modified=article.published if site and article.published else None,
        canonical_url=canonical(article),
        warnings=[],
    )


def seed_article() -> ParsedArticle:
    """The seed page's data, as the text importer is specified to read it."""
    blocks = SEED.read_text(encoding="utf-8").split("\n\n")
    title = blocks[1]
    caption = blocks[2].splitlines()[2]
    teaser_lines = blocks[12].splitlines()
    return ParsedArticle(
        layout="text/standard",
        title=title,
        section="News Feed",
        read_minutes=2,
        hero_image=ParsedImage(
            alt=title,
            caption=caption.removesuffix(" (Mikhail Klimentyev / Sputnik / AFP via Getty Images)"),
            credit="Mikhail Klimentyev / Sputnik / AFP via Getty Images",
        ),
        paragraphs=blocks[3:12],
        teasers=[ParsedTeaser(title=teaser_lines[0], summary=teaser_lines[1], image_alt="Article image")],
        authors=[ParsedAuthor(name="Abbey Fenbert", role=blocks[13], bio=blocks[14])],
    )


# --- round trips ---------------------------------------------------------------------------------------


def test_seed_page_rendered_by_the_archive_reparses_to_the_same_article():
    article = seed_article()
    assert (
        article.title == "Trump, Putin open to 'mutually beneficial cooperation' in key sectors, Kremlin says"
    )
    assert article.authors[0].role == "Senior News Editor"
    assert len(article.paragraphs) == 9 and article.paragraphs[-1].startswith("President Volodymyr Zelensky")

    parsed = parse_html_page(render_page(article))

    assert replace(parsed, warnings=[]) == expected_after_round_trip(article)
    assert (parsed.layout, parsed.section, parsed.read_minutes) == ("html/jsonld", "News Feed", 2)
    assert parsed.title == article.title
    assert parsed.authors == [
        ParsedAuthor(
            "Abbey Fenbert",
            "Senior News Editor",
            article.authors[0].bio,
            url=f"{SITE}/authors/abbey-fenbert/",
        )
    ]
    assert parsed.hero_image == ParsedImage(
        alt=article.title,
        caption=article.hero_image.caption,
        credit="Mikhail Klimentyev / Sputnik / AFP via Getty Images",
    )
    assert parsed.hero_image.caption.endswith("on July 7, 2017.")
    assert parsed.published is None
    assert parsed.warnings == ["no publication date"]


@pytest.mark.parametrize(
    ("jsonld", "opengraph", "layout"),
    [(True, True, "html/jsonld"), (False, True, "html/meta"), (False, False, "html/structure")],
)
def test_full_article_round_trips_through_every_source(jsonld, opengraph, layout):
    article = replace(
        seed_article(),
        summary="Moscow's readout of the call & what it leaves out <for now>.",
        published=datetime(2025, 3, 18, 21, 5, tzinfo=timezone(timedelta(hours=2))),
        canonical_url="https://news.example/articles/trump-putin/",
        hero_image=ParsedImage(
            alt="Putin and Trump", caption="Hamburg, 2017.", credit="AFP", url="/m/hero.jpg"
        ),
        teasers=[
            ParsedTeaser(title="Ukraine war latest", summary="Key developments…", url="/articles/latest/"),
            ParsedTeaser(
                title="Life under the drones", kind="video", url="/videos/drones/", image_alt="Kyiv"
            ),
        ],
        authors=[
            ParsedAuthor(name="Abbey Fenbert", role="Senior News Editor", bio="Abbey is an editor."),
            ParsedAuthor(name="Kyiv Independent news desk", is_organization=jsonld),
        ],
    )

    parsed = parse_html_page(render_page(article, jsonld=jsonld, opengraph=opengraph))

    assert parsed.warnings == []
    assert parsed == expected_after_round_trip(article, layout)


_word = st.text(alphabet="AbcdeFghíjklmnöpqrsTuvwxyz0123456789'’\"<>/&.,!?()-", min_size=1, max_size=12)
_text = st.lists(_word, min_size=1, max_size=8).map(" ".join)
_optional_text = st.one_of(st.just(""), _text)
_caption = st.lists(st.text(alphabet="abcXYZ.,'-", min_size=1, max_size=10), max_size=6).map(" ".join)
_name = st.tuples(*[st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9)] * 2).map(
    lambda parts: " ".join(part.capitalize() for part in parts)
)
_zones = (
    st.none() | st.just(UTC) | st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
)
_moment = st.one_of(
    st.none(),
    st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2100, 1, 1), timezones=_zones),
)


@st.composite
def archive_articles(draw: st.DrawFn) -> ParsedArticle:
    names = draw(st.lists(_name, max_size=3, unique_by=str.casefold))
    teaser_titles = draw(st.lists(_text, max_size=3, unique=True))
    return ParsedArticle(
        layout="html/jsonld",
        title=draw(_text),
        section=draw(_optional_text),
        summary=draw(_optional_text),
        read_minutes=draw(st.none() | st.integers(0, 90)),
        published=draw(_moment),
        authors=[
            ParsedAuthor(n, draw(_optional_text), draw(_optional_text), is_organization=draw(st.booleans()))
            for n in names
        ],
        hero_image=draw(st.none() | st.builds(ParsedImage, _optional_text, _caption, _optional_text)),
        paragraphs=draw(st.lists(_text, max_size=5)),
        teasers=[
            ParsedTeaser(t, draw(_optional_text), draw(st.sampled_from(["article", "video"])),
                         url=f"/articles/{i}/", image_alt=draw(_optional_text))
            for i, t in enumerate(teaser_titles)
        ],
        canonical_url=draw(st.sampled_from(["", "https://news.example/a/b/"])),
    )  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(archive_articles())
@pytest.mark.slow
def test_any_archive_page_reparses_to_the_article_it_was_rendered_from(article):
    parsed = parse_html_page(render_page(article))

    assert replace(parsed, warnings=[]) == expected_after_round_trip(article)


# --- hand-written pages from other sites ------------------------------------------------------------------

JSONLD_ONLY = """<html><head><script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Grain deal collapses  &amp; prices jump",
 "description": "Black Sea shipping halts.",
 "articleSection": ["Economy", "World"],
 "datePublished": "2024-07-18T06:30:00Z",
 "author": [{"@type": "Person", "name": "Olena Koval", "jobTitle": "Economics Reporter",
             "description": "Olena covers trade.", "url": "https://wire.example/authors/olena-koval"},
            "By Ivan Petrenko"],
 "image": [{"@type": "ImageObject", "url": "https://wire.example/i/port.jpg",
            "caption": "The port of Odesa (L) at dawn. (Reuters)"}, "https://wire.example/i/other.jpg"],
 "mainEntityOfPage": {"@type": "WebPage", "@id": "https://wire.example/grain-deal", "name": "Grain deal"},
 "articleBody": "First paragraph.\\n\\nSecond   paragraph &amp; more."}
</script></head><body><div>Subscribe to read.</div></body></html>"""


def test_jsonld_alone_gives_every_field_it_names():
    parsed = parse_html_page(JSONLD_ONLY)

    assert parsed.layout == "html/jsonld"
    assert parsed.title == "Grain deal collapses & prices jump"
    assert parsed.summary == "Black Sea shipping halts."
    assert parsed.section == "Economy"
    assert parsed.published == datetime(2024, 7, 18, 6, 30, tzinfo=UTC)
    olena = "https://wire.example/authors/olena-koval"
    assert parsed.authors == [
        ParsedAuthor(
            "Olena Koval", "Economics Reporter", "Olena covers trade.", is_organization=False, url=olena
        ),
        ParsedAuthor("Ivan Petrenko"),
    ]
    assert parsed.hero_image == ParsedImage(
        caption="The port of Odesa (L) at dawn.", credit="Reuters", url="https://wire.example/i/port.jpg"
    )
    assert parsed.paragraphs == ["First paragraph.", "Second paragraph & more."]
    assert parsed.canonical_url == "https://wire.example/grain-deal"
    assert parsed.read_minutes is None and parsed.teasers == [] and not parsed.truncated
    assert parsed.warnings == []


GRAPH = """<!doctype html><html><head><script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "@id": "https://blog.example/#site", "name": "Example Blog"},
  {"@type": "Person", "@id": "https://blog.example/#/schema/person/1", "name": "Mary Shaw",
   "jobTitle": {"@type": "DefinedTerm", "name": "Columnist"}},
  {"@type": "ImageObject", "@id": "https://blog.example/#img", "contentUrl": "https://blog.example/a.png",
   "caption": "A chart", "creditText": "Mary Shaw", "author": {"name": "ignored"}},
  {"@type": ["BlogPosting"], "@id": "https://blog.example/p/1#article", "headline": "Why charts lie",
   "author": {"@id": "https://blog.example/#/schema/person/1"}, "image": {"@id": "https://blog.example/#img"},
   "datePublished": "2023-02-01", "url": "https://blog.example/p/1"}
]}</script></head>
<body><article><h1>Why charts lie (and how)</h1><p>Axes matter.</p></article></body></html>"""


def test_graph_container_resolves_references_to_people_and_images():
    parsed = parse_html_page(GRAPH)

    assert parsed.layout == "html/jsonld"
    assert parsed.title == "Why charts lie"  # JSON-LD outranks the <h1>
    assert parsed.published == date(2023, 2, 1)
    assert parsed.authors == [ParsedAuthor(name="Mary Shaw", role="Columnist")]
    assert parsed.hero_image == ParsedImage(
        caption="A chart", credit="Mary Shaw", url="https://blog.example/a.png"
    )
    assert parsed.canonical_url == "https://blog.example/p/1"
    assert parsed.paragraphs == ["Axes matter."]
    assert (parsed.section, parsed.summary, parsed.teasers, parsed.read_minutes) == ("", "", [], None)
    assert parsed.warnings == []


OPENGRAPH_ONLY = """<!DOCTYPE html><html><head>
<meta property="og:title" content="Council approves bike lanes">
<meta property="og:description" content="A 7-2 vote after a long night.">
<meta property="og:image" content="https://city.example/lanes.jpg">
<meta property="og:image:alt" content="A cyclist on Main Street">
<meta property="article:published_time" content="2022-05-04T23:10:00-04:00">
<meta property="article:section" content="Local">
<meta property="article:author" content="https://www.facebook.com/someone">
<meta name="author" content="Dana Lee and Sam Ortiz">
<meta name="description" content="less trusted than og:description">
<link rel="canonical" href="https://city.example/news/bike-lanes">
</head><body><h1>Council approves bike lanes — City Paper</h1></body></html>"""


def test_opengraph_alone_gives_title_summary_date_section_authors_image():
    parsed = parse_html_page(OPENGRAPH_ONLY)

    assert parsed.layout == "html/meta"
    assert parsed.title == "Council approves bike lanes"
    assert parsed.summary == "A 7-2 vote after a long night."
    assert parsed.section == "Local"
    assert parsed.published == datetime(2022, 5, 4, 23, 10, tzinfo=timezone(timedelta(hours=-4)))
    assert parsed.authors == [ParsedAuthor(name="Dana Lee"), ParsedAuthor(name="Sam Ortiz")]
    assert parsed.hero_image == ParsedImage(
        alt="A cyclist on Main Street", url="https://city.example/lanes.jpg"
    )
    assert parsed.canonical_url == "https://city.example/news/bike-lanes"
    assert (parsed.paragraphs, parsed.teasers, parsed.read_minutes) == ([], [], None)
    assert parsed.warnings == ["no body paragraphs found"]


PLAIN_ARTICLE = """<html><body>
<nav><a href="/author/editor">Read more</a><p>Menu</p></nav>
<article class="post">
  <header><span class="kicker">Science</span><h1>Bees  learn to count</h1>
    <p class="standfirst">A small brain, a big result.</p>
    <div class="byline">By <a href="/people/ann-wu">Ann Wu</a>, <a href="/people/raj-das">Raj Das</a></div>
    <time class="updated" datetime="2021-09-09">Updated</time>
    <time datetime="2021-09-01T08:00:00">Sept 1</time>
    <span>4 min read</span></header>
  <figure><img src="data:image/gif;base64,R0lG" data-src="/img/bee.jpg" alt="A bee on a flower">
    <figcaption>A bee (C) on a test flower in Lyon. (Photo: J. Martin/CNRS)</figcaption></figure>
  <p>Bees can tell three from four.</p>
  <div class="share-tools"><p>Share this</p></div>
  <p>They were trained with sugar&nbsp;water.<br>Then tested.</p>
  <aside class="pullquote"><p>"Remarkable"</p></aside>
  <figure><blockquote><p>Numbers!</p></blockquote></figure>
  <form class="signup"><p>Get our newsletter</p></form>
  <div class="ad-slot"><p>Advertisement</p></div>
  <script>var p = "<p>not text</p>";</script><style>p { color: red }</style>
  <section class="related-stories"><h2>Related</h2><ul>
    <li><a href="/ants">Ants navigate by the sun</a><p>Polarised light guides them.</p></li>
    <li data-kind="video"><a href="/wasps">Watch: wasps build a nest</a></li>
  </ul></section>
  <footer><p>Copyright</p></footer>
</article></body></html>"""


def test_plain_article_structure_gives_fields_and_drops_page_furniture():
    parsed = parse_html_page(PLAIN_ARTICLE)

    assert parsed.layout == "html/structure"
    assert parsed.title == "Bees learn to count"
    assert parsed.section == "Science"
    assert parsed.summary == "A small brain, a big result."
    assert parsed.published == datetime(2021, 9, 1, 8, 0)  # naive stays naive; "updated" is skipped
    assert parsed.read_minutes == 4
    assert parsed.authors == [
        ParsedAuthor("Ann Wu", url="/people/ann-wu"),
        ParsedAuthor("Raj Das", url="/people/raj-das"),
    ]
    assert parsed.hero_image == ParsedImage(
        alt="A bee on a flower",
        caption="A bee (C) on a test flower in Lyon.",
        credit="Photo: J. Martin/CNRS",
        url="/img/bee.jpg",
    )
    assert parsed.paragraphs == [
        "Bees can tell three from four.",
        "They were trained with sugar water. Then tested.",
    ]
    assert parsed.teasers == [
        ParsedTeaser(title="Ants navigate by the sun", summary="Polarised light guides them.", url="/ants"),
        ParsedTeaser(title="Watch: wasps build a nest", kind="video", url="/wasps"),
    ]
    assert parsed.canonical_url == ""
    assert parsed.warnings == []


def test_organization_author_and_string_byline_in_jsonld():
    page = """<script type="application/ld+json">[{"@type": "WebPage"}, {"@type": "ReportageNewsArticle",
      "headline": "Desk report", "datePublished": "2025-01-02T03:04:05+01:00",
      "author": [{"@type": "NewsMediaOrganization", "name": "Kyiv Independent news desk",
                  "url": "https://kyivindependent.com/authors/desk"},
                 {"@type": "Person", "name": "By Jane Doe"}, "Tom Roe & Ann Poe"]}]</script>
      <article><h1>Desk report</h1><p>Body.</p></article>"""

    parsed = parse_html_page(page)

    assert parsed.layout == "html/jsonld"
    desk = "https://kyivindependent.com/authors/desk"
    assert parsed.authors == [
        ParsedAuthor(name="Kyiv Independent news desk", is_organization=True, url=desk),
        ParsedAuthor(name="Jane Doe"),
        ParsedAuthor(name="Tom Roe"),
        ParsedAuthor(name="Ann Poe"),
    ]
    assert parsed.published == datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1)))
    assert (parsed.title, parsed.paragraphs, parsed.hero_image) == ("Desk report", ["Body."], None)
    assert parsed.warnings == []


def test_broken_jsonld_block_is_skipped_and_the_next_one_read():
    page = """<head><script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>
      <script type="application/ld+json">[[[[[[[[[[[[[[{"@type": "NewsArticle"}]]]]]]]]]]]]]]</script>
      <script type="application/ld+json">
      <!-- {"@type": "NewsArticle", "headline": "Second block wins", "author": "Lee Kim"} --></script>
      <meta property="og:title" content="OG title"></head>
      <body><article><h1>H1 title</h1><p>Text.</p><time datetime="not a date">?</time></article></body>"""

    parsed = parse_html_page(page)

    assert parsed.layout == "html/jsonld"
    assert parsed.title == "Second block wins"
    assert parsed.authors == [ParsedAuthor(name="Lee Kim")]
    assert parsed.paragraphs == ["Text."]
    assert parsed.published is None
    assert parsed.warnings == [
        "malformed JSON-LD block skipped",
        "publication date not understood: 'not a date'",
        "no publication date",
    ]


def test_page_without_a_date_says_so_and_invents_none():
    page = render_page(replace(seed_article(), published=None), jsonld=False)
    assert "Date unknown" in page

    parsed = parse_html_page(page)

    assert parsed.published is None
    assert parsed.layout == "html/meta"
    assert parsed.warnings == ["no publication date"]


@pytest.mark.parametrize(
    "type_", [["Article", "NewsArticle"], "http://schema.org/NewsArticle", ["Thing", "schema:BlogPosting"]]
)
def test_article_type_may_be_a_list_or_a_full_iri(type_):
    page = f'<script type="application/ld+json">{json.dumps({"@type": type_, "headline": "Typed"})}</script>'

    parsed = parse_html_page(page)

    assert (parsed.layout, parsed.title) == ("html/jsonld", "Typed")
    assert parsed.warnings == ["no author found", "no publication date", "no body paragraphs found"]


def test_non_article_jsonld_is_ignored():
    page = '<script type="application/ld+json">{"@type": "Recipe", "headline": "Soup"}</script><h1>Real</h1>'

    parsed = parse_html_page(page)

    assert (parsed.layout, parsed.title) == ("html/structure", "Real")


def test_aside_of_share_links_and_an_author_box_are_not_teasers():
    page = """<article><h1>T</h1><div class="article-body"><p>Body.</p></div></article>
      <aside class="share"><h3><a href="https://twitter.com/share">Share on X</a></h3></aside>
      <aside><section class="author-box"><h3><a href="/authors/a-b/">Ann Bee</a></h3>
        <p class="author-bio">Writes.</p></section>
        <h3><a href="/more/">More from us</a></h3><p>Other stories.</p></aside>"""

    parsed = parse_html_page(page)

    assert parsed.teasers == [ParsedTeaser(title="More from us", summary="Other stories.", url="/more/")]
    assert parsed.authors == [ParsedAuthor(name="Ann Bee", bio="Writes.", url="/authors/a-b/")]
    assert parsed.paragraphs == ["Body."]


def test_story_and_its_wrappers_are_never_noise_whatever_their_classes():
    page = """<body class="single-post ad-free has-related-posts">
      <header><h1 class="logo">Site name</h1></header>
      <article class="post tag-related has-comments"><h1>The real story</h1>
        <div class="entry-content"><p>First.</p><div class="sharedaddy"><p>Share</p></div><p>Second.</p></div>
        <div id="comments"><p>Nice post!</p></div><p class="commentary-note">Not in the body container.</p>
      </article></body>"""

    parsed = parse_html_page(page)

    assert (parsed.layout, parsed.title) == ("html/structure", "The real story")
    assert parsed.paragraphs == ["First.", "Second."]


@pytest.mark.parametrize(
    "page",
    [
        "<aside>" * 2000 + "<h3><a href=x>t</a></h3>",
        "<ul class=related>" + "<li><h3><a href=x>t</a></h3><p>s</p></li>" * 2000,
        "<div class=author-box><h2>Ann Lee</h2><p class=author-bio>b</p></div>" * 2000,
        "<div class=byline>" * 2000 + "<a href=/a>Ann Lee</a>",
        "<figure>" * 2000 + "<figcaption>c <span class=credit>x</span></figcaption>",
        "<article>" * 2000 + "<h1>t</h1>" * 2000,
        '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>",
        "<p>" * 2000 + "<template>" + "<div>" * 2000,
    ],
    ids=["asides", "teasers", "author-boxes", "bylines", "figures", "articles", "json", "template"],
)
@pytest.mark.slow
def test_hostile_shapes_parse_without_raising(page):
    parsed = parse_html_page(page)

    assert len(parsed.teasers) <= 30 and len(parsed.authors) <= 30
    assert not any(w.startswith("internal parser error") for w in parsed.warnings)


# --- robustness ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk", ["", "   ", "\x00\x00", "<", "<<<>>>", "plain words", "<html", "&#0;&#xffffff;"]
)
def test_junk_parses_to_an_empty_article_with_warnings(junk):
    parsed = parse_html_page(junk)

    assert parsed == ParsedArticle(layout="unknown", warnings=ALL_MISSING)


def test_nul_bytes_never_reach_the_output():
    parsed = parse_html_page("<article><h1>Ti\x00tle</h1><p>Bo\x00dy</p></article>")

    assert (parsed.title, parsed.paragraphs) == ("Title", ["Body"])


@pytest.mark.slow
def test_deeply_nested_and_huge_pages_parse_without_raising():
    nested = parse_html_page("<div>" * 10_000 + "<p>deep</p>" + "</div>" * 10_000)
    huge = parse_html_page("<article><h1>Big</h1>" + "<p>word word word</p>" * 10_000 + "</article>")

    assert "internal parser error" not in " ".join(nested.warnings)
    assert huge.title == "Big" and len(huge.paragraphs) == 10_000


def test_page_past_the_size_cap_is_read_up_to_the_cap_with_a_warning():
    page = "<article><h1>Long</h1><p>" + "x" * parse_html.MAX_CHARS

    parsed = parse_html_page(page)

    assert parsed.title == "Long" and len(parsed.paragraphs[0]) < parse_html.MAX_CHARS
    assert parsed.warnings[0] == f"input is {len(page)} characters; only the first 5000000 were read"


@pytest.mark.parametrize(
    ("error", "warning"),
    [(RecursionError, "page is nested too deeply to parse"), (KeyError, "internal parser error: KeyError")],
)
def test_a_failure_inside_the_parser_becomes_a_warning(monkeypatch, error, warning):
    def explode(*args, **kwargs):
        raise error

    monkeypatch.setattr(parse_html, "structure_article", explode)

    assert parse_html_page("<article><h1>T</h1></article>") == ParsedArticle(
        layout="unknown", warnings=[warning]
    )


def test_parser_never_raises_even_on_a_non_string():
    assert parse_html_page(None).layout == "unknown"  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parsed = parse_html_page(text)

    assert isinstance(parsed, ParsedArticle)
    assert not any(w.startswith("internal parser error") for w in parsed.warnings)


_markup = st.sampled_from(
    ["<", ">", "</article>", "<article>", "<figure>", "<p>", '"', "<!--", "-->", "<script>", "</script>",
     '<script type="application/ld+json">{', "}", "&amp;", "\x00", "<aside class=related>", "<h3><a href=x>"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.one_of(_markup, st.text(max_size=5))), max_size=6)
)
@example(edits=[(0.9375, 0.625, "<"), (0.8984375, 0.75, "<"), (0.875, 1.0, "<")])  # once nested teaser links
@example(  # once a link wrapping its teaser container (found by bench/fuzz_parsers.py)
    edits=[
        (0.0, 0.0, "-->"),
        (0.5, 0.625, "<"),
        (0.25, 0.0, "<aside class=related>"),
        (0.3239101512746035, 1.0, "<aside class=related>"),
    ]
)
@pytest.mark.slow
def test_mutated_archive_page_never_raises(edits):
    page = render_page(seed_article())
    for start, length, insert in edits:
        at = int(start * len(page))
        page = page[:at] + insert + page[at + int(length * 200) :]

    parsed = parse_html_page(page)

    assert isinstance(parsed, ParsedArticle)
    assert not any(w.startswith("internal parser error") for w in parsed.warnings)


# --- sniffing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html><html>",
        "\ufeff\n  <html lang=en>",
        "<!-- saved from url=(0014)about:internet -->\n<HTML>",
        '<?xml version="1.0"?><!-- x --><html xmlns="http://www.w3.org/1999/xhtml">',
        "<head><title>x</title></head>",
        "<body>",
        "<article class=story>",
        "<meta charset=utf-8><title>t</title><body>",
    ],
)
def test_html_is_recognised(text):
    assert looks_like_html(text)


@pytest.mark.parametrize(
    "text",
    [SEED.read_text(encoding="utf-8"), "", "News Feed\n\n<html>", "<b>bold</b> text", "<3 html"],
)
def test_plain_text_is_not_taken_for_html(text):
    assert not looks_like_html(text)
