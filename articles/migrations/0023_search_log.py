# What readers could not find (issue 27): counts per normalised query and UTC day, nothing about
# the reader (articles/search_log.py); the last seven days summed per query as a view the admin's
# report reads; Editors may view the report.
import importlib

from django.db import migrations, models

ROLES = importlib.import_module("articles.migrations.0019_roles")

# `current_date` is UTC on Django's connections (USE_TZ), as the days counts are written under.
WEEK_VIEW = """
CREATE VIEW articles_searchweek AS
SELECT query, sum(searches) AS searches, sum(found_nothing) AS found_nothing, sum(opened) AS opened,
       max(day) AS last_day
FROM articles_searchcount
WHERE day > current_date - 7
GROUP BY query;
"""
DROP_WEEK_VIEW = "DROP VIEW articles_searchweek;"


def editors_read_the_report(apps, schema_editor) -> None:
    using = schema_editor.connection.alias
    ROLES._make_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.using(using).get_or_create(name=ROLES.EDITORS)
    editors.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="articles", codename="view_searchweek"
        )
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0022_search_terms")]

    operations = [
        migrations.CreateModel(
            name="SearchCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("query", models.CharField(max_length=200)),
                ("day", models.DateField()),
                ("searches", models.PositiveIntegerField(default=0)),
                ("found_nothing", models.PositiveIntegerField(default=0)),
                ("opened", models.PositiveIntegerField(default=0)),
            ],
            options={
                "ordering": ["-day", "-searches"],
                "indexes": [models.Index(fields=["day"], name="searchcount_day_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("query", "day"), name="searchcount_query_day")
                ],
            },
        ),
        migrations.CreateModel(
            name="SearchWeek",
            fields=[
                ("query", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("searches", models.PositiveIntegerField()),
                ("found_nothing", models.PositiveIntegerField()),
                ("opened", models.PositiveIntegerField()),
                ("last_day", models.DateField()),
            ],
            options={
                "verbose_name": "search this week",
                "verbose_name_plural": "searches this week",
                "db_table": "articles_searchweek",
                "ordering": ["-searches", "query"],
                "default_permissions": ("view",),
                "managed": False,
            },
        ),
        migrations.RunSQL(WEEK_VIEW, DROP_WEEK_VIEW),
        migrations.RunPython(editors_read_the_report, migrations.RunPython.noop),
    ]
