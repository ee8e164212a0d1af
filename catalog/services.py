"""Writes to the catalog: items, drafts, publishing. Every write goes through here.

A published version is frozen: ``version_update`` only touches drafts, and
``version_create_draft`` copies the published version (materials, steps and
relations included) into a new draft to edit.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from jinpu_portal.concurrency import STALE_MESSAGE, edit_token

from .constants import CatalogEventAction, VersionStatus
from .models import CatalogEvent, ItemMaterial, ItemVersion, ServiceItem, WorkflowStep


class CatalogError(ValidationError):
    """A catalog write the current state does not allow (message in Chinese)."""


# Relations copied with a version; fields named here are set with .set() after save.
VERSION_M2M = ("co_departments", "service_objects", "accepting_halls", "accepting_units")


def workflow_longest_path_days(steps: Iterable[WorkflowStep]) -> int:
    """Sum over stages of the longest step in each stage (parallel steps overlap)."""
    longest: dict[int, int] = {}
    for step in steps:
        longest[step.stage] = max(longest.get(step.stage, 0), step.budget_days)
    return sum(longest.values())


def build_search_text(version: ItemVersion) -> str:
    parts = [
        version.name,
        version.item.code,
        version.basic_code,
        version.keywords,
        version.department.name,
        version.department.short_name,
    ]
    return " ".join(part for part in parts if part)


def version_validate(version: ItemVersion) -> None:
    """Everything a version must satisfy before it is published; raises with all errors."""
    errors: dict[str, list[str]] = {}
    try:
        version.full_clean(exclude=["item", "search_text"])
    except ValidationError as error:
        errors.update(error.message_dict)
    steps = list(version.steps.all())
    materials = list(version.materials.all())
    if not version.service_objects.exists():
        errors.setdefault("service_objects", []).append("至少选择一个服务对象。")
    if not materials:
        errors.setdefault("materials", []).append("至少需要一项申请材料。")
    if version.case_type == "2" and not steps:
        errors.setdefault("steps", []).append("承诺件至少需要一个办理环节。")
    longest = workflow_longest_path_days(steps)
    if longest > version.promised_limit_days and version.case_type == "2":
        errors.setdefault("steps", []).append(
            f"办理环节最长路径共 {longest} 个工作日，超过承诺办结时限 "
            f"{version.promised_limit_days} 个工作日。"
        )
    if errors:
        raise ValidationError(errors)


def version_token(version: ItemVersion) -> str:
    """The edit token of a draft's content as a page shows it: every write to a draft
    (its fields, relations, materials or steps) moves ``updated_at``."""
    return edit_token(version.updated_at)


def _event(*, version: ItemVersion | None, action: str, actor: User | None, **details) -> None:
    CatalogEvent.objects.create(version=version, action=action, actor=actor, details=details)


@transaction.atomic
def item_create(
    *,
    code: str,
    actor: User | None,
    materials: Iterable[dict] = (),
    steps: Iterable[dict] = (),
    relations: dict | None = None,
    **fields,
) -> ItemVersion:
    """A new item with its first draft. ``relations`` maps VERSION_M2M names to objects."""
    item = ServiceItem(code=code.strip())
    item.full_clean(exclude=["current_version"])
    item.save()
    version = ItemVersion(item=item, number=1, status=VersionStatus.DRAFT, **fields)
    version.full_clean(exclude=["search_text"])
    version.search_text = build_search_text(version)
    version.save()
    for name, values in (relations or {}).items():
        if name not in VERSION_M2M:
            raise ValueError(f"unknown relation {name}")
        getattr(version, name).set(values)
    for position, data in enumerate(materials, start=1):
        material = ItemMaterial(version=version, position=data.pop("position", position), **data)
        material.full_clean()
        material.save()
    for data in steps:
        step = WorkflowStep(version=version, **data)
        step.full_clean()
        step.save()
    _event(version=version, action=CatalogEventAction.DRAFT_CREATED, actor=actor, number=1)
    return version


@transaction.atomic
def version_update(*, version: ItemVersion, actor: User | None, **fields) -> ItemVersion:
    """Edit a draft's own fields. Published and retired versions are frozen."""
    version = ItemVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_editable:
        raise CatalogError("已发布或已停用的版本不可修改，请先创建新的草稿版本。")
    for name, value in fields.items():
        setattr(version, name, value)
    version.full_clean(exclude=["search_text"])
    version.search_text = build_search_text(version)
    version.save()
    return version


