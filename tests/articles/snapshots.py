"""What an archived story carries, as plain data without ids or timestamps: for tests that compare
an article before and after a round trip (re-import, fixture load)."""

from articles.models import Article

STORY_FIELDS = ("title", "slug", "section__name", "summary", "body", "reading_minutes", "published_at",
                "status", "byline", "canonical_url")  # fmt: skip


def describe_article(article: Article, *, with_source: bool = False) -> dict:
    hero = article.hero_image
    snapshot = {
        "fields": Article.objects.filter(pk=article.pk).values(*STORY_FIELDS).get(),
        "authors": list(
            article.authors.order_by("article_links__position").values("name", "slug", "role", "bio")
        ),
        "hero": hero and (hero.alt_text, hero.caption, hero.credit),
        "teasers": list(
            article.teasers.values("position", "title", "summary", "url", "kind", "target__slug")
        ),
    }
    if with_source:
        source = article.source
        snapshot["source"] = (source.sha256, source.text, source.layout, source.warnings)
    return snapshot
