"""The counter pad (评价器): a tablet facing the citizen at a window, and the clerk's
page that registers and revokes the pads of their window.

The pad never logs in: its device key lives in a signed, HttpOnly cookie set by the
bind page, and every request of the pad finds its (unrevoked) row by the key's hash.
The screen swaps one region, ``#pad-stage``, with htmx (static/vendor/htmx; the
timeout lives in static/js/pad.js, no inline script):

* idle: polls ``pad-poll`` every second with the id of what it showed last; the poll
  answers 204 (nothing to swap, one indexed query) until the window's newest open
  intake service changes, then the rating form;
* rating form: posts to ``pad-rate``; after FEEDBACK_PAD_IDLE_SECONDS without a touch
  pad.js fetches ``pad-idle`` (idle again, not showing that service once more);
* thanks: back to idle after a few seconds.

The pad shows the item, the case number and the window; the applicant only as a masked
name, never an ID number; the clerk not by name (citizens never see staff names: the
window says whose service it is, and the rating records the clerk for the figures).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Window
from intake.services.cases import clerk_window
from jinpu_portal.device_cookie import DeviceCookie
from jinpu_portal.refusals import error_text
from jinpu_portal.submissions import DuplicateSubmission
from jinpu_portal.views import found_or_404

from ..constants import InstanceState
from ..models import Pad, ServiceInstance
from ..pad_forms import PadBindForm, PadCreateForm, PadRatingForm
from ..selectors import pad_list_at
from ..services.pads import (
    POLL_SECONDS,
    mask_name,
    pad_create,
    pad_for_key,
    pad_instance,
    pad_poll,
    pad_rate,
    pad_revoke,
)

#: The device key on the pad (its screen renews the cookie on every load).
PAD_COOKIE = DeviceCookie("jinpu_pad", salt="feedback.pad", path="/feedback/pad/")
STAGE_IDLE = "feedback/pad_stage_idle.html"
STAGE_RATE = "feedback/pad_stage_rate.html"
STAGE_THANKS = "feedback/pad_stage_thanks.html"
THANKS_SECONDS = 5


def _unbound(request):
    """No key, an unknown one, or a revoked pad: to the bind page, the cookie dropped
    (an htmx request is sent there with HX-Redirect)."""
    url = reverse("feedback:pad-bind")
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200, headers={"HX-Redirect": url})
    else:
        response = redirect(url)
    PAD_COOKIE.clear(response)
    return response


def _shown(request) -> str:
    shown = request.GET.get("shown", "")
    return shown if shown.isdigit() else ""


def _idle(shown: str = "") -> tuple[str, dict]:
    return STAGE_IDLE, {"shown": shown, "poll_seconds": POLL_SECONDS}


def _rate(instance: ServiceInstance, form: PadRatingForm | None = None) -> tuple[str, dict]:
    application = instance.application
    person = application.agent or application.applicant
    return STAGE_RATE, {
        "instance": instance,
        "item_name": application.item_version.name,
        "case_number": application.case_number,
        "person": mask_name(person.name),
        "window": instance.window,
        "form": form or PadRatingForm(),
        "idle_seconds": settings.FEEDBACK_PAD_IDLE_SECONDS,
    }


def _thanks(instance: ServiceInstance, message: str) -> tuple[str, dict]:
    return STAGE_THANKS, {"instance": instance, "message": message, "seconds": THANKS_SECONDS}


def _current(state) -> tuple[str, dict]:
    instance = pad_instance(window_id=state.window_id, pk=state.current) if state.current else None
    return _rate(instance) if instance else _idle()


def _stage(request, stage: tuple[str, dict]) -> HttpResponse:
    template, context = stage
    return render(request, template, context)


@never_cache
@require_GET
def screen(request):
    """The pad's page: its window, and the service to rate now (or the idle screen)."""
    key = PAD_COOKIE.read(request)
    state = pad_poll(key)
    if state is None:
        return _unbound(request)
    pad = Pad.objects.select_related("window__hall").get(pk=state.pad_id)
    template, context = _current(state)
    response = render(request, "feedback/pad.html", {"pad": pad, "stage": template, **context})
    PAD_COOKIE.write(response, key)  # renewed: browsers keep a cookie 400 days at most
    return response


