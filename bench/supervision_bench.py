"""Server time of the supervision pages over the year that bench/supervision_data.py
builds (1,000,000 cases by default), and the query count of each page.

Usage, after ``bench/supervision_data.py --keep-db``:

    .venv/bin/python bench/supervision_bench.py [--db-name jinpu_bench_supervision] [--repeat 40]

In-process (Django's test client, the district-wide demo supervisor signed in, DEBUG
off): each page is requested ``--warmup`` times, then ``--repeat`` times with the wall
time of the whole request measured around the client call (the view, its queries and
the template: everything but the network and the HTTP server) and its statements
counted. Pages: the overview for the year so far (as opened from the home page, and
filtered by a department), the lights board and its live fragment; then, without a
target, the case search, rankings, delegations and 好差评 pages for the year. Target (issue 16
item 9): median under 150 ms and p95 under 400 ms for the overview and the lights
board, with a query count that does not grow with the data: run it on a small year
(``supervision_data.py --cases 10000 --db-name jinpu_bench_supervision_small``) to
compare the counts. Prints PASS/FAIL per page.

Then (unless ``--no-report``) the annual report of this year over the district is
requested as the supervisor would (``supervision.reports.report_request``; Celery runs
eagerly here, so the build runs in this process) and timed from the request to the
stored PDF: target under 2 minutes. ``--pdf PATH`` keeps a copy of the PDF.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import argument_parser  # noqa: E402
from bench.supervision_data import setup_django  # noqa: E402

MEDIAN_MS, P95_MS = 150.0, 400.0


def parse_args(argv=None):
    parser = argument_parser(__doc__, "jinpu_bench_supervision", own=False)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-report", dest="report", action="store_false")
    parser.add_argument("--pdf", help="save the annual report's PDF here")
    return parser.parse_args(argv)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def measure(client, url: str, args) -> tuple[list[float], list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(args.warmup):
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)
    times, counts = [], []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(len(queries))
    return times, counts


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    setup_django(args)
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    # DEBUG off wants collectstatic's manifest; the pages' static URLs are not measured.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    from django.utils import timezone

    from accounts.models import Department, User
    from intake.models import Application

    cases = Application.objects.count()
    today = timezone.localdate()
    year = f"start={today:%Y}-01-01&end={today:%Y-%m-%d}"
    department = Department.objects.filter(name__contains="市场监督管理局").first()
    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    pages = [
        ("overview, the year", f"/supervision/?{year}", True),
        ("overview, one department", f"/supervision/?{year}&department={department.pk}", True),
        ("lights board", "/supervision/lights/", True),
        ("lights board fragment (live refresh)", "/supervision/lights/board/", True),
        # Not targeted by the issue; measured so a slow page shows.
        ("case search, the year", f"/supervision/cases/?{year}", False),
        ("rankings and time limits, the year", f"/supervision/rankings/?{year}", False),
        ("delegations, the year", f"/supervision/delegations/?{year}", False),
        ("好差评 figures, the year", f"/supervision/feedback/?{year}", False),
    ]
    print(f"{cases:,} cases in {args.db_name}; {args.repeat} requests per page")
    print(f"{'page':<40} {'median':>9} {'p95':>9} {'max':>9} {'queries':>8}  verdict")
    failed = False
    for name, url, targeted in pages:
        times, counts = measure(client, url, args)
        median, high = statistics.median(times), p95(times)
        verdict = "-"
        if targeted:
            ok = median < MEDIAN_MS and high < P95_MS
            failed |= not ok
            verdict = "PASS" if ok else "FAIL"
        spread = f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"
        figures = f"{median:>7.1f}ms {high:>7.1f}ms {max(times):>7.1f}ms"
        print(f"{name:<40} {figures} {spread:>8}  {verdict}")
    if args.report:
        failed |= not time_report(client, today.year, args)
    return 1 if failed else 0


def time_report(client, year: int, args) -> bool:
    from accounts.models import User
    from supervision.models import ReportState
    from supervision.reports import report_request

    began = time.perf_counter()
    report, created = report_request(user=User.objects.get(username="supervisor"), year=year)
    report.refresh_from_db()
    seconds = time.perf_counter() - began
    ok = created and report.state == ReportState.DONE and seconds < 120
    size = report.file.size if report.file else 0
    print(
        f"annual report {year}: {seconds:.1f} s, state {report.state}, {size:,} bytes"
        f"  {'PASS' if ok else 'FAIL'}{'' if created else ' (an earlier one was still running)'}"
    )
    if args.pdf and report.file:
        Path(args.pdf).write_bytes(report.file.read())
    return ok


if __name__ == "__main__":
    sys.exit(main())
