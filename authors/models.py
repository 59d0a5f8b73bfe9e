from django.db import models
from django.db.models.functions import Lower
from django.utils.text import slugify

from newsroom.links import author_url
from newsroom.renditions import AVATAR_WIDTHS, belong_to, make_renditions
from newsroom.uploads import validate_image_upload


class Author(models.Model):
    """A byline: a person or a desk ("Kyiv Independent news desk")."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, allow_unicode=True)
    # Free text: roles change and newsrooms invent new ones; no closed list.
    role = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    avatar = models.ImageField(
        upload_to="avatars/%Y/",
        blank=True,
        validators=[validate_image_upload],
        help_text="JPEG, PNG or WebP.",
    )
    # A small WebP copy of the avatar, made when it is uploaded (newsroom/renditions.py).
    avatar_renditions = models.JSONField(default=list, blank=True, editable=False)
    is_organization = models.BooleanField(
        default=False, help_text="A desk or staff byline rather than a person (schema.org Organization)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="author_name_not_empty"),
            models.CheckConstraint(condition=~models.Q(slug=""), name="author_slug_not_empty"),
        ]
        indexes = [models.Index(Lower("name"), name="author_name_lower_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:220] or "author"
        super().save(*args, **kwargs)  # the upload is stored first: its name is final
        if self.avatar and not belong_to(self.avatar_renditions, self.avatar.name):
            self.avatar_renditions = make_renditions(self.avatar, self.avatar.storage, AVATAR_WIDTHS)
            Author.objects.filter(pk=self.pk).update(avatar_renditions=self.avatar_renditions)

    def get_absolute_url(self) -> str:
        return author_url(self.slug)

    @property
    def initials(self) -> str:
        return initials(self.name)


def initials(name: str) -> str:
    """An avatar's stand-in: the first letters of the first two words ("Abbey Fenbert": "AF")."""
    return "".join(word[0] for word in name.split()[:2] if word[:1].isalnum()).upper()
