"""The rating form every channel's page shows (the link's page, "my applications"; the
counter pad may use it too): five stars, the reasons of a 差评, optional text and the
sub-scores that apply to the service. It only parses: the rules (a reason for a 差评,
the sub-scores of the service, the period, one rating) are the service's,
``feedback.services.ratings``, whose refusals the views show on the form."""

from django import forms

from .constants import BAD_LEVELS, Level, Reason, SubScore
from .models import Rating

TEXT_MAX_LENGTH = Rating._meta.get_field("text").max_length
# Five stars first: 非常满意 is level 1.
LEVEL_CHOICES = [(str(level.value), level.label) for level in Level]
SUB_SCORE_CHOICES = [("", "不评")] + [(str(stars), f"{stars} 星") for stars in range(5, 0, -1)]


def stars_of(level: int) -> str:
    return "★" * Level(level).stars + "☆" * (5 - Level(level).stars)


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label="总体评价",
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择评价等级（一星至五星）。"},
    )
    reasons = forms.MultipleChoiceField(
        label="不满意的原因（差评必选，可多选）",
        choices=Reason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label="评价内容（选填）",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"评价内容最多 {TEXT_MAX_LENGTH} 字。"},
    )

    def __init__(self, *args, sub_scores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sub_score_names = []
        for code in sub_scores:
            name = f"sub_{code}"
            self.fields[name] = forms.TypedChoiceField(
                label=str(SubScore(code).label),
                choices=SUB_SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.sub_score_names.append((name, str(code)))

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level is not None and level not in BAD_LEVELS:
            # The reasons of a 差评 are hidden again when a better level is chosen.
            data["reasons"] = []
        return data

    @property
    def level_options(self) -> list[dict]:
        """The five levels for the star buttons, five stars first."""
        chosen = str(self["level"].value() or "")
        return [
            {
                "id": f"rate-level-{level.value}",
                "value": str(level.value),
                "label": level.label,
                "stars": level.stars,
                "star_text": stars_of(level),
                "checked": chosen == str(level.value),
                "bad": level in BAD_LEVELS,
            }
            for level in Level
        ]

    @property
    def sub_score_fields(self):
        return [self[name] for name, _ in self.sub_score_names]

    def service_arguments(self) -> dict:
        """What ``rating_record`` takes from the form."""
        data = self.cleaned_data
        return {
            "level": data["level"],
            "reasons": data.get("reasons") or [],
            "text": data.get("text", ""),
            "sub_scores": {
                code: data[name]
                for name, code in self.sub_score_names
                if data.get(name) is not None
            },
        }


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label="追评内容",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "请填写追评内容。",
            "max_length": f"追评内容最多 {TEXT_MAX_LENGTH} 字。",
        },
    )
