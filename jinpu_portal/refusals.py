"""A refused act on a page, said in Chinese: the refusal's text, a service run with its
refusal caught (``attempt``) or its outcome flashed (``django.contrib.messages``), a
form's errors flashed with their fields' labels, and the forms of a page shown again
for a refused act, bound to what was typed (``act_form``, ``page_forms``), with its
status (``refusal_status``). Services refuse with ``ValidationError`` (a rule, a state)
or ``PermissionDenied`` (who asks); every app's pages say them the same way."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


def error_text(error: ValidationError | PermissionDenied) -> str:
    """A refusal as the pages and the API say it: the messages joined, in Chinese."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or "您没有权限执行该操作。"


def attempt(service, *args, **kwargs) -> ValidationError | PermissionDenied | None:
    """Run ``service(*args, **kwargs)``: its refusal, or None when it went through."""
    try:
        service(*args, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        return error
    return None


def act_and_say(request, success: str, service, *args, **kwargs) -> bool:
    """Run ``service(*args, **kwargs)`` for a page: its refusal becomes the page's error
    message, else ``success`` its success message. True when the service went through."""
    error = attempt(service, *args, **kwargs)
    if error is not None:
        messages.error(request, error_text(error))
        return False
    messages.success(request, success)
    return True


def form_error_texts(form) -> list[str]:
    """A form's errors, each after its field's label."""
    texts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        texts.extend(f"{label}：{error}" if label else error for error in errors)
    return texts


def flash_form_errors(request, form) -> None:
    """Each of a form's errors as an error message, after its field's label."""
    for text in form_error_texts(form):
        messages.error(request, text)


#: The codes of a service's refusal because someone else moved the object meanwhile: a
#: task or ticket acted on first (``conflict``), a page's edit token that is no longer
#: the stored one (``stale``). A page shown again for one answers 409.
CONFLICT_CODES = frozenset({"conflict", "stale"})


def refusal_status(error=None, *, conflicts=CONFLICT_CODES) -> int:
    """The status of a page shown again for a refused act: 409 when the service's
    refusal ``error`` says someone else moved the object meanwhile (its code is among
    ``conflicts``), else 400 (the form's own errors, a rule, a permission)."""
    return 409 if getattr(error, "code", None) in conflicts else 400


def act_form(
    request,
    form_class,
    *,
    refused: bool = False,
    auto_id: str = "id_%s",
    version_field: str = "",
    version=None,
    error: ValidationError | PermissionDenied | None = None,
    fields: dict[str, str] | None = None,
):
    """The form of an act on a page, carrying ``version`` (the object's version of now:
    a lock version or an edit token) as its ``version_field`` when it has one. Blank;
    or, for the act just ``refused``, bound to what was posted and checked, so its
    errors show under its fields: nothing typed is lost and it can be sent again.
    ``error``: the service's refusal of a post the form let through, put next to the
    field ``fields`` maps its code to (above the fields when it maps none)."""
    if not refused:
        initial = {version_field: version} if version_field else None
        return form_class(initial=initial, auto_id=auto_id)
    data = request.POST.copy()
    if version_field:
        data[version_field] = version
    form = form_class(data, request.FILES, auto_id=auto_id)
    if form.is_valid() and error is not None:
        field = (fields or {}).get(getattr(error, "code", None))
        form.add_error(field, error_text(error))
    return form


def page_forms(
    request,
    spec: dict,
    *,
    refused: str,
    version_field: str,
    version,
    error: ValidationError | PermissionDenied | None = None,
    fields: dict[str, str] | None = None,
) -> dict:
    """The forms of a page of several acts, by template variable. ``spec`` maps each act
    to (template variable, form class, prefix of its ids). The form of the ``refused``
    act is bound to what was posted, with ``version`` (the object's version of now: a
    lock version or an edit token) as its ``version_field``, and checked so its errors
    show under its fields, the service's refusal ``error`` next to the field ``fields``
    maps its code to (above the fields when it maps none): nothing typed is lost and it
    can be sent again; the others are blank, carrying ``version`` (``act_form``)."""
    return {
        name: act_form(
            request,
            form_class,
            refused=act == refused,
            auto_id=f"{prefix}_%s",
            version_field=version_field,
            version=version,
            error=error if act == refused else None,
            fields=fields,
        )
        for act, (name, form_class, prefix) in spec.items()
    }


def typed_text(request, form_class) -> str:
    """What was typed into the text fields of ``form_class`` in the refused post, joined:
    shown to copy when the act's form is no longer on the page (the object moved on)."""
    return " ".join(
        value
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field.widget, forms.HiddenInput)
        and (value := request.POST.get(name, "").strip())
    )