@transaction.atomic
def version_create_draft(*, item: ServiceItem, actor: User | None) -> ItemVersion:
    """Copy the published (else the latest) version into a new draft."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.versions.filter(status=VersionStatus.DRAFT).exists():
        raise CatalogError("该事项已有草稿版本，请直接编辑或先发布。")
    source = item.current_version or item.versions.order_by("-number").first()
    if source is None:
        raise CatalogError("该事项没有可复制的版本。")
    number = (item.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    draft = ItemVersion(item=item, number=number, status=VersionStatus.DRAFT)
    for field in ItemVersion.content_fields():
        setattr(draft, field.attname, getattr(source, field.attname))
    draft.search_text = source.search_text
    draft.save()
    for name in VERSION_M2M:
        getattr(draft, name).set(getattr(source, name).all())
    ItemMaterial.objects.bulk_create(
        ItemMaterial(
            **{f.attname: getattr(material, f.attname) for f in ItemMaterial.content_fields()},
            version=draft,
        )
        for material in source.materials.all()
    )
    WorkflowStep.objects.bulk_create(
        WorkflowStep(
            version=draft,
            stage=step.stage,
            name=step.name,
            department_id=step.department_id,
            budget_days=step.budget_days,
        )
        for step in source.steps.all()
    )
    _event(
        version=draft,
        action=CatalogEventAction.DRAFT_CREATED,
        actor=actor,
        number=number,
        copied_from=source.number,
    )
    return draft


@transaction.atomic
def version_publish(
    *, version: ItemVersion, actor: User | None, change_note: str = "", seen: str | None = None
) -> ItemVersion:
    """Publish a draft; the previously published version of the item is retired.
    ``seen`` is the ``version_token`` of the draft the publisher reviewed: refused when
    the draft changed since. The draft is locked, so an edit being saved is waited for
    and validated, never published unchecked. The item's lock is FOR NO KEY UPDATE: an
    edit's foreign-key check on the item (FOR KEY SHARE) does not wait for it, so an
    edit holding the draft's lock finishes instead of deadlocking with the publisher."""
    item = ServiceItem.objects.select_for_update(no_key=True).get(pk=version.item_id)
    version = (
        ItemVersion.objects.select_for_update(of=("self",))
        .select_related("item", "department")
        .get(pk=version.pk)
    )
    if version.status != VersionStatus.DRAFT:
        raise CatalogError("只有草稿版本可以发布。")
    if seen is not None and seen != version_token(version):
        raise CatalogError(STALE_MESSAGE, code="stale")
    version_validate(version)
    now = timezone.now()
    previous = item.versions.filter(status=VersionStatus.PUBLISHED).first()
    if previous is not None:
        previous.status = VersionStatus.RETIRED
        previous.retired_at = now
        previous.save(update_fields=["status", "retired_at", "updated_at"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    if change_note:
        version.change_note = change_note
    version.search_text = build_search_text(version)
    version.save(
        update_fields=["status", "published_at", "change_note", "search_text", "updated_at"]
    )
    item.current_version = version
    item.save(update_fields=["current_version", "updated_at"])
    _event(
        version=version,
        action=CatalogEventAction.PUBLISHED,
        actor=actor,
        number=version.number,
        retired=previous.number if previous else None,
        change_note=version.change_note,
    )
    return version


@transaction.atomic
def version_retire(*, version: ItemVersion, actor: User | None) -> ItemVersion:
    """Withdraw a published version without a successor: the item is no longer offered."""
    item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
    version = ItemVersion.objects.get(pk=version.pk)
    if version.status != VersionStatus.PUBLISHED:
        raise CatalogError("只有已发布的版本可以停用。")
    version.status = VersionStatus.RETIRED
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at", "updated_at"])
    item.current_version = None
    item.save(update_fields=["current_version", "updated_at"])
    _event(version=version, action=CatalogEventAction.RETIRED, actor=actor, number=version.number)
    return version


def _lock_draft(version: ItemVersion) -> ItemVersion:
    """The draft, locked, its ``updated_at`` moved (the content is about to change)."""
    version = ItemVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_editable:
        raise CatalogError("已发布或已停用的版本不可修改，请先创建新的草稿版本。")
    version.save(update_fields=["updated_at"])
    return version


@transaction.atomic
def version_set_relations(*, version: ItemVersion, actor: User | None, **relations) -> None:
    """Set a draft's many-to-many elements (names from VERSION_M2M) to the given objects."""
    version = _lock_draft(version)
    for name, values in relations.items():
        if name not in VERSION_M2M:
            raise ValueError(f"unknown relation {name}")
        getattr(version, name).set(values)


@transaction.atomic
def version_replace_materials(
    *, version: ItemVersion, actor: User | None, materials: Iterable[dict]
) -> None:
    """Replace a draft's materials. A material keeping its name keeps its uploaded blank
    form and sample (a spreadsheet carries no files)."""
    version = _lock_draft(version)
    files = {m.name: (m.blank_form, m.sample) for m in version.materials.all()}
    version.materials.all().delete()
    for position, data in enumerate(materials, start=1):
        data = dict(data)
        material = ItemMaterial(version=version, position=data.pop("position", position), **data)
        blank_form, sample = files.get(material.name, (None, None))
        if blank_form and not material.blank_form:
            material.blank_form = blank_form.name
        if sample and not material.sample:
            material.sample = sample.name
        material.full_clean()
        material.save()


@transaction.atomic
def version_replace_steps(
    *, version: ItemVersion, actor: User | None, steps: Iterable[dict]
) -> None:
    """Replace a draft's workflow steps."""
    version = _lock_draft(version)
    version.steps.all().delete()
    for data in steps:
        step = WorkflowStep(version=version, **data)
        step.full_clean()
        step.save()


@transaction.atomic
def version_import(
    *,
    code: str,
    actor: User | None,
    fields: dict,
    relations: dict,
    materials: list[dict],
    steps: list[dict],
    publish: bool,
    source: str = "",
) -> ItemVersion:
    """One item from an import (Excel): a new item, or a new draft of an existing one
    holding the imported content; published at once when ``publish``. Audited as
    CatalogEventAction.IMPORTED besides the draft and publish events."""
    item = ServiceItem.objects.filter(code=code).first()
    if item is None:
        version = item_create(
            code=code,
            actor=actor,
            materials=[dict(m) for m in materials],
            steps=[dict(s) for s in steps],
            relations=relations,
            **fields,
        )
    else:
        version = version_create_draft(item=item, actor=actor)
        version = version_update(version=version, actor=actor, **fields)
        version_set_relations(version=version, actor=actor, **relations)
        version_replace_materials(version=version, actor=actor, materials=materials)
        version_replace_steps(version=version, actor=actor, steps=steps)
    _event(
        version=version,
        action=CatalogEventAction.IMPORTED,
        actor=actor,
        number=version.number,
        source=source,
        publish=publish,
    )
    if publish:
        version = version_publish(version=version, actor=actor, change_note="Excel 导入")
    return version
