"""Past cases loaded in bulk (the demo's six months and year of history), written as an
import of existing records would be rather than through counter intake, which would
render a PDF notice for each."""

from django.db.models import F

from .models import Application


def applications_import(applications: list[Application]) -> list[Application]:
    """Insert ``applications`` (their pks set) dated when they were submitted: the
    insert stamps ``created_at`` with the import's time, which would list a case of
    last spring as the applicant's newest (我的申请 is newest first)."""
    Application.objects.bulk_create(applications, batch_size=500)
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(
        created_at=F("submitted_at")
    )
    return applications
