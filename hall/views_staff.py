"""The hall's staff pages: the clerk's queue panel (叫号, a tab of the workbench), window
management and the supervisors' hall view (大厅实时概况).

* The queue panel belongs to the clerk's own window (StaffProfile.window): call next,
  recall, 过号 after three calls, re-queue a 过号 once, transfer to a window or a
  category, confirm 绿色通道, start service (which lands in the counter intake with the
  applicant found by the ticket's ID number) and end service. Each button is one POST
  to ``panel-act`` and one service call; the page comes back (post, redirect, get).
  The ticket in service, once an intake at the window made a case of it, and today's
  served tickets (今日已办结) show that case's number as a link to its page.
* Window management: the managers, system administrators and district-wide supervisors
  (there is no hall manager role; ``services.base.is_manager``), set any window's
  state, categories and clerk; a clerk sets only their own window's state and
  categories, and never touches another hall's windows. A supervisor of some
  departments only watches: no window management.
* The hall view: the managers and every supervisor (each counting their scope).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User, Window
from intake.views.workbench import clerk_required
from jinpu_portal.refusals import error_text
from jinpu_portal.views import forbidden, found_or_404

from . import page_selectors as pages
from .constants import LONG_WAIT_MINUTES, NO_SHOW_CALLS, PriorityGroup, WindowState
from .errors import HallError
from .models import ServiceCategory, Ticket
from .selectors import serving_at
from .services.base import refused
from .services.calling import (
    call_next,
    intake_url,
    no_show,
    recall,
    requeue,
    service_end,
    service_start,
    transfer,
)
from .services.tickets import priority_confirm
from .services.windows import (
    window_close,
    window_open,
    window_pause,
    window_seat,
    window_set_categories,
)

PANEL_POLL_SECONDS = 3


# --- the clerk's queue panel --------------------------------------------------------


def _panel_context(request, window) -> dict:
    return {
        **pages.panel_state(window),
        "window": window,
        "tab": "hall",
        "max_calls": NO_SHOW_CALLS,
        "window_states": WindowState.choices,
        "priority_groups": PriorityGroup.choices,
        "poll_seconds": PANEL_POLL_SECONDS,
    }


@never_cache
@clerk_required
@require_GET
def panel(request):
    context = _panel_context(request, request.clerk_window)
    # The cases the window's services led to: the poll's part of the page shows none.
    context.update(
        pages.panel_cases(request.clerk_window, user=request.user, current=context["current"])
    )
    context["error"] = request.session.pop("hall_panel_error", "")
    return render(request, "hall/panel.html", context)


@never_cache
@clerk_required
@require_GET
def panel_poll(request):
    """htmx: the waiting counts of the window's categories, 204 while unchanged."""
    window = request.clerk_window
    if request.GET.get("v", "") == pages.hall_marker(window.hall_id):
        return HttpResponse(status=204)
    return render(request, "hall/_panel_queue.html", _panel_context(request, window))


def _transfer_target(hall_id: int, value: str) -> dict:
    """``window:<id>`` or ``category:<id>`` of the transfer form → the service's
    keyword (the service checks the hall and that the target is active)."""
    kind, _, pk = value.partition(":")
    if pk.isdigit():
        if kind == "window":
            found = Window.objects.filter(pk=int(pk), hall_id=hall_id).first()
            if found is not None:
                return {"to_window": found}
        elif kind == "category":
            found = ServiceCategory.objects.filter(pk=int(pk), hall_id=hall_id).first()
            if found is not None:
                return {"to_category": found}
    raise HallError("请选择转移到的窗口或业务类别。", code="invalid")


def _current_at(window) -> Ticket:
    ticket = serving_at(window)
    if ticket is None:
        raise HallError("本窗口没有正在办理的号。", code="state")
    return ticket


def _panel_act(window, actor, action: str, ticket: int | None, data) -> tuple[str, str]:
    """One service call for one button of the panel: (message, or "" ; a URL to go to
    instead of the panel, or "")."""
    if action == "call_next":
        called = call_next(window=window, actor=actor)
        return f"已叫 {called.label} 号。", ""
    if action == "state":
        return f"本窗口{_set_state(window, actor, data)}。", ""
    if action == "intake":
        return "", intake_url(_current_at(window))
    if ticket is None:
        raise HallError("请选择要办理的号。", code="invalid")
    if action == "start":
        started = service_start(ticket=ticket, window=window, actor=actor)
        return f"开始办理 {started.label} 号。", intake_url(started)
    if action == "recall":
        return f"已重呼 {recall(ticket=ticket, window=window, actor=actor).label} 号。", ""
    if action == "no_show":
        return f"{no_show(ticket=ticket, window=window, actor=actor).label} 号已过号。", ""
    if action == "requeue":
        return f"{requeue(ticket=ticket, actor=actor).label} 号已重新排队。", ""
    if action == "end":
        return f"{service_end(ticket=ticket, window=window, actor=actor).label} 号办理结束。", ""
    if action == "transfer":
        target = _transfer_target(window.hall_id, data.get("to", ""))
        moved = transfer(ticket=ticket, window=window, actor=actor, **target)
        return f"{moved.label} 号已转移。", ""
    if action == "priority":
        confirmed = priority_confirm(ticket=ticket, group=data.get("group", ""), actor=actor)
        return f"{confirmed.label} 号已确认绿色通道（{confirmed.get_priority_display()}）。", ""
    raise HallError("未知的操作。", code="invalid")


