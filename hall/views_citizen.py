"""Online appointments (预约取号) in the citizen area: a business category of a hall, a
working day, a half-hour slot with its free places; my appointments with their codes
(entered at the ticket page) and a cancel button. Citizens only; an appointment is the
citizen's own (every lookup is by the citizen)."""

import datetime
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.constants import Role
from accounts.selectors import citizen_for_user
from jinpu_portal.refusals import error_text
from jinpu_portal.views import forbidden

from . import page_selectors as pages
from .errors import HallError
from .selectors import citizen_appointments
from .services.appointments import appointment_book
from .services.appointments import appointment_cancel as appointment_cancel_service

NOT_CITIZEN = "预约取号仅供办事群众使用，请使用实名注册的办事群众账号登录。"
PAGE_SIZE = 20


def citizen_only(view):
    """Signed in as a citizen with a personal record: ``request.citizen``."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        citizen = (
            citizen_for_user(user=request.user) if request.user.has_role(Role.CITIZEN) else None
        )
        if citizen is None:
            return forbidden(request, NOT_CITIZEN)
        request.citizen = citizen
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            return forbidden(request, str(denied) or NOT_CITIZEN)

    return wrapper


@never_cache
@citizen_only
@require_GET
def appointments(request):
    page = Paginator(citizen_appointments(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = pages.appointment_rows(page.object_list)
    return render(
        request,
        "hall/appointments.html",
        {"page": page, "grace_minutes": settings.HALL_APPOINTMENT_GRACE_MINUTES},
    )


def _slot(value: str) -> tuple[datetime.date, datetime.time]:
    """The slot field (``2026-12-07T09:30``) → (day, start); ValueError when malformed."""
    day, _, start = value.partition("T")
    return datetime.date.fromisoformat(day), datetime.time.fromisoformat(start)


@never_cache
@citizen_only
@require_http_methods(["GET", "POST"])
def appointment_new(request):
    """Pick hall, category and day (GET), then a slot (POST books it)."""
    halls = pages.hall_list()
    if not halls:
        raise Http404("尚未设置大厅。")
    data = request.POST if request.method == "POST" else request.GET
    category = (
        pages.category_of(int(data["category"])) if data.get("category", "").isdigit() else None
    )
    error = ""
    if request.method == "POST":
        try:
            day, start = _slot(request.POST.get("slot", ""))
            if category is None:
                raise ValueError
        except ValueError:
            error = "请选择业务和预约时段。"
        else:
            try:
                booked = appointment_book(
                    category_id=category.pk, day=day, slot=start, actor=request.user
                )
            except HallError as refused:
                error = error_text(refused)
            else:
                messages.success(
                    request, f"预约成功，预约码 {booked.code}。请在预约时段到大厅取号时输入。"
                )
                return redirect("hall:appointments")
    hall_code = data.get("hall", "")
    if request.method == "POST" and category is not None:
        hall_code = category.hall.code
    context = pages.booking_choices(
        halls=halls,
        hall_code=hall_code,
        category_id=data.get("category", ""),
        day=data.get("day", "") or (request.POST.get("slot", "")[:10]),
    )
    context["error"] = error
    return render(request, "hall/appointment_new.html", context, status=400 if error else 200)


@citizen_only
@require_POST
def appointment_cancel(request, pk: int):
    try:
        appointment_cancel_service(appointment=pk, actor=request.user)
    except HallError as refused:
        messages.error(request, error_text(refused))
    else:
        messages.success(request, "预约已取消。")
    return redirect("hall:appointments")
