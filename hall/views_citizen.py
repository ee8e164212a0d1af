"""Online appointments (预约取号) in the citizen area: a business category of a hall, a
working day, a half-hour slot with its free places; my appointments with their codes
(entered at the ticket page) and a cancel button. Citizens only; an appointment is the
citizen's own (every lookup is by the citizen)."""

import datetime
from functools import wraps

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
from jinpu_portal.views import forbidden

from . import page_selectors as pages
from .errors import HallError

NOT_CITIZEN = "预约取号仅供办事群众使用，请使用实名注册的办事群众账号登录。"
PAGE_SIZE = 20


def citizen_only(view):
    """Signed in as a citizen with a personal record: ``request.citizen``."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        citizen = citizen_for_user(user=request.user) if request.user.has_role(Role.CITIZEN) else None
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
    rows = pages.appointment_list(request.citizen)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hall/appointments.html",
        {"page": page, "grace_minutes": pages.appointment_grace_minutes()},
    )


@never_cache
@citizen_only
@require_http_methods(["GET", "POST"])
def appointment_new(request):
    """Pick hall, category and day (GET), then a slot (POST books it)."""
    halls = pages.hall_list()
    if not halls:
        raise Http404("尚未设置大厅。")
    data = request.POST if request.method == "POST" else request.GET
    error = ""
    if request.method == "POST":
        try:
            slot = datetime.datetime.fromisoformat(request.POST.get("slot", ""))
            category_id = int(request.POST.get("category", ""))
        except ValueError:
            error = "请选择预约时段。"
        else:
            try:
                booked = pages.appointment_book(
                    citizen=request.citizen, actor=request.user, category_id=category_id, start=slot
                )
            except HallError as refused:
                error = "；".join(refused.messages)
            else:
                messages.success(request, f"预约成功，预约码 {booked.code}。请在预约时段到大厅取号。")
                return redirect("hall:appointments")
    context = pages.booking_choices(
        halls=halls,
        hall_code=data.get("hall", ""),
        category_id=data.get("category", ""),
        day=data.get("day", ""),
    )
    context["error"] = error
    return render(request, "hall/appointment_new.html", context, status=400 if error else 200)


@citizen_only
@require_POST
def appointment_cancel(request, pk: int):
    try:
        pages.appointment_cancel(citizen=request.citizen, actor=request.user, pk=pk)
    except HallError as refused:
        messages.error(request, "；".join(refused.messages))
    else:
        messages.success(request, "预约已取消。")
    return redirect("hall:appointments")
