"""The benchmark baseline view is routed only when BENCH_VIEWS=1."""

import importlib
import os

import pytest
from django.urls import NoReverseMatch, clear_url_caches, reverse

import jinpu_portal.urls


@pytest.fixture
def routes_with():
    """routes_with(value) reloads the URLconf with BENCH_VIEWS set to value (or unset)."""
    original = os.environ.get("BENCH_VIEWS")

    def reload(value):
        if value is None:
            os.environ.pop("BENCH_VIEWS", None)
        else:
            os.environ["BENCH_VIEWS"] = value
        importlib.reload(jinpu_portal.urls)
        clear_url_caches()

    yield reload
    reload(original)


def test_not_routed_by_default(client, routes_with):
    routes_with(None)
    with pytest.raises(NoReverseMatch):
        reverse("bench-bare-json")
    assert client.get("/bench/bare-json/").status_code == 404


def test_routed_with_bench_views(client, routes_with):
    routes_with("1")
    response = client.get(reverse("bench-bare-json"))
    assert response.status_code == 200
    assert response.json() == {"ok": True}