@never_cache
@require_GET
def poll(request):
    """htmx, every second: 204 while the window's newest open intake service is the one
    shown (``?shown=``), else the stage for it (the rating form, or idle)."""
    state = pad_poll(PAD_COOKIE.read(request))
    if state is None:
        return _unbound(request)
    if str(state.current or "") == _shown(request):
        return HttpResponse(status=204)
    return _stage(request, _current(state))


@never_cache
@require_GET
def idle(request):
    """htmx: the idle stage after a rating or a timeout; it does not show ``?shown=``
    again."""
    if pad_poll(PAD_COOKIE.read(request)) is None:
        return _unbound(request)
    return _stage(request, _idle(_shown(request)))


@never_cache
@require_POST
def rate(request, pk: int):
    pad = pad_for_key(PAD_COOKIE.read(request))
    if pad is None:
        return _unbound(request)
    instance = found_or_404(
        pad_instance(window_id=pad.window_id, pk=pk), "不是本窗口刚刚办理的服务。"
    )
    form = PadRatingForm(request.POST)
    if not form.is_valid():
        return _stage(request, _rate(instance, form))
    data = form.cleaned_data
    try:
        pad_rate(
            window_id=pad.window_id,
            instance=instance,
            level=data["level"],
            reasons=data["reasons"],
            text=data["text"],
            sub_scores=data["sub_scores"],
        )
    except (ValidationError, PermissionDenied) as error:
        instance.refresh_from_db(fields=["state"])
        if instance.state != InstanceState.OPEN:
            return _stage(request, _thanks(instance, "本次服务已经评价过了，谢谢！"))
        for message in getattr(error, "messages", None) or [str(error)]:
            form.add_error(None, message)
        return _stage(request, _rate(instance, form))
    return _stage(request, _thanks(instance, "感谢您的评价！"))


@never_cache
@require_http_methods(["GET", "POST"])
def bind(request):
    """Opened once on the tablet with the key shown when the pad was registered (the
    link carries it after ``#``, which pad.js puts into the field: it never reaches a
    server log)."""
    form = PadBindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["key"]
        if pad_for_key(key) is None:
            form.add_error("key", "密钥无效，或该评价器已停用。")
        else:
            response = redirect("feedback:pad")
            PAD_COOKIE.write(response, key)
            return response
    return render(request, "feedback/pad_bind.html", {"form": form})


# --- the clerk's page: the pads of their window --------------------------------------


def _window(request) -> Window:
    return clerk_window(request.user)  # IntakePermissionDenied (403) for anyone else


def _manage(request, window: Window, **context):
    return render(
        request,
        "feedback/pads.html",
        {"window": window, "pads": pad_list_at(window=window), "form": PadCreateForm(), **context},
    )


@login_required
@require_GET
def pads(request):
    return _manage(request, _window(request))


@login_required
@require_POST
def pad_new(request):
    window = _window(request)
    form = PadCreateForm(request.POST)
    if not form.is_valid():
        return _manage(request, window, form=form)
    try:
        pad, key = pad_create(window=window, actor=request.user, **form.cleaned_data)
    except DuplicateSubmission as error:
        # The key was shown once, to the first post's page: a double click's first
        # answer the browser never showed. Say which pad it made, not a second one.
        first = error.made if isinstance(error.made, Pad) else None
        response = _manage(request, window, duplicate=error_text(error), first_pad=first)
        response.status_code = 409
        return response
    bind_url = request.build_absolute_uri(reverse("feedback:pad-bind")) + f"#key={key}"
    response = _manage(request, window, new_pad=pad, new_key=key, bind_url=bind_url)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def pad_stop(request, pk: int):
    window = _window(request)
    pad = get_object_or_404(Pad, pk=pk, window=window)
    pad_revoke(pad=pad, actor=request.user)
    messages.success(request, f"已停用“{pad}”，它的密钥不再有效。")
    return redirect("feedback:pads")
