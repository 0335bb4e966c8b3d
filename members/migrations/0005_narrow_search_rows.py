"""A narrow side table for relevance ranking (PostgreSQL).

`members_organizationsearchrow` holds each organisation's id, weighted `search_vector`
and lower-cased name (the tie-break). Ranking thousands of matches there reads far fewer
pages than the organisation table; the directory then loads only the 24 rows of a page.
members.services.organization_reindex keeps it in step. On other databases (the embedded
SQLite default) the table is created but stays empty and unused.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS members_orgsearchrow_gin "
    "ON members_organizationsearchrow USING gin (search_vector)"
)


def fill_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # One statement: the vectors are already on the organisation rows (0003).
    schema_editor.execute(
        """
        INSERT INTO members_organizationsearchrow (organization_id, search_vector, sort_name)
        SELECT id, search_vector, lower(name) FROM members_organization
        ON CONFLICT (organization_id) DO UPDATE
        SET search_vector = EXCLUDED.search_vector, sort_name = EXCLUDED.sort_name
        """
    )
    schema_editor.execute("ANALYZE members_organizationsearchrow")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS members_orgsearchrow_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_tag_ids"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrganizationSearchRow",
            fields=[
                (
                    "organization",
                    models.OneToOneField(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_row",
                        serialize=False,
                        to="members.organization",
                    ),
                ),
                (
                    "search_vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
                ("sort_name", models.TextField(editable=False)),
            ],
            options={
                "verbose_name": "organisation search row",
                "verbose_name_plural": "organisation search rows",
            },
        ),
        migrations.RunPython(fill_rows, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
