"""Hooks for the apps above approvals (feedback, supervision).

``case_decided`` is sent with application=, actor=, approved=, department= (the deciding
department) inside the transaction that concludes a 承诺件 (approval of the last step,
or a denial).
"""

from django.dispatch import Signal

case_decided = Signal()
