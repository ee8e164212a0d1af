"""The portal's settings with the benchmarks' URLconf: the baseline views of bench/views.py
are routed only in a process started with DJANGO_SETTINGS_MODULE=bench.settings."""

import os

from django.core.exceptions import ImproperlyConfigured

from jinpu_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The fast-path pieces of jinpu_portal/db.py (and the API's written-out answers) to
# switch off, comma-separated: each then does what the ORM's or DRF's public API does.
# intake_load_bench.py --off measures what each earns.
FASTPATH_PIECES = frozenset(
    {"prepared_query", "server_prepared", "remember_related", "insert", "update", "written_out"}
)
FASTPATH_OFF = frozenset(filter(None, os.environ.get("FASTPATH_OFF", "").split(",")))
if FASTPATH_OFF - FASTPATH_PIECES:
    raise ImproperlyConfigured(f"FASTPATH_OFF: unknown {sorted(FASTPATH_OFF - FASTPATH_PIECES)}")

# A benchmark that plays the hall's reverse proxy (rating_load_bench.py passes each
# citizen's address in X-Forwarded-For) trusts that many proxy hops, as a deployment
# behind the proxy would (DRF's NUM_PROXIES: the rate limits' client address).
if os.environ.get("BENCH_NUM_PROXIES"):
    REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": int(os.environ["BENCH_NUM_PROXIES"])}  # noqa: F405
