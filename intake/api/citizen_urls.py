"""API for applicants: their applications (create, draft, upload, submit, withdraw)."""

urlpatterns: list = []
