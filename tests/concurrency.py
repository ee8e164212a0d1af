"""Calls released together in threads, each with its own database connection: the
races the PostgreSQL tests provoke (approvals, hall, feedback, supervision)."""

import threading

from django.db import connection


def run_at_once(*calls):
    """Run the calls in threads released together; each closes its own connection.
    Returns, per call in order, ``("ok", its result)`` or ``("error", what it raised)``."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as error:  # the test inspects what each thread got
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results
