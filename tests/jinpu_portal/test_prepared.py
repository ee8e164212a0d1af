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


def _prepared_at(name: str):
    """When the connection prepared ``name`` (None: it has not)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prepare_time FROM pg_prepared_statements WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def _run(statement, params, expected) -> list[str]:
    """Run ``statement`` once, its row must be ``expected``: the statements Django's
    cursor counted."""
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        statement.execute(cursor, params)
        assert cursor.fetchone() == expected
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_prepared_once_per_connection_and_not_undone_by_a_rollback():
    statement = PreparedStatement(
        "t_once", "SELECT %(a)s::int * 2, %(label)s::text || '%%', %(a)s::int IS NULL"
    )
    connection.close()
    assert _prepared_at("t_once") is None
    with transaction.atomic():
        # Only the EXECUTE is counted: PREPARE is the connection's state.
        assert _run(statement, {"a": 21, "label": "x"}, (42, "x%", False)) == [
            "EXECUTE t_once (21, 'x')"
        ]
        transaction.set_rollback(True)
    prepared_at = _prepared_at("t_once")
    assert prepared_at is not None  # PREPARE is not transactional: the rollback kept it
    _run(statement, {"a": None, "label": "y"}, (None, "y%", True))
    _run(statement, {"a": 5, "label": ""}, (10, "%", False))
    assert _prepared_at("t_once") == prepared_at  # not prepared again
    connection.close()  # a new connection has no prepared statements
    assert _prepared_at("t_once") is None
    _run(statement, {"a": 1, "label": "z"}, (2, "z%", False))
    assert _prepared_at("t_once") is not None


def test_a_name_stands_for_one_statement():
    PreparedStatement("t_one", "SELECT 1")
    PreparedStatement("t_one", "SELECT 1")  # the same again: the same statement
    with pytest.raises(ValueError, match="already stands for another statement"):
        PreparedStatement("t_one", "SELECT 2")


def test_orm_statements_are_named_by_their_digest():
    sql = "SELECT id FROM t WHERE id = %s"
    assert PreparedStatement.for_sql(sql).name == PreparedStatement.for_sql(sql).name
    assert PreparedStatement.for_sql(sql).name != PreparedStatement.for_sql(sql + " ").name
    assert PreparedStatement.for_sql(sql).name.startswith("q_")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_prepared_query_runs_prepared_on_postgresql():
    """``jinpu_portal.db.PreparedQuery`` runs its compiled SQL as a prepared statement."""
    from accounts.models import Hall
    from jinpu_portal.db import PreparedQuery
    from tests.factories import HallFactory

    hall = HallFactory(code="PQ", name="测试厅")
    query = PreparedQuery(lambda pk: Hall.objects.filter(pk=pk))
    with CaptureQueriesContext(connection) as queries:
        assert [found.name for found in query(hall.pk)] == ["测试厅"]
        assert query(hall.pk + 1000) == []
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["EXECUTE", "EXECUTE"]
