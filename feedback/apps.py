"""The feedback app (好差评): ratings of concluded cases (models to come)."""

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "好差评"
