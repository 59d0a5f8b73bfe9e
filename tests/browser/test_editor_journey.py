"""An editor's first story and a reader finding it, through the real UI in Chromium.

The editor signs in, uploads a picture, types a story into the rich-text editor as people do
(Enter between paragraphs, "## " for a subhead, "- " for a list, the link button for a link),
schedules it, sees "Scheduled for …", then publishes it. A reader on a phone finds it with the
front page's search box and reads it: three paragraphs, the subhead, a working link, and the
picture from the rendition its width needs. A hostile body pasted into the editor never reaches
a reader. The page's media are served here (the test settings run without DEBUG).
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from django.views.static import serve
from PIL import Image as PILImage
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import MOBILE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-editor-passphrase"
HOSTILE = (
    '<p>Calm words<script>window.hacked = 1</script><img src="x" onerror="window.hacked = 2"></p>'
    '<p><a href="javascript:window.hacked = 3">click</a> <span style="position:fixed">styled</span></p>'
    '<iframe src="https://evil.example/"></iframe>'
)


@pytest.fixture
def media(settings, tmp_path):
    """Uploads in a folder of this test's, served at MEDIA_URL by the live server."""
    from django.urls import clear_url_caches, re_path

    import newsroom.urls

    settings.MEDIA_ROOT = tmp_path
    urlconf = type("MediaURLs", (), {})()
    urlconf.urlpatterns = [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": str(tmp_path)}),
        *newsroom.urls.urlpatterns,
    ]
    import sys

    sys.modules["tests_media_urls"] = urlconf
    settings.ROOT_URLCONF = "tests_media_urls"
    clear_url_caches()
    yield tmp_path
    clear_url_caches()


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)


def png(path, size=(2000, 1200)) -> str:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#2b5a7a").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def sign_in(page) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.locator("#site-name")).to_be_visible()


def type_story(page) -> None:
    """Three paragraphs, a subhead and a list, typed; then a link put on two words of it."""
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.click()
    keyboard = page.keyboard
    keyboard.type("The harbour reopened on Monday after the storm.")
    keyboard.press("Enter")
    keyboard.type("## Repairs")
    keyboard.press("Enter")
    keyboard.type("Engineers rebuilt the pier. Read the port report for details.")
    keyboard.press("Enter")
    keyboard.type("- Pier rebuilt")
    keyboard.press("Enter")
    keyboard.type("Cranes back")
    keyboard.press("Enter")
    keyboard.press("Enter")  # out of the list
    keyboard.type("Ferries sail again from Tuesday.")
    # Select "port report" (a double click takes one word; two words are dragged over)
    words = page.evaluate(
        """() => {
            const text = [...document.querySelectorAll(".ProseMirror[contenteditable=true] p")]
                .find(p => p.textContent.includes("port report")).firstChild;
            const start = text.textContent.indexOf("port report");
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + "port report".length);
            const [first, last] = [range.getClientRects()[0], range.getBoundingClientRect()];
            return [first.left + 1, first.top + first.height / 2, last.right - 1, last.top + last.height / 2];
        }"""
    )
    page.mouse.move(words[0], words[1])
    page.mouse.down()
    page.mouse.move(words[2], words[3], steps=5)
    page.mouse.up()
    page.wait_for_function("() => window.getSelection().toString() === 'port report'")
    page.locator(".prose-menubar button[title='insert link']").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.locator("input[name=href]").fill("https://example.org/port-report")
    dialog.get_by_role("button", name="Update").click()
    expect(dialog).to_be_hidden()
    expect(body.locator("a[href='https://example.org/port-report']")).to_have_text("port report")


