"""The archive's data model. Integrity lives in the database: unique slugs, check constraints,
and `on_delete` chosen per relation (see each field's comment)."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Func, IntegerField, Q
from django.db.models.functions import Now, Upper
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from articles import rules
from articles.corrections import Correction  # noqa: F401 (models of this app: registered here)
from articles.import_log import ImportedStory, ImportRun  # noqa: F401
from articles.querysets import (
    LISTING_ORDER,
    UTC_MONTH_DAY,
    ArticleAuthorQuerySet,
    ArticleQuerySet,
    SectionQuerySet,
)
from articles.richtext import BODY_EDITOR, body_text, clean_body, reading_minutes
from articles.rules import is_public, listing_order
from articles.search_log import SearchCount, SearchWeek  # noqa: F401
from articles.search_terms import SynonymGroup  # noqa: F401
from authors.models import Author
from newsroom.links import section_url, story_url
from newsroom.renditions import RENDITION_WIDTHS, belong_to, make_renditions
from newsroom.uploads import validate_image_upload

PHRASE_PAIRS_FIELD = ArrayField(IntegerField())  # what `articles_phrase_pairs` returns
# What the importer derives from a story's page, by the names an editor's changes are recorded
# under (`Article.edited_fields`): "authors" and "teasers" are the inlines.
EDITABLE_FROM_SOURCE = (
    "title", "summary", "body", "reading_minutes", "published_at", "section", "hero_image",
    "canonical_url", "authors", "teasers",
)  # fmt: skip


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(slug=""), name="section_slug_not_empty")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return section_url(self.slug)


class Image(models.Model):
    """A picture as the page described it. Scraped pages carry captions and credits but rarely the
    file itself, so the file is optional and pages render a placeholder figure without it."""

    file = models.ImageField(
        upload_to="images/%Y/%m/",
        blank=True,
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
        help_text="JPEG, PNG, WebP or GIF, 5 MB at most.",
    )
    source_url = models.URLField(max_length=2000, blank=True, help_text="Where the original page had it.")
    alt_text = models.CharField(max_length=500, blank=True)
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Smaller WebP copies of the file, made when it is uploaded (articles/renditions.py):
    # [{"width", "height", "name"}], narrowest first.
    renditions = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (self.caption or self.alt_text or self.source_url or f"Image {self.pk}")[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)  # the upload is stored first: its name is final
        if (
            self.file
            and self.width
            and self.width > RENDITION_WIDTHS[0]
            and not belong_to(self.renditions, self.file.name)
        ):
            self.renditions = make_renditions(self.file, self.file.storage)
            Image.objects.filter(pk=self.pk).update(renditions=self.renditions)


class SourceDocument(models.Model):
    """A raw imported page, verbatim. A better parser can re-derive every article from these."""

    text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    origin = models.CharField(max_length=1000, blank=True, help_text="File name or URL it came from.")
    layout = models.CharField(max_length=50, blank=True)
    parser_version = models.CharField(max_length=20, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="source_sha256_hex"),
        ]

    def __str__(self) -> str:
        return self.origin or self.sha256[:12]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = rules.PUBLISHED, "Published"

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    # PROTECT: deleting a section must not silently delete its stories.
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    summary = models.TextField(blank=True, help_text="The dek: one or two sentences under the headline.")
    # HTML from the admin's editor or the importer, cleaned to the editor's allow-list on every
    # save (articles/richtext.py); search indexes its words only.
    body = ProseEditorField(config=BODY_EDITOR, sanitize=clean_body, blank=True)
    reading_minutes = models.PositiveSmallIntegerField(
        default=0, blank=True, help_text="Leave empty to compute it from the word count."
    )
    # Nullable on purpose: many archived pages carry no date, and we never invent one.
    published_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # SET_NULL: an image removed from the library leaves the story standing.
    hero_image = models.ForeignKey(Image, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    authors = models.ManyToManyField(Author, through="ArticleAuthor", related_name="articles", blank=True)
    byline = models.CharField(max_length=500, blank=True, help_text="Kept in step with the authors on save.")
    # SET_NULL: the raw source is evidence, not a parent; sources are never deleted by the app.
    source = models.ForeignKey(
        SourceDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    canonical_url = models.URLField(max_length=2000, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When readers last saw the story change after its publication: an editor's change to what
    # they read (admin), or the source page's own dateModified (importer). Never an import's or
    # a bulk action's time; the pages' "Updated" line and dateModified come from here.
    revised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The fields an editor changed in the admin (EDITABLE_FROM_SOURCE names them): a re-import of
    # the story's page or `reparse_sources` never overwrites them.
    edited_fields = ArrayField(models.CharField(max_length=30), default=list, blank=True, editable=False)
    # Stored and weighted, so search reads it instead of re-parsing bodies per query.
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
        + SearchVector("byline", weight="D", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # Title and summary only: ~20x smaller than `search_vector`, so search can rank and pick
    # candidates cheaply (articles/search/, "Ranking"). Search-owned.
    search_vector_head = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The story's section, authors and year as lexemes (`filter_lexeme`), indexed beside each
    # search vector so that a word search narrowed to a section or an author, or a results page's
    # newest headline matches, is one GIN scan. ANDed from a second index instead, every posting
    # of a common word was decoded first (`doctor author:<one>` 21 ms → 2 ms at 1M stories).
    # Database triggers keep it (migrations 0007, 0008), from any write path: a story's section
    # and date, and its bylines being added, changed or removed.
    search_filters = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = list(LISTING_ORDER)
        # Editors hold it, contributors do not (migration 0019, articles/admin.py `PublishingGate`).
        permissions = [("publish_article", "Can publish, schedule and change published stories")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="article_status_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="article_title_not_empty"),
            models.CheckConstraint(condition=~Q(slug=""), name="article_slug_not_empty"),
        ]
        indexes = [
            GinIndex(fields=["search_vector", "search_filters"], name="article_search_gin"),
            GinIndex(fields=["search_vector_head", "search_filters"], name="article_search_head_gin"),
            # A quoted phrase's candidates: the GIN indexes above keep no word positions, so each
            # story holding all of a phrase's words was re-read to check their order (5,335 body
            # vectors for "straw never" at 1M stories, 45 ms). This one indexes every pair of
            # adjacent words (hashed, `articles_phrase_pairs`, migration 0009), and search
            # re-reads only the stories holding the phrase's pairs (articles/search/).
            GinIndex(
                Func(F("search_vector"), function="articles_phrase_pairs", output_field=PHRASE_PAIRS_FIELD),
                name="article_phrase_pairs_idx",
            ),
            # Search's exact-title jump (`title__iexact` compares UPPER()s).
            models.Index(Upper("title"), name="article_title_upper_idx"),
            # Every story in listing order, whatever its status: the admin's list, date ranges,
            # and the date archive's walk from period to period (`periods`).
            models.Index(*LISTING_ORDER, name="article_published_idx"),
            # `/healthz`'s count of stories search cannot find: empty, so it costs nothing to read.
            models.Index(
                fields=["id"], name="article_unindexed_idx", condition=Q(search_vector__isnull=True)
            ),
            # The editors' queue: drafts and unpublished stories, in the same order.
            models.Index(
                *LISTING_ORDER,
                name="article_draft_idx",
                condition=Q(status="draft"),
            ),
            # Matches the public listings' ORDER BY.
            models.Index(
                *LISTING_ORDER,
                name="article_listing_idx",
                condition=Q(status="published"),
            ),
            # A section page: its stories newest first, without walking the whole archive.
            models.Index(
                "section",
                *LISTING_ORDER,
                name="article_section_listing_idx",
                condition=Q(status="published"),
            ),
            # Sitemaps' lastmod and feeds' "latest change": MAX(updated_at) walks this backwards.
            models.Index(F("updated_at").desc(), name="article_updated_idx", condition=Q(status="published")),
            # "On this day" (`on_this_day`): a calendar day's stories of every year, by UTC month-day.
            models.Index(UTC_MONTH_DAY, name="article_on_this_day_idx", condition=Q(status="published")),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Bodies arrive with any HTML: cleaned here, on every path that saves a story (forms,
        scripts, the importer)."""
        self.body = clean_body(self.body)  # (line ends of every text field: articles/signals.py)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return story_url(self.slug)

    @property
    def body_text(self) -> str:
        return body_text(self.body)

    @property
    def paragraphs(self) -> list[str]:
        """The body's blocks (paragraphs, subheads, list items) as plain text."""
        text = self.body_text
        return text.split("\n\n") if text else []

    @property
    def publication(self) -> str:
        """Where the story stands, for editors: "Draft", "Scheduled for …", "Published …"."""
        if self.status == self.Status.DRAFT:
            return "Draft"
        if self.published_at is None:
            return "Published (date unknown)"
        when = timezone.localtime(self.published_at)
        if when > timezone.now():
            return f"Scheduled for {when:%b} {when.day}, {when.year}, {when:%H:%M}"
        return f"Published {when:%b} {when.day}, {when.year}"

    @property
    def is_public(self) -> bool:
        return is_public(self.status, self.published_at)

    def compute_reading_minutes(self) -> int:
        return reading_minutes(self.body)

    def refresh_byline(self) -> None:
        """Recompute the denormalised byline from the ordered authors and save it if it changed."""
        byline = format_byline([link.author.name for link in self.author_links.select_related("author")])
        if byline != self.byline:
            self.byline = byline
            self.save(update_fields=["byline", "updated_at"])


