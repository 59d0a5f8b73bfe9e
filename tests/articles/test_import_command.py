"""`import_articles`: the ops door. Real files, real database, `call_command`."""

import io
import json
import os
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from articles.importer import story_links
from articles.models import Article, Image, RelatedLink, Section, SourceDocument
from authors.models import Author

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "fixtures" / "seed" / "000_a62c5fcdd14d0141.txt"
SEED_TITLE = "Trump, Putin open to 'mutually beneficial cooperation' in key sectors, Kremlin says"
TEASER_TITLE = "Ukraine war latest: Putin, Trump hold 1.5-hour call, discuss ceasefire in Ukraine"


def run_import(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def page(title: str, paragraphs: list[str], *, section: str = "News Feed", teaser: str = "") -> str:
    teaser_block = f"{teaser}\nA teaser summary…\nArticle image\n" if teaser else ""
    body = "\n\n".join(paragraphs)
    return (
        f"{section}\n\n{title}\n\n3 min read\n\n{body}\n\n{teaser_block}"
        "Avatar\nJane Roe\n\nReporter\n\nJane Roe covers politics.\n\nRead more\n"
    )


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_seed_imports_to_exactly_what_the_page_says():
    out, _ = run_import(SEED)
    assert "1 created, 0 updated, 0 unchanged, 0 failed" in out
    article = Article.objects.get()
    assert article.title == SEED_TITLE
    assert article.section.name == "News Feed"
    assert article.reading_minutes == 2
    assert article.published_at is None  # the page has no date: none is invented
    assert article.status == "published" and Article.objects.published().count() == 1
    [author] = article.authors.all()
    assert (author.name, author.role) == ("Abbey Fenbert", "Senior News Editor")
    assert author.bio.startswith("Abbey Fenbert is a senior news editor at the Kyiv Independent.")
    assert article.byline == "Abbey Fenbert"
    hero = article.hero_image
    assert hero.caption.startswith("Illustrative purposes:") and "(L)" in hero.caption
    assert hero.credit == "Mikhail Klimentyev / Sputnik / AFP via Getty Images"
    assert hero.alt_text == SEED_TITLE
    assert len(article.paragraphs) == 9
    assert article.paragraphs[0].startswith("U.S. President Donald Trump and Russian President")
    assert article.paragraphs[-1].startswith("President Volodymyr Zelensky said")
    for chrome in [
        "Avatar",
        "Article image",
        "Read more",
        "Show More",
        "News Feed",
        "Video",
        "Key developments",
    ]:
        assert chrome not in article.body
    [teaser] = article.teasers.all()
    assert teaser.title == TEASER_TITLE
    assert teaser.summary.startswith("Key developments on March 18:")
    source = article.source
    assert source.text == SEED.read_text()  # verbatim
    assert source.layout == "text/standard" and "no publication date" in " ".join(source.warnings)


def test_dry_run_writes_nothing():
    out, _ = run_import("--dry-run", SEED)
    assert "Dry run (nothing written): 1 created" in out
    for model in (Article, SourceDocument, Author, Section, Image, RelatedLink):
        assert not model.objects.exists()


def test_second_import_reports_unchanged_and_changes_nothing():
    run_import(SEED)
    before = Article.objects.values().get()
    out, _ = run_import(SEED)
    assert "0 created, 0 updated, 1 unchanged, 0 failed" in out
    assert Article.objects.values().get() == before
    assert SourceDocument.objects.count() == 1 and Author.objects.count() == 1


def test_corrected_page_updates_its_article_in_place(tmp_path):
    run_import(SEED)
    original = Article.objects.get()
    corrected = (
        SEED.read_text().replace("for 30 days", "for thirty days").replace("Senior News Editor", "Editor")
    )
    out, _ = run_import(write(tmp_path, "corrected.txt", corrected))
    assert "0 created, 1 updated, 0 unchanged, 0 failed" in out
    article = Article.objects.get()
    assert (article.pk, article.slug) == (original.pk, original.slug)
    assert "for thirty days" in article.body
    assert article.authors.get().role == "Editor"  # a newer role updates the author
    assert SourceDocument.objects.count() == 2  # both versions kept
    assert Image.objects.count() == 1 and RelatedLink.objects.count() == 1


def test_two_different_stories_with_the_same_title_get_distinct_slugs(tmp_path):
    first = page("Live updates", ["Shelling hit Kharkiv overnight, officials said."])
    second = page("Live updates", ["Parliament passed the budget after a long debate today."])
    out, _ = run_import(write(tmp_path, "a.txt", first), write(tmp_path, "b.txt", second))
    assert "2 created" in out
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["live-updates", "live-updates-2"]


def test_folder_with_one_broken_file_imports_the_rest_and_names_it(tmp_path):
    write(tmp_path, "good-1.txt", page("First story", ["One."]))
    nested = tmp_path / "nested"
    nested.mkdir()
    write(nested, "good-2.txt", page("Second story", ["Two."]))
    write(tmp_path, "broken.txt", b"\x00\xff\xfe junk \x89PNG")
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_articles", str(tmp_path), stdout=out, stderr=io.StringIO())
    assert error.value.returncode == 1
    assert "2 created, 0 updated, 0 unchanged, 1 failed" in out.getvalue()
    assert f"failed: {tmp_path / 'broken.txt'}: binary data, not a text or HTML page" in out.getvalue()
    assert sorted(Article.objects.values_list("title", flat=True)) == ["First story", "Second story"]


def test_a_folder_skips_hidden_files_hidden_folders_pipes_and_linked_folders(tmp_path):
    """What a saved-pages folder holds besides pages: an editor's `.swp`, a `.git` folder, a named
    pipe (opening it would wait forever) and a link back to the folder itself (a loop)."""
    write(tmp_path, "b-story.txt", page("Story B", ["B."]))
    write(tmp_path, ".a-story.txt.swp", page("Swap file", ["Not a story."]))
    hidden = tmp_path / ".git"
    hidden.mkdir()
    write(hidden, "inside.txt", page("In a hidden folder", ["No."]))
    nested = tmp_path / "a-nested"
    nested.mkdir()
    write(nested, "a-story.txt", page("Story A", ["A."]))
    os.mkfifo(tmp_path / "pipe.txt")
    (nested / "loop").symlink_to(tmp_path, target_is_directory=True)
    out, _ = run_import(tmp_path)
    assert "2 created, 0 updated, 0 unchanged, 0 failed" in out
    sources = SourceDocument.objects.order_by("pk").values_list("origin", flat=True)
    assert [Path(source).name for source in sources] == ["a-story.txt", "b-story.txt"]  # in name order


def test_exception_injected_mid_load_leaves_no_partial_article(tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise DatabaseError("disk full (injected)")

    monkeypatch.setattr(story_links, "create_teasers", explode)  # after the source, image and article rows
    with pytest.raises(CommandError):
        run_import(SEED)
    for model in (Article, SourceDocument, Image, RelatedLink):
        assert not model.objects.exists()


def test_a_page_failing_mid_load_does_not_stop_the_others(tmp_path, monkeypatch):
    real = story_links.create_teasers

    def explode_for_one(articles, pages, **kwargs):
        if any(p.parsed.title == "Bad story" for p in pages):
            raise DatabaseError("injected")
        return real(articles, pages, **kwargs)

    monkeypatch.setattr(story_links, "create_teasers", explode_for_one)
    for name in ["Good one", "Bad story", "Good two"]:
        write(tmp_path, f"{name}.txt", page(name, [f"{name} body text."]))
    with pytest.raises(CommandError):
        run_import(tmp_path)
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Good one", "Good two"]
    assert SourceDocument.objects.count() == 2


def test_teasers_link_to_archived_stories_and_are_relinked_when_the_target_arrives(tmp_path):
    run_import(write(tmp_path, "a.txt", page("Story A", ["About A."], teaser="Story B")))
    teaser = RelatedLink.objects.get(title="Story B")
    assert teaser.target is None
    run_import(write(tmp_path, "b.txt", page("Story B", ["About B."], teaser="Story A")))
    teaser.refresh_from_db()
    assert teaser.target.title == "Story B"
    assert RelatedLink.objects.get(title="Story A").target.title == "Story A"


def test_json_lines_on_stdout_only(tmp_path):
    out, err = run_import("--dry-run", "--json", SEED)
    [line] = out.strip().splitlines()
    data = json.loads(line)
    for key in [
        "source",
        "layout",
        "title",
        "section",
        "read_minutes",
        "published",
        "authors",
        "hero_image",
        "paragraphs",
        "teasers",
        "truncated",
        "warnings",
    ]:
        assert key in data
    assert data["source"] == str(SEED) and data["published"] is None and data["read_minutes"] == 2
    assert data["hero_image"]["credit"] == "Mikhail Klimentyev / Sputnik / AFP via Getty Images"
    assert data["authors"][0]["role"] == "Senior News Editor"
    assert "1 created" in err


def test_stdin_glob_and_overrides(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED.read_bytes())))
    run_import("--section", "Archive", "--published", "2025-03-18", "--status", "draft", "-")
    article = Article.objects.get()
    assert article.section.name == "Archive" and article.status == "draft"
    assert article.published_at.date().isoformat() == "2025-03-18"
    assert article.source.origin == "-"
    write(tmp_path, "x1.txt", page("Glob one", ["One."]))
    write(tmp_path, "x2.txt", page("Glob two", ["Two."]))
    out, _ = run_import(str(tmp_path / "x*.txt"))
    assert "2 created" in out


