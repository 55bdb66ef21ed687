"""The full-text half of the search index, one form per database.

PostgreSQL: a generated `tsvector` column on `knowledge_searchdocument`, built from
the folded text with both the `french` and `english` configurations (title weighted
A, body D), and a GIN index on it. SQLite: an FTS5 virtual table whose rowid is the
document's id; `knowledge.search` writes the stemmed text into it.
"""

from django.db import migrations

PG_FORWARD = [
    """
    ALTER TABLE knowledge_searchdocument ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('french'::regconfig, coalesce(index_title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(index_title, '')), 'A')
        || setweight(to_tsvector('french'::regconfig, coalesce(index_body, '')), 'D')
        || setweight(to_tsvector('english'::regconfig, coalesce(index_body, '')), 'D')
    ) STORED
    """,
    "CREATE INDEX knowledge_search_vector_gin ON knowledge_searchdocument USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_search_vector_gin",
    "ALTER TABLE knowledge_searchdocument DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE knowledge_search_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS knowledge_search_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