def choose_hero(page, text: str) -> None:
    page.locator(".field-hero_image .select2-selection").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_an_editor_writes_schedules_and_publishes_a_story_a_reader_finds_on_a_phone(
    new_page, editor, media, tmp_path
):
    page = new_page()
    sign_in(page)

    page.goto("/admin/articles/image/add/")
    page.locator("#id_file").set_input_files(png(tmp_path / "harbour.png"))
    page.get_by_label("Alt text").fill("Ferries at the harbour wall")
    page.get_by_label("Caption").fill("The harbour on Monday.")
    page.get_by_label("Credit").fill("Port authority")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").fill("Harbour reopens after the storm")
    expect(page.locator("#title-count")).to_have_text("31 characters")
    type_story(page)
    choose_hero(page, "The harbour on Monday")
    page.locator("#id_status").select_option("published")
    tomorrow = timezone.localtime() + timedelta(days=1)
    page.locator("#id_published_at_0").fill(f"{tomorrow:%Y-%m-%d}")
    page.locator("#id_published_at_1").fill("10:00:00")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".field-publication .readonly")).to_contain_text(f"Scheduled for {tomorrow:%b}")

    story = Article.objects.get(title="Harbour reopens after the storm")
    preview = new_page()  # the editor's own preview, in a second tab
    preview.context.add_cookies(page.context.cookies())
    preview.goto(story.get_absolute_url())
    expect(preview.locator(".preview-banner")).to_contain_text("Scheduled for")

    page.locator(".field-published_at .datetimeshortcuts a", has_text="Today").click()
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Now").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text("Published")

    reader = new_page(viewport=MOBILE)
    reader.goto("/")
    reader.get_by_role("search", name="Site search").get_by_role("searchbox").fill("harbour storm")
    reader.keyboard.press("Enter")
    reader.get_by_role("link", name="Harbour reopens after the storm").click()
    expect(reader.locator("h1")).to_have_text("Harbour reopens after the storm")
    story_body = reader.locator(".article-body")
    expect(story_body.locator(":scope > p")).to_have_count(3)
    expect(story_body.locator("h2")).to_have_text("Repairs")
    expect(story_body.locator("li")).to_have_text(["Pier rebuilt", "Cranes back"])
    link = story_body.get_by_role("link", name="port report")
    expect(link).to_have_attribute("href", "https://example.org/port-report")
    hero = reader.locator("figure.hero img")
    expect(hero).to_have_attribute("alt", "Ferries at the harbour wall")
    reader.wait_for_function("() => document.querySelector('figure.hero img').naturalWidth > 0")
    # 375 pixels wide: the browser takes the 480-pixel copy, not the 2,000-pixel original.
    assert hero.evaluate("img => img.currentSrc").endswith("-480w.webp")


def test_a_hostile_body_pasted_into_the_editor_never_reaches_a_reader(new_page, editor):
    page = new_page(hostile=True)  # the editor parses the paste: the policy blocks its handler
    sign_in(page)
    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").fill("Pasted from elsewhere")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.evaluate(
        """html => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "Calm words");
            const target = document.querySelector(".ProseMirror[contenteditable=true]");
            const paste = {clipboardData: data, bubbles: true, cancelable: true};
            target.dispatchEvent(new ClipboardEvent("paste", paste));
        }""",
        HOSTILE,
    )
    # What the browser sends is not trusted either: the textarea is given the hostile HTML as is.
    page.evaluate("html => { document.querySelector('textarea[name=body]').value = html; }", HOSTILE)
    page.locator("#id_status").select_option("published")
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Today").click()
    page.locator(".field-published_at .datetimeshortcuts a", has_text="Now").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    story = Article.objects.get(title="Pasted from elsewhere")
    for markup in ("<script", "onerror", "javascript:", "<iframe", "style="):
        assert markup not in story.body, markup
    reader = new_page()
    dialogs = []
    reader.on("dialog", lambda dialog: dialogs.append(dialog.message))
    reader.goto(story.get_absolute_url())
    expect(reader.locator(".article-body")).to_contain_text("Calm words")
    assert reader.evaluate("() => window.hacked") is None and dialogs == []
    html = reader.locator(".article-body").inner_html()
    for markup in ("<script", "onerror", "javascript:", "<iframe", "style="):
        assert markup not in html, markup
