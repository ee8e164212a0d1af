"""Item detail API vs a bare Django JSON view, under gunicorn against PostgreSQL.

Target (issue 3): /api/v1/items/{code}/ serves at least 40% of the requests per second
of a bare Django JSON view on the same server, measured in the same run.

What it does, start to finish:
  1. creates its own PostgreSQL database (default jinpu_bench_api; dropped at the end
     unless --keep-db) and migrates it;
  2. seeds the Jinpu organisation and --items published items with 3-8 materials and
     2-4 workflow stages (some parallel) through catalog.services;
  3. starts gunicorn (--workers sync workers, DEBUG off, bench.settings) on
     127.0.0.1:--port;
  4. drives both URLs with wrk (or, without wrk, Python threads) for --rounds rounds,
     alternating bare and detail, each for --duration seconds with --connections
     connections; the detail requests rotate over every seeded item code;
  5. prints req/s of both, the ratio and PASS/FAIL, and stops gunicorn.

Usage: .venv/bin/python bench/catalog_api_bench.py [--items 1000] [--workers 2] ...
Only 127.0.0.1 is ever contacted.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    BARE_PATH,
    GUNICORN,
    PYTHON,
    ROOT,
    argument_parser,
    drop_database,
    port_is_free,
    recreate_database,
    run,
    start_and_join,
    stop,
    wait_until_up,
)
from bench.common import server_env as common_server_env

TARGET_RATIO = 0.40


def parse_args(argv=None):
    parser = argument_parser(__doc__, "jinpu_bench_api", reuse=True)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/4",
        help="the server's cache (REDIS_URL), as in production; 'none' for the per-process "
        "memory cache",
    )
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--codes-file", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- Database and data -----------------------------------------------------------------


def server_env(args, var_dir: str) -> dict:
    overrides = {} if args.redis == "none" else {"REDIS_URL": args.redis}
    return common_server_env(args, var_dir, allowed_hosts="127.0.0.1,localhost", **overrides)


MATERIAL_POOL = [
    ("申请人身份证明", "公安机关"),
    ("营业执照", "市场监督管理部门"),
    ("申请表", "申请人"),
    ("授权委托书", "申请人"),
    ("经办人身份证明", "公安机关"),
    ("场地使用证明", "产权单位"),
    ("房屋产权证明", "不动产登记机构"),
    ("法定代表人身份证明", "公安机关"),
    ("公司章程", "申请人"),
    ("建设工程规划许可证", "自然资源部门"),
    ("环境影响评价文件", "中介机构"),
    ("消防设计审查意见", "住建部门"),
    ("施工图设计文件", "设计单位"),
    ("安全生产管理制度", "申请人"),
    ("从业人员健康证明", "医疗机构"),
    ("毕业证书", "高等学校"),
    ("劳动合同", "用人单位"),
    ("租房合同", "出租人"),
]
NAME_POOL = [
    "个人独资企业设立登记",
    "一人有限公司设立登记",
    "建设项目用地预审与选址意见书",
    "供水报装",
    "供气报装",
    "高校毕业生租房补贴",
    "食品经营许可",
    "公共场所卫生许可",
    "建筑工程施工许可",
    "道路运输经营许可",
    "排水许可",
    "户外广告设置许可",
    "城镇污水排入排水管网许可",
    "药品零售企业许可",
    "民办学校设立审批",
    "养老机构备案",
]
STEP_POOL = ["受理", "审查", "现场勘查", "审核", "决定", "制证"]


def seed(count: int, codes_file: str) -> None:
    """Runs in a child process with the server's environment (see main)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinpu_portal.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from accounts.constants import DepartmentKind
    from accounts.demo import seed_organisation
    from accounts.models import Department, Hall
    from catalog.constants import CaseType, Channel, ItemType, Theme, TongbanScope
    from catalog.models import ServiceObjectType
    from catalog.services import item_create, version_publish

    rng = random.Random(20260101)  # same catalog every run
    seed_organisation()
    bureaus = list(Department.objects.filter(kind=DepartmentKind.DEPARTMENT))
    stations = list(Department.objects.filter(kind=DepartmentKind.STATION))
    halls = list(Hall.objects.all())
    objects = list(ServiceObjectType.objects.all())
    codes = []
    started = time.monotonic()
    with transaction.atomic():
        for index in range(count):
            department = rng.choice(bureaus)
            code = f"{department.credit_code}4{index:08d}"
            stages = []
            for stage in range(1, rng.randint(2, 4) + 1):
                stages.append([(rng.choice(STEP_POOL), department, rng.randint(1, 5))])
                if stage == 2 and rng.random() < 0.3:
                    stages[-1].append(("联合审查", rng.choice(bureaus), rng.randint(1, 5)))
            longest = sum(max(days for _n, _d, days in group) for group in stages)
            promised = longest + rng.randint(0, 5)
            steps = [
                {"stage": stage, "name": name, "department": dept, "budget_days": days}
                for stage, group in enumerate(stages, start=1)
                for name, dept, days in group
            ]
            picked = rng.sample(MATERIAL_POOL, rng.randint(3, 8))
            materials = [
                {
                    "name": name,
                    "issuing_body": body,
                    "originals": 1,
                    "copies": rng.randint(0, 2),
                    "tolerance_allowed": position > 2 and rng.random() < 0.3,
                    "notes": "须加盖公章" if rng.random() < 0.2 else "",
                }
                for position, (name, body) in enumerate(picked, start=1)
            ]
            offline = rng.random() < 0.05
            version = item_create(
                code=code,
                actor=None,
                materials=materials,
                steps=steps,
                relations={
                    "service_objects": rng.sample(objects, rng.randint(1, 2)),
                    "accepting_halls": halls,
                    "accepting_units": rng.sample(stations, rng.randint(0, 3)),
                },
                name=f"{rng.choice(NAME_POOL)}（{index:04d}）",
                basic_code=f"0001{index:08d}",
                item_type=rng.choice([ItemType.LICENSING, ItemType.PUBLIC_SERVICE]),
                department=department,
                legal_basis="《中华人民共和国行政许可法》第十二条",
                theme=rng.choice(Theme.values),
                keywords="企业 登记 许可",
                case_type=CaseType.PROMISED,
                statutory_limit_days=promised + rng.randint(0, 10),
                promised_limit_days=promised,
                acceptance_conditions="申请人符合法定条件，申请材料齐全、符合法定形式。",
                process_description="申请—受理—审查—决定—送达",
                channels=[Channel.WINDOW, Channel.PC, Channel.MOBILE],
                online_available=not offline,
                not_online_reason="需现场核验原件" if offline else "",
                visits_required=1,
                visits_reason="领取办理结果",
                tongban_scope=rng.choice([TongbanScope.NONE, TongbanScope.DISTRICT]),
                location="金普新区政务服务中心",
                office_hours="周一至周五 8:30–11:30，13:00–17:00",
                consult_phone="0411-87651234",
                complaint_phone="8890",
                faqs=[{"q": "办理需要多久？", "a": f"承诺 {promised} 个工作日内办结。"}],
                result_name="批准文书",
            )
            version_publish(version=version, actor=None)
            codes.append(code)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # plans from real statistics, as on a live database
    Path(codes_file).write_text(json.dumps(codes))
    print(f"seeded {count} published items in {time.monotonic() - started:.1f}s", flush=True)


