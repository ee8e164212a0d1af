"""API for clerks: intake actions (accept, request correction, refuse), case detail."""

urlpatterns: list = []