@clerk_required
@require_POST
def panel_act(request):
    """One button of the panel: one service call, then the panel again (or, to start
    the service, the counter intake with the applicant found by the ticket's ID
    number: ``hall.services.calling.intake_url``)."""
    try:
        ticket = int(request.POST.get("ticket") or 0) or None
    except ValueError:
        raise Http404("未找到该号。") from None
    try:
        message, url = _panel_act(
            request.clerk_window,
            request.user,
            request.POST.get("action", ""),
            ticket,
            request.POST,
        )
    except (HallError, PermissionDenied) as error:
        request.session["hall_panel_error"] = error_text(error)
        return redirect("hall:panel")
    if url:
        _drop_unseen(request)
    if message:
        messages.success(request, message)
    return redirect(url or "hall:panel")


def _drop_unseen(request) -> None:
    """An act that leads away from the panel (开始办理, 窗口收件): what earlier acts said
    and the clerk has not seen yet (the panel was not shown in between: "已叫 A001 号。")
    is about the queue, not about the page the clerk goes to, so it is not shown there.
    Reading the messages marks them as seen (Django's message storage)."""
    for _message in messages.get_messages(request):
        pass


# --- windows ----------------------------------------------------------------------------


def _windows_context(request, hall, **extra) -> dict:
    user = request.user
    manager = pages.is_hall_manager(user)
    own = pages.own_window(user)
    return {
        **pages.windows_state(hall, user=user, manager=manager),
        "hall": hall,
        "halls": pages.hall_list() if manager else [],
        "manager": manager,
        "own_window_number": own.number if own else None,
        "window_states": WindowState.choices,
        **extra,
    }


def _visible_hall(request, code: str):
    """Managers see every hall; a clerk only their own window's hall."""
    hall = found_or_404(pages.hall_by_code(code), "未找到该大厅。")
    if pages.is_hall_manager(request.user):
        return hall
    own = pages.own_window(request.user)
    if own is None or own.hall_id != hall.pk:
        raise refused("只能查看本人所在大厅的窗口。", request.user)
    return hall


@never_cache
@login_required
@require_GET
def windows(request, code: str):
    try:
        hall = _visible_hall(request, code)
    except PermissionDenied as error:
        return forbidden(request, error_text(error))
    context = _windows_context(request, hall)
    context["error"] = request.session.pop("hall_windows_error", "")
    return render(request, "hall/windows.html", context)


def _window_of(hall, pk: int) -> Window:
    return found_or_404(
        Window.objects.select_related("hall").filter(pk=pk, hall=hall, is_active=True).first(),
        "未找到该窗口。",
    )


def _clerk(data) -> User | None:
    try:
        pk = int(data.get("clerk") or 0)
    except ValueError:
        pk = 0
    if not pk:
        return None
    clerk = User.objects.filter(pk=pk).first()
    if clerk is None:
        raise HallError("未找到该人员。", code="invalid")
    return clerk


STATE_ACTS = {
    WindowState.OPEN: (window_open, "已开放"),
    WindowState.PAUSED: (window_pause, "已暂停"),
    WindowState.CLOSED: (window_close, "已关闭"),
}


def _set_state(window: Window, actor, data) -> str:
    """Open, pause or close ``window`` (the posted ``state``); what it now is, in Chinese."""
    act = STATE_ACTS.get(data.get("state", ""))
    if act is None:
        raise HallError("请选择窗口状态。", code="invalid")
    service, done = act
    service(window=window, actor=actor)
    return done


def _window_act(window: Window, actor, action: str, data) -> str:
    """One service call for one button of a window; its Chinese result."""
    if action == "state":
        return f"{window.number} 号窗口{_set_state(window, actor, data)}。"
    if action == "categories":
        ids = [v for v in data.getlist("categories") if v.isdigit()]
        seen = data.get("seen", "")
        window_set_categories(window=window, category_ids=ids, actor=actor, seen=seen)
        return f"{window.number} 号窗口办理的业务已保存。"
    if action == "clerk":
        clerk = _clerk(data)
        window_seat(window=window, clerk=clerk, actor=actor, seen=data.get("seen", ""))
        who = (clerk.full_name or clerk.username) if clerk else "无人"
        return f"{window.number} 号窗口坐席：{who}。"
    raise HallError("未知的操作。", code="invalid")


@login_required
@require_POST
def window_act(request, code: str, pk: int):
    """A window's state, categories or clerk: one service call, which checks that the
    actor may (a manager; the clerk of that very window for its state)."""
    try:
        hall = _visible_hall(request, code)
        window = _window_of(hall, pk)
        message = _window_act(window, request.user, request.POST.get("action", ""), request.POST)
    except PermissionDenied as error:
        return forbidden(request, error_text(error))
    except HallError as error:
        request.session["hall_windows_error"] = error_text(error)
        return redirect("hall:windows", code=code)
    messages.success(request, message)
    return redirect("hall:windows", code=hall.code)


# --- the supervisors' hall view -------------------------------------------------------


@never_cache
@login_required
@require_GET
def overview(request):
    if not pages.sees_hall_view(request.user):
        return forbidden(request, "只有督查人员和系统管理员可以查看大厅实时概况。")
    halls = pages.hall_list()
    if not halls:
        raise Http404("尚未设置大厅。")
    code = request.GET.get("hall") or halls[0].code
    hall = next((h for h in halls if h.code == code), None)
    if hall is None:
        raise Http404("未找到该大厅。")
    context = {
        **pages.hall_figures(hall, request.user),
        "hall": hall,
        "halls": halls,
        "manager": pages.is_hall_manager(request.user),
        "today": timezone.localdate(),
        "over_minutes": LONG_WAIT_MINUTES,
    }
    if request.headers.get("HX-Request") and request.GET.get("part") == "figures":
        return render(request, "hall/_overview_figures.html", context)
    return render(request, "hall/overview.html", context)
