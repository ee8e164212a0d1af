"""Rating by token (好差评, the QR code's link) vs a bare Django JSON view, under gunicorn
against PostgreSQL, 32 concurrent clients.

Target (issue 14, item 12): with 32 clients, rating by token sustains at least 25% of
the bare view's requests per second in the same run, with no errors, and no rating lost
or doubled.

What it does, start to finish:
  1. creates its own PostgreSQL database (default jinpu_bench_rating; dropped at the end
     unless --keep-db) and migrates it;
  2. seeds the organisation, the item, 8 clerks and 500 walk-in applicants through the
     services, then bulk-inserts --instances open service instances (concluded counter
     cases, an intake and a conclusion instance each, served in the last two days) and
     makes each one's rating token (feedback.tokens.rating_token, as the QR code does);
  3. starts gunicorn with the portal's gunicorn.conf.py on 127.0.0.1:--port, DEBUG off,
     bench.settings (the bare view), Redis as the cache (the rate limits' counters) and
     broker;
  4. for --rounds rounds, --duration seconds each: the bare view (GET
     /bench/bare-json/), then the ratings: each request takes the next unused token
     (a counter shared by all client processes, so no token is sent twice) and POSTs a
     rating to the rate-by-token API: mostly 非常满意 and 满意, some 基本满意, --bad
     share 差评 with a reason (each opens a rectification order). Every request counts;
     any status but the API's success is an error;
  5. afterwards: every token answered with success has exactly one rating (channel QR,
     not a default), every other token none; the ratings in the database are exactly
     the successes (none lost, none doubled); 50 used tokens sent again are all refused
     and add nothing. Prints both req/s, the ratio, the errors, the load average and
     PASS/FAIL; stops gunicorn, deletes the cache keys it made and drops the database.

The rate limits (per token and per client address, feedback/throttles.py) run on every
request and never refuse one here, without being switched off: each token is used once
(under the per-token limit), and each request carries its own client address in
X-Forwarded-For, as the hall's reverse proxy would pass a citizen's phone's address
(10.x.y.z, one per token), so the per-address limit counts one request per address:
the server trusts one proxy hop (bench/settings.py, BENCH_NUM_PROXIES=1, DRF's
NUM_PROXIES), as a deployment behind that proxy does. All clients connect from
127.0.0.1.

Usage: .venv/bin/python bench/rating_load_bench.py [--clients 32] [--duration 15] ...
Only 127.0.0.1 is ever contacted.
"""

import argparse
import datetime
import json
import multiprocessing
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common  # noqa: E402

TARGET_RATIO = 0.25
# The rate-by-token API (feedback/api): POST a rating for the token in the path.
RATE_PATH = "/api/v1/feedback/rate/{token}/"
RATED_STATUS = 201
REFUSED_STATUSES = (400, 409)  # a used token sent again


def parse_args(argv=None):
    parser = common.argument_parser(__doc__, "jinpu_bench_rating")
    common.load_arguments(
        parser, port=18767, redis="redis://127.0.0.1:6379/2", redis_help="cache and broker"
    )
    parser.add_argument("--instances", type=int, default=100_000, help="tokens to rate with")
    parser.add_argument("--bad", type=float, default=0.02, help="share of 差评")
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- Data --------------------------------------------------------------------------------


def seed(count: int, out_file: str) -> None:
    """Runs inside Django (``--seed``): the instances and their tokens."""
    import django

    django.setup()
    from django.utils import timezone

    from bench.feedback_data import cases_with_instances, seed_base
    from feedback.models import ServiceInstance
    from feedback.tokens import rating_token

    started = time.monotonic()
    now = timezone.now()
    instances = cases_with_instances(
        seed_base(),
        count // 2,
        served_between=(now - datetime.timedelta(days=2), now - datetime.timedelta(minutes=5)),
        period=datetime.timedelta(days=7),
        prefix="BQ",
    )
    random.Random(1).shuffle(instances)
    tokens = [
        [pk, rating_token(ServiceInstance(pk=pk, application_id=application))]
        for pk, application in instances
    ]
    Path(out_file).write_text(json.dumps({"tokens": tokens}))
    print(f"seeded {len(tokens):,} instances and tokens in {time.monotonic() - started:.1f}s")


def server_env(args, var_dir: str) -> dict:
    # One proxy hop trusted: the clients pass each rating's client address as the
    # hall's reverse proxy would (see the module's docstring).
    return common.server_env(
        args, var_dir, allowed_hosts="127.0.0.1", REDIS_URL=args.redis, BENCH_NUM_PROXIES="1"
    )


def check_database(args, sent: dict[int, int], tokens: list) -> dict:
    """Ratings per instance against what the clients were answered."""
    with common.database_cursor(args) as cursor:
        cursor.execute(
            "SELECT instance_id, count(*), bool_or(is_default), min(channel)"
            " FROM feedback_rating GROUP BY instance_id"
        )
        ratings = {pk: (n, default, channel) for pk, n, default, channel in cursor.fetchall()}
        cursor.execute("SELECT state, count(*) FROM feedback_serviceinstance GROUP BY state")
        states = dict(cursor.fetchall())
    rated = {tokens[index][0] for index, status in sent.items() if status == RATED_STATUS}
    refused = {tokens[index][0] for index, status in sent.items() if status != RATED_STATUS}
    lost = [pk for pk in rated if pk not in ratings]
    doubled = [pk for pk, (n, _, _) in ratings.items() if n != 1]
    wrong = [pk for pk in rated if pk in ratings and ratings[pk][1:] != (False, "qr")]
    unexpected = [pk for pk in ratings if pk not in rated]
    return {
        "successes": len(rated),
        "refused": len(refused),
        "ratings": len(ratings),
        "lost": lost,
        "doubled": doubled,
        "wrong": wrong,
        "unexpected": unexpected,
        "states": states,
    }


