"""Log filters. Identity numbers never reach a log line (DOMAIN.md: personal data)."""

import logging
import re

# An 18-character resident ID (17 digits + digit/X) or unified social credit code.
_ID_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])([0-9A-Z]{6})[0-9A-Z]{8}([0-9A-Z]{3}[0-9A-Z])(?![0-9A-Za-z])"
)


def redact(text: str) -> str:
    return _ID_PATTERN.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)


class RedactIdentityNumbers(logging.Filter):
    """Masks anything shaped like an 18-character ID number in the rendered message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True
