"""The hall's public pages (取号叫号): the ticket page of a kiosk or the reception desk,
the issued ticket, the phone's follow page (by the ticket's token, from its QR code),
the hall display (叫号大屏) and the self-service kiosk mode (自助办). One module per
audience, each with its own guard: these public pages here, the citizen's appointments
in ``views_citizen``, the clerks' and managers' pages in ``views_staff``.

Nobody signs in for these. Live parts poll with htmx (static/vendor/htmx) and the poll
answers 204 until the marker it sent (``?v=``) differs from the current one, so an idle
screen costs one cheap read a second (hall/page_selectors.py); the display's speech and
clock live in static/hall/display.js, the kiosk's timeout and keypad in
static/hall/kiosk.js (no inline script: CSP).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinpu_portal.kiosk import KIOSK
from jinpu_portal.pdf import absolute_url, qr_png
from jinpu_portal.refusals import error_text
from jinpu_portal.submissions import DuplicateSubmission
from jinpu_portal.views import forbidden, found_or_404

from . import page_selectors as pages
from .constants import TicketSource
from .errors import HallError
from .models import Ticket
from .page_forms import TicketForm
from .services.appointments import appointment_check_in
from .services.tickets import ticket_issue
from .throttles import TOO_MANY, HallAddressThrottle

DISPLAY_POLL_SECONDS = 1  # the display reflects a call within 2 s
FOLLOW_POLL_SECONDS = 3


def _unchanged(request, marker: str) -> bool:
    return request.GET.get("v", "") == marker


def _hall(code: str):
    return found_or_404(pages.hall_by_code(code), "未找到该大厅。")


@require_GET
def index(request):
    """The halls, each with its ticket page, display and kiosk mode."""
    return render(
        request,
        "hall/index.html",
        {
            "halls": pages.hall_list(),
            "kiosk": KIOSK.read(request),
            "idle_seconds": settings.HALL_KIOSK_IDLE_SECONDS,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def ticket(request, code: str):
    """取号: a business category of the hall, optionally an ID number or an appointment
    code; the issued ticket's page follows (post, redirect, get). The same page posted
    again (a double tap) is shown the first post's ticket, with a note."""
    hall = _hall(code)
    categories = pages.ticket_categories(hall)
    form = TicketForm(request.POST if request.method == "POST" else None, categories=categories)
    context = {"hall": hall, "categories": categories, "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "hall/ticket.html", context, status=400)
        if not HallAddressThrottle().allow_request(request, None):
            context["error"] = TOO_MANY  # the API's limit per client address, shared
            return render(request, "hall/ticket.html", context, status=429)
        data = form.cleaned_data
        actor = request.user if request.user.is_authenticated else None
        at_desk = not KIOSK.read(request) and pages.is_hall_staff(request.user)
        try:
            if data["appointment_code"]:
                issued = appointment_check_in(
                    code=data["appointment_code"],
                    hall_id=hall.pk,
                    actor=actor,
                    submission=data["submission"],
                )
            else:
                issued = ticket_issue(
                    category_id=data["category"],
                    actor=actor,
                    source=TicketSource.DESK if at_desk else TicketSource.KIOSK,
                    id_number=data["id_number"],
                    mobile=data["mobile"],
                    priority=data["priority"],
                    hall_id=hall.pk,
                    submission=data["submission"],
                )
        except DuplicateSubmission as error:
            # A double tap: the first tap's ticket, which its answer may never have shown.
            first = error.made
            if not isinstance(first, Ticket):
                context["error"] = error_text(error)
                return render(request, "hall/ticket.html", context, status=409)
            messages.warning(request, f"{error_text(error)}这是刚才取到的 {first.label} 号。")
            return redirect("hall:ticket-issued", token=first.token)
        except HallError as error:
            context["error"] = error_text(error)
            return render(request, "hall/ticket.html", context, status=400)
        return redirect("hall:ticket-issued", token=issued.ticket.token)
    return render(request, "hall/ticket.html", context)


def _ticket_state(token: str) -> dict:
    return found_or_404(pages.ticket_state(token), "未找到该号，或已超过当日有效期。")


def _follow_context(state: dict) -> dict:
    return {"t": state, "poll_seconds": FOLLOW_POLL_SECONDS, "now": timezone.localtime()}


@never_cache
@require_GET
def ticket_issued(request, token: str):
    """The ticket as issued: its number large, people ahead, the expected wait and the
    QR code of the follow page."""
    return render(request, "hall/ticket_issued.html", _follow_context(_ticket_state(token)))


@never_cache
@require_GET
def follow(request, token: str):
    """The phone's page of one ticket (its QR code): updates itself."""
    return render(request, "hall/follow.html", _follow_context(_ticket_state(token)))


@never_cache
@require_GET
def follow_poll(request, token: str):
    """htmx: 204 while the ticket's marker is the one shown, else its status block."""
    marker = found_or_404(pages.ticket_marker(token), "未找到该号。")
    if _unchanged(request, marker):
        return HttpResponse(status=204)
    return render(request, "hall/_ticket_status.html", _follow_context(_ticket_state(token)))


@require_GET
@cache_control(public=True, max_age=24 * 60 * 60)
def follow_qr(request, token: str):
    """The QR code of a ticket's follow page (PNG; the token never changes)."""
    if pages.ticket_marker(token) is None:
        raise Http404("未找到该号。")
    url = absolute_url(reverse("hall:follow", args=[token]))
    return HttpResponse(qr_png(url, box_size=6), content_type="image/png")


def _display_context(hall, board: dict) -> dict:
    return {"hall": hall, "board": board, "poll_seconds": DISPLAY_POLL_SECONDS}


@never_cache
@require_GET
def display(request, code: str):
    """叫号大屏 for a 1920x1080 screen: the calls (newest large, at which window) and the
    waiting count per category."""
    hall = _hall(code)
    context = _display_context(hall, pages.display_board(hall))
    context["now"] = timezone.localtime()
    return render(request, "hall/display.html", context)


@never_cache
@require_GET
def display_poll(request, code: str):
    """htmx, every second: 204 while the hall's marker is the one shown, else the board."""
    hall = _hall(code)
    if _unchanged(request, pages.hall_marker(hall.pk)):
        return HttpResponse(status=204)
    return render(
        request, "hall/_display_board.html", _display_context(hall, pages.display_board(hall))
    )


# --- kiosk mode (自助办) ----------------------------------------------------------------


@never_cache
@require_GET
def kiosk(request, code: str):
    """The kiosk's home; opening it makes this browser the hall's kiosk (a cookie that
    outlives sign-out: the idle timeout signs out, the terminal stays a kiosk)."""
    hall = _hall(code)
    if KIOSK.read(request) != hall.code:
        response = redirect("hall:kiosk", code=hall.code)
        KIOSK.write(response, hall.code)
        return response
    return render(request, "hall/kiosk.html", {"hall": hall})


@require_POST
def kiosk_reset(request):
    """The idle timeout (kiosk.js): sign out and show the kiosk's home, empty."""
    logout(request)
    code = KIOSK.read(request)
    if code and pages.hall_by_code(code) is not None:
        return redirect("hall:kiosk", code=code)
    return redirect("hall:index")


@require_POST
def kiosk_exit(request):
    """Leave kiosk mode on this browser: hall staff only (a clerk of the hall or a
    manager, ``pages.is_hall_staff``, signs in on the terminal), so a visitor cannot
    switch the timeout off."""
    if not pages.is_hall_staff(request.user):
        return forbidden(request, "只有大厅工作人员可以退出自助模式。")
    logout(request)
    response = redirect("hall:index")
    KIOSK.clear(response)
    return response