# --- Clients -------------------------------------------------------------------------------


def address(index: int) -> str:
    """A client address per token: 10.x.y.z."""
    return f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"


def rating_body(rng: random.Random, bad_share: float) -> dict:
    if rng.random() < bad_share:
        return {"level": rng.choice([4, 5]), "reasons": ["efficiency"], "text": "等候时间较长。"}
    level = rng.choices([1, 2, 3], weights=[80, 16, 4])[0]
    return {"level": level, "text": "" if rng.random() < 0.8 else "服务很好。"}


def rate(client: common.Client, token: str, index: int, body: dict):
    return client.call(
        "POST",
        RATE_PATH.format(token=token),
        json.dumps(body).encode(),
        {"Content-Type": "application/json", "X-Forwarded-For": address(index)},
    )


def client_process(mode, args, tokens, counter, slots, start_at, stop_at, results):
    """One client process: a thread per client slot, each its own connection."""
    counts = {"requests": 0, "errors": 0, "samples": [], "latency": [], "sent": {}}
    lock = threading.Lock()

    def next_token() -> int | None:
        with counter.get_lock():
            index = counter.value
            if index >= len(tokens):
                return None
            counter.value = index + 1
            return index

    def worker(slot: int) -> None:
        client = common.Client(args.port)
        rng = random.Random(slot)
        common.wait_for(start_at)
        while time.time() < stop_at:
            if mode == "bare":
                status, body = client.call("GET", common.BARE_PATH)
                expected, index = 200, None
            else:
                index = next_token()
                if index is None:
                    with lock:
                        counts["errors"] += 1
                        counts["samples"].append("tokens exhausted: raise --instances")
                    break
                status, body = rate(client, tokens[index][1], index, rating_body(rng, args.bad))
                expected = RATED_STATUS
            with lock:
                common.tally(counts, status, expected, body)
                counts["latency"].append(client.elapsed)
                if index is not None:
                    counts["sent"][index] = status
        client.connection.close()

    common.run_threads(worker, slots, results, counts)


def drive(args, mode: str, tokens: list, counter) -> dict:
    """``--clients`` clients in ``--processes`` processes for ``--duration`` seconds."""
    return common.drive_clients(args, client_process, mode, args, tokens, counter)


def replay(args, tokens: list, sent: dict[int, int], count: int = 50) -> list[int]:
    """Send ``count`` used tokens again: the statuses (each must be a refusal)."""
    client = common.Client(args.port)
    used = [index for index, status in sorted(sent.items()) if status == RATED_STATUS][:count]
    statuses = []
    for index in used:
        status, _ = rate(client, tokens[index][1], index, {"level": 1})
        statuses.append(status)
    client.connection.close()
    return statuses


# --- Main ----------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.seed:
        seed(args.instances, args.seed)
        return 0
    if common.refuse_busy_port(args.port):
        return 2
    work_dir = common.fresh_run_dir(args, "rating", "cache")
    env = server_env(args, str(work_dir / "var"))
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    sent: dict[int, int] = {}
    seed_args = ("--instances", str(args.instances))
    with common.seeded_server(
        args, __file__, work_dir, env, broker=True, seed_args=seed_args
    ) as data:
        tokens = data["tokens"]
        warm = argparse.Namespace(**{**vars(args), "duration": 3})
        sent.update(drive(warm, "rate", tokens, counter)["sent"])
        drive(warm, "bare", tokens, counter)
        bare_runs, rate_runs = common.measure_rounds(
            args,
            lambda: drive(args, "bare", tokens, counter),
            lambda: drive(args, "rate", tokens, counter),
            "rate by token",
            "rate",
        )
        for rating in rate_runs:
            sent.update(rating["sent"])
        replayed = replay(args, tokens, sent)
        state = check_database(args, sent, tokens)

    consistent = not (state["lost"] or state["doubled"] or state["wrong"] or state["unexpected"])
    replay_ok = all(status in REFUSED_STATUSES for status in replayed)
    ratio, errors = common.print_ratio(args, bare_runs, rate_runs, "rate by token", TARGET_RATIO)
    print(
        f"database: {state['successes']:,} ratings answered as recorded, {state['ratings']:,}"
        f" in the database; lost {len(state['lost'])}, doubled {len(state['doubled'])},"
        f" wrong channel or default {len(state['wrong'])}, without a success"
        f" {len(state['unexpected'])}; tokens refused {state['refused']}; instances by state"
        f" {state['states']}"
    )
    print(
        f"replay: {len(replayed)} used tokens sent again: statuses"
        f" {sorted(set(replayed))} ({'all refused' if replay_ok else 'NOT all refused'})"
    )
    print(f"load average: {common.load_average()}")
    passed = ratio >= TARGET_RATIO and errors == 0 and consistent and replay_ok
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
