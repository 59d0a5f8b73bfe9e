import django.contrib.postgres.fields
from django.db import migrations, models

# The alternate spellings and synonyms issue 27 names; editors keep the list in the admin.
SEED = [
    ["Kiev", "Kyiv"],
    ["Kharkov", "Kharkiv"],
    ["Odessa", "Odesa"],
    ["Nikolaev", "Mykolaiv"],
    ["Lvov", "Lviv"],
    ["Zaporozhye", "Zaporizhzhia"],
    ["Donetsk Oblast", "Donetsk region"],
    ["UAV", "drone"],
]
# A saved group makes cached searches stale in every process, as a story does (0010).
TRIGGER = (
    "CREATE TRIGGER articles_synonymgroup_archive_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    "ON articles_synonymgroup FOR EACH STATEMENT EXECUTE FUNCTION articles_notify_archive_changed();"
)
DROP_TRIGGER = "DROP TRIGGER articles_synonymgroup_archive_changed ON articles_synonymgroup;"


def seed(apps, schema_editor):
    SynonymGroup = apps.get_model("articles", "SynonymGroup")
    SynonymGroup.objects.using(schema_editor.connection.alias).bulk_create(
        SynonymGroup(terms=terms, note="Issue 27") for terms in SEED
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0021_on_this_day")]

    operations = [
        migrations.CreateModel(
            name="SynonymGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "terms",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=100),
                        help_text="Two or more equivalent words or phrases, separated by commas: Kiev, Kyiv.",
                        size=None,
                    ),
                ),
                ("note", models.CharField(blank=True, help_text="Why (for other editors).", max_length=200)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "alternate spelling or synonym group",
                "ordering": ["terms"],
            },
        ),
        migrations.RunSQL(TRIGGER, DROP_TRIGGER),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
