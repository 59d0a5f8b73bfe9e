from django.db import migrations, models

# Why: "On this day" (/on-this-day/MM-DD/) lists the public stories of one calendar day in every
# year. No index on the date can find them (a day of each year is a scattered set of ranges), so
# without this one PostgreSQL read every published story. This indexes each published story's
# month and day in UTC as one number (March 18: 318): immutable, so valid whatever the site's
# TIME_ZONE is; the query reads the UTC days a local day can overlap (the day and its neighbours)
# and keeps the stories of the local day (`ArticleQuerySet.on_this_day`). The expression is the
# query's text exactly (`articles.querysets.UTC_MONTH_DAY`), with no parameter, or no plan would
# use it.


class Migration(migrations.Migration):
    dependencies = [("articles", "0020_import_log")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.Func(
                    models.F("published_at"),
                    output_field=models.IntegerField(),
                    template=(
                        "(EXTRACT(MONTH FROM %(expressions)s AT TIME ZONE 'UTC')::integer * 100"
                        " + EXTRACT(DAY FROM %(expressions)s AT TIME ZONE 'UTC')::integer)"
                    ),
                ),
                condition=models.Q(("status", "published")),
                name="article_on_this_day_idx",
            ),
        ),
    ]
