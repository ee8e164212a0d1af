"""ASGI entry point of the portal."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinpu_portal.settings")
application = get_asgi_application()
