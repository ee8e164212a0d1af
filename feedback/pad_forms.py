"""Forms of the counter pad (评价器): binding a tablet, the citizen's rating, a new pad."""

from django import forms

from jinpu_portal.submissions import SubmissionKeyForm

from .constants import BAD_LEVELS, ONSITE_SUB_SCORES, Level, Reason


def _stars(level: int) -> str:
    return "★" * Level(level).stars


LEVEL_CHOICES = [(level.value, level.label) for level in Level]
SUB_SCORE_CHOICES = [(level.value, f"{Level(level).stars} 星") for level in Level]


class PadBindForm(forms.Form):
    key = forms.CharField(
        label="评价器密钥",
        max_length=100,
        strip=True,
        error_messages={"required": "请填写登记评价器时显示的密钥。"},
    )


class PadCreateForm(SubmissionKeyForm):
    name = forms.CharField(label="名称（可不填）", max_length=50, required=False)


class PadRatingForm(forms.Form):
    """Five to one stars (level 1 to 5); a 差评 needs a reason; the on-site sub-scores
    (efficiency, competence, attitude) are optional."""

    level = forms.TypedChoiceField(
        label="总体评价",
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请点选星级。", "invalid_choice": "请点选星级。"},
    )
    reasons = forms.MultipleChoiceField(
        label="不满意的原因（至少选一项）",
        choices=Reason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(label="想说的话（可不填）", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in ONSITE_SUB_SCORES:
            self.fields[f"sub_{code}"] = forms.TypedChoiceField(
                label=code.label,
                choices=SUB_SCORE_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )

    def sub_score_fields(self):
        return [self[f"sub_{code}"] for code in ONSITE_SUB_SCORES]

    def level_options(self):
        """(value, label, stars) of each level, five stars first."""
        return [(value, label, _stars(value)) for value, label in LEVEL_CHOICES]

    @property
    def bad_chosen(self) -> bool:
        """The level sent is a 差评 (the reasons are shown open then)."""
        try:
            return int(self.data.get("level", 0)) in BAD_LEVELS
        except (TypeError, ValueError):
            return False

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level in BAD_LEVELS:
            if not data.get("reasons"):
                self.add_error("reasons", "差评请至少选择一项原因。")
        else:
            data["reasons"], data["text"] = [], ""
        data["sub_scores"] = {
            str(code): data[f"sub_{code}"]
            for code in ONSITE_SUB_SCORES
            if data.get(f"sub_{code}") is not None
        }
        return data
