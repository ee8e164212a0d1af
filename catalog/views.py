"""Public service guides (办事指南): no login needed, published versions only."""

from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from accounts.constants import Role
from jinpu_portal.views import found_or_404, page_context

from .files import guide_file_get
from .notices import bundle_notice_pdf, item_notice_pdf
from .selectors import (
    AUDIENCES,
    SEARCH_MAX_LENGTH,
    audience_counts,
    bundle_for_code,
    bundle_list,
    bundle_material_list,
    bundle_versions,
    department_list_with_items,
    guide_filters_from,
    item_guide,
    item_version_list,
    published_version_for_code,
    theme_list_with_items,
)

PAGE_SIZE = 20


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _may_apply_online(request) -> bool:
    """Whether the guide offers 在线申请: to anyone signed out (intake asks them to sign
    in) and to a citizen; intake refuses every other account (staff, administrators)."""
    return not request.user.is_authenticated or request.user.has_role(Role.CITIZEN)


@require_GET
def guide_home(request):
    """Browse by 个人 / 法人, theme and department; search; the bundles (一件事)."""
    counts = audience_counts()
    audiences = [(key, label, counts[key]) for key, (label, _codes) in AUDIENCES.items()]
    return render(
        request,
        "catalog/home.html",
        {
            "audiences": audiences,
            "themes": theme_list_with_items(),
            "departments": department_list_with_items(),
            "bundles": bundle_list(),
            "search_max_length": SEARCH_MAX_LENGTH,
        },
    )


@require_GET
def item_list(request):
    filters = guide_filters_from(request.GET)
    paginator = Paginator(item_version_list(filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/item_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "versions": page.object_list,
            "departments": department_list_with_items(),
            "themes": theme_list_with_items(),
            "audiences": [(key, label) for key, (label, _codes) in AUDIENCES.items()],
            "query_string": query.urlencode(),
            "search_max_length": SEARCH_MAX_LENGTH,
        },
    )


@require_GET
def guide_file(request, kind: str, pk: int):
    """A published guide's blank form, sample or result sample (public)."""
    stored, filename = guide_file_get(kind, pk)
    return FileResponse(stored.open("rb"), as_attachment=True, filename=filename)


def _published_or_404(code: str):
    return found_or_404(published_version_for_code(code=code), "该事项不存在或尚未发布。")


@require_GET
def item_detail(request, code: str):
    """Every element of the published version: the guide of one item."""
    version = _published_or_404(code)
    return guide_page(request, version)


def guide_page(request, version, *, preview: dict | None = None):
    """The guide page of ``version``. ``preview``: the catalog administrator's preview of
    a version not (or not yet) the published one (``catalog.admin``): the page says so,
    with the links back to editing and publishing it holds, and offers nothing a citizen
    would act on (在线申请, the notice and the files go to the published version only)."""
    return render(
        request,
        "catalog/item_detail.html",
        {
            "version": version,
            "item": version.item,
            "may_apply_online": not preview and _may_apply_online(request),
            "preview": preview,
            **page_context(item_guide(version)),
        },
    )


@require_GET
def item_notice(request, code: str):
    """一次告知书 of the item as PDF, rendered once per published version."""
    version = _published_or_404(code)
    return _pdf_response(item_notice_pdf(version), f"{version.name}一次告知书.pdf")


def _bundle_or_404(code: str):
    return found_or_404(bundle_for_code(code=code), "该“一件事”不存在或已停用。")


@require_GET
def bundle_detail(request, code: str):
    bundle = _bundle_or_404(code)
    versions = bundle_versions(bundle=bundle)
    materials = bundle_material_list(bundle, versions)
    return render(
        request,
        "catalog/bundle_detail.html",
        {
            "bundle": bundle,
            "versions": versions,
            "materials": materials,
            "shared_count": sum(1 for m in materials if m.shared),
            "item_material_total": sum(len(v.materials.all()) for v in versions),
            "may_apply_online": _may_apply_online(request),
        },
    )


@require_GET
def bundle_notice(request, code: str):
    bundle = _bundle_or_404(code)
    return _pdf_response(bundle_notice_pdf(bundle), f"{bundle.name}一次告知书.pdf")
