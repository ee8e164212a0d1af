"""pg_trgm GIN index on ItemVersion.search_text, on PostgreSQL only.

catalog.selectors.item_version_search matches with ``search_text LIKE '%term%'``
(ILIKE for terms with letters), which a gin_trgm_ops index serves for terms of three
characters or more. SQLite has no such index: the same search scans the table there,
which the embedded demo's catalog size allows. The extension needs the database's
LC_CTYPE to class CJK characters as word characters (C.UTF-8 and zh_CN.UTF-8 do),
else Chinese text has no trigrams and the index never matches; the search stays
correct either way.
"""

from django.db import migrations

INDEX = "catalog_itemversion_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_itemversion "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other tables may use it, and dropping it needs ownership.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_service_object_types")]
    operations = [migrations.RunPython(create_index, drop_index)]
