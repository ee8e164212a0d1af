"""Views that exist only for benchmarks: bench/urls.py routes them (bench.settings).

``bench_bare_json`` is the baseline of bench/catalog_api_bench.py and
bench/intake_load_bench.py: the same server, middleware and worker as the API, with no
database work and no serializer.

``minimal_*`` are the yardstick of bench/intake_load_bench.py: the four requests of an
online application's life (create, upload a material, submit, accept) written as
plainly as Django allows. They write the same rows as the portal's services (the
application and its material slots, the events, the in-portal messages, the acceptance
notice, the case number, the clocks and the first task) and nothing else: no
authentication, no checks, no reads, no serializer, no file kept, no Celery message.
The issue that set the intake's load target measured such a view at about 20 % of the
bare view; the benchmark prints what it reaches on the machine it runs on.
"""

import datetime
import json

from django.db import connection, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST


@require_GET
def bench_bare_json(request):
    return JsonResponse({"ok": True})


def _event(application_id: int, action: str, from_status="", to_status="", **fields):
    from intake.models import CaseEvent

    return CaseEvent(
        application_id=application_id,
        at=timezone.now(),
        action=action,
        from_status=from_status,
        to_status=to_status,
        **fields,
    )


@csrf_exempt
@require_POST
def minimal_create(request):
    from intake.models import Application, CaseEvent, SubmittedMaterial

    data = json.loads(request.body)
    with transaction.atomic():
        application = Application.objects.create(
            item_version_id=data["item_version"],
            applicant_id=data["applicant"],
            channel="kiosk",  # kept apart from the portal's own in the benchmark's checks
        )
        SubmittedMaterial.objects.bulk_create(
            SubmittedMaterial(application=application, material_id=material)
            for material in data["materials"]
        )
        CaseEvent.objects.bulk_create([_event(application.pk, "create", to_status="draft")])
    return JsonResponse({"id": application.pk}, status=201)


@csrf_exempt
@require_POST
def minimal_upload(request, pk: int):
    from intake.models import CaseEvent, SubmittedMaterial

    upload = request.FILES["file"]
    with transaction.atomic():
        SubmittedMaterial.objects.filter(
            application_id=pk, material_id=request.POST["material_id"]
        ).update(
            file=f"bench/{upload.name}",
            original_filename=upload.name,
            size=upload.size,
            uploaded_at=timezone.now(),
        )
        CaseEvent.objects.bulk_create([_event(pk, "upload")])
    return JsonResponse({"id": pk})


@csrf_exempt
@require_POST
def minimal_submit(request, pk: int):
    from intake.models import Application, CaseEvent
    from jinpu_portal.models import Notification

    now = timezone.now()
    with transaction.atomic():
        Application.objects.filter(pk=pk).update(
            status="submitted", submitted_at=now, received_at=now
        )
        CaseEvent.objects.bulk_create([_event(pk, "submit", "draft", "submitted")])
        Notification.objects.create(recipient_id=int(request.GET["user"]), title="申请已提交")
    return JsonResponse({"id": pk})


@csrf_exempt
@require_POST
def minimal_accept(request, pk: int):
    from approvals.models import Clock, Task
    from intake.models import Application, CaseEvent, Notice, SubmittedMaterial
    from jinpu_portal.models import Notification

    data = json.loads(request.body)
    now = timezone.now()
    today = timezone.localdate()
    due = today + datetime.timedelta(days=14)
    with transaction.atomic():
        SubmittedMaterial.objects.filter(application_id=pk).update(status="received")
        notice = Notice.objects.create(
            application_id=pk,
            kind="acceptance",
            number=f"N{pk}",
            verification_code=f"B{pk}",
            issued_at=now,
            context={},
        )
        clocks = Clock.objects.bulk_create(
            Clock(
                application_id=pk,
                kind=kind,
                department_id=data["department"],
                started_on=today,
                budget_days=10,
                due_date=due,
                yellow_from=due,
            )
            for kind in ("promised", "statutory", "step")
        )
        Task.objects.create(
            application_id=pk,
            step_id=data["step"],
            stage=1,
            name="审查",
            department_id=data["department"],
            clock=clocks[2],
        )
        CaseEvent.objects.bulk_create(
            [
                _event(pk, "accept", "submitted", "accepted"),
                _event(pk, "notice_issued"),
                _event(pk, "start_approval", "accepted", "in_approval"),
            ]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO intake_casenumbersequence (prefix, day, last_value)"
                " VALUES ('MB', %s, 1) ON CONFLICT (prefix, day)"
                " DO UPDATE SET last_value = intake_casenumbersequence.last_value + 1"
                " RETURNING last_value",
                [today.isoformat()],
            )
            (number,) = cursor.fetchone()
        Application.objects.filter(pk=pk).update(
            status="in_approval",
            accepted_at=now,
            case_number=f"MB{today:%Y%m%d}{number:05d}",
            promised_due_date=due,
            statutory_due_date=due,
        )
        Notification.objects.create(recipient_id=int(request.GET["user"]), title="您的申请已受理")
    return JsonResponse({"id": pk, "notice": notice.pk})
