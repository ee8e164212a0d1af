"""Server-side prepared statements (PostgreSQL's ``PREPARE``/``EXECUTE``) for the few
hand-written statements on the public hot paths: the hall's ticket issue and the
rating's claim-and-insert.

psycopg2 sends every statement as text, so PostgreSQL parses and plans it on every
call. For the ticket issue (four data-modifying CTEs) that costs more than running it:
on the benchmark host 0.73-0.83 ms of the database's CPU per ticket sent as text, and
0.31-0.33 ms as ``EXECUTE`` of a statement prepared once per connection (bench/README.md,
"Prepared statements"). On a host where the database shares the cores with the web
workers, that is CPU the workers get back.

``PreparedStatement(name, sql)`` takes the statement as psycopg2 writes it (``%s`` or
``%(key)s`` placeholders, not both; ``%%`` for a literal ``%``) and ``execute(cursor,
params)`` runs it: the first time on a connection it sends ``PREPARE`` (once; the
database keeps the statement for the session, whatever the transaction does), then
``EXECUTE`` with the parameters, which psycopg2 adapts as for any statement. Types are
inferred by PostgreSQL from where each parameter goes; a parameter whose type cannot be
inferred (``%s IS NULL`` alone) needs a cast in the SQL (``%s::bigint``).

Which connections have the statement is kept per psycopg2 connection object (a weak
set: a closed and reopened connection is a new object and prepares again). Plain
PostgreSQL and psycopg2's public API only; nothing of Django's internals. Not for a
pooler in transaction mode (PgBouncer ``pool_mode=transaction``): the statement lives in
one server session. The deployment (docker-compose.yml) connects to PostgreSQL directly.
"""

import re
import weakref

_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?s|%%")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class PreparedStatement:
    """One statement prepared on each PostgreSQL connection that runs it."""

    def __init__(self, name: str, sql: str):
        if not _NAME.match(name):
            raise ValueError(f"not a statement name: {name!r}")
        self.name = name
        self.keys: list = []  # the parameters in $n order: names, or positions
        positional = named = False

        def number(match: re.Match) -> str:
            nonlocal positional, named
            if match.group(0) == "%%":
                return "%"
            key = match.group(1)
            if key is None:
                positional = True
                self.keys.append(len(self.keys))
                return f"${len(self.keys)}"
            named = True
            if key not in self.keys:
                self.keys.append(key)
            return f"${self.keys.index(key) + 1}"

        body = _PLACEHOLDER.sub(number, sql)
        if positional and named:
            raise ValueError("use %s or %(key)s placeholders, not both")
        self.prepare_sql = f"PREPARE {name} AS {body}"
        marks = ", ".join(["%s"] * len(self.keys))
        self.execute_sql = f"EXECUTE {name} ({marks})" if self.keys else f"EXECUTE {name}"
        self._prepared_on = weakref.WeakSet()

    def execute(self, cursor, params=()) -> None:
        """Run the statement on ``cursor`` (a cursor of a PostgreSQL connection) with
        ``params`` (a sequence for ``%s``, a mapping for ``%(key)s``); fetch from the
        cursor as after ``cursor.execute``."""
        raw = cursor.connection  # psycopg2's connection (DB-API extension attribute)
        if raw not in self._prepared_on:
            cursor.execute(self.prepare_sql)
            self._prepared_on.add(raw)
        cursor.execute(self.execute_sql, [params[key] for key in self.keys])
