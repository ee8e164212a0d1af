"""The Django internals that ``jinpu_portal.db`` relies on, by
name and shape. A Django upgrade that changes one fails here, by name, before it
breaks the intake path in a way the behaviour tests of test_db.py would only show as a
wrong answer. When one fails: rerun ``bench/intake_load_bench.py --off PIECE`` and
either adapt the piece or let it go (see bench/README.md, "What each fast-path piece
earns")."""

import inspect

import django
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler

from intake.models import SubmittedMaterial


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_django_is_the_release_these_checks_were_written_for():
    # Not a pin: a reminder that a new major release means reading this file again.
    assert django.VERSION[:2] == (5, 2)


def test_prepared_query_internals():
    queryset = SubmittedMaterial.objects.select_related("application").filter(pk=1)
    assert hasattr(queryset, "_prefetch_related_lookups")
    assert queryset._iterable_class is ModelIterable
    compiler = queryset.query.get_compiler(using="default")
    sql, params = compiler.as_sql()
    assert isinstance(sql, str)
    assert list(params) == [1]
    for name in ("select", "klass_info", "annotation_col_map", "col_count"):
        assert hasattr(compiler, name), name
    assert set(compiler.klass_info) >= {"model", "select_fields", "related_klass_infos"}
    assert callable(compiler.has_composite_fields)
    assert parameters(SQLCompiler.get_converters) == ["self", "expressions"]
    assert parameters(get_related_populators) == ["klass_info", "select", "db"]
    first = compiler.select[0]
    assert hasattr(first[0], "target")
    assert hasattr(first[0].target, "attname")
    assert parameters(Model.from_db) == ["db", "field_names", "values"]


def test_remember_related_internals():
    queryset = QuerySet(model=SubmittedMaterial)
    for name in ("_result_cache", "_prefetch_done", "_defer_next_filter"):
        assert hasattr(queryset, name), name
    # What the related managers read: Model._prefetched_objects_cache[accessor name].
    source = inspect.getsource(
        SubmittedMaterial._meta.get_field(
            "application"
        ).remote_field.model.materials.related_manager_cls
    )
    assert "_prefetched_objects_cache" in source


def test_insert_and_update_internals():
    assert parameters(Model._prepare_related_fields_for_save) == [
        "self",
        "operation_name",
        "fields",
    ]
    field = SubmittedMaterial._meta.get_field("size")
    assert callable(field.has_db_default)
    assert parameters(field.pre_save) == ["model_instance", "add"]
    assert callable(connection.ops.return_insert_columns)
    assert hasattr(connection.features, "can_return_rows_from_bulk_insert")
    assert SubmittedMaterial._meta.pk.db_returning is True
