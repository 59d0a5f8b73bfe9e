"""The editors' admin: write, correct, schedule and publish stories."""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from js_asset import Media

from articles import (
    admin_imports,  # noqa: F401 (registers the imports' audit trail)
    admin_search,  # noqa: F401 (registers search's synonyms)
    admin_search_log,  # noqa: F401 (registers the report of what readers searched for)
    revisions,
)
from articles.admin_history import StoryHistory
from articles.corrections import Correction
from articles.events import archive_changed_in_bulk
from articles.models import (
    EDITABLE_FROM_SOURCE,
    Article,
    ArticleAuthor,
    Image,
    RelatedLink,
    Section,
    SourceDocument,
)
from articles.querysets import SEARCH_COLUMNS
from authors.models import Author
from newsroom.links import story_url


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["position", "author"]


class RelatedLinkInline(admin.StackedInline):
    model = RelatedLink
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["target", "image"]
    fields = [("position", "kind"), "title", "summary", "url", "target", "image"]


class CorrectionInline(admin.StackedInline):
    """Corrections and updates readers see at the foot of the story, on /corrections/ and in its feed."""

    model = Correction
    extra = 0
    fields = [("kind", "made_at"), "text"]


class AdminStyles:
    """The admin's few extra styles, from a file: the Content-Security-Policy forbids inline styles."""

    css = {"all": ["css/admin.css"]}


class StoryFormMedia(AdminStyles):
    js = ["js/admin-title-count.js"]  # the headline's character count


class AuthorsWithStoriesFilter(admin.RelatedFieldListFilter):
    """The authors who have a byline: one index probe per author, where the framework's
    RelatedOnlyFieldListFilter gathered the distinct authors of every story (190 ms at 1M)."""

    def field_choices(self, field, request: HttpRequest, model_admin) -> list[tuple[int, str]]:
        bylines = ArticleAuthor.objects.filter(author=OuterRef("pk"))
        return [
            (author.pk, str(author)) for author in Author.objects.filter(Exists(bylines)).order_by("name")
        ]


def image_thumbnail(image: Image | None) -> str:
    if image is None:
        return "—"
    if image.file:
        return format_html('<img src="{}" alt="{}" class="newsroom-thumb">', image.file.url, image.alt_text)
    return format_html("<em>No file</em> — {}", image.caption[:120] or image.alt_text or image.source_url)


class DateDrillDownChangeList(ChangeList):
    """Django's changelist, with a drill-down date it cannot build (`published_at__year=99999`, a
    year past 9999, a number past 2**63) refused as a bad filter (the admin's "?e=1" page) rather
    than raised: Django turns only ValueError from `int()` into one, not OverflowError, nor the
    ValueError of the year after 9999."""

    def get_filters(self, request: HttpRequest):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


# What readers see of a story: a change to one of these after it went public is a revision
# ("Updated …" on the page, dateModified); a change to its slug, status or provenance is not.
READER_FIELDS = {"title", "summary", "body", "section", "hero_image"}


INLINE_NAMES = {"author_links": "authors", "teasers": "teasers"}  # formset prefix → edited field


def _edited(article: Article, changed: list[str]) -> list[str]:
    """The story's editor-changed fields, with `changed` added (those its page gives)."""
    return sorted(set(article.edited_fields) | (set(changed) & set(EDITABLE_FROM_SOURCE)))


def _was_public(form) -> bool:
    """Whether the story was public before this save (the form's initial values)."""
    published_at = form.initial.get("published_at")
    status = form.initial.get("status")
    return status == Article.Status.PUBLISHED and published_at is not None and published_at <= timezone.now()


# Roles (docs/editors.md, "Who can do what"; the groups are made by migration 0018): Contributors
# write drafts; Editors also hold PUBLISH_PERMISSION, which every publishing check below asks for.
PUBLISH_PERMISSION = "articles.publish_article"


def may_publish(user) -> bool:
    """Whether the user may publish, schedule and change what readers can see (superusers may)."""
    return user.has_perm(PUBLISH_PERMISSION)