def test_many_pages_take_a_bounded_number_of_queries(tmp_path, django_assert_max_num_queries):
    for n in range(60):
        write(
            tmp_path,
            f"{n:03}.txt",
            page(f"Story number {n}", [f"Body of story {n}."], teaser="Story number 1"),
        )
    with django_assert_max_num_queries(30):  # batched: not 60 × (many queries)
        run_import(tmp_path)
    assert Article.objects.count() == 60
    assert RelatedLink.objects.filter(target__title="Story number 1").count() == 60


def test_an_import_teaches_the_spelling_suggester_its_words(client):
    run_import(SEED)
    page = client.get("/search/", {"q": "kremlim"}).content.decode()
    assert "Did you mean" in page and "kremlin" in page.lower().split("did you mean", 1)[1][:300]


def test_an_author_an_editor_created_under_another_slug_is_reused_not_duplicated(tmp_path):
    from tests.factories import AuthorFactory

    editor_made = AuthorFactory(name="Jane Roe", slug="jroe", role="Reporter")
    run_import(write(tmp_path, "a.txt", page("A story by Jane", ["Text."])))
    assert Author.objects.filter(name="Jane Roe").count() == 1
    assert Article.objects.get().authors.get() == editor_made


def test_a_page_is_read_whole_and_a_huge_file_only_up_to_the_cap(tmp_path):
    from articles.importer.pages import read_file_bytes

    for size in (0, 1, 99, 100, 250):
        path = write(tmp_path, f"{size}.txt", b"x" * size)
        assert read_file_bytes(str(path), 100) == b"x" * min(size, 100)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_pages_parsed_in_other_processes_import_as_in_this_one(tmp_path, jobs):
    """--jobs: more files than are parsed here (PARALLEL_FROM), a broken file among them."""
    for n in range(70):
        write(tmp_path, f"{n:03}.txt", page(f"Story number {n}", [f"Paragraph {n}."]))
    write(tmp_path, "zz.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path), "--jobs", jobs, stdout=out, stderr=io.StringIO())
    assert "70 created, 0 updated, 0 unchanged, 1 failed" in out.getvalue()
    assert f"failed: {tmp_path / 'zz.jpg'}: JPEG image, not a page" in out.getvalue()
    assert Article.objects.count() == 70


def test_read_ahead_keeps_the_order_and_raises_a_readers_error_after_the_pages_before_it():
    from articles.management.commands.import_articles import read_ahead

    for count in (0, 1, 25, 26, 401):
        assert list(read_ahead(iter(range(count)))) == list(range(count))

    def failing():
        yield from range(30)
        raise OSError("disk gone")

    seen = []
    with pytest.raises(OSError, match="disk gone"):
        seen.extend(read_ahead(failing()))
    assert seen == list(range(30))


def test_a_pages_own_date_modified_is_its_revision_never_the_import_time(tmp_path):
    page = """<html><head><script type="application/ld+json">{"@context": "https://schema.org",
    "@type": "NewsArticle", "headline": "Port reopens", "datePublished": "2025-01-10T09:00:00+00:00",
    "dateModified": "2025-02-03T12:30:00+00:00", "author": {"@type": "Person", "name": "Ann Lee"}}
    </script></head><body><article><h1>Port reopens</h1><p>Ships sail again from the port.</p>
    </article></body></html>"""
    (tmp_path / "revised.html").write_text(page)
    (tmp_path / "plain.html").write_text(page.replace('"dateModified": "2025-02-03T12:30:00+00:00",', "")
                                         .replace("Port reopens", "Port closes"))  # fmt: skip
    run_import(str(tmp_path))
    revised, plain = Article.objects.get(title="Port reopens"), Article.objects.get(title="Port closes")
    assert revised.revised_at.isoformat() == "2025-02-03T12:30:00+00:00"
    assert plain.revised_at is None and plain.updated_at > plain.published_at  # loaded today, not revised


def test_files_that_are_not_pages_are_refused_by_name_and_the_pages_beside_them_imported(tmp_path):
    import gzip
    import zipfile

    from tests.factories import png_upload

    seed_text = SEED.read_bytes()
    (tmp_path / "good.txt").write_bytes(seed_text)
    (tmp_path / "page.html.gz").write_bytes(
        gzip.compress(b"<html><head><title>Port reopens</title></head><body><article><h1>Port reopens"
                      b"</h1><p>Ships sail again from the port on Monday.</p></article></body></html>")
    )  # fmt: skip
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40)
    (tmp_path / "hero.png").write_bytes(png_upload().read())
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    with zipfile.ZipFile(tmp_path / "archive.zip", "w") as archive:
        archive.writestr("inside.txt", "text")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"\n  \n")
    (tmp_path / "data.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "broken.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")

    with pytest.raises(CommandError) as failed:
        run_import(str(tmp_path))
    assert failed.value.returncode == 1
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted([SEED_TITLE, "Port reopens"])
    assert SourceDocument.objects.count() == 2  # nothing of the refused files is kept


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe1" + b"\x00" * 64, "JPEG image, not a page"),
        ("scan.pdf", b"%PDF-1.4\n" + b"\x00" * 64, "PDF document, not a page"),
        (
            "archive.zip",
            b"PK\x03\x04" + b"\x00" * 64,
            "ZIP archive (or an Office or EPUB document), not a page",
        ),
        ("empty.txt", b"", "empty file, not a page"),
        ("data.bin", bytes(range(256)) * 4, "binary data, not a text or HTML page"),
        ("broken.gz", b"\x1f\x8b\x08\x00garbage", "gzip file that cannot be unpacked"),
    ],
)
def test_each_refusal_says_what_the_file_is(tmp_path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path / name), stdout=out, stderr=err)
    assert f"failed: {tmp_path / name}: {reason}" in out.getvalue()
    assert Article.objects.count() == 0 and SourceDocument.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_unmigrated_database_gets_a_clear_error_and_nothing_is_read(tmp_path):
    """Ops running the importer before `make migrate` (e.g. after pulling a new version)."""
    call_command("migrate", "articles", "0024", verbosity=0)
    try:
        with pytest.raises(CommandError, match="run `make migrate`"):
            run_import(write(tmp_path, "story.txt", page("A story", ["Text."])))
    finally:
        call_command("migrate", verbosity=0)
    assert not SourceDocument.objects.exists()