# --- Server --------------------------------------------------------------------------------


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- Load ------------------------------------------------------------------------------------

WRK_SCRIPT = """
codes = {codes}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/v1/items/" .. codes[(counter % #codes) + 1] .. "/")
end
"""


def wrk_run(args, path: str | None, script: str | None) -> dict:
    cmd = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(args.connections),
        "-d",
        f"{args.duration}s",
        "--latency",
    ]
    if script:
        cmd += ["-s", script]
    cmd.append(f"http://127.0.0.1:{args.port}{path or '/'}")
    output = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if bad:
        raise RuntimeError(f"{bad.group(1)} responses were not 2xx:\n{output}")
    return {
        "rps": rps,
        "p50": p50.group(1) if p50 else "",
        "p99": p99.group(1) if p99 else "",
        "socket_errors": errors.group(0) if errors else "",
    }


def python_run(args, paths: list[str]) -> dict:
    """Fallback client: --connections threads, each a loop of GETs, for --duration s."""
    stop = time.monotonic() + args.duration
    counts, latencies, failures = [0] * args.connections, [], []
    lock = threading.Lock()

    def worker(slot: int) -> None:
        index = slot
        while time.monotonic() < stop:
            path = paths[index % len(paths)]
            index += args.connections
            begun = time.perf_counter()
            status, _body = get(args.port, path)
            elapsed = time.perf_counter() - begun
            if status != 200:
                failures.append(status)
                return
            counts[slot] += 1
            if counts[slot] % 10 == 0:
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    started = time.monotonic()
    start_and_join(threads)
    if failures:
        raise RuntimeError(f"non-200 responses: {failures[:5]}")
    latencies.sort()
    return {
        "rps": sum(counts) / (time.monotonic() - started),
        "p50": f"{latencies[len(latencies) // 2] * 1000:.2f}ms" if latencies else "",
        "p99": f"{latencies[int(len(latencies) * 0.99)] * 1000:.2f}ms" if latencies else "",
        "socket_errors": "",
    }


def python_pass(args, paths: list[str]) -> None:
    """Each path once, --connections at a time."""
    pending = list(paths)
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                path = pending.pop()
            status, body = get(args.port, path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}: {body[:200]!r}")

    start_and_join([threading.Thread(target=worker) for _ in range(args.connections)])


