"""Every service that takes a row lock runs in a transaction of its own making: it is
decorated with ``transaction.atomic`` or opens one itself. Called outside one (a view
on autocommit, a Celery task), ``select_for_update`` is refused; inside the suite's
per-test transaction it is not, so only a browser test on autocommit would show it.
The lock helpers (``lock_*``, ``*_lock``) are meant for a caller's transaction."""

import importlib
import inspect
import pkgutil

# The modules that write: each app's services, and the few that live beside them.
SERVICES = ["accounts", "catalog", "intake", "approvals", "feedback", "hall"]
BESIDE = [
    "accounts.authorization",
    "catalog.calendar_services",
    "supervision.refresh",
    "supervision.reports",
]
LOCKS = ("select_for_update(", "lock_task(", "lock_case(", "_lock(")


def _modules():
    for app in SERVICES:
        package = importlib.import_module(f"{app}.services")
        yield package
        for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
            yield importlib.import_module(f"{app}.services.{info.name}")
    for name in BESIDE:
        yield importlib.import_module(name)


def _service_functions():
    for module in _modules():
        for name, function in vars(module).items():
            if (
                inspect.isfunction(function)
                and function.__module__ == module.__name__
                and not name.startswith("_")
            ):
                yield f"{module.__name__}.{name}", name, function


def test_every_locking_service_opens_its_transaction():
    checked, outside = 0, []
    for label, name, function in _service_functions():
        if name.startswith("lock") or name.endswith("_lock"):
            continue
        source = inspect.getsource(inspect.unwrap(function))
        if not any(lock in source for lock in LOCKS):
            continue
        checked += 1
        if not hasattr(function, "__wrapped__") and "transaction.atomic(" not in source:
            outside.append(label)
    assert checked > 50
    assert outside == []
