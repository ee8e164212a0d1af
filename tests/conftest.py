"""Suite-wide fixtures and the rule for tests that need real services.

Markers: ``postgres`` (DATABASE_URL points at PostgreSQL), ``redis`` (REDIS_URL
answers), ``browser`` (Debian's Chromium is installed). Without the service such a
test is skipped, except with REQUIRE_SERVICES=1 (CI), where any such skip fails the
run: CI must never pass by skipping the real parts.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.db.backends.base.creation import BaseDatabaseCreation

from jinpu_portal.celery import app as celery_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
SERVICE_MARKERS = ("postgres", "redis", "browser")

# Tasks queued by services run in-process during tests; the tests that prove the
# real broker and worker start their own worker against Redis.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


def _redis_answers() -> bool:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


def _available() -> dict[str, tuple[bool, str]]:
    return {
        "postgres": (settings.IS_POSTGRES, "needs PostgreSQL: set DATABASE_URL"),
        "redis": (_redis_answers(), "needs Redis: set REDIS_URL to a running server"),
        "browser": (
            bool(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)),
            f"needs Chromium at {CHROMIUM}",
        ),
    }


_skipped_required: list[str] = []


def pytest_collection_modifyitems(config, items):
    available = _available()
    for item in items:
        for name in SERVICE_MARKERS:
            if item.get_closest_marker(name):
                ok, reason = available[name]
                if not ok:
                    item.add_marker(pytest.mark.skip(reason=reason))
        _restore_migration_data(item)


def _bulk_deserialize_db_from_string(self, data: str) -> None:
    """Django's serialized rollback, restoring with bulk inserts.

    Django saves the snapshot row by row, firing every post_save receiver: the calendar
    cache bump and the approvals re-derivation ran for each of ~800 calendar rows, ten
    seconds per transactional test. Restoring a snapshot is not an edit, so no signals.
    Rows already there (the first transactional test finds the migrated data) stay.
    """
    from collections import defaultdict

    from django.core import serializers
    from django.db import transaction

    alias = self.connection.alias
    rows = defaultdict(list)
    many_to_many = []
    for deserialized in serializers.deserialize("json", data, using=alias):
        instance = deserialized.object
        rows[type(instance)].append(instance)
        if deserialized.m2m_data:
            many_to_many.append((instance, deserialized.m2m_data))
    with transaction.atomic(using=alias):  # as Django does: forward references, cycles
        with self.connection.constraint_checks_disabled():
            for model, instances in rows.items():
                model._base_manager.using(alias).bulk_create(
                    instances, batch_size=500, ignore_conflicts=True
                )
            for instance, fields in many_to_many:
                for name, pks in fields.items():
                    field = instance._meta.get_field(name)
                    through = field.remote_field.through
                    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
                    through._base_manager.using(alias).bulk_create(
                        [
                            through(**{f"{source}_id": instance.pk, f"{target}_id": pk})
                            for pk in pks
                        ],
                        ignore_conflicts=True,
                    )
        self.connection.check_constraints(table_names=[model._meta.db_table for model in rows])


BaseDatabaseCreation.deserialize_db_from_string = _bulk_deserialize_db_from_string


def _restore_migration_data(item) -> None:
    """Transactional tests (transaction=True, transactional_db, live_server) end with a
    flush that empties every table, including the rows migrations put in: role groups,
    the working-day calendar, catalog code tables. A transactional test that runs after
    another would then start without them. serialized_rollback reloads them at the start
    of each such test, so every test sees the database a fresh migrate gives."""
    marker = item.get_closest_marker("django_db")
    kwargs = dict(marker.kwargs) if marker else {}
    fixtures = getattr(item, "fixturenames", ())
    transactional = (
        kwargs.get("transaction")
        or kwargs.get("reset_sequences")
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )
    if not transactional or kwargs.get("serialized_rollback"):
        return
    kwargs.update(transaction=True, serialized_rollback=True)
    args = marker.args if marker else ()
    item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


def pytest_runtest_logreport(report):
    # By the report's own marks: under pytest-xdist the reports reach the controller,
    # which collected nothing itself.
    if report.skipped and any(name in report.keywords for name in SERVICE_MARKERS):
        _skipped_required.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if REQUIRE_SERVICES and _skipped_required:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = "\n".join(f"  {nodeid}" for nodeid in _skipped_required)
        message = f"REQUIRE_SERVICES=1 but these tests needing services were skipped:\n{lines}"
        if reporter:
            reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's many rounds cost a fraction of a second per password; tests set many."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (on Redis: the worker's own database,
    tests/worker_services.py)."""
    from django.core.cache import cache

    cache.clear()
    # And what each process keeps in front of the shared cache: a test's rolled-back
    # changes bump no generation, and the database reuses the ids of rolled-back rows.
    from jinpu_portal.generation_cache import reset_all

    reset_all()