class PublishingGate:
    """A ModelAdmin's publishing rights, in one place: for whoever may not publish, the
    `publishing_fields` are read-only, an object `is_released` (readers see it, or will) is
    read-only too (its change view shows it, a POST is refused), and the actions marked
    `@admin.action(permissions=["publish"])` are neither offered nor run. A model that goes public
    (a story's corrections, say) gets the same rules by taking this in and saying `is_released`."""

    publishing_fields: tuple[str, ...] = ()

    def is_released(self, obj) -> bool:
        raise NotImplementedError

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return may_publish(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and self.is_released(obj) and not self.has_publish_permission(request):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly += [name for name in self.publishing_fields if name not in readonly]
        return readonly

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        # What the read-only fields keep: a forged form cannot get past them, nor a story that
        # went public between showing the form and saving it (has_change_permission).
        if self.is_released(obj) and not self.has_publish_permission(request):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(Article)
class ArticleAdmin(PublishingGate, StoryHistory, admin.ModelAdmin):
    Media = StoryFormMedia

    # Four columns: a 1,280-pixel screen shows them beside the admin's menu and the filters.
    list_display = ["title", "section", "byline", "publication"]
    list_filter = ["status", "section", ("authors", AuthorsWithStoriesFilter), "published_at"]
    list_select_related = ["section"]
    search_fields = ["title"]  # shows the search box; the search itself is get_search_results
    search_help_text = (
        'Full-text search over title, summary, body and byline ("quoted phrase", -exclude, or), '
        "or a story's exact title."
    )
    # One count per page, not two: counting the whole archive again costs ~30 ms at 1M stories.
    show_full_result_count = False
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "hero_image"]
    readonly_fields = [
        "publication",
        "old_addresses",
        "hero_preview",
        "byline",
        "source",
        "created_at",
        "updated_at",
    ]
    inlines = [ArticleAuthorInline, RelatedLinkInline, CorrectionInline]
    actions = ["publish", "unpublish"]
    publishing_fields = ("status", "published_at")  # a contributor's story stays a draft
    fieldsets = [
        (None, {"fields": ["title", "slug", "old_addresses", "section", "summary", "body"]}),
        (
            "Publishing",
            {
                "fields": ["publication", "status", "published_at", "reading_minutes"],
                "description": "A published story with a future date stays hidden until then.",
            },
        ),
        ("Hero image", {"fields": ["hero_image", "hero_preview"]}),
        (
            "Provenance",
            {
                "fields": ["byline", "canonical_url", "source", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).defer(*SEARCH_COLUMNS)

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return DateDrillDownChangeList

    def render_change_form(self, request: HttpRequest, context: dict, *args, **kwargs):
        # The body editor's modules load through an import map, an inline script: it and the
        # editor's scripts carry this response's CSP nonce (settings.CONTENT_SECURITY_POLICY).
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_changelist_instance(self, request: HttpRequest):
        changelist = super().get_changelist_instance(request)
        if changelist.query.strip():
            # No date drill-down over search results: its first and last dates would be found by
            # walking the date index testing each story's vector (a search with no match read
            # the whole archive that way, 19 s at 1M stories). The date filter stays.
            changelist.date_hierarchy = None
        return changelist

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """Words in the stored vector, or the exact title. Both are indexed (the GIN vector, the
        title's UPPER() index), so PostgreSQL ORs two bitmaps; a substring test on titles, as
        search_fields would make, cannot use an index and made PostgreSQL test every story's
        vector row by row (19 s at 1M stories)."""
        term = search_term.strip()[:500]
        if not term:
            return queryset, False
        query = SearchQuery(term, search_type="websearch", config="english")
        return queryset.filter(Q(search_vector=query) | Q(title__iexact=term)), False

    def is_released(self, article: Article) -> bool:
        """Published or scheduled: only those who may publish change it."""
        return article.status == Article.Status.PUBLISHED

    @admin.display(description="Publication", ordering="published_at")
    def publication(self, article: Article) -> str:
        return article.publication

    @admin.display(description="Old addresses")
    def old_addresses(self, article: Article) -> str:
        """The story's old slugs (`OldSlug`, recorded whenever its slug changes): what still leads
        readers here."""
        slugs = article.old_slugs.values_list("slug", flat=True) if article.pk else []
        links = format_html_join(", ", "<code>{}</code>", ((story_url(slug),) for slug in slugs))
        note = "Each answers with a permanent redirect to the story's address while it is published."
        return format_html('{}<div class="help">{}</div>', links, note) if links else "—"

    @admin.display(description="Preview")
    def hero_preview(self, article: Article) -> str:
        return image_thumbnail(article.hero_image)

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        if not obj.reading_minutes:  # left empty in the form: derive it from the body
            obj.reading_minutes = obj.compute_reading_minutes()
        if change and _was_public(form) and set(form.changed_data) & READER_FIELDS:
            obj.revised_at = timezone.now()
        if change:  # a re-import or re-parse of its page must not undo what the editor did
            obj.edited_fields = _edited(obj, form.changed_data)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        article = form.instance
        article.refresh_byline()  # the byline follows the ordered authors inline
        changed = [INLINE_NAMES[f.prefix] for f in formsets if f.prefix in INLINE_NAMES and f.has_changed()]
        if change and changed:
            updates = {"edited_fields": _edited(article, changed)}
            if _was_public(form):
                updates["revised_at"] = timezone.now()  # bylines, teasers
            Article.objects.filter(pk=article.pk).update(**updates)

    @admin.action(description="Publish selected stories", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        count = self._set_status(request, queryset, Article.Status.PUBLISHED, "Published (bulk action)")
        self.message_user(request, f"Published {count} stories.", messages.SUCCESS)

    @admin.action(description="Unpublish selected stories (back to draft)", permissions=["publish"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        message = "Unpublished: back to draft (bulk action)"
        count = self._set_status(request, queryset, Article.Status.DRAFT, message)
        self.message_user(request, f"Unpublished {count} stories.", messages.SUCCESS)

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str, message: str) -> int:
        """One UPDATE for the selection, and a history entry and a revision per story (restorable
        alone), as a single save writes."""
        changing = queryset.exclude(status=status)
        stories = list(changing.select_related(None).defer(*SEARCH_COLUMNS))
        for story in stories:  # those the import wrote: as they were, before this changes them
            revisions.keep_baseline(story)
        count = changing.update(status=status, updated_at=timezone.now())
        changed = Article.objects.filter(pk__in=[story.pk for story in stories]).defer(*SEARCH_COLUMNS)
        revisions.record_each(changed, f"{message}.", user=request.user)
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=stories,
            action_flag=CHANGE,
            change_message=f"{message}.",
            single_object=False,
        )
        archive_changed_in_bulk.send(sender=__name__)  # update() sends no model signals
        return count


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    Media = AdminStyles

    list_display = ["thumbnail", "caption", "credit", "created_at"]
    search_fields = ["caption", "credit", "alt_text"]
    readonly_fields = ["thumbnail", "width", "height"]

    @admin.display(description="Image")
    def thumbnail(self, image: Image) -> str:
        return image_thumbnail(image)


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    """Sources are evidence: shown, never edited."""

    Media = AdminStyles

    list_display = ["origin", "layout", "parser_version", "warning_count", "imported_at"]
    list_filter = ["layout", "parser_version"]
    search_fields = ["origin", "sha256"]
    readonly_fields = [
        "origin",
        "sha256",
        "layout",
        "parser_version",
        "warning_list",
        "imported_at",
        "raw_text",
    ]
    exclude = ["text", "warnings"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="Warnings")
    def warning_count(self, source: SourceDocument) -> int:
        return len(source.warnings or [])

    @admin.display(description="Warnings")
    def warning_list(self, source: SourceDocument) -> str:
        warnings = source.warnings or []
        if not warnings:
            return "None"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in warnings)))

    @admin.display(description="Raw text")
    def raw_text(self, source: SourceDocument) -> str:
        return format_html('<pre class="newsroom-raw">{}</pre>', source.text)