def format_byline(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def filter_lexeme(kind: str, value: int) -> str:
    """A story's `search_filters` entry for its section (`kind` "section", its pk), one of its
    authors ("author", the pk) or the UTC year it was published ("year"). Migration 0008's
    `articles_search_filters()` writes the same."""
    return {"section": "s", "author": "a", "year": "y"}[kind] + str(int(value))


class ArticleAuthor(models.Model):
    """An author's place in a byline; `position` orders them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="author_links")
    # PROTECT: an author with bylines cannot vanish from the stories they wrote.
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="article_links")
    position = models.PositiveSmallIntegerField(default=0)
    # Copies of the story's status and date, so an author's stories can be listed newest first
    # from one index (`author_listing_idx`), as a section's are. Database triggers keep them
    # (migration 0005): whatever the app writes here is replaced by the story's own values, and
    # any change to a story's status or date reaches its bylines in the same statement.
    article_status = models.CharField(max_length=10, default="draft", editable=False)
    article_published_at = models.DateTimeField(null=True, editable=False)

    objects = ArticleAuthorQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="article_author_unique"),
        ]
        indexes = [
            # An author page and "More by": the author's public stories, newest first.
            models.Index(
                "author",
                *listing_order("article_published_at", "article"),
                name="author_listing_idx",
                condition=Q(article_status="published"),
            ),
        ]
        verbose_name = "author"

    def __str__(self) -> str:
        return f"{self.author} on {self.article}"


class RelatedLink(models.Model):
    """A related-story teaser shown under an article."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        VIDEO = "video", "Video"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="teasers")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    url = models.URLField(max_length=2000, blank=True)
    image = models.ForeignKey(Image, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # SET_NULL: the teaser survives when its archived target is deleted (it falls back to `url`).
    target = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="teased_by"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ARTICLE)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["article", "video"]), name="related_kind_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="related_title_not_empty"),
        ]
        indexes = [models.Index(fields=["title"], name="related_title_idx")]

    def __str__(self) -> str:
        return self.title


class OldSlug(models.Model):
    """An address a story had: `/articles/<slug>/` answers with a permanent redirect to the story's
    current address while the story is public (`articles.views.story`).

    Database triggers keep these rows (migration 0017), so every way of writing a story records
    them: the admin, the importer, a restored revision, a queryset's `update()`. A story's old slug
    points at the story itself, not at its next slug, so a chain of renames is one hop; the slug a
    story takes (a rename, a rename back, a new story) is removed, so the live story always wins
    and no story redirects to itself."""

    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)  # Article.slug's shape
    # CASCADE: a deleted story's old addresses answer 404, as its own does.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    left_at = models.DateTimeField(db_default=Now(), editable=False)  # when the story left it

    class Meta:
        ordering = ["-left_at", "-id"]
        verbose_name = "old address"

    def __str__(self) -> str:
        return self.slug
