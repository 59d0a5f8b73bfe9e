"""The reader's pages: home, article, author and section pages (the date archive has its own file)."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date
from django.utils.text import Truncator
from django.views.defaults import server_error

from articles.models import Article, RelatedLink, Section
from tests.articles.reader_data import (
    SEED_CHROME,
    SEED_CREDIT,
    SEED_TEASER,
    SEED_TITLE,
    build_seed_article,
    seed_blocks,
    shared_archive_fixture,
    wipe_archive,
)
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    RelatedLinkFactory,
    SectionFactory,
    png_upload,
)

pytestmark = pytest.mark.django_db

# Fixed budgets with 50 stories in the database (any N+1 would blow them).
# One statement per page (and its PREPARE, the first time on a connection: articles/page_queries.py),
# and the section menu when it is not cached yet.
# The article's fourth: the first view of a story in an archive version computes its "More like
# this" (articles/more_like_this.py), kept after that (tests/articles/test_more_like_this.py).
MAX_QUERIES = {"home": 3, "article": 4, "author": 3, "section": 3}


def page(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "lxml")


def json_ld(soup: BeautifulSoup) -> dict[str, dict]:
    """Every JSON-LD block of the page, by @type; each must parse as JSON."""
    blocks = [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]
    return {block["@type"]: block for block in blocks}


archive = shared_archive_fixture(50)


@pytest.fixture
def seed():
    return build_seed_article()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


# --- home ----------------------------------------------------------------------------------------


def test_home_leads_with_the_newest_story_its_hero_byline_and_date(client, archive):
    lead = archive["stories"][0]
    soup = page(client.get("/"))

    block = soup.select_one(".lead-story")
    assert block.select_one(".lead-title a")["href"] == lead.get_absolute_url()
    assert block.select_one(".lead-title").get_text(strip=True) == lead.title
    assert lead.summary in block.get_text()
    # The hero has no file: a text lead, no empty picture box.
    assert "lead-story--text" in block["class"] and not block.select("figure, .image-placeholder")
    byline = [link.author.name for link in lead.author_links.all()]
    assert [a.get_text() for a in block.select(".story-meta a")] == byline
    assert block.select_one("time")["datetime"] == lead.published_at.isoformat()
    assert soup.select_one("h1.site-name")


def listing(**filters) -> list[str]:
    """Public story URLs in listing order (newest first, undated last)."""
    return [story.get_absolute_url() for story in Article.objects.published().filter(**filters)]


def test_home_shows_latest_stories_and_stories_by_section(client, archive):
    soup = page(client.get("/"))

    latest = [a["href"] for a in soup.select(".latest .story-title a")]
    assert latest == listing()[5:20]
    blocks = {b.select_one("h3").get_text(strip=True): b for b in soup.select(".section-block")}
    assert sorted(blocks) == ["Business", "Culture", "World"]
    assert len(blocks["World"].select("li")) == 3
    assert soup.select_one('.pagination a[rel="next"]')["href"] == "?page=2"


def test_home_section_blocks_are_kept_until_the_archive_changes(
    client, archive, django_capture_on_commit_callbacks
):
    """The "By section" blocks are a cached fragment: the next front page reads only its stories,
    and a change shows at once."""

    def world_headlines() -> list[str]:
        blocks = {
            b.select_one("h3").get_text(strip=True): b for b in page(client.get("/")).select(".section-block")
        }
        return [link.get_text() for link in blocks["World"].select("li a")]

    before = world_headlines()
    with CaptureQueriesContext(connection) as queries:
        assert world_headlines() == before
    (statement,) = [query["sql"] for query in queries if "newsroom_home_page" in query["sql"]]
    assert statement.rstrip(")").endswith("false")  # the blocks' part of the statement not run
    with django_capture_on_commit_callbacks(execute=True):  # the change commits: pages go stale
        world = Section.objects.get(name="World")
        ArticleFactory(section=world, title="Fresh from the world", published_at=timezone.now())
    assert world_headlines()[0] == "Fresh from the world"


def test_home_more_stories_are_paginated(client, archive):
    soup = page(client.get("/?page=2"))

    assert soup.select_one("h1").get_text() == "More stories"
    links = [a["href"] for a in soup.select(".story-title a")]
    assert links == listing()[20:40]
    assert soup.select_one('link[rel="canonical"]')["href"] == "http://testserver/?page=2"


def test_home_of_an_empty_archive_says_so(client):
    wipe_archive()
    soup = page(client.get("/"))
    assert "No stories have been published yet" in soup.get_text()
    assert "import_articles" not in soup.get_text()  # no developer instructions for readers


def test_home_never_shows_drafts_or_scheduled_stories(client, archive):
    text = page(client.get("/")).get_text()
    assert archive["draft"].title not in text
    assert archive["scheduled"].title not in text


# --- the seed page -------------------------------------------------------------------------------


def test_seed_article_page_shows_everything_the_seed_holds_and_none_of_its_chrome(client, seed):
    response = client.get(seed.get_absolute_url())
    soup = page(response)
    story = soup.select_one("main article")
    blocks = seed_blocks()

    assert story.select_one("h1").get_text() == SEED_TITLE
    assert story.select_one('a[href="/sections/news-feed/"]').get_text() == "News Feed"
    assert "Date unknown" in story.get_text() and not story.select("time")
    assert "2 min read" in story.get_text()
    byline = story.select_one('a[rel="author"]')
    assert (byline.get_text(), byline["href"]) == ("Abbey Fenbert", "/authors/abbey-fenbert/")
    figure = story.select_one("figure")
    # No picture file: the caption and credit only, compact, never an empty box.
    assert "hero--caption-only" in figure["class"] and not figure.select("img, .image-placeholder")
    assert figure["data-alt"] == SEED_TITLE
    assert figure.select_one("figcaption").get_text().startswith("Illustrative purposes: Russian President")
    assert figure.select_one("figcaption .credit").get_text() == SEED_CREDIT
    assert [p.get_text() for p in story.select(".article-body p")] == blocks[3:12]
    teaser = soup.select_one("aside.related article.teaser")
    assert teaser.select_one("h3").get_text(strip=True) == SEED_TEASER
    # "Key developments on March 18: * … * …" is a list under its intro.
    intro, *points = blocks[12].splitlines()[1].split(" * ")
    assert teaser.select_one("p").get_text() == intro
    assert [li.get_text() for li in teaser.select("ul.teaser-points li")] == points
    box = story.select_one("section.author-box")
    assert box.select_one(".author-name").get_text(strip=True) == "Abbey Fenbert"
    assert box.select_one(".author-role").get_text() == "Senior News Editor"
    assert box.select_one(".author-bio").get_text() == blocks[14]
    assert box.select_one(".author-avatar--initials").get_text() == "AF"
    html = response.content.decode()
    for chrome in SEED_CHROME:
        assert chrome not in html


def test_article_page_reimports_to_the_same_story(client, seed):
    """The page is a contract with the HTML importer (articles/importer/parse_html.py)."""
    from articles.importer.parse_html import parse_html_page

    target = ArticleFactory(title=SEED_TEASER, slug="ukraine-war-latest")
    seed.teasers.update(target=target)
    parsed = parse_html_page(client.get(seed.get_absolute_url()).content.decode())
    blocks = seed_blocks()

    assert (parsed.title, parsed.section, parsed.summary) == (SEED_TITLE, "News Feed", "")
    assert (parsed.read_minutes, parsed.published) == (2, None)
    assert [(a.name, a.role, a.bio) for a in parsed.authors] == [("Abbey Fenbert", blocks[13], blocks[14])]
    hero = parsed.hero_image
    assert (hero.alt, hero.caption, hero.credit) == (SEED_TITLE, seed.hero_image.caption, SEED_CREDIT)
    assert parsed.paragraphs == blocks[3:12]
    assert [(t.title, t.summary, t.kind) for t in parsed.teasers] == [
        (SEED_TEASER, blocks[12].splitlines()[1], "article")
    ]


def test_seed_article_json_ld_has_no_invented_date(client, seed):
    data = json_ld(page(client.get(seed.get_absolute_url())))["NewsArticle"]

    assert data["headline"] == SEED_TITLE
    assert data["articleSection"] == "News Feed"
    assert "datePublished" not in data and "dateModified" not in data
    assert data["image"] == {
        "@type": "ImageObject",
        "caption": seed.hero_image.caption,
        "creditText": SEED_CREDIT,
    }
    assert data["author"][0]["jobTitle"] == "Senior News Editor"


# --- article page --------------------------------------------------------------------------------


def test_article_json_ld_is_a_complete_news_article(client, media):
    author = AuthorFactory(
        name="Olena Koval", slug="olena-koval", role="Economics Reporter", bio="Olena covers trade."
    )
    desk = AuthorFactory(name="Wire Desk", slug="wire-desk", role="", bio="", is_organization=True)
    hero = ImageFactory(file=png_upload(), caption="Port of Odesa.", credit="Reuters")
    article = ArticleFactory(
        title="Grain deal collapses",
        summary="Black Sea shipping halts.",
        hero_image=hero,
        authors=[author, desk],
    )
    soup = page(client.get(article.get_absolute_url()))
    data = json_ld(soup)["NewsArticle"]

    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Grain deal collapses"
    assert data["description"] == "Black Sea shipping halts."
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"] == article.published_at.isoformat()  # never revised: its publication
    assert data["articleSection"] == article.section.name
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Olena Koval",
            "jobTitle": "Economics Reporter",
            "description": "Olena covers trade.",
            "url": "http://testserver/authors/olena-koval/",
        },
        {"@type": "Organization", "name": "Wire Desk", "url": "http://testserver/authors/wire-desk/"},
    ]
    assert data["image"]["url"] == f"http://testserver{hero.file.url}"
    assert (data["image"]["caption"], data["image"]["creditText"]) == ("Port of Odesa.", "Reuters")
    assert data["publisher"] == {"@type": "Organization", "name": "Newsroom", "url": "http://testserver/"}
    page_url = f"http://testserver{article.get_absolute_url()}"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": page_url}
    assert soup.select_one('meta[property="og:image"]')["content"] == data["image"]["url"]
    assert soup.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"


def test_article_breadcrumbs_are_visible_and_in_json_ld(client, seed):
    soup = page(client.get(seed.get_absolute_url()))
    crumbs = json_ld(soup)["BreadcrumbList"]["itemListElement"]

    assert [(c["position"], c["name"]) for c in crumbs] == [(1, "Home"), (2, "News Feed"), (3, SEED_TITLE)]
    assert crumbs[1]["item"] == "http://testserver/sections/news-feed/"
    assert [a.get_text() for a in soup.select("nav.breadcrumbs a")] == ["Home", "News Feed"]


def test_article_hero_with_a_file_is_an_image_with_alt_text(client, media):
    hero = ImageFactory(file=png_upload(), alt_text="Ships at anchor", caption="Odesa.", credit="AP")
    article = ArticleFactory(hero_image=hero)
    figure = page(client.get(article.get_absolute_url())).select_one("figure.hero")

    assert figure.select_one("img")["alt"] == "Ships at anchor"
    assert figure.select_one("img")["src"] == hero.file.url
    assert not figure.select(".image-placeholder")


def test_article_without_hero_has_no_figure(client):
    article = ArticleFactory(hero_image=None)
    assert not page(client.get(article.get_absolute_url())).select("figure")


def test_story_without_section_or_authors_still_renders(client):
    article = ArticleFactory(section=None, hero_image=None)
    soup = page(client.get(article.get_absolute_url()))

    assert soup.select_one("h1").get_text() == article.title
    assert not soup.select(".kicker") and not soup.select(".story-pager") and not soup.select(".author-box")
    assert "articleSection" not in json_ld(soup)["NewsArticle"]


def test_updated_is_shown_only_for_a_revision_after_publication(client):
    """An import or a bulk action last month moves `updated_at`, never "Updated": only a revision
    readers saw (an editor's change, the source page's own dateModified) does, on another day."""
    month_ago = timezone.now() - timezone.timedelta(days=30)
    loaded = ArticleFactory(published_at=month_ago)  # updated_at: the day it was loaded (today)
    revised = ArticleFactory(published_at=month_ago, revised_at=month_ago + timezone.timedelta(days=3))
    same_day = ArticleFactory(published_at=month_ago, revised_at=month_ago + timezone.timedelta(hours=1))

    assert not page(client.get(loaded.get_absolute_url())).select("time.updated")
    soup = page(client.get(revised.get_absolute_url()))
    assert soup.select_one("time.updated")["datetime"] == revised.revised_at.isoformat()
    assert json_ld(soup)["NewsArticle"]["dateModified"] == revised.revised_at.isoformat()
    assert not page(client.get(same_day.get_absolute_url())).select("time.updated")


def test_teasers_link_inside_the_archive_when_the_target_is_published(client):
    target = ArticleFactory(title="Archived follow-up")
    draft = ArticleFactory(title="Unpublished follow-up", status=Article.Status.DRAFT)
    article = ArticleFactory()
    RelatedLinkFactory(
        article=article, target=target, title="Archived follow-up", url="https://ex.com/a", position=0
    )
    RelatedLinkFactory(
        article=article, target=draft, title="Draft target", url="https://ex.com/d", position=1
    )
    RelatedLinkFactory(article=article, title="Elsewhere", url="https://ex.com/e", position=2)
    RelatedLinkFactory(article=article, title="Drone video", url="https://ex.com/v", kind="video", position=3)
    teasers = page(client.get(article.get_absolute_url())).select("aside.related article.teaser")

    assert [t.select_one("h3 a")["href"] for t in teasers] == [
        target.get_absolute_url(),
        "https://ex.com/d",
        "https://ex.com/e",
        "https://ex.com/v",
    ]
    assert [("teaser--video" in t["class"]) for t in teasers] == [False, False, False, True]
    assert "Video" in teasers[3].get_text()
    assert draft.title not in str(teasers)


def test_author_box_shows_avatar_and_more_by_this_author(client, media, archive):
    author = archive["authors"][0]
    author.avatar = png_upload("face.png")
    author.save()
    article = archive["stories"][0]
    soup = page(client.get(article.get_absolute_url()))
    box = soup.select("section.author-box")[0]

    assert box.select_one("img.author-avatar")["src"] == author.avatar.url
    more = [a["href"] for a in box.select(".author-more a")]
    assert len(more) == 3 and article.get_absolute_url() not in more
    assert more == [story.get_absolute_url() for story in archive["stories"][4:13:4]][:3]
    assert len(soup.select("section.author-box")) == 2  # story 0 has two authors


def test_previous_and_next_stories_in_the_section(client, archive):
    world = archive["stories"][0::3]  # every third story is in World, newest first
    soup = page(client.get(world[1].get_absolute_url()))

    assert soup.select_one('.story-pager a[rel="next"]')["href"] == world[0].get_absolute_url()
    assert soup.select_one('.story-pager a[rel="prev"]')["href"] == world[2].get_absolute_url()


def test_previous_next_walks_from_dated_into_undated_stories(client):
    section = SectionFactory()
    dated = ArticleFactory(section=section)
    undated_old, undated_new = (
        ArticleFactory(section=section, published_at=None),
        ArticleFactory(section=section, published_at=None),
    )
    soup = page(client.get(undated_new.get_absolute_url()))

    assert soup.select_one('.story-pager a[rel="next"]')["href"] == dated.get_absolute_url()
    assert soup.select_one('.story-pager a[rel="prev"]')["href"] == undated_old.get_absolute_url()


def test_hostile_title_is_escaped_in_html_and_json_ld(client):
    title = 'Breaking </script><script>alert("x")</script> & more'
    article = ArticleFactory(title=title, summary="<b>bold</b>")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()

    assert "<script>alert" not in html
    assert "<b>bold</b>" not in html
    soup = page(response)
    assert soup.select_one("h1").get_text() == title
    assert json_ld(soup)["NewsArticle"]["headline"] == title


def test_canonical_and_social_tags(client, archive):
    article = archive["stories"][1]
    soup = page(client.get(article.get_absolute_url()))
    url = f"http://testserver{article.get_absolute_url()}"

    assert soup.select_one('link[rel="canonical"]')["href"] == url
    assert soup.select_one('meta[property="og:url"]')["content"] == url
    assert soup.select_one('meta[property="og:type"]')["content"] == "article"
    assert soup.select_one('meta[property="og:title"]')["content"] == article.title
    assert soup.select_one('meta[name="description"]')["content"] == article.summary
    assert soup.select_one('meta[name="twitter:card"]')["content"] == "summary"
    assert soup.select_one("title").get_text() == f"{article.title} · Newsroom"


@pytest.mark.parametrize("words", [35, 36, 80])
def test_a_long_summary_is_described_in_35_words_as_djangos_truncator_does(client, words):
    summary = " ".join(f"word{n}" for n in range(words)) + "  \n trailing"
    article = ArticleFactory(summary=summary)
    soup = page(client.get(article.get_absolute_url()))
    expected = Truncator(" ".join(summary.split())).words(35)
    assert soup.select_one('meta[name="description"]')["content"] == expected
    assert soup.select_one('meta[name="twitter:description"]')["content"] == expected


def test_imported_story_keeps_its_original_canonical_url(client):
    article = ArticleFactory(canonical_url="https://news.example/2025/03/grain/")
    soup = page(client.get(article.get_absolute_url()))

    assert soup.select_one('link[rel="canonical"]')["href"] == "https://news.example/2025/03/grain/"
    assert json_ld(soup)["NewsArticle"]["mainEntityOfPage"]["@id"] == "https://news.example/2025/03/grain/"


def test_unknown_article_is_a_404_in_the_sites_style(client):
    response = client.get("/articles/no-such-story/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "lxml")
    assert soup.select_one("h1").get_text() == "We could not find that page"
    assert soup.select_one("header.site-header") and soup.select_one('meta[name="robots"]')


def test_server_error_page_is_self_contained(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "<style>" in html and 'lang="en"' in html


# --- staff preview -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_unpublished_story_is_hidden_from_readers(client, django_user_model, archive, kind):
    url = archive[kind].get_absolute_url()
    assert client.get(url).status_code == 404
    reader = django_user_model.objects.create_user("reader", password="x")
    client.force_login(reader)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_staff_preview_shows_a_draft_banner_noindex_and_no_caching(staff_client, archive, kind):
    response = staff_client.get(archive[kind].get_absolute_url())
    soup = page(response)

    banner = soup.select_one(".preview-banner").get_text()
    assert ("Draft" if kind == "draft" else "Scheduled for") in banner and "Draft" not in banner.replace(
        "Draft" if kind == "draft" else "-", ""
    )
    assert soup.select_one('meta[name="robots"]')["content"].startswith("noindex")
    assert response["X-Robots-Tag"].startswith("noindex")
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert not response.has_header("ETag") and not response.has_header("Last-Modified")


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_staff_without_permission_on_articles_get_the_readers_404(client, django_user_model, archive, kind):
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get(archive[kind].get_absolute_url()).status_code == 404
    # Permissions on other things (authors) do not open the preview either.
    clerk.user_permissions.add(Permission.objects.get(codename="change_author"))
    assert client.get(archive[kind].get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_staff_who_may_change_articles_preview_them(client, django_user_model, archive, kind):
    editor = django_user_model.objects.create_user("desk", password="x", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(editor)
    assert client.get(archive[kind].get_absolute_url()).status_code == 200
    # A signed-in user who is not staff never previews, whatever their permissions.
    editor.is_staff = False
    editor.save()
    assert client.get(archive[kind].get_absolute_url()).status_code == 404


def test_published_story_has_no_preview_banner_for_staff(staff_client, archive):
    soup = page(staff_client.get(archive["stories"][0].get_absolute_url()))
    assert not soup.select(".preview-banner")
    assert not soup.select('meta[name="robots"]')


# --- conditional GET -----------------------------------------------------------------------------


def test_article_page_sends_validators_and_answers_304(client, archive):
    article = archive["stories"][0]
    url = article.get_absolute_url()
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]

    assert last_modified == http_date(Article.objects.get(pk=article.pk).updated_at.timestamp())
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    Article.objects.filter(pk=article.pk).update(
        title="Corrected headline", updated_at=timezone.now() + timezone.timedelta(seconds=5)
    )
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 200
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


@pytest.mark.parametrize("url", ["/", "/sections/world/", "/archive/"])
def test_listing_pages_send_an_etag_and_answer_304(client, archive, url):
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_a_304_revalidation_of_an_article_costs_one_query(client, archive, django_assert_num_queries):
    url = archive["stories"][0].get_absolute_url()
    last_modified = client.get(url)["Last-Modified"]
    with django_assert_num_queries(1):
        assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304


# --- author and section pages ---------------------------------------------------------------------


def test_author_page_shows_bio_role_stories_and_feed(client, archive):
    author = archive["authors"][0]
    soup = page(client.get(author.get_absolute_url()))

    assert soup.select_one("h1").get_text() == author.name
    assert soup.select_one(".author-role").get_text() == author.role
    assert soup.select_one(".author-bio").get_text() == author.bio
    assert soup.select_one(".author-avatar--initials").get_text() == author.initials
    expected = Article.objects.published().filter(authors=author)
    assert len(soup.select(".story-title a")) == min(expected.count(), 20)
    feed = soup.select_one(f'link[rel="alternate"][href="/authors/{author.slug}/feed/"]')
    assert feed["type"] == "application/rss+xml"
    person = json_ld(soup)["Person"]
    assert person["name"] == author.name and person["jobTitle"] == author.role
    assert person["url"] == f"http://testserver{author.get_absolute_url()}"


def test_author_page_is_paginated(client):
    author = AuthorFactory()
    for _ in range(23):
        ArticleFactory(authors=[author])
    soup = page(client.get(author.get_absolute_url() + "?page=2"))
    assert len(soup.select(".story-title a")) == 3


def test_desk_author_page_is_an_organization(client, archive):
    soup = page(client.get("/authors/kyiv-desk/"))
    data = json_ld(soup)["Organization"]
    assert data["name"] == "Kyiv Desk" and "jobTitle" not in data


def test_section_page_lists_its_stories_with_feed(client, archive):
    soup = page(client.get("/sections/world/?page=1"))

    assert soup.select_one("h1").get_text() == "World"
    assert [a["href"] for a in soup.select(".story-title a")] == listing(section__slug="world")[:20]
    assert soup.select_one('link[rel="alternate"][href="/sections/world/feed/"]')
    assert soup.select_one('link[rel="canonical"]')["href"] == "http://testserver/sections/world/"


def test_empty_section_page_is_not_an_error(client):
    SectionFactory(name="Opinion", slug="opinion")
    assert "No stories in this section yet" in page(client.get("/sections/opinion/")).get_text()


@pytest.mark.parametrize("url", ["/authors/nobody/", "/sections/nowhere/", "/authors/nobody/feed/"])
def test_unknown_author_or_section_is_a_404(client, url):
    assert client.get(url).status_code == 404


# --- every page type: structure, budgets, hostile input -------------------------------------------


def page_urls(archive) -> dict[str, str]:
    story = archive["stories"][0]
    return {
        "home": "/",
        "article": story.get_absolute_url(),
        "author": archive["authors"][0].get_absolute_url(),
        "section": "/sections/world/",
    }


@pytest.mark.parametrize("kind", list(MAX_QUERIES))
def test_every_page_has_one_h1_landmarks_and_head_tags(client, archive, kind):
    soup = page(client.get(page_urls(archive)[kind]))

    assert soup.html["lang"] == "en"
    assert len(soup.find_all("h1")) == 1
    assert soup.body.find().name == "a" and soup.body.find()["href"] == "#main"
    for landmark in ("header", "nav", "main", "footer"):
        assert soup.find(landmark)
    assert soup.title.get_text().strip()
    assert soup.select_one('meta[name="description"]')["content"]
    for name in ('link[rel="canonical"]', 'meta[property="og:title"]', 'meta[name="twitter:card"]'):
        assert soup.select_one(name)
    assert soup.select_one('link[rel="alternate"][href="/feed/"]')
    assert soup.select_one(".site-name a")["href"] == "/"
    menu = {a.get_text(): a for a in soup.select(".section-nav a")}
    assert menu["Front page"]["href"] == "/" and menu["Archive"]["href"] == "/archive/"
    assert menu["Front page"].get("aria-current") == ("page" if kind == "home" else None)
    footer = {a.get_text(): a["href"] for a in soup.select(".site-footer a")}
    assert footer == {
        "Front page": "/",
        "Sections": "/sections/",
        "Archive": "/archive/",
        "Corrections": "/corrections/",
        "Search": "/search/",
        "RSS feed": "/feed/",
        "Sitemap": "/sitemap.xml",
    }
    assert soup.select_one('link[rel="search"]')["href"] == "/opensearch.xml"
    if kind != "search":  # every page but the search page (its own form) has the masthead's box
        box = soup.select_one('header form[role="search"]')
        assert box["action"] == "/search/" and box.select_one('input[name="q"]')["id"]
        assert box.select_one(f'label[for="{box.select_one("input")["id"]}"]')
    for block in soup.find_all("script", type="application/ld+json"):
        json.loads(block.string)
    for img in soup.find_all("img"):
        assert img.has_attr("alt")


@pytest.mark.parametrize("kind", list(MAX_QUERIES))
def test_every_page_runs_a_fixed_number_of_queries(
    client, archive, kind, archive_state_read, django_assert_max_num_queries
):
    url = page_urls(archive)[kind]
    with django_assert_max_num_queries(MAX_QUERIES[kind]):
        page(client.get(url))


@pytest.mark.parametrize("kind", ["home", "author", "section"])
@pytest.mark.parametrize("number", ["abc", "-1", "0", "99999", "1.5", "%00", "9223372036854775808"])
def test_a_bad_page_number_is_a_404(client, archive, kind, number):
    assert client.get(f"{page_urls(archive)[kind]}?page={number}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/articles/%00/",
        "/articles/a%00b/",
        "/authors/%00/",
        "/sections/%00/feed/",
        "/articles/" + "x" * 5000 + "/",
        "/articles/%F0%9F%92%A5/",
        "/articles/story-0/?page=%00",
    ],
)
def test_hostile_urls_are_not_server_errors(client, archive, url):
    assert client.get(url).status_code in (200, 404)


def test_teaser_relinking_does_not_add_queries(
    client, archive, archive_state_read, django_assert_max_num_queries
):
    article = archive["stories"][0]
    for i in range(10):
        RelatedLinkFactory(
            article=article, target=archive["stories"][20 + i], title=f"More {i}", position=5 + i
        )
    assert RelatedLink.objects.filter(article=article).count() == 12
    with django_assert_max_num_queries(MAX_QUERIES["article"]):
        page(client.get(article.get_absolute_url()))


def test_listing_pagination_is_bounded_and_points_deeper_readers_to_the_archive(
    client, settings, monkeypatch
):
    from articles.pagination import BoundedPaginator
    from tests.factories import ArticleFactory

    monkeypatch.setattr(BoundedPaginator, "max_pages", 2)
    ArticleFactory.create_batch(45)  # more than 2 pages of 20
    last = client.get("/", {"page": 2}).content.decode()
    assert "Page 2 of 2+" in last and 'href="/archive/">Older stories by date' in last
    assert client.get("/", {"page": 3}).status_code == 404
    assert client.get("/", {"page": "last"}).content.decode() == last  # as Django's ListView reads it


@pytest.mark.parametrize("kind", ["home", "author", "section"])
def test_page_last_is_the_last_page(client, archive, kind):
    url = page_urls(archive)[kind]
    status = page(client.get(url)).select_one(".pagination-status")
    pages = int(status.get_text().split(" of ")[1]) if status else 1
    assert client.get(url, {"page": "last"}).content == client.get(url, {"page": pages}).content
