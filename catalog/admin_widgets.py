"""The version editor's FAQ field: question/answer pairs edited as labelled fields, not
as raw JSON. Stored as before in ``ItemVersion.faqs``: ``[{"q": "...", "a": "..."}]``.

The widget posts ``<name>-TOTAL`` and ``<name>-<i>-q`` / ``<name>-<i>-a`` per row. A row
left empty (both fields) is dropped, so clearing a row deletes that FAQ; the order on the
page is the order on the guide. Without JavaScript the editor offers the existing rows
plus ``BLANK_ROWS`` empty ones; static/js/admin_faqs.js adds more on demand.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

MAX_FAQS = 30
QUESTION_MAX = 200
ANSWER_MAX = 2000
BLANK_ROWS = 2


def _rows(value) -> list[dict]:
    """Whatever the field holds (the stored list, posted rows) as a list of {q, a}."""
    if not isinstance(value, list | tuple):
        return []
    rows = []
    for entry in value:
        if isinstance(entry, dict):
            rows.append({"q": str(entry.get("q") or ""), "a": str(entry.get("a") or "")})
    return rows


class FaqWidget(forms.Widget):
    template_name = "admin/catalog/widgets/faqs.html"

    class Media:
        css = {"all": ["css/admin_catalog.css"]}
        js = ["js/admin_faqs.js"]

    def format_value(self, value):
        return _rows(value)

    def render(self, name, value, attrs=None, renderer=None):
        # The template lives with the admin's (TEMPLATES' DIRS), which Django's default
        # form renderer does not search.
        return super().render(name, value, attrs, renderer=TemplatesSetting())

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        filled = [row for row in _rows(value) if row["q"].strip() or row["a"].strip()]
        rows = filled + [{"q": "", "a": ""}] * BLANK_ROWS
        context["widget"].update(
            rows=[
                {
                    "number": index + 1,
                    "q": row["q"],
                    "a": row["a"],
                    "q_name": f"{name}-{index}-q",
                    "a_name": f"{name}-{index}-a",
                    "q_id": f"{base_id}_{index}_q",
                    "a_id": f"{base_id}_{index}_a",
                }
                for index, row in enumerate(rows)
            ],
            base_id=base_id,
            question_max=QUESTION_MAX,
            answer_max=ANSWER_MAX,
            max_rows=MAX_FAQS + BLANK_ROWS,
        )
        return context

    def id_for_label(self, id_):
        # The rows have their own labels (问题 1, 回答 1 …); the field's caption names
        # the group (aria-labelledby in the template), not one of its inputs.
        return ""

    def value_from_datadict(self, data, files, name):
        try:
            total = int(data.get(f"{name}-TOTAL", 0))
        except (TypeError, ValueError):
            total = 0
        total = max(0, min(total, MAX_FAQS + 50))  # a bound on what a post may make us read
        return [
            {"q": data.get(f"{name}-{index}-q", ""), "a": data.get(f"{name}-{index}-a", "")}
            for index in range(total)
        ]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-TOTAL" not in data


class FaqField(forms.Field):
    """Validates the rows: each FAQ needs its question and its answer, within the length
    limits, no question twice, at most MAX_FAQS; messages name the row (第 n 条)."""

    widget = FaqWidget
    default_error_messages = {
        "no_question": "第 %(n)s 条：请填写问题（只填了回答）。",
        "no_answer": "第 %(n)s 条：请填写回答（只填了问题）。",
        "question_long": f"第 %(n)s 条：问题不能超过 {QUESTION_MAX} 字（现有 %(length)s 字）。",
        "answer_long": f"第 %(n)s 条：回答不能超过 {ANSWER_MAX} 字（现有 %(length)s 字）。",
        "duplicate": "第 %(n)s 条与第 %(first)s 条的问题相同。",
        "too_many": f"常见问题最多 {MAX_FAQS} 条，现有 %(count)s 条。",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "常见问题")
        kwargs.setdefault(
            "help_text",
            "每条填写问题和回答；清空一条的问题和回答即删除该条。顺序即办事指南中的顺序。",
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        """The posted rows, stripped, empty ones dropped, numbered as they will stand on
        the guide (and on the page that shows the error: it drops empty rows too)."""
        rows = [(row["q"].strip(), row["a"].strip()) for row in _rows(value)]
        rows = [(question, answer) for question, answer in rows if question or answer]
        return [(number, q, a) for number, (q, a) in enumerate(rows, start=1)]

    def validate(self, value):
        super().validate(value)
        errors = []
        seen: dict[str, int] = {}
        for number, question, answer in value:
            if not question:
                errors.append(self._error("no_question", n=number))
            if not answer:
                errors.append(self._error("no_answer", n=number))
            if len(question) > QUESTION_MAX:
                errors.append(self._error("question_long", n=number, length=len(question)))
            if len(answer) > ANSWER_MAX:
                errors.append(self._error("answer_long", n=number, length=len(answer)))
            if question and question in seen:
                errors.append(self._error("duplicate", n=number, first=seen[question]))
            seen.setdefault(question, number)
        if len(value) > MAX_FAQS:
            errors.append(self._error("too_many", count=len(value)))
        if errors:
            raise ValidationError(errors)

    def _error(self, code: str, **params) -> ValidationError:
        return ValidationError(self.error_messages[code], code=code, params=params)

    def clean(self, value):
        numbered = super().clean(value)
        return [{"q": question, "a": answer} for _number, question, answer in numbered]

    def has_changed(self, initial, data):
        try:
            posted = self.clean(data)
        except ValidationError:
            return True
        return _rows(initial) != posted
