"""The comprehensive window's workbench (综窗办). Mounted at /intake/workbench/."""

urlpatterns: list = []
