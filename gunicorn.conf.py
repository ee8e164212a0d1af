"""gunicorn's settings for the portal's web server: the Dockerfile, docker-compose.yml and
the load benchmarks under bench/ all start gunicorn with this file (gunicorn reads
./gunicorn.conf.py by itself; options on the command line win).

Workers: gunicorn's rule of thumb, two per core and one more (WEB_CONCURRENCY overrides).
Two threads each (GUNICORN_THREADS) let a worker take a second request while the first
waits on PostgreSQL; more threads only make the workers fight over their interpreter
lock, since the portal's requests spend most of their time in Python.

Garbage collection (``post_worker_init``): once a worker has loaded the portal, the
objects it will keep for its lifetime (modules, models, URL patterns, templates) are
moved out of the collector's sight with ``gc.freeze()``, and the youngest generation is
collected every 50,000 allocations instead of 700. A request makes tens of thousands of
short-lived objects that reference counting frees; with the default thresholds the
collector ran every few hundred of them and, every few requests, walked the whole heap
(tens of milliseconds each time). Cyclic garbage is still collected, in fewer, larger
passes. The intake load benchmark (bench/README.md) measured 200-244 requests/s
before and 244-306 after on the same host.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
keepalive = 5

GC_THRESHOLDS = (50_000, 20, 100)


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
