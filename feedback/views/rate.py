"""Rating pages: the public rate-by-link page (the QR code's and the SMS's, no login)
and the applicant's rating of a service of their case ("my applications", online),
with its one 追评. Both show the service (item, stage, date, department or window),
never a staff member's name, and record through ``feedback.services.ratings``."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from intake.page_hooks import CaseLink, CasePanel
from jinpu_portal.dates import datetime_text
from jinpu_portal.refusals import error_text
from jinpu_portal.throttling import client_address, throttle_wait

from ..constants import InstanceState, RatingChannel, Reason, Stage
from ..errors import FeedbackError, FeedbackPermissionDenied
from ..models import ServiceInstance
from ..order_selectors import order_of_rating
from ..rate_forms import FollowUpForm, RatingForm, stars_of
from ..selectors import case_instances, may_be_rated, open_instances
from ..services.ratings import (
    STAFF_REFUSED,
    follow_up_allowed,
    is_staff_account,
    may_rate_online,
    rating_follow_up,
    rating_record,
    sub_score_codes,
)
from ..throttles import TOO_MANY, RatingThrottle
from ..tokens import channel_for, instance_from_token, rating_url

THANKS = "感谢您的评价！您的意见将用于改进政务服务。"


def service_summary(instance: ServiceInstance) -> dict:
    """What a rating page shows of the service: no staff names, ever."""
    application = instance.application
    return {
        "item_name": application.item_version.name,
        "stage": instance.get_stage_display(),
        "is_intake": instance.stage == Stage.INTAKE,
        "served_at": instance.served_at,
        "rate_until": instance.rate_until,
        "department": instance.department.name if instance.department_id else "",
        "window": str(instance.window) if instance.window_id else "",
        "case_number": application.case_number or "",
    }


def rating_summary(rating) -> dict | None:
    if rating is None:
        return None
    return {
        "stars": stars_of(rating.level),
        "level": rating.get_level_display(),
        "is_bad": rating.is_bad,
        "is_default": rating.is_default,
        "channel": rating.get_channel_display(),
        "rated_at": rating.rated_at,
        "reasons": [str(label) for code, label in Reason.choices if code in rating.reasons],
        "text": rating.text,
        "follow_up_text": rating.follow_up_text,
        "followed_up_at": rating.followed_up_at,
    }


def _rating_of(instance):
    try:
        return instance.rating
    except ServiceInstance.rating.RelatedObjectDoesNotExist:
        return None


def _record(request, form, instance, channel) -> int | None:
    """Record the posted form's rating: None when it is recorded (the thanks are queued),
    else the status of the page that shows the form again with why."""
    if not form.is_valid():
        return 400
    try:
        rating_record(
            instance=instance,
            channel=channel,
            actor=request.user if request.user.is_authenticated else None,
            address=client_address(request),
            **form.service_arguments(),
        )
    except FeedbackPermissionDenied as error:
        form.add_error(None, str(error))
        return 403
    except FeedbackError as error:
        form.add_error(None, error_text(error))
        return 409 if error.code == "already_rated" else 400
    messages.success(request, THANKS)
    return None


# --- the link's page (QR code, SMS) -----------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    """/feedback/rate/<token>/: rate one service with the link of its QR code (or the
    SMS's copy, ``?via=sms``). Anyone holding the link, no login; a staff account is
    refused; one rating per service; limited per link and per address (429)."""
    wait = throttle_wait(RatingThrottle, request, _View(token))
    if wait is not None:
        response = render(request, "feedback/rate.html", {"error": TOO_MANY}, status=429)
        response["Retry-After"] = str(max(1, int(wait)))
        return response
    try:
        instance = instance_from_token(token)
    except FeedbackError as error:
        return render(request, "feedback/rate.html", {"error": error_text(error)}, status=404)
    via = request.GET.get("via", "")
    channel = channel_for(via)
    staff = is_staff_account(request.user)
    form = RatingForm(
        request.POST if request.method == "POST" else None,
        sub_scores=sub_score_codes(instance, channel),
    )
    status = 200
    if request.method == "POST":
        if staff:
            status = 403
        else:
            status = _record(request, form, instance, channel)
            if status is None:
                return redirect(request.get_full_path())
        instance.refresh_from_db(fields=["state"])
    return render(
        request,
        "feedback/rate.html",
        {
            "service": service_summary(instance),
            "instance": instance,
            "form": form,
            "open": may_be_rated(instance),
            "rating": rating_summary(_rating_of(instance))
            if instance.state != InstanceState.OPEN
            else None,
            "staff_refused": STAFF_REFUSED if staff else "",
            "via_sms": channel == RatingChannel.SMS,
        },
        status=status,
    )


class _View:
    """What the rate limits read of a view: the link's token."""

    def __init__(self, token):
        self.kwargs = {"token": token}


# --- "my applications" (online) -----------------------------------------------------------


def _my_instance(request, pk: int) -> ServiceInstance:
    instance = (
        ServiceInstance.objects.select_related(
            "application__item_version", "department", "window__hall"
        )
        .filter(pk=pk)
        .first()
    )
    if instance is None or not may_rate_online(request.user, instance.application_id):
        raise Http404("未找到该服务，或您无权评价。")
    return instance


def _my_context(instance, form, follow_up_form) -> dict:
    rating = _rating_of(instance)
    now = timezone.now()
    return {
        # The rectification a 差评 opened: its unit (never a person), where it stands.
        "order": order_of_rating(rating),
        "callback_days": settings.FEEDBACK_CALLBACK_DAYS,
        "rectify_days": settings.FEEDBACK_RECTIFY_DAYS,
        "service": service_summary(instance),
        "instance": instance,
        "application": instance.application,
        "form": form,
        "open": may_be_rated(instance, now=now),
        "rating": rating_summary(rating),
        "follow_up_form": follow_up_form
        if rating is not None and follow_up_allowed(rating, now)
        else None,
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_rate(request, pk: int):
    """/feedback/my/<instance>/: the applicant rates a service of their case online, or
    sees the rating given (by any channel) with the 追评 form while it is allowed."""
    instance = _my_instance(request, pk)
    codes = sub_score_codes(instance, RatingChannel.ONLINE)
    form = RatingForm(request.POST if request.method == "POST" else None, sub_scores=codes)
    status = 200
    if request.method == "POST":
        status = _record(request, form, instance, RatingChannel.ONLINE)
        if status is None:
            return redirect("feedback:my_rate", pk=instance.pk)
        instance = _my_instance(request, pk)
    return render(
        request, "feedback/rate_my.html", _my_context(instance, form, FollowUpForm()), status=status
    )


@login_required
@require_POST
def my_follow_up(request, pk: int):
    """追评 of the rating of a service of the applicant's case (the form is on my_rate)."""
    instance = _my_instance(request, pk)
    rating = _rating_of(instance)
    if rating is None:
        messages.error(request, "该服务还没有评价，请先评价。")
        return redirect("feedback:my_rate", pk=instance.pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            rating_follow_up(rating=rating, text=form.cleaned_data["text"], actor=request.user)
        except (FeedbackError, FeedbackPermissionDenied) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "追评已提交，感谢您的补充。")
            return redirect("feedback:my_rate", pk=instance.pk)
    codes = sub_score_codes(instance, RatingChannel.ONLINE)
    return render(
        request,
        "feedback/rate_my.html",
        _my_context(instance, RatingForm(sub_scores=codes), form),
        status=400,
    )


# --- what feedback adds to intake's pages (intake.page_hooks) ----------------------------


def public_rating_links(application) -> list[CaseLink]:
    """The rating link of each service of the case still open for rating, for the holder
    of its notice (the notice check the QR code opens, the progress query)."""
    return [
        CaseLink(
            text=f"评价{instance.get_stage_display()}",
            url=rating_url(instance),
            description=f"请于 {datetime_text(instance.rate_until)} 前评价",
            icon="bi-star",
        )
        for instance in open_instances(application)
    ]


def applicant_rating_panel(application, user) -> CasePanel | None:
    """The case's services on the applicant's page: 去评价, or the rating given."""
    instances = list(case_instances(application))
    if not instances or not may_rate_online(user, application.pk):
        return None
    now = timezone.now()
    rows = []
    for instance in instances:
        rating = _rating_of(instance)
        rows.append(
            {
                "service": service_summary(instance),
                "url": reverse("feedback:my_rate", args=[instance.pk]),
                "open": may_be_rated(instance, now=now),
                "rating": rating_summary(rating),
                "can_follow_up": rating is not None and follow_up_allowed(rating, now),
            }
        )
    return CasePanel("feedback/rate_panel.html", {"rows": rows})
