"""A refused act on a page, said in Chinese: the refusal's text, a service run with its
outcome flashed (``django.contrib.messages``), and a form's errors flashed with their
fields' labels. Services refuse with ``ValidationError`` (a rule, a state) or
``PermissionDenied`` (who asks); every app's pages say them the same way."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


def error_text(error: ValidationError | PermissionDenied) -> str:
    """A refusal as the pages and the API say it: the messages joined, in Chinese."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or "您没有权限执行该操作。"


def act_and_say(request, success: str, service, *args, **kwargs) -> bool:
    """Run ``service(*args, **kwargs)`` for a page: its refusal becomes the page's error
    message, else ``success`` its success message. True when the service went through."""
    try:
        service(*args, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return False
    messages.success(request, success)
    return True


def flash_form_errors(request, form) -> None:
    """Each of a form's errors as an error message, after its field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


def page_forms(request, spec: dict, *, refused: str, version_field: str, version) -> dict:
    """The forms of a page of several acts, by template variable. ``spec`` maps each act
    to (template variable, form class, prefix of its ids). The form of the ``refused``
    act is bound to what was posted, with ``version`` (the object's version of now: a
    lock version or an edit token) as its ``version_field``, and checked so its errors
    show under its fields: nothing typed is lost and it can be sent again; the others
    are blank, carrying ``version``."""
    forms = {}
    for act, (name, form_class, prefix) in spec.items():
        auto_id = f"{prefix}_%s"
        if act == refused:
            data = request.POST.copy()
            data[version_field] = version
            form = form_class(data, request.FILES, auto_id=auto_id)
            form.is_valid()  # its errors, under the fields
        else:
            form = form_class(initial={version_field: version}, auto_id=auto_id)
        forms[name] = form
    return forms
