"""The guide's files (a material's blank form and sample, a version's result sample):
public, but only those of a published version, and only through ``views.guide_file``
(no URL serves the media folder; stored names are random, see jinpu_portal.files)."""

from pathlib import PurePath

from django.http import Http404
from django.urls import reverse

from .constants import VersionStatus
from .models import ItemMaterial, ItemVersion

# kind in the URL -> (model, field, what the download is called)
GUIDE_FILES = {
    "blank-form": (ItemMaterial, "blank_form", "空白表格"),
    "sample": (ItemMaterial, "sample", "示范样表"),
    "result-sample": (ItemVersion, "result_sample", "结果样本"),
}


def guide_file_url(obj, kind: str) -> str | None:
    """The download address of ``obj``'s file of that kind, None when there is none."""
    field = GUIDE_FILES[kind][1]
    if not getattr(obj, field):
        return None
    return reverse("catalog:guide_file", args=[kind, obj.pk])


def guide_file_get(kind: str, pk: int):
    """(the stored file, its download name) of a published version; Http404 else."""
    if kind not in GUIDE_FILES:
        raise Http404("文件不存在。")
    model, field, label = GUIDE_FILES[kind]
    if model is ItemMaterial:
        owner = model.objects.select_related("version").filter(pk=pk).first()
        version, title = (owner.version, owner.name) if owner else (None, "")
    else:
        owner = version = model.objects.filter(pk=pk).first()
        title = owner.name if owner else ""
    stored = getattr(owner, field, None) if owner else None
    if not stored or version.status != VersionStatus.PUBLISHED:
        raise Http404("文件不存在或所属事项未发布。")
    return stored, f"{title}-{label}{PurePath(stored.name).suffix}"
