"""The search index without GIN's pending list (PostgreSQL only).

By default a GIN index takes new entries into an unsorted *pending list* and merges
them into the index only at VACUUM (autovacuum, some time later) or when the list
outgrows ``gin_pending_list_limit`` (4 MB). Every search reads that whole list: after
10,000 versions were published, 443 pending pages made each query cost 4 to 20 ms
however few versions it matched (measured in bench/catalog_search_bench.py: a match of
9 versions took 4.3 ms with the list, 0.08 ms after it was merged). Versions are
written a few times a day by catalog administrators, so paying for the index entry at
the write (``fastupdate = off``) costs nothing anyone notices, and every search finds
the index merged. The list already there is merged now.
"""

from django.db import migrations

INDEX = "catalog_itemversion_search_grams"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER INDEX {INDEX} SET (fastupdate = off)")
    schema_editor.execute(f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER INDEX {INDEX} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_random_file_names")]
    operations = [migrations.RunPython(forwards, backwards)]
