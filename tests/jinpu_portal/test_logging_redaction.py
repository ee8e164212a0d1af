"""ID numbers never reach a log line: through the handlers settings.LOGGING installs,
for Django's own loggers too, and in tracebacks."""

import io
import logging

import pytest

from jinpu_portal.logging import RedactIdentityNumbers, redact

RAW_ID = "11010519491231002X"
RAW_CODE = "91110000600037341L"


@pytest.fixture
def root_output():
    """The stream of the root handler that settings.LOGGING configured."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactIdentityNumbers) for f in h.filters)
    ]
    assert handlers, "settings.LOGGING must put the redaction filter on the root handler"
    handler = handlers[0]
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


@pytest.mark.parametrize(
    "logger_name", ["accounts.views", "django.request", "django.server", "celery.app.trace"]
)
def test_messages_are_redacted(root_output, logger_name):
    logging.getLogger(logger_name).warning("申请人 %s 企业 %s", RAW_ID, RAW_CODE)
    text = root_output.getvalue()
    assert "申请人 110105********002X 企业 911100********341L" in text
    assert RAW_ID not in text
    assert RAW_CODE not in text


def test_not_found_warning_with_an_id_in_the_path(client, db, root_output):
    client.get(f"/api/v1/citizens/{RAW_ID}/")
    text = root_output.getvalue()
    assert "Not Found" in text
    assert RAW_ID not in text
    assert "110105********002X" in text


def test_tracebacks_are_redacted(root_output):
    try:
        raise ValueError(f"duplicate key value violates unique constraint: (id_number)=({RAW_ID})")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /accounts/signup/")
    text = root_output.getvalue()
    assert "Traceback" in text
    assert "ValueError" in text
    assert RAW_ID not in text
    assert "110105********002X" in text


def test_caplog_sees_the_redacted_record(caplog, root_output):
    """The filter rewrites the record itself, so handlers after it get the masked text."""
    with caplog.at_level(logging.INFO):
        logging.getLogger("accounts").info("实名核验 %s", RAW_ID)
    assert RAW_ID not in caplog.text
    assert "110105********002X" in caplog.text


def test_every_configured_handler_redacts():
    """No logger keeps a handler of its own that skips the filter (Django's defaults for
    "django" and "django.server" used to)."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    unfiltered = [
        (logger.name, handler)
        for logger in loggers
        for handler in logger.handlers
        if not any(isinstance(f, RedactIdentityNumbers) for f in handler.filters)
        and not isinstance(handler, logging.NullHandler)
        and not type(handler).__module__.startswith("_pytest")
    ]
    assert unfiltered == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (RAW_ID, "110105********002X"),
        ("11010519491231002x", "110105********002x"),
        (f"ID{RAW_ID}", "ID110105********002X"),
        (f"身份证号{RAW_ID}。", "身份证号110105********002X。"),
        (f"?id={RAW_ID}&x=1", "?id=110105********002X&x=1"),
        (RAW_CODE, "911100********341L"),
        ("91310115MA1K3BTP2B", "913101********TP2B"),
        ("12345678901234567890", "12345678901234567890"),  # a 20-digit order number
        ("succeeded in 0.011892345678912343376s", "succeeded in 0.011892345678912343376s"),
        ("证件号.11010519491231002X", "证件号.110105********002X"),
        ("case JP-2026-000123", "case JP-2026-000123"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected
