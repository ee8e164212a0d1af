"""Server-side prepared statements (PostgreSQL's ``PREPARE``/``EXECUTE``) for the few
hand-written statements on the public hot paths: the hall's ticket issue and the
rating's claim-and-insert.

psycopg2 sends every statement as text, so PostgreSQL parses and plans it on every
call. For the ticket issue (four data-modifying CTEs) that costs more than running it:
on the benchmark host 0.73-0.83 ms of the database's CPU per ticket sent as text, and
0.31-0.33 ms as ``EXECUTE`` of a statement prepared once per connection (bench/README.md,
"Prepared statements"). On a host where the database shares the cores with the web
workers, that is CPU the workers get back.

The same holds for the ORM's wide reads that ``jinpu_portal.db.PreparedQuery`` compiles
once per process (the rating link's instance with its case, item, department and
window: 0.59-0.68 ms of the database's CPU as text, 0.11 ms prepared); on PostgreSQL it
runs them through ``PreparedStatement.for_sql``.

``PreparedStatement(name, sql)`` takes the statement as psycopg2 writes it (``%s`` or
``%(key)s`` placeholders, not both; ``%%`` for a literal ``%``) and ``execute(cursor,
params)`` runs it: the first time on a connection it sends ``PREPARE`` (once; the
database keeps the statement for the session, whatever the transaction does), then
``EXECUTE`` with the parameters, which psycopg2 adapts as for any statement. Types are
inferred by PostgreSQL from where each parameter goes; a parameter whose type cannot be
inferred (``%s IS NULL`` alone) needs a cast in the SQL (``%s::bigint``).

``PREPARE`` is connection state, like the time zone Django sets on a new connection:
it goes through the driver's cursor, not Django's, so it is not among a request's
counted statements (a query-count test does not depend on which test first ran the
statement on the connection). ``EXECUTE`` goes through Django's cursor as any statement.

Which statements a connection has is kept per psycopg2 connection object (weakly: a
closed and reopened connection is a new object and prepares again). A name stands for
one statement in the process; the same name with other SQL is refused. Plain PostgreSQL
and psycopg2's public API only; nothing of Django's internals. Not for a pooler in
transaction mode (PgBouncer ``pool_mode=transaction``): the statement lives in one
server session. The deployment (docker-compose.yml) connects to PostgreSQL directly.
"""

import hashlib
import re
import threading
import weakref

_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?s|%%")
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

_lock = threading.Lock()
#: The statement each name stands for in this process.
_statements: dict[str, str] = {}
#: The names each psycopg2 connection has prepared.
_prepared_on: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()


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
        with _lock:
            known = _statements.setdefault(name, self.prepare_sql)
        if known != self.prepare_sql:
            raise ValueError(f"statement name {name!r} already stands for another statement")

    @classmethod
    def for_sql(cls, sql: str) -> "PreparedStatement":
        """The statement named after its SQL's digest (for SQL the ORM compiled)."""
        return cls("q_" + hashlib.blake2b(sql.encode(), digest_size=12).hexdigest(), sql)

    def execute(self, cursor, params=()) -> None:
        """Run the statement on ``cursor`` (Django's cursor of a PostgreSQL connection)
        with ``params`` (a sequence for ``%s``, a mapping for ``%(key)s``); fetch from
        the cursor as after ``cursor.execute``."""
        raw = cursor.connection  # psycopg2's connection (DB-API extension attribute)
        names = _prepared_on.get(raw)
        if names is None:
            with _lock:
                names = _prepared_on.setdefault(raw, set())
        if self.name not in names:
            # Django's CursorWrapper keeps the driver's cursor as ``cursor``.
            getattr(cursor, "cursor", cursor).execute(self.prepare_sql)
            names.add(self.name)
        cursor.execute(self.execute_sql, [params[key] for key in self.keys])
