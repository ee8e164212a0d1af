"""The portal's settings with the benchmarks' URLconf: the baseline views of bench/views.py
are routed only in a process started with DJANGO_SETTINGS_MODULE=bench.settings."""

from jinpu_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
