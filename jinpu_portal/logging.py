"""Log filters. Identity numbers never reach a log line (docs/domain.md,
"Identity numbers and personal data").

The filter sits on every handler (settings.LOGGING routes Django's own loggers through
the root handler; jinpu_portal.celery adds it to the handlers Celery's worker installs),
because a filter on a logger does not see records propagated from its children.
"""

import logging
import re

# A resident ID: 17 digits and a digit or X, not part of a longer number nor the
# decimals of one (Celery logs "succeeded in 0.011892...s"). It may be glued to letters
# ("ID110105...") or lower-case ("...002x").
_RESIDENT_ID = re.compile(r"(?<!\d)(?<!\d\.)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
# An 18-character unified social credit code (or any 18-character upper-case code).
_CODE_18 = re.compile(
    r"(?<![0-9A-Za-z])([0-9A-Z]{6})[0-9A-Z]{8}([0-9A-Z]{3}[0-9A-Z])(?![0-9A-Za-z])"
)


def _mask(match: re.Match) -> str:
    return f"{match.group(1)}********{match.group(2)}"


def redact(text: str) -> str:
    return _CODE_18.sub(_mask, _RESIDENT_ID.sub(_mask, text))


class RedactIdentityNumbers(logging.Filter):
    """Masks anything shaped like an 18-character ID number in the rendered message,
    the traceback and the stack of a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the raw traceback (a database
            # error quoting the duplicate key, say) is never rendered.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def add_redaction(logger: logging.Logger) -> None:
    """Put the filter on each handler of ``logger`` that lacks it."""
    for handler in logger.handlers:
        if not any(isinstance(f, RedactIdentityNumbers) for f in handler.filters):
            handler.addFilter(RedactIdentityNumbers())