def measure(args, codes: list[str], work_dir: Path) -> tuple[list[dict], list[dict]]:
    use_wrk = shutil.which("wrk") and not args.python_client
    script = work_dir / "detail.lua"
    script.write_text(WRK_SCRIPT.format(codes="{" + ",".join(f'"{c}"' for c in codes) + "}"))
    detail_paths = [f"/api/v1/items/{code}/" for code in codes]

    def bare():
        return wrk_run(args, BARE_PATH, None) if use_wrk else python_run(args, [BARE_PATH])

    def detail():
        return wrk_run(args, None, str(script)) if use_wrk else python_run(args, detail_paths)

    print(
        f"client: {'wrk (2 threads)' if use_wrk else 'Python threads'}, "
        f"{args.connections} connections, {args.duration}s per run",
        flush=True,
    )
    # Warm-up. Every item's detail once (its JSON is cached by version id from then on,
    # as on a live server after its first visitors); the time this takes is the cold
    # figure. Then a short run of each URL.
    started = time.monotonic()
    warm_args = argparse.Namespace(**{**vars(args), "duration": 3600})
    python_pass(warm_args, detail_paths)
    cold = len(detail_paths) / (time.monotonic() - started)
    print(f"  cold pass (cache empty, every item once): {cold:8.1f} req/s", flush=True)
    warm = args.duration
    args.duration = 3
    bare(), detail()
    args.duration = warm
    bares, details = [], []
    for round_number in range(1, args.rounds + 1):
        bares.append(bare())
        details.append(detail())
        print(
            f"  round {round_number}: bare {bares[-1]['rps']:8.1f} req/s "
            f"(p50 {bares[-1]['p50']}, p99 {bares[-1]['p99']}) | "
            f"detail {details[-1]['rps']:8.1f} req/s "
            f"(p50 {details[-1]['p50']}, p99 {details[-1]['p99']})",
            flush=True,
        )
    return bares, details


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.seed:
        seed(args.items, args.codes_file)
        return 0

    work_dir = Path(tempfile.mkdtemp(prefix="jinpu-bench-"))
    env = server_env(args, str(work_dir / "var"))
    codes_file = work_dir / "codes.json"
    server = None
    created = False
    try:
        if not args.reuse_db:
            print(f"database {args.db_name}: create, migrate, seed {args.items} items", flush=True)
            recreate_database(args)
            created = True
            run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
            run(
                [PYTHON, __file__, "--seed", "--items", str(args.items)]
                + ["--codes-file", str(codes_file)],
                env,
            )
        if not codes_file.exists():  # --reuse-db: the codes come from the database
            code_sql = (
                "from catalog.models import ServiceItem; import json, pathlib; "
                f"pathlib.Path({str(codes_file)!r}).write_text(json.dumps(list("
                "ServiceItem.objects.filter(current_version__isnull=False)"
                ".values_list('code', flat=True))))"
            )
            run([PYTHON, "manage.py", "shell", "-c", code_sql], env)
        codes = json.loads(codes_file.read_text())
        if not codes:
            raise RuntimeError("no published items in the database")

        if args.redis != "none":
            # A fresh generation: every cached detail from an earlier run is a miss.
            import redis

            redis.Redis.from_url(args.redis).delete("jinpu:1:catalog:api:item-detail:generation")
        if not port_is_free(args.port):
            raise RuntimeError(f"127.0.0.1:{args.port} is in use; choose another --port")
        log = (work_dir / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [
                GUNICORN,
                "jinpu_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until_up(server, args.port)
        status, body = get(args.port, BARE_PATH)
        if status != 200 or json.loads(body) != {"ok": True}:
            raise RuntimeError(f"bare view answered {status}: {body[:200]!r}")
        status, body = get(args.port, f"/api/v1/items/{codes[0]}/")
        if status != 200:
            raise RuntimeError(f"item detail answered {status}: {body[:300]!r}")
        sample = json.loads(body)
        cache = "Redis cache" if args.redis != "none" else "memory cache"
        print(
            f"server: gunicorn {args.workers} sync workers, DEBUG off, PostgreSQL "
            f"{args.db_name}, {cache}, {len(codes)} items; detail sample {len(body)} bytes, "
            f"{len(sample['materials'])} materials, {len(sample['steps'])} steps",
            flush=True,
        )

        bares, details = measure(args, codes, work_dir)
        bare_rps = statistics.mean(r["rps"] for r in bares)
        detail_rps = statistics.mean(r["rps"] for r in details)
        ratio = detail_rps / bare_rps
        rounds = [d["rps"] / b["rps"] for b, d in zip(bares, details, strict=True)]
        verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
        print(f"bare JSON view   : {bare_rps:8.1f} req/s (mean of {len(bares)} runs)")
        print(f"item detail API  : {detail_rps:8.1f} req/s (mean of {len(details)} runs)")
        print(
            f"ratio            : {ratio:.1%} (target >= {TARGET_RATIO:.0%}) {verdict}; "
            f"per round {', '.join(f'{r:.0%}' for r in rounds)}, "
            f"median {statistics.median(rounds):.1%}"
        )
        return 0 if verdict == "PASS" else 1
    finally:
        if server is not None:
            stop(server)
        if created and not args.keep_db:
            drop_database(args)
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
