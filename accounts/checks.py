"""System checks of accounts: the real-name verification back end is configured."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string


@register()
def verification_backend_check(app_configs, **kwargs):
    """The demo verification accepts any claimed identity: never outside DEBUG."""
    backend = import_string(settings.IDENTITY_VERIFICATION_BACKEND)
    if getattr(backend, "is_demo", False) and not settings.DEBUG:
        return [
            Error(
                "实名认证使用了演示后端（演示认证），它不核验真实身份，只能在 DEBUG 下使用。",
                hint="把 IDENTITY_VERIFICATION_BACKEND 设为 "
                "accounts.verification.OidcVerification 并配置 OIDC_* 变量。",
                id="accounts.E001",
            )
        ]
    return []
