"""The portal's date and time formats (``FORMAT_MODULE_PATH``), read before Django's own
zh_Hans formats; what is not named here (input formats, numbers) stays Django's.

A template names the kind of place, never a pattern: ``|date:"SHORT_DATE_FORMAT"``.
The rule, written up in docs/architecture.md ("Dates and times"):

- on a page a date is a value and reads as numbers, which line up and compare at a
  glance: fields, tables, lists, badges, time stamps (``SHORT_DATE_FORMAT`` 2026-12-08,
  ``SHORT_DATETIME_FORMAT`` 2026-12-08 14:30);
- in a document (the PDF notices and result documents, the annual report) and in a
  message (a notification, an SMS, a refusal or warning the code writes, and the alert on
  a page that says the same) it reads as words, the way official documents write it
  (GB/T 9704: the year in full, no leading zero): ``DATE_FORMAT`` 2026年12月8日,
  ``DATETIME_FORMAT`` 2026年12月8日 14:30 (from Python: ``jinpu_portal.dates``);
- the time alone where the day is implied (today's hall): ``TIME_FORMAT`` 14:30;
- the day without the year where the year is implied (a queue ticket, an appointment,
  the hall's display): ``MONTH_DAY_FORMAT`` 12月8日; a month: ``YEAR_MONTH_FORMAT``.

Exports (Excel, CSV, JSON, the API) write ISO 8601 (2026-12-08, 2026-12-08 14:30, with
the offset where a machine reads it), which spreadsheets sort."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
