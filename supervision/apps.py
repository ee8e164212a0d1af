"""The supervision app (监督管理): watching cases across departments (models to come)."""

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "监督管理"
