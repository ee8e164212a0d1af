from django.apps import AppConfig


class JinpuPortalConfig(AppConfig):
    name = "jinpu_portal"
    verbose_name = "平台基础"
