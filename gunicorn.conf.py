"""gunicorn's settings for the portal's web server: the Dockerfile, docker-compose.yml and
the load benchmarks under bench/ all start gunicorn with this file (gunicorn reads
./gunicorn.conf.py by itself; options on the command line win).

Workers: gunicorn's rule of thumb, two per core and one more (WEB_CONCURRENCY overrides).
Two threads each (GUNICORN_THREADS) let a worker take a second request while the first
waits on PostgreSQL; more threads only make the workers fight over their interpreter
lock, since the portal's requests spend most of their time in Python.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
keepalive = 5
