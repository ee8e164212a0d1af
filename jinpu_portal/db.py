"""Statements compiled once per process, for the few that every intake request runs:
a locking read (``PreparedQuery``) and the inserts and updates of the case's rows
(``insert``, ``update``).

Django compiles a queryset's SQL each time it is evaluated. For a wide
``select_related`` query that costs more than running it: the intake services' lock
(a material slot joined to its application and applicant, 70 columns) takes about 1 ms
of CPU to compile on the benchmark host and as long again to run and turn into
instances (see bench/README.md). ``PreparedQuery`` keeps the compiled SQL and the
compiler's column layout, and makes instances from the rows exactly as the queryset's
own iterator does (``select_related`` included), so a call costs only the latter.
The compiler's layout (columns, converters, related populators) is kept, not the
compiler: it holds the connection of the thread that compiled it.

Writes are the same story at a smaller scale: ``bulk_create`` and ``save`` build their
statement field by field on every call, about half of the 0.4 ms of CPU a one-row
insert of an event costs here. ``insert`` and ``update`` keep the statement per model
and field list and only convert the values, with the fields' own methods.

Design note. Each piece here uses Django internals (the compiler's layout, the
prefetch cache, the fields' save preparation) and stays only while it earns its place:
in the same-run A/B of bench/README.md ("What each fast-path piece earns") the intake
flow lost 1.7 points of its ratio to the bare view without ``PreparedQuery``, 8.7
without ``remember_related``, 1.0 without ``insert`` and 1.3 without ``update``
(15.8% with all on). ``FASTPATH_OFF`` (bench.settings) switches each off for that
measurement. tests/jinpu_portal/test_fastpath_internals.py names every internal used
and fails when one changes shape; on such a failure, measure again and adapt the piece
or replace it with the public API. The writes send no model signals and so refuse, on
every call, a model that has save receivers.
"""

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections, models
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError

from .prepared import PreparedStatement


def fastpath_off(piece: str) -> bool:
    """Whether the benchmark switched ``piece`` off (``FASTPATH_OFF`` in bench.settings,
    from the environment): the piece then does what the ORM's public API does, so
    ``bench/intake_load_bench.py --off PIECE`` measures what the piece earns."""
    return piece in getattr(settings, "FASTPATH_OFF", ())


def _refuse_receivers(model) -> None:
    """The writes here send no model signals: a model with save receivers must use
    ``save()``/``bulk_create``. Checked on every call (``has_listeners`` is a cached
    lookup), so a receiver connected later is never silently skipped."""
    if models.signals.pre_save.has_listeners(model) or models.signals.post_save.has_listeners(
        model
    ):
        raise ValueError(f"{model._meta.label} has save signal receivers: use save().")


class PreparedQuery:
    """``build(value)`` returns the queryset for one value of its single parameter
    (e.g. ``lambda pk: Model.objects.select_related(...).filter(parent_id=pk)``).

    The first call compiles ``build(MARKER)`` and remembers where the marker went in the
    statement's parameters; each call runs the statement with its own value there and
    returns the instances, a list. On PostgreSQL the statement is also prepared on the
    server, once per connection (``jinpu_portal.prepared``: the database then neither
    parses nor plans it again). Only querysets that yield plain model instances (no
    ``values()``, annotations or ``prefetch_related``) can be prepared; the compiler
    refuses the rest on the first call. A ``select_for_update`` queryset must
    be called inside a transaction, as it would be evaluated."""

    MARKER = -738_219_046_251

    def __init__(self, build: Callable[[object], QuerySet]):
        self._build = build
        self._compiled: dict[str, _Prepared] = {}
        self._lock = threading.Lock()

    def __call__(self, value, *, using: str = "default") -> list:
        if fastpath_off("prepared_query"):
            return list(self._build(value).using(using))
        prepared = self._compiled.get(using) or self._compile(using)
        params = list(prepared.params)
        params[prepared.index] = value
        connection = connections[using]
        if prepared.for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        with connection.cursor() as cursor:
            if prepared.statement is not None and not fastpath_off("server_prepared"):
                prepared.statement.execute(cursor, params)
            else:
                cursor.execute(prepared.sql, params)
            rows = cursor.fetchall()
        instances = []
        for row in rows:
            if prepared.converters:
                row = list(row)
                for position, (converters, expression) in prepared.converters:
                    value = row[position]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[position] = value
            instance = prepared.model.from_db(
                using, prepared.init_list, row[prepared.start : prepared.end]
            )
            for populator in prepared.populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances

    def _compile(self, using: str) -> "_Prepared":
        """What ``ModelIterable.__iter__`` and ``compiler.results_iter`` work out for
        each evaluation, worked out once."""
        queryset = self._build(self.MARKER)
        if queryset._prefetch_related_lookups or queryset._iterable_class is not ModelIterable:
            raise ValueError("PreparedQuery makes model instances only, without prefetches.")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if compiler.annotation_col_map:
            raise ValueError("PreparedQuery does not keep annotations.")
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("PreparedQuery does not read composite fields.")
        positions = [i for i, param in enumerate(params) if param == self.MARKER]
        if len(positions) != 1:
            raise ValueError("The value must be the statement's parameter exactly once.")
        klass_info = compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        prepared = _Prepared(
            sql=sql,
            params=tuple(params),
            for_update=queryset.query.select_for_update
            and compiler.connection.features.has_select_for_update,
            index=positions[0],
            converters=list(compiler.get_converters(columns).items()),
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=[column[0].target.attname for column in compiler.select[start:end]],
            populators=get_related_populators(klass_info, compiler.select, using),
            statement=PreparedStatement.for_sql(sql)
            if compiler.connection.vendor == "postgresql"
            else None,
        )
        with self._lock:
            return self._compiled.setdefault(using, prepared)


