"""Field helpers the apps' serializers share."""

from rest_framework import serializers


def optional_text(label, **options) -> serializers.CharField:
    """A text field the request may leave out or empty: then ``""``. ``options``
    (max_length, help_text, ...) as CharField's."""
    return serializers.CharField(
        label=label, required=False, allow_blank=True, default="", **options
    )
