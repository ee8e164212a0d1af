"""A queryset compiled once per process, for the few statements every request runs.

Django compiles a queryset's SQL each time it is evaluated. For a wide
``select_related`` query that costs more than running it: the intake services' lock
(a material slot joined to its application and applicant, 70 columns) takes about 1 ms
of CPU to compile on the benchmark host and as long again to run and turn into
instances (see bench/README.md). ``PreparedQuery`` keeps the compiled SQL and the
compiler's column layout, and makes instances from the rows exactly as the queryset's
own iterator does (``select_related`` included), so a call costs only the latter.
"""

import threading
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators


class PreparedQuery:
    """``build(value)`` returns the queryset for one value of its single parameter
    (e.g. ``lambda pk: Model.objects.select_related(...).filter(parent_id=pk)``).

    The first call compiles ``build(MARKER)`` and remembers where the marker went in the
    statement's parameters; each call runs the statement with its own value there and
    returns the instances, a list. Only querysets that yield plain model instances
    (no ``values()``, annotations or ``prefetch_related``) can be prepared; the
    compiler refuses the rest on the first call. A ``select_for_update`` queryset must
    be called inside a transaction, as it would be evaluated."""

    MARKER = -738_219_046_251

    def __init__(self, build: Callable[[object], QuerySet]):
        self._build = build
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def __call__(self, value, *, using: str = "default") -> list:
        compiled = self._compiled.get(using) or self._compile(using)
        compiler, sql, params, index = compiled
        params = [*params[:index], value, *params[index + 1 :]]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return self._instances(compiler, rows, using)

    def _compile(self, using: str) -> tuple:
        queryset = self._build(self.MARKER)
        if queryset._prefetch_related_lookups or queryset._iterable_class is not ModelIterable:
            raise ValueError("PreparedQuery makes model instances only, without prefetches.")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if compiler.annotation_col_map:
            raise ValueError("PreparedQuery does not keep annotations.")
        positions = [i for i, param in enumerate(params) if param == self.MARKER]
        if len(positions) != 1:
            raise ValueError("The value must be the statement's parameter exactly once.")
        compiled = (compiler, sql, tuple(params), positions[0])
        with self._lock:
            return self._compiled.setdefault(using, compiled)

    @staticmethod
    def _instances(compiler, rows: list, using: str) -> list:
        """``ModelIterable.__iter__`` for rows already fetched with ``compiler``'s SQL."""
        select, klass_info = compiler.select, compiler.klass_info
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        instances = []
        for row in compiler.results_iter([rows]):
            instance = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances
