"""PostgreSQL search: pg_trgm and the GIN indexes behind the directory search.

Every operation is a no-op on other databases (the embedded SQLite default), which search
with the plain fallback in members.search.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class PostgresOnlyTrigramExtension(TrigramExtension):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


INDEXES = (
    ("members_org_search_gin", "members_organization", "search_vector"),
    ("members_searchword_trgm", "members_searchword", "word gin_trgm_ops"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def fill_search_columns(apps, schema_editor):
    # Organisations created before this migration get their search text now.
    from members.search import search_vector_expression, words_of

    Organization = apps.get_model("members", "Organization")
    SearchWord = apps.get_model("members", "SearchWord")
    words = set()
    for organization in Organization.objects.prefetch_related("tags").iterator(chunk_size=500):
        tags_text = " ".join(sorted(tag.name for tag in organization.tags.all()))
        parts = [organization.name, tags_text, organization.tagline, organization.description]
        # PostgreSQL searches search_vector; only the SQLite fallback reads the document.
        postgres = schema_editor.connection.vendor == "postgresql"
        document = "" if postgres else "\n".join(part for part in parts if part).lower()
        Organization.objects.filter(pk=organization.pk).update(
            tags_text=tags_text, search_document=document
        )
        words |= words_of(organization.name, tags_text)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True
    )
    if schema_editor.connection.vendor == "postgresql":
        Organization.objects.update(search_vector=search_vector_expression())


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_profile_teams_shortlists"),
    ]

    operations = [
        PostgresOnlyTrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
    ]
