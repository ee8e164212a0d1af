"""Signals feedback sends to its own parts and to the apps above it (supervision).

``bad_rating_recorded`` is sent inside the transaction that records a 差评 (level 4 or
5, not a default rating): the rectification orders connect to it in ``ready()`` and
open the order in the same transaction, so a 差评 never exists without its order.
"""

from django.dispatch import Signal

#: kwargs: rating (feedback.models.Rating), actor (the rater or None)
bad_rating_recorded = Signal()
