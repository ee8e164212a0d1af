"""Server-side prepared statements (jinpu_portal.prepared): the placeholders become
PostgreSQL's $n, a statement is prepared once per connection (again on a new one, and
not undone by a rollback), and the answers are those of the statement sent as text."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jinpu_portal.prepared import PreparedStatement


def test_named_placeholders_number_each_name_once():
    statement = PreparedStatement("t_named", "SELECT %(a)s + %(b)s, %(a)s, '100%%'")
    assert statement.prepare_sql == "PREPARE t_named AS SELECT $1 + $2, $1, '100%'"
    assert statement.execute_sql == "EXECUTE t_named (%s, %s)"
    assert statement.keys == ["a", "b"]


def test_positional_placeholders_number_in_order():
    statement = PreparedStatement("t_positional", "SELECT %s, %s::int")
    assert statement.prepare_sql == "PREPARE t_positional AS SELECT $1, $2::int"
    assert statement.keys == [0, 1]


def test_a_statement_without_parameters_executes_bare():
    assert PreparedStatement("t_none", "SELECT 1").execute_sql == "EXECUTE t_none"


@pytest.mark.parametrize(
    ("name", "sql", "message"),
    [
        ("t_mixed", "SELECT %s, %(a)s", "not both"),
        ("bad name", "SELECT 1", "not a statement name"),
        ("t;drop", "SELECT 1", "not a statement name"),
    ],
)
def test_mixed_placeholders_and_bad_names_are_refused(name, sql, message):
    with pytest.raises(ValueError, match=message):
        PreparedStatement(name, sql)


def _prepares(statement, params, expected):
    """Run ``statement`` once: whether it sent PREPARE; its row must be ``expected``."""
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        statement.execute(cursor, params)
        assert cursor.fetchone() == expected
    sent = [query["sql"] for query in queries.captured_queries]
    assert sent[-1].startswith(f"EXECUTE {statement.name} ")
    return any(sql.startswith("PREPARE ") for sql in sent)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_prepared_once_per_connection_and_not_undone_by_a_rollback():
    statement = PreparedStatement(
        "t_once", "SELECT %(a)s::int * 2, %(label)s::text || '%%', %(a)s::int IS NULL"
    )
    with transaction.atomic():
        assert _prepares(statement, {"a": 21, "label": "x"}, (42, "x%", False))
        transaction.set_rollback(True)
    # PREPARE is not transactional: the rolled-back transaction kept it.
    assert not _prepares(statement, {"a": None, "label": "y"}, (None, "y%", True))
    assert not _prepares(statement, {"a": 5, "label": ""}, (10, "%", False))
    connection.close()  # a new connection has no prepared statements
    assert _prepares(statement, {"a": 1, "label": "z"}, (2, "z%", False))
    assert not _prepares(statement, {"a": 2, "label": "z"}, (4, "z%", False))
