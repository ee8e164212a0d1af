"""Real-name verification back ends (实名认证).

An account's identity is verified by one back end, chosen by the setting
``IDENTITY_VERIFICATION_BACKEND`` (a dotted path); a clerk can always verify at a
window (``accounts.services.citizen_verify`` with ``VerificationMethod.WINDOW``).

- ``OidcVerification``: the provincial unified identity service (统一身份认证) through
  OpenID Connect, with mozilla-django-oidc; the client is configured from the
  environment (OIDC_* in .env.example). The provider's claims name the person and
  their ID number; ``VerificationOIDCBackend`` turns a successful callback into a
  verification of the signed-in account.
- ``DemoVerification``: verifies at once, with the name and number the account
  claimed at signup, and says everywhere that it is a demo (演示认证). Only with DEBUG
  (the system check accounts.E001 refuses it otherwise).
"""

import abc

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.module_loading import import_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from jinpu_portal.refusals import error_text

from .constants import VerificationMethod
from .services import citizen_verify

PROFILE_URL = "accounts:profile"


class VerificationBackend(abc.ABC):
    """What the profile page needs of a back end: a label for its button and note,
    whether it is a demo, whether it can run, and ``start`` (answers the POST of the
    button: a redirect, after verifying or on the way to the provider)."""

    method: str = ""
    label: str = ""
    note: str = ""
    is_demo: bool = False

    def available(self) -> bool:
        return True

    @abc.abstractmethod
    def start(self, request, citizen) -> HttpResponseRedirect:
        """Answer the button's POST for the signed-in account (``citizen``: its claim)."""


class DemoVerification(VerificationBackend):
    method = VerificationMethod.DEMO
    label = "演示认证"
    note = "演示环境：立即按注册时填写的姓名和公民身份号码通过认证，不核验真实身份。"
    is_demo = True

    def available(self) -> bool:
        return settings.DEBUG

    def start(self, request, citizen) -> HttpResponseRedirect:
        if not self.available() or citizen is None:
            messages.error(request, "当前环境不提供演示认证，请到服务大厅窗口核验。")
            return HttpResponseRedirect(reverse(PROFILE_URL))
        try:
            citizen_verify(
                user=request.user,
                name=citizen.name,
                id_number=citizen.id_number,
                method=self.method,
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "已通过演示认证（演示环境，未核验真实身份）。")
        return HttpResponseRedirect(reverse(PROFILE_URL))


class OidcVerification(VerificationBackend):
    method = VerificationMethod.OIDC
    label = "统一身份认证"
    note = "跳转到省统一身份认证平台核验身份，完成后返回本页。"

    def available(self) -> bool:
        return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))

    def start(self, request, citizen) -> HttpResponseRedirect:
        if not self.available():
            messages.error(request, "统一身份认证尚未开通，请本人持身份证到服务大厅窗口核验。")
            return HttpResponseRedirect(reverse(PROFILE_URL))
        return HttpResponseRedirect(
            f"{reverse('oidc_authentication_init')}?next={reverse(PROFILE_URL)}"
        )


def verification_backend() -> VerificationBackend:
    return import_string(settings.IDENTITY_VERIFICATION_BACKEND)()


class VerificationOIDCBackend(OIDCAuthenticationBackend):
    """The OIDC callback as a verification, not a login: it verifies the account that
    is signed in with the identity the provider vouches for, and never creates or
    signs in another account (no session: no user)."""

    def get_or_create_user(self, access_token, id_token, payload):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        claims = self.get_userinfo(access_token, id_token, payload)
        name = str(claims.get(settings.OIDC_NAME_CLAIM) or "")
        number = str(claims.get(settings.OIDC_ID_NUMBER_CLAIM) or "")
        try:
            citizen_verify(
                user=user,
                name=name,
                id_number=number,
                method=VerificationMethod.OIDC,
                subject=str(claims.get("sub") or ""),
            )
        except ValidationError as error:
            messages.error(self.request, f"实名认证未通过：{error_text(error)}")
            return None
        messages.success(self.request, "已通过统一身份认证完成实名认证。")
        return user
