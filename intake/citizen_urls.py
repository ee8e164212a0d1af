"""Citizen-facing pages (网上办): applying online, my applications. Mounted at /intake/."""

urlpatterns: list = []
