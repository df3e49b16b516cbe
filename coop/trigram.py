"""GIN trigram indexes (pg_trgm) for the lists' partial-match search, on PostgreSQL only.

Django's `icontains` on PostgreSQL is `UPPER(col::text) LIKE UPPER('%q%')`, so the indexes are on
`UPPER(col)` with `gin_trgm_ops`: PostgreSQL then answers a search of 25,000 names from the index.
On SQLite the operation does nothing (LIKE scans, which is fast enough for an embedded set-up).
They are not in the models' Meta.indexes because SQLite cannot build them; the migrations
that call this own them."""

from django.db import migrations


def trigram_indexes(table, columns):
    """A migration operation creating (and on reverse dropping) one index per column."""

    def names():
        return [(f"{table}_{column}_trgm"[:63], column) for column in columns]

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, column in names():
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}") gin_trgm_ops)'
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _column in names():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards, elidable=False)
