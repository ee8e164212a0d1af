"""Feedback's services: every write of the app, one module per part:
``ratings`` (recording ratings and follow-ups, opening service instances), ``jobs``
(default ratings, invitations), ``orders`` (差评整改, appeals, 回头看) and ``pads``
(the counter pads)."""