@dataclass(frozen=True)
class _Prepared:
    sql: str
    params: tuple
    for_update: bool
    index: int  # of the value in params
    converters: list  # [(column position, (converters, expression))]
    model: type
    start: int  # the model's columns in a row
    end: int
    init_list: list[str]
    populators: list  # RelatedPopulator, one per select_related model (stateless)
    statement: PreparedStatement | None  # on PostgreSQL: parsed and planned once


def remember_related(instance, name: str, objects: list) -> None:
    """Make ``objects`` (just read or created) ``instance``'s rows of the reverse
    relation ``name``, as ``prefetch_related(name)`` would: ``instance.<name>.all()``
    then answers from them without a query. The cached queryset keeps the relation's
    filter, so ``instance.<name>.filter(...)`` still asks the database for this
    instance's rows only."""
    if fastpath_off("remember_related"):
        return  # the relation is read again when asked for
    relation = instance._meta.get_field(name)
    queryset = relation.related_model._default_manager.all()
    # Built only if someone filters it further, as Django's related managers defer
    # theirs: building the filter costs more than the rest of this function.
    queryset._defer_next_filter = True
    queryset = queryset.filter(**{relation.field.attname: instance.pk})
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation.get_accessor_name()] = queryset


# --- Writes ------------------------------------------------------------------------------


def insert(objs, *, using: str = "default") -> list:
    """INSERT new rows of one model in one statement and give them their primary keys:
    ``bulk_create(objs)`` for plain new rows (no conflicts handling, no batches, no
    parents), with the statement built once per model and row count instead of per
    call. Field values go through the same ``pre_save`` (``auto_now_add``) and
    ``get_db_prep_save`` as Django's own insert. Returns ``objs`` as a list."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    _refuse_receivers(model)
    if fastpath_off("insert"):
        return model._default_manager.using(using).bulk_create(objs)
    connection = connections[using]
    statement = _insert_statement(model, len(objs), using)
    if statement is None:  # a database that cannot return the new ids
        return model._default_manager.using(using).bulk_create(objs)
    sql, fields, key, converters = statement
    params = []
    for obj in objs:
        if type(obj) is not model or obj.pk is not None:
            raise ValueError("insert() takes new rows of one model.")
        obj._prepare_related_fields_for_save(operation_name="insert")
        params += [
            field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for obj, (value,) in zip(objs, rows, strict=True):
        for converter in converters:
            value = converter(value, key, connection)
        obj.pk = value
        obj._state.adding = False
        obj._state.db = using
    return objs


@functools.cache
def _insert_statement(model, rows: int, using: str):
    """(sql, fields, the key column, its converters), or None when the database cannot
    return the keys of a multi-row insert. Built once per model, row count and database."""
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:
        return None
    opts = model._meta
    if opts.parents or not opts.pk.db_returning:
        raise ValueError("insert() writes models with their own auto primary key only.")
    fields = [field for field in opts.concrete_fields if field is not opts.pk]
    if any(field.has_db_default() or hasattr(field, "get_placeholder") for field in fields):
        raise ValueError("insert() does not write database defaults or custom placeholders.")
    qn = connection.ops.quote_name
    columns = ", ".join(qn(field.column) for field in fields)
    values = ", ".join(["({})".format(", ".join(["%s"] * len(fields)))] * rows)
    returning, _ = connection.ops.return_insert_columns([opts.pk])
    # Identifiers quoted by the backend, values as parameters.
    sql = f"INSERT INTO {qn(opts.db_table)} ({columns}) VALUES {values} {returning}"  # noqa: S608
    # As the insert compiler converts the returned key (SQLite's and PostgreSQL's: none).
    key = opts.pk.get_col(opts.db_table)
    converters = [
        *connection.ops.get_db_converters(key),
        *key.get_db_converters(connection),
    ]
    return sql, fields, key, converters


def update(instance, fields, *, using: str = "default") -> None:
    """Write ``fields`` of a saved ``instance`` (field names; ``auto_now`` fields are
    set as ``save`` sets them): ``instance.save(update_fields=fields)`` with the
    statement built once per model and field list. Sends no model signals, so it
    refuses a model with save receivers (on every call). Raises ``DatabaseError`` when
    the row is gone, as ``save`` does."""
    _refuse_receivers(type(instance))
    if fastpath_off("update"):
        instance.save(update_fields=fields, using=using)
        return
    connection = connections[using]
    sql, concrete = _update_statement(type(instance), tuple(fields), using)
    instance._prepare_related_fields_for_save(operation_name="update", fields=concrete)
    params = [
        field.get_db_prep_save(field.pre_save(instance, False), connection) for field in concrete
    ]
    params.append(instance.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount != 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")


@functools.cache
def _update_statement(model, fields: tuple[str, ...], using: str):
    """(sql, the fields), built once per model, field list and database."""
    opts = model._meta
    concrete = [opts.get_field(name) for name in fields]
    if any(not field.concrete or field.primary_key for field in concrete):
        raise ValueError("update() writes concrete fields other than the primary key.")
    qn = connections[using].ops.quote_name
    assignments = ", ".join(f"{qn(field.column)} = %s" for field in concrete)
    # Identifiers quoted by the backend, values as parameters.
    sql = f"UPDATE {qn(opts.db_table)} SET {assignments} WHERE {qn(opts.pk.column)} = %s"  # noqa: S608
    return sql, concrete
