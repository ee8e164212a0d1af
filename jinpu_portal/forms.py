"""What the apps' page forms share: Bootstrap's classes on their widgets."""

from django import forms


def bootstrap_classes(
    form: forms.Form, *, control: str = "form-control", select: str = "form-select"
) -> None:
    """Give every visible widget of ``form`` its Bootstrap class (a class the widget
    names itself is kept): check boxes and radio buttons ``form-check-input``, selects
    ``select``, the others ``control``."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = select
        else:
            css = control
        widget.attrs.setdefault("class", css)


class BootstrapForm(forms.Form):
    """A page form whose widgets carry Bootstrap's classes (``bootstrap_classes``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_classes(self)
