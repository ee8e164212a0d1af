"""What a draft changes against the published version: fields, materials and steps.

``version_snapshot`` reads a version into plain display values (labels of code
tables, department names, 是/否); ``snapshot_diff`` compares two snapshots and is a
pure function; ``version_diff`` does both. Materials are matched by name (unique per
version); steps by name and department, plus the stage when a version has the same
step twice.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import models

from .constants import Channel
from .models import ItemMaterial, ItemVersion, WorkflowStep

STEP_FIELDS = ["stage", "budget_days"]

FIELD = "field"
MATERIAL = "material"
STEP = "step"
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
KIND_LABELS = {ADDED: "新增", REMOVED: "删除", CHANGED: "修改"}
SECTION_LABELS = {FIELD: "事项要素", MATERIAL: "申请材料", STEP: "办理环节"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    """One difference. For a changed material or step, ``fields`` lists what changed."""

    section: str
    kind: str
    label: str
    old: str = ""
    new: str = ""
    fields: tuple[FieldChange, ...] = ()

    @property
    def section_label(self) -> str:
        return SECTION_LABELS[self.section]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


# A row: ordered (label, display value) pairs keyed by field name.
Row = dict[str, tuple[str, str]]


@dataclass(frozen=True)
class VersionSnapshot:
    fields: Row = field(default_factory=dict)
    materials: dict[str, tuple[str, Row]] = field(default_factory=dict)
    steps: dict[tuple, tuple[str, Row]] = field(default_factory=dict)


def _display(instance: models.Model, model_field: models.Field) -> str:
    value = getattr(instance, model_field.attname)
    if model_field.choices and value not in (None, ""):
        return str(getattr(instance, f"get_{model_field.name}_display")())
    if isinstance(model_field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(model_field, models.ForeignKey):
        related = getattr(instance, model_field.name)
        return str(related) if related is not None else ""
    if isinstance(model_field, models.FileField):
        return value.name if value else ""
    if model_field.name == "channels":
        labels = dict(Channel.choices)
        return "、".join(str(labels.get(code, code)) for code in value or [])
    if model_field.name == "faqs":
        return "\n".join(f"问：{f.get('q', '')} 答：{f.get('a', '')}" for f in value or [])
    return "" if value is None else str(value)


def _row(instance: models.Model, names: list[str]) -> Row:
    meta = instance._meta
    return {
        name: (str(meta.get_field(name).verbose_name), _display(instance, meta.get_field(name)))
        for name in names
    }


def version_snapshot(version: ItemVersion) -> VersionSnapshot:
    """Read a version's content into display values (prefetched relations are used)."""
    names = [f.name for f in ItemVersion.content_fields()]
    row = _row(version, names)
    for m2m in ItemVersion._meta.many_to_many:
        values = sorted(str(obj) for obj in getattr(version, m2m.name).all())
        row[m2m.name] = (str(m2m.verbose_name), "、".join(values))

    # A material is matched by its name: the other fields are what may change.
    material_fields = [f.name for f in ItemMaterial.content_fields() if f.name != "name"]
    materials = {
        material.name: (material.name, _row(material, material_fields))
        for material in version.materials.all()
    }

    steps: list[WorkflowStep] = list(version.steps.all())
    seen = Counter((s.name, s.department_id) for s in steps)
    step_rows = {}
    for step in steps:
        label = f"{step.name}（{step.department}）"
        key: tuple = (step.name, str(step.department))
        if seen[(step.name, step.department_id)] > 1:
            key, label = (*key, step.stage), f"第 {step.stage} 环节 {label}"
        step_rows[key] = (label, _row(step, STEP_FIELDS))
    return VersionSnapshot(fields=row, materials=materials, steps=step_rows)


def _row_changes(old: Row, new: Row) -> list[FieldChange]:
    return [
        FieldChange(label=label, old=old.get(name, ("", ""))[1], new=value)
        for name, (label, value) in new.items()
        if old.get(name, ("", ""))[1] != value
    ]


def _summary(row: Row) -> str:
    return "；".join(f"{label}：{value}" for label, value in row.values() if value)


def _keyed_changes(section: str, old: dict, new: dict) -> list[Change]:
    changes = []
    for key, (label, row) in new.items():
        if key not in old:
            changes.append(Change(section=section, kind=ADDED, label=label, new=_summary(row)))
            continue
        changed = _row_changes(old[key][1], row)
        if changed:
            changes.append(
                Change(section=section, kind=CHANGED, label=label, fields=tuple(changed))
            )
    changes.extend(
        Change(section=section, kind=REMOVED, label=label, old=_summary(row))
        for key, (label, row) in old.items()
        if key not in new
    )
    return changes


def snapshot_diff(old: VersionSnapshot, new: VersionSnapshot) -> list[Change]:
    """Fields changed (old → new), then materials, then steps added, changed, removed."""
    changes = [
        Change(section=FIELD, kind=CHANGED, label=c.label, old=c.old, new=c.new)
        for c in _row_changes(old.fields, new.fields)
    ]
    changes += _keyed_changes(MATERIAL, old.materials, new.materials)
    changes += _keyed_changes(STEP, old.steps, new.steps)
    return changes


def version_diff(old: ItemVersion | None, new: ItemVersion) -> list[Change]:
    """The changes from ``old`` (None: nothing published yet) to ``new``."""
    before = version_snapshot(old) if old is not None else VersionSnapshot()
    return snapshot_diff(before, version_snapshot(new))
