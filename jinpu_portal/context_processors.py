"""Template context every page gets: the portal's short and full names, DEBUG, and in
kiosk mode (自助办) what base.html needs for it (jinpu_portal/kiosk.py)."""

from django.conf import settings

from .kiosk import kiosk_context


def portal(request):
    return {
        "PORTAL_NAME": "金普新区政务服务",
        "PORTAL_FULL_NAME": "金普新区政务服务一窗受理平台",
        "DEBUG": settings.DEBUG,
        **kiosk_context(request),
    }
