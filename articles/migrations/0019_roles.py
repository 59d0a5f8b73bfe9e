"""The newsroom's two roles as groups (docs/editors.md, "Who can do what").

Contributors write and edit drafts; Editors do everything with stories, corrections and authors,
and alone hold `articles.publish_article`: publish, schedule and change what readers can see
(articles/admin.py, `PublishingGate`). A person gets a role by being put in its group (and being staff).

Django makes the default permissions after the last migration (post_migrate): in a new database
they do not exist yet when this runs, so they are made here first, and `publish_article` with them
(`Article.Meta.permissions` declares it too, for databases made without migrations).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISH = ("publish_article", "Can publish, schedule and change published stories")

CONTRIBUTORS = "Contributors"
EDITORS = "Editors"

# (app label, model): the codename actions a role holds on it.
CONTRIBUTOR_PERMISSIONS = {
    ("articles", "article"): ["add", "change", "view"],
    # The story form's inlines: bylines and teasers are part of writing a story.
    ("articles", "articleauthor"): ["add", "change", "delete", "view"],
    ("articles", "relatedlink"): ["add", "change", "delete", "view"],
    # Pictures for a story; sections and authors to choose from.
    ("articles", "image"): ["add", "change", "view"],
    ("articles", "section"): ["view"],
    ("authors", "author"): ["view"],
}
EDITOR_MODELS = [
    ("articles", "article"),
    ("articles", "articleauthor"),
    ("articles", "relatedlink"),
    ("articles", "image"),
    ("articles", "section"),
    ("articles", "sourcedocument"),
    ("articles", "correction"),
    ("authors", "author"),
]


def _make_permissions(apps, using: str) -> None:
    """The content types and default permissions of the apps, and `publish_article`."""
    for label in ("articles", "authors"):
        app_config = apps.get_app_config(label)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True  # migration state apps have none; create_permissions needs one
        try:  # (it makes the content types first)
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            app_config.models_module = models_module
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    article = ContentType.objects.db_manager(using).get(app_label="articles", model="article")
    Permission.objects.using(using).get_or_create(
        content_type=article, codename=PUBLISH[0], defaults={"name": PUBLISH[1]}
    )


def create_roles(apps, schema_editor) -> None:
    using = schema_editor.connection.alias
    _make_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission").objects.using(using)

    contributor_codes = [
        (app, f"{action}_{model}")
        for (app, model), actions in CONTRIBUTOR_PERMISSIONS.items()
        for action in actions
    ]
    contributors, _ = Group.objects.using(using).get_or_create(name=CONTRIBUTORS)
    contributors.permissions.add(
        *[Permission.get(content_type__app_label=app, codename=code) for app, code in contributor_codes]
    )

    editors, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    for app, model in EDITOR_MODELS:  # every permission on these models, publish_article included
        editors.permissions.add(*Permission.filter(content_type__app_label=app, content_type__model=model))


def remove_roles(apps, schema_editor) -> None:
    using = schema_editor.connection.alias
    apps.get_model("auth", "Group").objects.using(using).filter(name__in=[CONTRIBUTORS, EDITORS]).delete()
    apps.get_model("auth", "Permission").objects.using(using).filter(
        content_type__app_label="articles", codename=PUBLISH[0]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_corrections"),
        ("authors", "0002_avatar_renditions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