@pytest.fixture
def at(monkeypatch):
    """``at(2026, 9, 28, 10)`` sets "now" (Asia/Shanghai) for every service:
    django.utils.timezone.now, which localdate and auto_now read too. Like Django's,
    the "now" handed out is in UTC, so code taking a date from it without converting
    to local time gets the UTC date, as it would in production."""
    import datetime
    import zoneinfo

    from django.utils import timezone

    def set_now(*args):
        moment = datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
        utc = moment.astimezone(datetime.UTC)
        monkeypatch.setattr(timezone, "now", lambda: utc)
        return moment

    return set_now


@pytest.fixture
def week(db, at):
    """The week of 2 November 2026 whose figures tests/supervision/week.py works out by
    hand (cases A-E, a district-wide and a department supervisor, approver, clerk)."""
    from tests.supervision.week import build_week

    return build_week(at)


# --- Users of each role, set up through the services (tests/factories.py) ---------


@pytest.fixture
def citizen(db):
    """A Citizen with a portal account (role citizen) and one enterprise it represents."""
    from tests.factories import CitizenFactory, EnterpriseFactory

    person = CitizenFactory(name="王芳", id_number="11010519491231002X")
    EnterpriseFactory(
        name="大连测试科技有限公司",
        credit_code="91110000600037341L",
        legal_representative="王芳",
        representative=person,
    )
    return person


@pytest.fixture
def clerk(db):
    from accounts.services import staff_assign_window
    from tests.factories import HallFactory, UserFactory, WindowFactory

    user = UserFactory(clerk=True, username="clerk-test")
    hall = HallFactory(code="JP", name="金普厅")
    staff_assign_window(user=user, window=WindowFactory(hall=hall, number=3))
    return user


@pytest.fixture
def approver(db):
    from accounts.services import staff_grant_department
    from tests.factories import DepartmentFactory, UserFactory

    user = UserFactory(approver=True, username="approver-test")
    for code, name in [("SCJ", "市场监督管理局"), ("ZJJ", "住房和城乡建设局")]:
        staff_grant_department(user=user, department=DepartmentFactory(code=code, name=name))
    DepartmentFactory(code="OTHER", name="不相干的部门")
    return user


@pytest.fixture
def supervisor(db):
    from tests.factories import make_supervisor

    return make_supervisor(username="supervisor-test")


@pytest.fixture
def system_admin(db):
    from tests.factories import UserFactory

    return UserFactory(system_admin=True, username="sysadmin-test")


# --- The comprehensive window's data (tests/factories.py) ------------------------------


@pytest.fixture
def item(db):
    """A published 承诺件 (10 working days) with a required material, a required one
    that allows 容缺, and an optional one."""
    from tests.factories import ItemVersionFactory

    return ItemVersionFactory(name="食品经营许可")


@pytest.fixture
def immediate_item(db):
    """A published 即办件."""
    from tests.factories import ItemVersionFactory

    return ItemVersionFactory(name="个体工商户名称变更", immediate=True)


@pytest.fixture
def bundle(db):
    """一件事 我要开餐馆: 食品经营许可 and 户外招牌设置, sharing 申请表."""
    from tests.factories import ItemVersionFactory, make_bundle

    shop = ItemVersionFactory(name="食品经营许可")
    sign = ItemVersionFactory(
        name="户外招牌设置",
        materials=[
            {"name": "申请表", "issuing_body": "申请人", "originals": 1, "copies": 0},
            {"name": "招牌设计图", "issuing_body": "申请人", "originals": 1, "copies": 1},
        ],
    )
    return make_bundle("open-shop", [shop, sign], "我要开餐馆")


@pytest.fixture
def other_clerk(db):
    """A clerk at another hall's window (金州厅 2 号窗口)."""
    from tests.factories import ClerkFactory, UserFactory

    return ClerkFactory(
        user=UserFactory(clerk=True, username="clerk-jz"),
        hall_code="JZ",
        hall_name="金州厅",
        window_number=2,
    )


@pytest.fixture
def applicant(db):
    """A citizen without an enterprise, with a portal account."""
    from tests.factories import CitizenFactory

    return CitizenFactory(name="李华", id_number="360426199101010071")


# --- Query counts that stay flat -------------------------------------------------------


@pytest.fixture
def assert_flat_queries():
    """``assert_flat_queries(request, add)``: ``add(n)`` makes n more rows of a list and
    ``request()`` asks for it. The query count with 1 row must equal the count with 20
    (flat), whatever it is: no fixed ceiling to creep up to. The first request warms
    the per-process caches (calendar, item versions) and is not counted. Returns the
    two measured answers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def check(request, add):
        add(1)
        request()
        with CaptureQueriesContext(connection) as one:
            first = request()
        add(19)
        with CaptureQueriesContext(connection) as twenty:
            last = request()
        assert len(twenty) == len(one), "\n".join(
            query["sql"][:200] for query in twenty.captured_queries
        )
        return first, last

    return check
