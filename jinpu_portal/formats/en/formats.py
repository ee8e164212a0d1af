"""The portal's pages are Chinese whatever language the browser asks for (English only
turns Django's own strings, the admin's, into English): a date inside a Chinese page
reads as the Chinese one does, never "Dec. 8, 2026"."""

from ..zh_Hans.formats import (  # noqa: F401 (re-exported for Django's format lookup)
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)
