"""Every write of the hall, each in one transaction with its ``TicketEvent``; refusals
are ``hall.errors.HallError`` (code and Chinese message) or ``HallPermissionDenied``.

* ``tickets``: ``ticket_issue`` (kiosk, desk), ``priority_confirm`` (绿色通道),
  ``ticket_cancel``, ``near_sms_send`` (called by the calls);
* ``calling``: ``call_next``, ``recall``, ``no_show`` (过号), ``requeue`` (once),
  ``transfer``, ``service_start``, ``service_end``, ``intake_url``;
* ``windows``: ``window_open``, ``window_pause``, ``window_close``, ``window_seat``,
  ``window_set_categories``;
* ``appointments``: ``appointment_book``, ``appointment_cancel``,
  ``appointment_check_in``, ``bookable_days``;
* ``waiting``: the waiting counts per lane on the day's counter (``waiting_add``,
  ``recount``), which give a new ticket its people ahead.
* ``dayclose``: ``day_close`` (日终清号, beat: ``hall.tasks.day_close``), ending the
  tickets of earlier days still open.

Reads are in ``hall.selectors``.
"""
