"""Signals intake sends for the apps above it (they connect; intake imports none of them)."""

from django.dispatch import Signal

# Sent with application=, notice=, user= when someone downloads a rendered notice from
# the applicant's pages (approvals records an electronic delivery of a result there).
notice_downloaded = Signal()

# Sent with notice= inside the transaction that stores a notice's rendered PDF, once per
# notice (approvals tells the applicant that a result is ready to collect).
notice_rendered = Signal()
