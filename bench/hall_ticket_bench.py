"""Issuing hall tickets (取号) vs a bare Django JSON view, under gunicorn against
PostgreSQL, 32 concurrent clients.

Target (issue 15, item 7): with 32 clients, issuing a ticket sustains at least 25% of
the bare view's requests per second in the same run, with no errors and no duplicate
numbers (checked in the database afterwards).

What it does, start to finish:
  1. creates its own PostgreSQL database (default jinpu_bench_hall; dropped at the end
     unless --keep-db) and migrates it;
  2. seeds the two halls and three business categories each (A, B, C), a window open
     for every category with a clerk seated (so every answer carries an expected wait),
     through the portal's services;
  3. starts gunicorn with the portal's gunicorn.conf.py on 127.0.0.1:--port, DEBUG off,
     bench.settings (the bare view), Redis as the cache (the rate limit's counters);
  4. for --rounds rounds, --duration seconds each: the bare view (GET
     /bench/bare-json/), then the tickets: each request POSTs the public issuing API
     (``/api/v1/hall/tickets/``, as a kiosk does: no account) for a random category, a
     third with a mobile number, a fifth with an ID number. Every request counts; any
     status but 201 is an error;
  5. afterwards, in the database: the tickets are exactly the 201 answers (each answered
     label is in the database once, no ticket without an answer), every category's
     numbers of the day run 1..N without a gap or a repeat, every ticket has its one
     ``issued`` event, and each day counter's ``last`` is its N. Prints both req/s, the
     ratio, the errors, the load average and PASS/FAIL; stops gunicorn, deletes the cache
     keys it made and drops the database.

The rate limit per client address (hall/throttles.py) runs on every request without
being switched off: the kiosks of a hall share one address behind its NAT, so the
deployment sets ``HALL_RATE_LIMIT_ADDRESS`` for its halls; the benchmark's 32 kiosks on
127.0.0.1 get ``HALL_RATE_LIMIT_ADDRESS=10000000/hour`` (its counter is read and written
in Redis on every request all the same).

Usage: .venv/bin/python bench/hall_ticket_bench.py [--clients 32] [--duration 15] ...
Only 127.0.0.1 is ever contacted.
"""

import argparse
import json
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common  # noqa: E402

TARGET_RATIO = 0.25
ISSUE_PATH = "/api/v1/hall/tickets/"
ISSUED_STATUS = 201


def parse_args(argv=None):
    parser = common.argument_parser(__doc__, "jinpu_bench_hall")
    common.load_arguments(parser, port=18768, redis="redis://127.0.0.1:6379/3", redis_help="cache")
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- Data --------------------------------------------------------------------------------


def seed(out_file: str) -> None:
    """Runs inside Django (``--seed``): halls, categories, open windows."""
    import django

    django.setup()
    from accounts.constants import Role
    from accounts.models import Hall, Window
    from accounts.services import staff_assign_window, user_create
    from hall.models import ServiceCategory
    from hall.services.windows import window_open, window_set_categories

    admin = user_create(username="bench-admin", password=None, roles=[Role.SYSTEM_ADMIN])
    categories = []
    for code, name in [("JP", "金普厅"), ("JZ", "金州厅")]:
        hall = Hall.objects.create(code=code, name=name)
        for order, (letter, title) in enumerate(
            [("A", "企业登记"), ("B", "工程建设"), ("C", "社会事务")]
        ):
            category = ServiceCategory.objects.create(
                hall=hall, letter=letter, name=title, order=order
            )
            categories.append(category.pk)
            window = Window.objects.create(hall=hall, number=order + 1)
            clerk = user_create(
                username=f"bench-{code}-{letter}", password=None, roles=[Role.CLERK]
            )
            staff_assign_window(user=clerk, window=window)
            window_set_categories(window=window, category_ids=[category.pk], actor=admin)
            window_open(window=window, actor=clerk)
    Path(out_file).write_text(json.dumps({"categories": categories}))
    print(f"seeded 2 halls, {len(categories)} categories, {len(categories)} open windows")


def server_env(args, var_dir: str) -> dict:
    return common.server_env(
        args,
        var_dir,
        allowed_hosts="127.0.0.1",
        REDIS_URL=args.redis,
        HALL_RATE_LIMIT_ADDRESS="10000000/hour",
    )


