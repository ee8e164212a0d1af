"""Template context every page gets: the portal's short and full names and DEBUG."""

from django.conf import settings


def portal(request):
    return {
        "PORTAL_NAME": "金普新区政务服务",
        "PORTAL_FULL_NAME": "金普新区政务服务一窗受理平台",
        "DEBUG": settings.DEBUG,
    }
