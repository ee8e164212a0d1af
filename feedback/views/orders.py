"""Pages of 差评整改: the unit's order list and order page with its actions, the
citizen's online return visit, the supervisors' appeal queue and 回头看 batches.

Permissions, per view:
- order list and order page: clerks, approvers and supervisors; an order is found only
  in the user's scope (``feedback.order_selectors.order_list_for``), anything else is
  a 404; the actions are the owning unit's (the hall's clerks for a service given at a
  window, the department's approvers for a conclusion decided in the back office), the
  ruling a supervisor's, each re-checked by the service;
- the online return visit: the case's applicant only (404 for anyone else);
- the appeal's evidence: the owning unit and the supervisors of the order (404 else);
- the appeal queue, the appeal page and 回头看: supervisors, in their scope.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.constants import Role
from accounts.decorators import role_required
from approvals.selectors import time_left
from intake.files import stored_file_response
from jinpu_portal import refusals
from jinpu_portal.refusals import act_and_say, error_text, flash_form_errors, page_forms
from jinpu_portal.submissions import DuplicateSubmission
from jinpu_portal.views import found_or_404, page_context

from .. import order_forms as forms
from ..constants import FEEDBACK_STAFF, AppealStatus, OrderStatus
from ..models import Appeal, ReviewBatch, ReviewEntry
from ..order_selectors import (
    appeal_get_for,
    appeal_list_for,
    appeal_visible_to,
    order_for_applicant,
    order_get_for,
    order_list_for,
    order_page_for,
    rater_of,
    review_batch_list_for,
    review_entries,
)
from ..services import orders as svc

PAGE_SIZE = 20


# --- the unit's pages -------------------------------------------------------------------

STATUS_TABS = [
    ("open", "未办结"),
    (OrderStatus.CALLBACK, OrderStatus.CALLBACK.label),
    (OrderStatus.RECTIFYING, OrderStatus.RECTIFYING.label),
    (OrderStatus.VISIT, OrderStatus.VISIT.label),
    (OrderStatus.RULING, OrderStatus.RULING.label),
    (OrderStatus.CLOSED, OrderStatus.CLOSED.label),
    ("all", "全部"),
]


@role_required(*FEEDBACK_STAFF)
@require_GET
def orders(request):
    """差评整改: the orders of the user's unit (and, for supervisors, of the departments
    they watch), open ones by default, newest first."""
    status = request.GET.get("status", "open")
    if status not in dict(STATUS_TABS):
        status = "open"
    queryset = order_list_for(user=request.user, status="" if status == "all" else status)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(order, time_left(order.clock)) for order in page.object_list]
    return render(
        request,
        "feedback/orders.html",
        {"page": page, "rows": rows, "status": status, "tabs": STATUS_TABS},
    )


def _order_or_404(request, pk):
    return found_or_404(order_get_for(user=request.user, pk=pk), "没有找到该整改单，或您无权查看。")


def _rating_context(order) -> dict:
    """The order and its 差评, as feedback/_orders_rating.html shows them."""
    return {
        "order": order,
        "rating": order.rating,
        "reasons": svc.reason_labels(order.rating.reasons),
        "application": order.application,
        "rater": rater_of(order),
    }


#: The order page's acts: action → (form class, prefix of its ids, success message).
ORDER_ACTIONS = {
    "call-back": (forms.CallBackForm, "callback", "已登记回访核实，整改时限开始计算。"),
    "reply": (forms.ReplyForm, "reply", "已答复群众，等待群众对整改结果评价。"),
    "return-visit": (forms.VisitForm, "visit", "已登记回访评价。"),
    "appeal": (forms.AppealForm, "appeal", "申诉已提交，等待督查人员复核。"),
    "rule": (forms.RuleForm, "rule", "已裁定，整改单办结。"),
}
#: Their forms as page_forms takes them, each in the template as ``<prefix>_form``.
ORDER_FORMS = {
    action: (f"{prefix}_form", form_class, prefix)
    for action, (form_class, prefix, _) in ORDER_ACTIONS.items()
}

#: The order's status in which each of the unit's and the supervisor's steps is offered.
ORDER_STEPS = {
    "call-back": OrderStatus.CALLBACK,
    "reply": OrderStatus.RECTIFYING,
    "return-visit": OrderStatus.VISIT,
    "rule": OrderStatus.RULING,
}


#: The refusals of each step by the field they are about (their codes); any other
#: (a colleague acted meanwhile, the order's state) is shown above the form.
ORDER_FIELDS = {
    "call-back": {"invalid": "finding", "required": "note", "too_long": "note"},
    "reply": {"required": "text", "too_long": "text"},
    "return-visit": {"invalid": "level", "too_long": "note"},
    "appeal": {"too_long": "reason"},
    "rule": {"required": "text", "too_long": "text"},
}


def _offered(page, order, act: str) -> bool:
    """Whether the order page (``page``, as ``order_page_for`` found it) shows the form
    of ``act``: a step to the owning unit (the ruling to a supervisor) while the order
    is at it, the appeal while one may be filed."""
    if act == "appeal":
        return page.can_appeal
    who = page.is_supervisor if act == "rule" else page.is_owner
    return who and order.status == ORDER_STEPS[act]


def _order_page(request, order, *, refused: str = "", error=None, status: int = 200):
    """The order page. ``refused``: the action of a post the form or the service refused
    (``error``: the service's refusal): its form shows what was typed and the error next
    to its field or above it, carrying the order's step of now (the page shows the order
    as it is now), so nothing typed is lost and it can be sent again; an appeal's
    evidence file is chosen again (a browser cannot keep it)."""
    page = order_page_for(user=request.user, order=order)
    context = {
        **_rating_context(order),
        **page_context(page),
        **page_forms(
            request,
            ORDER_FORMS,
            refused=refused,
            version_field="seen",
            version=svc.order_token(order),
            error=error,
            fields=ORDER_FIELDS.get(refused),
        ),
        "open_act": refused,
    }
    # The act's form is not on the page (the step moved on meanwhile, or it is not the
    # user's): the refusal and what was typed are shown above, to copy, not lost.
    if refused and not _offered(page, order, refused):
        context["kept_text"] = refusals.typed_text(request, ORDER_ACTIONS[refused][0])
        context["kept_error"] = error_text(error) if error is not None else ""
    return render(request, "feedback/orders_detail.html", context, status=status)


@role_required(*FEEDBACK_STAFF)
@require_GET
def order_detail(request, pk):
    return _order_page(request, _order_or_404(request, pk))


def _run_order_action(request, order, action: str, data: dict):
    common = {"order": order, "actor": request.user}
    if action != "appeal":
        common["seen"] = data.get("seen")
    if action == "call-back":
        return svc.order_call_back(**common, finding=data["finding"], note=data["note"])
    if action == "reply":
        return svc.order_reply(**common, text=data["text"])
    if action == "return-visit":
        return svc.order_visit(**common, level=data["level"], note=data["note"])
    if action == "appeal":
        return svc.appeal_file(
            **common, kind=data["kind"], reason=data["reason"], evidence=data["evidence"]
        )
    if action == "rule":
        return svc.order_rule(**common, text=data["text"])
    raise Http404


@role_required(*FEEDBACK_STAFF)
@require_POST
def order_action(request, pk, action):
    """A step of the order. Refused (the form's errors, a rule, someone else's step
    meanwhile), the page comes back as it is now with what was typed and the error next
    to it (``_order_page``): 400, or 409 when a colleague moved the order meanwhile."""
    if action not in ORDER_ACTIONS:
        raise Http404
    order = _order_or_404(request, pk)
    form_class, _, success = ORDER_ACTIONS[action]
    form = form_class(request.POST, request.FILES)
    error = None
    if form.is_valid():
        error = refusals.attempt(_run_order_action, request, order, action, form.cleaned_data)
        if error is None:
            messages.success(request, success)
            return redirect("feedback:order", pk=order.pk)
    status = refusals.refusal_status(error, conflicts=MOVED_MEANWHILE)
    order = _order_or_404(request, pk)  # as it is now
    return _order_page(request, order, refused=action, error=error, status=status)


# --- the citizen's online return visit ----------------------------------------------------


#: The refusals of a step in feedback's services by the field they are about (their
#: codes): a missing choice, a text that is missing or too long.
VISIT_FIELDS = {"invalid": "level", "too_long": "note"}
REVIEW_FIELDS = {"invalid": "result", "required": "note", "too_long": "note"}
#: Feedback's refusals of an act on a page shown before someone moved the order or the
#: entry: its step of then (``stale``), or a state in which the page offers no such act
#: (``transition``: the order is no longer 待回访评价, the 回头看 batch is done).
MOVED_MEANWHILE = refusals.CONFLICT_CODES | {"transition"}


@login_required
@require_http_methods(["GET", "POST"])
def order_visit(request, pk):
    """回访评价 online: the applicant rates the fix of their 差评. A refused rating (no
    choice, an over-long note, the order moved meanwhile: the unit recorded a telephone
    return visit, or it came back to 回访评价 in a new round) shows the page again with
    the choice and the note kept and the error next to them (400; 409 when moved);
    when the order no longer waits for a rating, the note is shown to copy."""
    order = found_or_404(order_for_applicant(user=request.user, pk=pk), "没有找到该整改答复。")
    error = None
    if request.method == "POST":
        form = forms.VisitForm(request.POST)
        if form.is_valid():
            error = refusals.attempt(
                svc.order_visit, order=order, actor=request.user, **form.cleaned_data
            )
            if error is None:
                messages.success(request, "感谢您的评价！")
                return redirect("feedback:order_visit", pk=order.pk)
        order.refresh_from_db()
    form = refusals.act_form(
        request,
        forms.VisitForm,
        refused=request.method == "POST",
        auto_id="visit_%s",
        version_field="seen",
        version=svc.order_token(order),
        error=error,
        fields=VISIT_FIELDS,
    )
    status = refusals.refusal_status(error, conflicts=MOVED_MEANWHILE) if form.is_bound else 200
    return render(
        request,
        "feedback/orders_visit.html",
        {
            "order": order,
            "application": order.application,
            "form": form,
            "visits": order.visits.order_by("round"),
            "moved": status == 409,
        },
        status=status,
    )


# --- appeals (申诉复核) ---------------------------------------------------------------------


@role_required(*FEEDBACK_STAFF)
@require_GET
def appeal_evidence(request, pk):
    """The appeal's evidence file, to the owning unit and the order's supervisors."""
    appeal = get_object_or_404(Appeal.objects.select_related("order"), pk=pk)
    if not appeal_visible_to(request.user, appeal):
        raise Http404
    return stored_file_response(
        appeal.evidence, filename=appeal.evidence_name, content_type=appeal.evidence_type
    )


@role_required(Role.SUPERVISOR)
@require_GET
def appeals(request):
    """申诉复核: the appeals of the departments the supervisor watches, pending first."""
    status = request.GET.get("status", AppealStatus.PENDING)
    if status not in (*AppealStatus.values, "all"):
        status = AppealStatus.PENDING
    queryset = appeal_list_for(user=request.user, status="" if status == "all" else status)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [*AppealStatus.choices, ("all", "全部")]
    return render(
        request, "feedback/orders_appeals.html", {"page": page, "status": status, "tabs": tabs}
    )


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def appeal_detail(request, pk):
    appeal = found_or_404(
        appeal_get_for(user=request.user, pk=pk), "没有找到该申诉，或您无权复核。"
    )
    form = forms.AppealDecideForm(request.POST or None, auto_id="decide_%s")
    if request.method == "POST":
        if form.is_valid():
            done = "已作出复核结论，已告知整改单位。"
            data = form.cleaned_data
            if act_and_say(
                request, done, svc.appeal_decide, appeal=appeal, actor=request.user, **data
            ):
                return redirect("feedback:appeals")
        else:
            flash_form_errors(request, form)
        # Refused: the page again (as it is now), the conclusion and opinion kept.
        appeal = found_or_404(
            appeal_get_for(user=request.user, pk=pk), "没有找到该申诉，或您无权复核。"
        )
    order = appeal.order
    return render(
        request,
        "feedback/orders_appeal.html",
        {"appeal": appeal, **_rating_context(order), "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- 回头看 --------------------------------------------------------------------------------


#: The refusals of a new 回头看 batch by the field they are about (their codes); one
#: about none (no case in the period) is shown above the fields.
BATCH_FIELDS = {"required": "title", "too_long": "title", "invalid": "period_end"}
#: A conflict there: the same form's first post still being saved (a double click).
BATCH_CONFLICTS = refusals.CONFLICT_CODES | {"duplicate_submission"}


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def reviews(request):
    """回头看: the supervisor's batches and the form to open one over a period. A refused
    batch (the form's errors, a period with nothing to review, a title too long) shows
    the page again with the title and dates typed and the error next to them (400; 409
    for a conflict); the same form posted twice shows the batch the first post opened."""
    form = forms.ReviewBatchForm(request.POST or None, auto_id="batch_%s")
    status = 200
    if request.method == "POST":
        error = None
        if form.is_valid():
            try:
                batch = svc.review_batch_open(actor=request.user, **form.cleaned_data)
            except DuplicateSubmission as duplicate:
                first = duplicate.made
                if isinstance(first, ReviewBatch):
                    messages.warning(
                        request, f"{error_text(duplicate)}首次提交已开展“{first.title}”，即本页。"
                    )
                    return redirect("feedback:review", pk=first.pk)
                error = duplicate
            except (ValidationError, PermissionDenied) as refusal:
                error = refusal
            else:
                messages.success(request, f"已开展回头看，共 {batch.entries.count()} 件。")
                return redirect("feedback:review", pk=batch.pk)
        form = refusals.act_form(
            request,
            forms.ReviewBatchForm,
            refused=True,
            auto_id="batch_%s",
            error=error,
            fields=BATCH_FIELDS,
        )
        status = refusals.refusal_status(error, conflicts=BATCH_CONFLICTS)
    page = Paginator(review_batch_list_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "feedback/orders_reviews.html", {"page": page, "form": form}, status=status
    )


def _review_batch_or_404(request, pk):
    return found_or_404(
        review_batch_list_for(user=request.user).filter(pk=pk).first(), "没有找到该批回头看。"
    )


def _review_page(request, batch, *, refused=None, error=None, status: int = 200):
    """A 回头看 batch and its entries, each with its form carrying the entry's result of
    now. ``refused``: the entry of a result the form or the service refused: its form
    shows the result chosen and the note typed with the error next to them (opened);
    when the batch is done meanwhile (no form left), the note is shown to copy."""
    entries = list(review_entries(batch))
    return render(
        request,
        "feedback/orders_review.html",
        {
            "batch": batch,
            "entries": [
                (
                    entry,
                    refusals.act_form(
                        request,
                        forms.ReviewEntryForm,
                        refused=entry == refused,
                        auto_id=f"entry{entry.pk}_%s",
                        version_field="seen",
                        version=svc.review_entry_token(entry),
                        error=error,
                        fields=REVIEW_FIELDS,
                    ),
                )
                for entry in entries
            ],
            "done": sum(1 for entry in entries if entry.result),
            "refused": refused,
            "kept_note": (request.POST.get("note") or "").strip() if refused else "",
        },
        status=status,
    )


@role_required(Role.SUPERVISOR)
@require_GET
def review_detail(request, pk):
    return _review_page(request, _review_batch_or_404(request, pk))


@role_required(Role.SUPERVISOR)
@require_POST
def review_entry(request, pk, entry_pk):
    """A 回头看 entry's result; a refused one (no result chosen, no or an over-long note,
    recorded by another supervisor meanwhile, the batch done meanwhile) shows the batch
    again with what was chosen and typed and the error next to it (400; 409 when
    someone moved it meanwhile)."""
    batch = review_batch_list_for(user=request.user).filter(pk=pk).first()
    entry = ReviewEntry.objects.filter(pk=entry_pk, batch=batch).first() if batch else None
    if entry is None:
        raise Http404
    form = forms.ReviewEntryForm(request.POST)
    error = None
    if form.is_valid():
        error = refusals.attempt(
            svc.review_entry_record, entry=entry, actor=request.user, **form.cleaned_data
        )
        if error is None:
            messages.success(request, "已登记回头看结果。")
            return redirect("feedback:review", pk=pk)
    status = refusals.refusal_status(error, conflicts=MOVED_MEANWHILE)
    batch = _review_batch_or_404(request, pk)  # as it is now
    return _review_page(request, batch, refused=entry, error=error, status=status)
