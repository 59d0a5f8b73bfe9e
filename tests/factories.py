"""factory_boy factories for the archive's models."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, ArticleAuthor, Image, RelatedLink, Section, SourceDocument
from authors.models import Author


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"author-{n}")
    role = "Reporter"
    bio = factory.Faker("paragraph")


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    alt_text = factory.Faker("sentence")
    caption = factory.Faker("sentence")
    credit = "Photographer / Agency"


class SourceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDocument

    text = factory.Faker("paragraph")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    origin = factory.Sequence(lambda n: f"page-{n}.txt")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Faker("sentence", nb_words=8)
    slug = factory.Sequence(lambda n: f"story-{n}")
    section = factory.SubFactory(SectionFactory)
    summary = factory.Faker("sentence", nb_words=20)
    body = factory.LazyFunction(lambda: "\n\n".join(factory.Faker._get_faker().paragraphs(4)))
    reading_minutes = 3
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))

    @factory.post_generation
    def authors(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            for position, author in enumerate(extracted):
                ArticleAuthor.objects.create(article=self, author=author, position=position)
            self.refresh_byline()


class RelatedLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedLink

    article = factory.SubFactory(ArticleFactory)
    title = factory.Faker("sentence")
    url = "https://example.com/story"


def png_upload(name: str = "hero.png", size: tuple[int, int] = (32, 18)) -> SimpleUploadedFile:
    """A small, real PNG as an upload, for ImageFields."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#446").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
