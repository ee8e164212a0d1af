"""Search by character grams: a GIN index on the unigrams and bigrams of
ItemVersion.search_text, on PostgreSQL only; it replaces the pg_trgm index of 0005.

catalog.selectors.SearchTextContains asks ``catalog_search_grams(search_text) @>
<the term's grams>`` besides ``search_text LIKE '%term%'``. The array containment is
what the planner prices right: with the trigram index it estimated ``LIKE`` on a common
term (设立登记, 5% of the rows) cheaper as a scan of every version, and a term of two
characters (社保) has no trigram at all, so both scanned the table. Every substring of
two or more characters contains the bigrams of the text at its position, so the index
never misses a match; ``LIKE`` then drops the rows whose bigrams occur apart.

The function is IMMUTABLE (it reads nothing but its argument), as an index expression
must be. It keeps duplicates: GIN stores each key once per row anyway.
"""

from django.db import migrations

FUNCTION = "catalog_search_grams"
INDEX = "catalog_itemversion_search_grams"
TRIGRAM_INDEX = "catalog_itemversion_search_trgm"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_to_array(l, NULL)
         || ARRAY(SELECT substr(l, i, 2) FROM generate_series(1, char_length(l) - 1) AS i)
  FROM lower(t) AS l
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_itemversion "
        f"USING gin ({FUNCTION}(search_text))"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON catalog_itemversion "
        "USING gin (search_text gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_search_trigram")]
    operations = [migrations.RunPython(forwards, backwards)]
