"""The rows of the reader pages' statements (`articles.page_queries`), as typed classes.

The statements return each page's data in one row, nested as JSON; these classes give that data
its shape, with the models' field names, so templates and `articles.seo` read a row as they read a
model instance (`story.section.name`, `teaser.hero_image.file`). A picture's `file` is its path in
storage, as a model's `FieldFile.name`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from articles.corrections import Correction


def _date(value: str | None) -> datetime | None:
    """A timestamp inside JSON arrives as ISO 8601 text."""
    return datetime.fromisoformat(value) if value else None


@dataclass(slots=True)
class SectionRef:
    id: int
    name: str
    slug: str

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> SectionRef | None:
        return None if data is None else cls(**data)


@dataclass(slots=True)
class Picture:
    file: str
    alt_text: str
    width: int | None
    height: int | None
    renditions: dict[str, Any]
    source_url: str = ""
    caption: str = ""
    credit: str = ""

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> Picture | None:
        return None if data is None else cls(**data)


@dataclass(slots=True)
class StoryLink:
    """A link to another story: a neighbour, one of "More by", a story of a section block."""

    slug: str
    title: str
    published_at: datetime | None = None

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> StoryLink | None:
        if data is None:
            return None
        return cls(data["slug"], data["title"], _date(data.get("published_at")))


@dataclass(slots=True)
class Teaser:
    """A story in a list: its headline, dek, byline, date, section and (on the front page) picture."""

    id: int
    title: str
    slug: str
    summary: str
    byline: str
    reading_minutes: int | None
    published_at: datetime | None
    section: SectionRef | None
    hero_image: Picture | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> Teaser:
        return cls(
            data["id"], data["title"], data["slug"], data["summary"], data["byline"],
            data["reading_minutes"], _date(data["published_at"]), SectionRef.of(data["section"]),
            Picture.of(data.get("hero_image")),
        )  # fmt: skip


@dataclass(slots=True)
class AuthorRef:
    name: str
    slug: str


@dataclass(slots=True)
class AuthorFields:
    """An author as the reader pages show them (`authors.models.Author`'s fields)."""

    id: int
    name: str
    slug: str
    role: str
    bio: str
    avatar: str
    avatar_renditions: dict[str, Any]
    is_organization: bool


@dataclass(slots=True)
class Contributor(AuthorFields):
    """An author on a story's byline, with their three newest other public stories."""

    more: list[StoryLink]
    initials: str = ""

    @classmethod
    def of(cls, data: dict[str, Any]) -> Contributor:
        more = [StoryLink.of(link) for link in data.pop("more")]
        return cls(**data, more=more)


@dataclass(slots=True)
class RelatedTeaser:
    """A teaser the story's page carried (`RelatedLink`); `target_slug` when it is a public story here."""

    title: str
    summary: str
    url: str
    kind: str
    image: Picture | None
    target_slug: str | None

    @classmethod
    def of(cls, data: dict[str, Any]) -> RelatedTeaser:
        data["image"] = Picture.of(data["image"])
        return cls(**data)


# What a note is called at the foot of the story, and what the line under the headline says of it.
NOTE_LABELS = dict(Correction.Kind.choices)
NOTE_VERBS = {
    Correction.Kind.CORRECTION: "Corrected",
    Correction.Kind.CLARIFICATION: "Clarified",
    Correction.Kind.UPDATE: "Updated",
    Correction.Kind.EDITORS_NOTE: "Editor's note added",
}


@dataclass(slots=True)
class Note:
    """A correction, clarification, update or editor's note on the story (`Correction`)."""

    kind: str
    text: str
    made_at: datetime
    label: str
    verb: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> Note:
        kind = data["kind"]
        return cls(kind, data["text"], _date(data["made_at"]), NOTE_LABELS[kind], NOTE_VERBS[kind])


@dataclass(slots=True)
class StoryPage:
    """The article page's story and everything around it."""

    id: int
    title: str
    slug: str
    summary: str
    body: str
    reading_minutes: int | None
    published_at: datetime | None
    updated_at: datetime
    revised_at: datetime | None
    status: str
    byline: str
    canonical_url: str
    is_public: bool
    section: SectionRef | None
    hero_image: Picture | None
    authors: list[Contributor]
    teasers: list[RelatedTeaser]
    older: StoryLink | None
    newer: StoryLink | None
    corrections: list[Note]

    @classmethod
    def of(cls, data: dict[str, Any]) -> StoryPage:
        data.update(
            section=SectionRef.of(data["section"]),
            hero_image=Picture.of(data["hero_image"]),
            authors=[Contributor.of(author) for author in data["authors"]],
            teasers=[RelatedTeaser.of(teaser) for teaser in data["teasers"]],
            older=StoryLink.of(data["older"]),
            newer=StoryLink.of(data["newer"]),
            corrections=[Note.of(note) for note in data["corrections"]],
        )
        return cls(**data)


@dataclass(slots=True)
class SectionBlock:
    """A section on the front page with its newest stories."""

    id: int
    name: str
    slug: str
    stories: list[StoryLink]


@dataclass(slots=True)
class HomeListing:
    count: int
    stories: list[Teaser]
    lead_authors: list[AuthorRef] | None
    section_blocks: list[SectionBlock] | None

    @classmethod
    def of(cls, data: dict[str, Any]) -> HomeListing:
        authors, blocks = data["lead_authors"], data["section_blocks"]
        return cls(
            count=data["count"],
            stories=[Teaser.of(story) for story in data["stories"]],
            lead_authors=None if authors is None else [AuthorRef(**author) for author in authors],
            section_blocks=None
            if blocks is None
            else [
                SectionBlock(
                    block["id"], block["name"], block["slug"], [StoryLink.of(s) for s in block["stories"]]
                )
                for block in blocks
            ],
        )


@dataclass(slots=True)
class SectionListing:
    id: int
    name: str
    slug: str
    description: str
    count: int
    stories: list[Teaser]

    @classmethod
    def of(cls, data: dict[str, Any]) -> SectionListing:
        data["stories"] = [Teaser.of(story) for story in data["stories"]]
        return cls(**data)


@dataclass(slots=True)
class AuthorListing(AuthorFields):
    count: int
    stories: list[Teaser]
    initials: str = ""

    @classmethod
    def of(cls, data: dict[str, Any]) -> AuthorListing:
        data["stories"] = [Teaser.of(story) for story in data["stories"]]
        return cls(**data)


# What a list page's statement returns: its stories and their count, with the list's own fields.
Listing = HomeListing | SectionListing | AuthorListing