def check_database(args, answered: list[str]) -> dict:
    """The tickets against the labels the clients were answered (hall name + label)."""
    with common.database_cursor(args) as cursor:
        cursor.execute(
            "SELECT h.name || ' ' || t.label, t.category_id, t.day, t.number"
            " FROM hall_ticket t JOIN accounts_hall h ON h.id = t.hall_id"
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT t.id FROM hall_ticket t LEFT JOIN hall_ticketevent e"
            " ON e.ticket_id = t.id AND e.action = 'issued'"
            " GROUP BY t.id HAVING count(e.id) <> 1"
        )
        without_event = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT category_id, day, last FROM hall_daycounter")
        counters = {(category, day): last for category, day, last in cursor.fetchall()}
    labels = [label for label, *_ in rows]
    in_db = set(labels)
    numbers: dict = {}
    for _label, category, day, number in rows:
        numbers.setdefault((category, day), []).append(number)
    gaps = {
        f"{key}": (len(values), max(values))
        for key, values in numbers.items()
        if sorted(values) != list(range(1, len(values) + 1))
    }
    counter_off = {
        f"{key}": (counters.get(key), len(values))
        for key, values in numbers.items()
        if counters.get(key) != len(values)
    }
    return {
        "tickets": len(rows),
        "answered": len(answered),
        "duplicates_in_db": len(labels) - len(in_db),
        "duplicates_answered": len(answered) - len(set(answered)),
        "answered_not_in_db": len(set(answered) - in_db),
        "in_db_not_answered": len(in_db - set(answered)),
        "gaps": gaps,
        "counter_off": counter_off,
        "without_event": len(without_event),
    }


# --- Clients -------------------------------------------------------------------------------


def resident_id(n: int) -> str:
    """A valid resident ID number (born 1990-01-01 in 210213), n < 1000."""
    body = f"21021319900101{n % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def ticket_body(rng: random.Random, categories: list[int]) -> dict:
    body = {"category": rng.choice(categories)}
    if rng.random() < 1 / 3:
        body["mobile"] = f"139{rng.randrange(10**8):08d}"
    if rng.random() < 1 / 5:
        body["id_number"] = resident_id(rng.randrange(1000))
    return body


def client_process(mode, args, categories, slots, start_at, stop_at, results):
    """One client process: a thread per client slot, each its own connection."""
    counts = {"requests": 0, "errors": 0, "samples": [], "latency": [], "labels": []}
    lock = threading.Lock()

    def worker(slot: int) -> None:
        client = common.Client(args.port)
        rng = random.Random(slot * 7919 + int(start_at))
        common.wait_for(start_at)
        while time.time() < stop_at:
            if mode == "bare":
                status, body = client.call("GET", common.BARE_PATH)
                expected = 200
            else:
                status, body = client.call(
                    "POST",
                    ISSUE_PATH,
                    json.dumps(ticket_body(rng, categories)).encode(),
                    {"Content-Type": "application/json"},
                )
                expected = ISSUED_STATUS
            with lock:
                common.tally(counts, status, expected, body)
                counts["latency"].append(client.elapsed)
                if status == expected and mode != "bare":
                    answer = json.loads(body)
                    counts["labels"].append(f"{answer['hall']} {answer['label']}")
        client.connection.close()

    common.run_threads(worker, slots, results, counts)


def drive(args, mode: str, categories: list[int]) -> dict:
    """``--clients`` clients in ``--processes`` processes for ``--duration`` seconds."""
    return common.drive_clients(args, client_process, mode, args, categories)


# --- Main ----------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.seed:
        seed(args.seed)
        return 0
    if common.refuse_busy_port(args.port):
        return 2
    work_dir = common.fresh_run_dir(args, "hall", "cache")
    env = server_env(args, str(work_dir / "var"))
    print(f"load average before: {common.load_average()}", flush=True)
    answered: list[str] = []
    with common.seeded_server(args, __file__, work_dir, env) as data:
        categories = data["categories"]
        warm = argparse.Namespace(**{**vars(args), "duration": 3})
        answered += drive(warm, "issue", categories)["labels"]
        drive(warm, "bare", categories)
        bare_runs, issue_runs = common.measure_rounds(
            args,
            lambda: drive(args, "bare", categories),
            lambda: drive(args, "issue", categories),
            "issue",
            "issue",
        )
        answered += [label for issued in issue_runs for label in issued["labels"]]
        state = check_database(args, answered)

    ratio, errors = common.print_ratio(args, bare_runs, issue_runs, "issue a ticket", TARGET_RATIO)
    consistent = not (
        state["duplicates_in_db"]
        or state["duplicates_answered"]
        or state["answered_not_in_db"]
        or state["in_db_not_answered"]
        or state["gaps"]
        or state["counter_off"]
        or state["without_event"]
    )
    print(
        f"database: {state['tickets']:,} tickets, {state['answered']:,} answered 201;"
        f" duplicate labels in the database {state['duplicates_in_db']}, among the answers"
        f" {state['duplicates_answered']}; answered but missing {state['answered_not_in_db']},"
        f" in the database but never answered {state['in_db_not_answered']}; categories with"
        f" a gap or repeat {len(state['gaps'])} {state['gaps'] or ''}; day counters off"
        f" {len(state['counter_off'])}; tickets without exactly one issued event"
        f" {state['without_event']}"
    )
    print(f"load average after: {common.load_average()}")
    passed = ratio >= TARGET_RATIO and errors == 0 and consistent
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
