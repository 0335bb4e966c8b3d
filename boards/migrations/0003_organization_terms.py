import django.db.models.deletion
from django.db import migrations, models


def add_gin_index(apps, schema_editor):
    # The jsonb GIN index serves `terms ?| array[...]`; SQLite has no such index and scans.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS boards_orgterms_terms_gin "
            "ON boards_organizationterms USING gin (terms)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS boards_orgterms_terms_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0002_kazakhstan_holidays"),
        ("members", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrganizationTerms",
            fields=[
                (
                    "organization",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="match_terms",
                        serialize=False,
                        to="members.organization",
                    ),
                ),
                ("terms", models.JSONField(default=dict)),
                ("source_updated_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "organisation match terms",
                "verbose_name_plural": "organisation match terms",
            },
        ),
        migrations.RunPython(add_gin_index, drop_gin_index),
    ]
