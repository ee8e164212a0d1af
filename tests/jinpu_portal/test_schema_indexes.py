"""The tables every intake, ticket and rating writes to carry no index that another
index already covers.

Django indexes every foreign key and every ``db_index`` column on its own; where a
composite index or unique constraint starts with the same column, the single-column
index only costs its upkeep on each insert and on each update of the column. The
intake path inserts and updates these rows a dozen times per application (see the
intake load benchmark in bench/), so they keep only indexes that earn their place."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

HOT_TABLES = (
    "intake_application",
    "intake_submittedmaterial",
    "intake_caseevent",
    "intake_notice",
    "jinpu_portal_notification",
    "approvals_clock",
    "approvals_task",
    # a kiosk's ticket and a rating by its link
    "hall_ticket",
    "hall_ticketevent",
    "hall_daycounter",
    "feedback_serviceinstance",
    "feedback_rating",
)

# (table, index, columns, covering index, its columns): a plain, whole-table index whose
# columns and operator classes are the leading ones of another whole-table index.
COVERED = """
-- indkey and indclass are vectors counted from 0; slices compare as arrays from 1.
WITH idx AS (
    SELECT t.relname AS tab, i.relname AS name, x.indisunique AS uniq,
           x.indkey::int2[] AS keys, x.indclass::oid[] AS classes
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relname = ANY(%s) AND x.indpred IS NULL AND x.indexprs IS NULL
)
SELECT a.tab, a.name, b.name
FROM idx a JOIN idx b ON a.tab = b.tab AND a.name <> b.name
WHERE NOT a.uniq
  AND cardinality(a.keys) <= cardinality(b.keys)
  AND a.keys[0:cardinality(a.keys) - 1] = b.keys[0:cardinality(a.keys) - 1]
  AND a.classes[0:cardinality(a.keys) - 1] = b.classes[0:cardinality(a.keys) - 1]
ORDER BY 1, 2
"""


def test_no_index_on_the_intake_tables_is_covered_by_another():
    with connection.cursor() as cursor:
        cursor.execute(COVERED, [list(HOT_TABLES)])
        covered = cursor.fetchall()
    assert covered == []
