"""Admin of the catalog: items and their versions (drafts edited, published ones read-
only), materials, steps, bundles and the working-day calendar."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header

from accounts.constants import DepartmentKind
from accounts.models import Department
from jinpu_portal.admin import CompactInlineMixin, EditTokenAdminMixin, ReadOnlyAdminMixin
from jinpu_portal.refusals import error_text

from .admin_widgets import FaqField
from .calendar import uncovered_years, years_to_check
from .constants import GUIDE_CONTACT_FIELDS, CalendarSource, Channel, VersionStatus
from .diff import version_diff
from .excel import catalog_export, catalog_import
from .models import (
    Bundle,
    BundleItem,
    CalendarDay,
    CalendarYear,
    CatalogEvent,
    Delegation,
    ItemMaterial,
    ItemVersion,
    ServiceItem,
    WorkflowStep,
)
from .selectors import version_for_preview
from .services import (
    VERSION_M2M,
    CatalogError,
    item_create,
    version_create_draft,
    version_publish,
    version_set_relations,
    version_token,
    version_update,
    version_validate,
)
from .views import guide_page


class CalendarCoverageWarningMixin:
    """Shows, on top of the calendar's admin lists, which needed years are not entered."""

    def changelist_view(self, request, extra_context=None):
        years = years_to_check(timezone.localdate(), settings.CALENDAR_WARN_DAYS_AHEAD)
        for year in uncovered_years(years):
            messages.warning(
                request,
                format_html(
                    "工作日历未录入 {} 年：该年暂按《全国年节及纪念日放假办法》推算的"
                    "法定节假日（含补假，不含调休）计算工作日，请尽快录入国务院公布的安排"
                    '（<a href="{}">录入全年节假日安排</a>）。',
                    year,
                    reverse("calendar:year-entry"),
                ),
            )
        return super().changelist_view(request, extra_context)


@admin.register(CalendarYear)
class CalendarYearAdmin(EditTokenAdminMixin, CalendarCoverageWarningMixin, admin.ModelAdmin):
    list_display = ["year", "source", "note", "updated_at"]
    list_filter = ["source"]
    search_fields = ["year", "note"]
    readonly_fields = ["source"]  # set by save_model, not chosen

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = CalendarSource.ADMIN
        super().save_model(request, obj, form, change)


@admin.register(CalendarDay)
class CalendarDayAdmin(EditTokenAdminMixin, CalendarCoverageWarningMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source", "updated_at"]
    list_filter = ["kind", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"
    readonly_fields = ["source"]  # an edit in the admin always makes it "admin"

    def save_model(self, request, obj, form, change):
        obj.source = CalendarSource.ADMIN
        super().save_model(request, obj, form, change)


# --- Service items, versions, delegations, bundles, audit trail ----------------------


VERSION_FIELDSETS = [
    (
        "基本信息",
        {
            "fields": [
                "name",
                "basic_code",
                "item_type",
                "department",
                "implementer_nature",
                "co_departments",
                "legal_basis",
                "theme",
                "service_objects",
                "keywords",
            ]
        },
    ),
    ("办理时限", {"fields": ["case_type", "statutory_limit_days", "promised_limit_days"]}),
    ("受理条件与办理流程", {"fields": ["acceptance_conditions", "process_description"]}),
    ("收费", {"fields": ["fee_required", "fee_description", "fee_basis"]}),
    (
        "办理方式",
        {
            "fields": [
                "tongban_scope",
                "channels",
                "online_available",
                "not_online_reason",
                "fully_online",
                "online_depth",
                "visits_required",
                "visits_reason",
                "appointment_supported",
                "online_payment_supported",
                "postal_delivery_supported",
            ]
        },
    ),
    ("受理地点与联系方式", {"fields": list(GUIDE_CONTACT_FIELDS)}),
    ("常见问题与办理结果", {"fields": ["faqs", "result_name", "result_sample"]}),
]
# ItemVersion.change_note's column: a longer note is refused, never cut.
CHANGE_NOTE_MAX_LENGTH = 200
VERSION_HEADER_FIELDS = ["item", "number", "status", "published_at", "retired_at"]
ERROR_LABELS = {"materials": "申请材料", "steps": "办理环节", NON_FIELD_ERRORS: ""}


def validation_messages(error: ValidationError) -> list[tuple[str, str]]:
    """(element, message) pairs of a version's validation error, labels in Chinese."""
    if not hasattr(error, "error_dict"):
        return [("", message) for message in error.messages]
    pairs = []
    for name, texts in error.message_dict.items():
        label = ERROR_LABELS.get(name)
        if label is None:
            try:
                label = str(ItemVersion._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                label = name
        pairs.extend((label, text) for text in texts)
    return pairs


def checkbox_list():
    """A labelled checkbox per choice, in a scrolling grid (admin_catalog.css): Chinese
    and one label per box, where the admin's two-box selector is wide, half English
    and its hidden selects unlabelled."""
    return forms.CheckboxSelectMultiple(attrs={"class": "checkbox-grid"})


class ItemVersionForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label="办理渠道",
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    faqs = FaqField()

    class Meta:
        model = ItemVersion
        fields = ["change_note", *(f for _title, opts in VERSION_FIELDSETS for f in opts["fields"])]
        widgets = {name: checkbox_list() for name in VERSION_M2M}


class ItemVersionAddForm(ItemVersionForm):
    """A new item: its implementation code and first draft."""

    new_item_code = forms.CharField(
        label="实施编码",
        max_length=64,
        help_text="新事项的实施编码；已有事项请在其版本页面“创建草稿”。",
    )

    def clean_new_item_code(self):
        code = self.cleaned_data["new_item_code"].strip()
        if any(ch.isspace() for ch in code):
            raise ValidationError("实施编码不能包含空格。")
        if ServiceItem.objects.filter(code=code).exists():
            raise ValidationError("该实施编码的事项已存在，请在其版本页面“创建草稿”。")
        return code


class DraftOnlyInlineMixin:
    """Materials and steps change only with a draft version; otherwise shown read-only."""

    def _editable(self, obj) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class ItemMaterialInline(DraftOnlyInlineMixin, CompactInlineMixin, admin.StackedInline):
    model = ItemMaterial
    extra = 0
    fields = [
        ("position", "name", "issuing_body", "source"),
        ("originals", "copies", "requirement"),
        ("tolerance_allowed", "electronic_required"),
        ("signature_requirement", "notes"),
        ("blank_form", "sample"),
    ]


class WorkflowStepInline(DraftOnlyInlineMixin, CompactInlineMixin, admin.StackedInline):
    model = WorkflowStep
    extra = 0
    fields = [("stage", "name", "department", "budget_days")]


@admin.register(ItemVersion)
class ItemVersionAdmin(EditTokenAdminMixin, admin.ModelAdmin):
    """Drafts are edited here; published and retired versions are read-only. Saving goes
    through catalog.services (full_clean, the check constraints, the search text);
    publishing through version_publish, which validates everything and is audited."""

    form = ItemVersionForm
    change_form_template = "admin/catalog/itemversion/change_form.html"
    list_display = [
        "item_code",
        "name",
        "number",
        "status",
        "department",
        "item_type",
        "case_type",
        "published_at",
    ]
    list_display_links = ["item_code", "name"]
    list_filter = ["status", "item_type", "theme", "case_type", "online_available", "department"]
    search_fields = ["item__code", "name", "basic_code", "keywords"]
    list_select_related = ["item", "department"]
    inlines = [ItemMaterialInline, WorkflowStepInline]
    date_hierarchy = "published_at"
    save_on_top = True

    class Media:
        css = {"all": ["css/admin_catalog.css"]}

    @admin.display(description="实施编码", ordering="item__code")
    def item_code(self, obj):
        return obj.item.code

    def get_fieldsets(self, request, obj=None):
        head = ["new_item_code"] if obj is None else [*VERSION_HEADER_FIELDS, "change_note"]
        fieldsets = [(None, {"fields": head}), *VERSION_FIELDSETS]
        if obj is not None and not obj.is_editable:
            # A frozen version shows its FAQs as a list, not the stored JSON.
            fieldsets = [
                (
                    title,
                    {**opts, "fields": [n if n != "faqs" else "faqs_list" for n in opts["fields"]]},
                )
                for title, opts in fieldsets
            ]
        return fieldsets

    @admin.display(description="常见问题")
    def faqs_list(self, obj):
        faqs = [faq for faq in obj.faqs or [] if isinstance(faq, dict)]
        if not faqs:
            return "-"
        return format_html(
            '<ol class="faq-list">{}</ol>',
            format_html_join(
                "",
                "<li><strong>{}</strong><br>{}</li>",
                ((f.get("q", ""), f.get("a", "")) for f in faqs),
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*VERSION_HEADER_FIELDS, *([] if obj.is_editable else ["faqs_list"])]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ItemVersionAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # versions are the record cases point at; drafts are published or kept

    def _own_fields(self, form) -> dict:
        names = {f.name for f in ItemVersion._meta.concrete_fields}
        return {name: form.cleaned_data[name] for name in form.fields if name in names}

    def save_model(self, request, obj, form, change):
        fields = self._own_fields(form)
        for name in ("result_sample",):
            if name in fields:
                fields[name] = getattr(obj, name)  # the FieldFile construct_instance made
        if change:
            saved = version_update(version=obj, actor=request.user, **fields)
        else:
            saved = item_create(
                code=form.cleaned_data["new_item_code"], actor=request.user, **fields
            )
        # The admin keeps working with ``obj`` (inlines, messages, redirect).
        for name in ("id", "item_id", "number", "status", "search_text", "created_at"):
            setattr(obj, name, getattr(saved, name))
        obj._state.adding = False
        obj._state.db = saved._state.db

    def save_related(self, request, form, formsets, change):
        relations = {name: form.cleaned_data[name] for name in VERSION_M2M if name in form.fields}
        version_set_relations(version=form.instance, actor=request.user, **relations)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        try:
            version_validate(form.instance)
        except ValidationError as error:
            problems = "；".join(
                f"{label}：{message}" if label else message
                for label, message in validation_messages(error)
            )
            messages.warning(request, f"草稿已保存，发布前还需处理：{problems}")

    # --- Draft, diff, publish --------------------------------------------------------

    def get_urls(self):
        def view(func):
            return self.admin_site.admin_view(func)

        return [
            path(
                "<id:pk>/create-draft/",
                view(self.create_draft_view),
                name="catalog_itemversion_create_draft",
            ),
            path("<id:pk>/diff/", view(self.diff_view), name="catalog_itemversion_diff"),
            path("<id:pk>/preview/", view(self.preview_view), name="catalog_itemversion_preview"),
            path("<id:pk>/publish/", view(self.publish_view), name="catalog_itemversion_publish"),
            *super().get_urls(),
        ]

    def _version_or_404(self, request, pk) -> ItemVersion:
        version = get_object_or_404(ItemVersion.objects.select_related("item", "department"), pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        return version

    def _context(self, request, version, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": version,
            "title": extra.pop("title"),
            **extra,
        }

    def _change_url(self, version) -> str:
        return reverse("admin:catalog_itemversion_change", args=[version.pk])

    def create_draft_view(self, request, pk):
        version = self._version_or_404(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            try:
                draft = version_create_draft(item=version.item, actor=request.user)
            except CatalogError as error:
                messages.error(request, error_text(error))
                return redirect(self._change_url(version))
            messages.success(request, f"已创建草稿版本 v{draft.number}，可编辑后发布。")
            return redirect(self._change_url(draft))
        return TemplateResponse(
            request,
            "admin/catalog/itemversion/create_draft.html",
            self._context(request, version, title="从发布版本创建草稿"),
        )

    def diff_view(self, request, pk):
        version = self._version_or_404(request, pk)
        return self._against_published(
            request, version, "diff.html", title=f"版本对比：{version.name}"
        )

    def preview_view(self, request, pk):
        """The version's guide page as citizens will read it once it is published (the
        public guide shows published versions only), marked as a preview."""
        self._version_or_404(request, pk)
        version = version_for_preview(pk=pk)
        draft = version.status == VersionStatus.DRAFT
        return guide_page(
            request,
            version,
            preview={
                "edit_url": self._change_url(version),
                "publish_url": reverse("admin:catalog_itemversion_publish", args=[pk])
                if draft and self.has_change_permission(request, version)
                else "",
            },
        )

    def _against_published(self, request, version, template: str, status=200, **context):
        """A page showing ``version`` against the item's published version (none when
        ``version`` is the published one) with what changes between them."""
        published = version.item.current_version
        if published is None or published.pk == version.pk:
            published = None
        return TemplateResponse(
            request,
            f"admin/catalog/itemversion/{template}",
            self._context(
                request,
                version,
                published=published,
                changes=version_diff(published, version),
                **context,
            ),
            status=status,
        )

    def publish_view(self, request, pk):
        version = self._version_or_404(request, pk)
        if not self.has_change_permission(request, version):
            raise PermissionDenied
        errors = []
        if request.method == "POST":
            change_note = request.POST.get("change_note", "").strip()
            try:
                if len(change_note) > CHANGE_NOTE_MAX_LENGTH:
                    raise ValidationError(
                        f"变更说明过长：最多 {CHANGE_NOTE_MAX_LENGTH} 字，"
                        f"现有 {len(change_note)} 字。"
                    )
                published = version_publish(
                    version=version,
                    actor=request.user,
                    change_note=change_note,
                    seen=request.POST.get("seen", ""),
                )
            except ValidationError as error:
                errors = validation_messages(error)
            else:
                messages.success(request, f"已发布 {published}。")
                return redirect(self._change_url(published))
        else:
            try:
                version_validate(version)
            except ValidationError as error:
                errors = validation_messages(error)
        return self._against_published(
            request,
            version,
            "publish.html",
            status=400 if errors and request.method == "POST" else 200,
            title=f"发布：{version.name} v{version.number}",
            errors=errors,
            submitted=request.method == "POST",
            change_note=request.POST.get("change_note", version.change_note),
            seen=version_token(version),
        )


class ItemStatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("published", "已发布"),
            ("draft", "有草稿"),
            ("unpublished", "无发布版本"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "published":
            return queryset.filter(current_version__isnull=False)
        if self.value() == "draft":
            return queryset.filter(versions__status=VersionStatus.DRAFT).distinct()
        if self.value() == "unpublished":
            return queryset.filter(current_version__isnull=True)
        return queryset


class ItemVersionReadInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ItemVersion
    fields = ["number", "status", "name", "published_at", "retired_at", "change_note"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    verbose_name_plural = "全部版本"


class ExcelImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件", help_text="由“导出 Excel”得到的格式（.xlsx）")
    publish = forms.BooleanField(label="导入后立即发布", required=False)


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Items are created by adding a version (or an import); their code never changes."""

    change_list_template = "admin/catalog/serviceitem/change_list.html"
    list_display = ["code", "version_name", "version_state", "version_department", "updated_at"]
    list_filter = [
        ItemStatusFilter,
        ("current_version__department", admin.RelatedOnlyFieldListFilter),
        "current_version__item_type",
        "current_version__theme",
    ]
    search_fields = ["code", "current_version__name", "current_version__keywords"]
    list_select_related = ["current_version__department"]
    readonly_fields = ["code", "current_version", "created_at", "updated_at"]
    fields = readonly_fields
    inlines = [ItemVersionReadInline]
    actions = ["create_drafts"]

    @admin.display(description="事项名称", ordering="current_version__name")
    def version_name(self, obj):
        return obj.current_version.name if obj.current_version else "—"

    @admin.display(description="当前状态")
    def version_state(self, obj):
        version = obj.current_version
        return f"已发布 v{version.number}" if version else "无发布版本"

    @admin.display(description="实施主体")
    def version_department(self, obj):
        return obj.current_version.department if obj.current_version else "—"

    def has_create_draft_permission(self, request):
        return request.user.has_perm("catalog.add_itemversion")

    @admin.action(description="从发布版本创建草稿", permissions=["create_draft"])
    def create_drafts(self, request, queryset):
        created, refused = 0, []
        for item in queryset:
            try:
                version_create_draft(item=item, actor=request.user)
                created += 1
            except CatalogError as error:
                refused.append(f"{item.code}：{'；'.join(error.messages)}")
        if created:
            messages.success(request, f"已为 {created} 个事项创建草稿版本。")
        for message in refused:
            messages.error(request, message)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export": request.user.has_perm("catalog.view_itemversion"),
            "can_import": self._can_import(request),
            "can_add_item": request.user.has_perm("catalog.add_itemversion"),
        }
        return super().changelist_view(request, extra_context)

    def _can_import(self, request) -> bool:
        return request.user.has_perms(["catalog.add_itemversion", "catalog.change_itemversion"])

    def get_urls(self):
        return [
            path(
                "excel/export/",
                self.admin_site.admin_view(self.excel_export_view),
                name="catalog_serviceitem_excel_export",
            ),
            path(
                "excel/import/",
                self.admin_site.admin_view(self.excel_import_view),
                name="catalog_serviceitem_excel_import",
            ),
            *super().get_urls(),
        ]

    def excel_export_view(self, request):
        if not request.user.has_perm("catalog.view_itemversion"):
            raise PermissionDenied
        filename = f"事项目录-{timezone.localdate():%Y%m%d}.xlsx"
        response = HttpResponse(
            catalog_export(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    def excel_import_view(self, request):
        if not self._can_import(request):
            raise PermissionDenied
        result = None
        form = ExcelImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = catalog_import(
                upload,
                actor=request.user,
                publish=form.cleaned_data["publish"],
                source_name=upload.name,
            )
            if result.ok:
                state = "并已发布" if result.published else "，新版本为草稿，待发布"
                messages.success(
                    request,
                    f"导入完成{state}：新增事项 {len(result.created)} 项，"
                    f"新版本 {len(result.drafted)} 项，未变化 {len(result.unchanged)} 项。",
                )
                return redirect("admin:catalog_serviceitem_changelist")
        return TemplateResponse(
            request,
            "admin/catalog/serviceitem/excel_import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "导入 Excel 事项目录",
                "form": form,
                "result": result,
            },
            status=400 if result is not None and not result.ok else 200,
        )


class DelegationStateFilter(admin.SimpleListFilter):
    title = "赋权状态"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "有效"), ("no", "已收回")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(revoked_on__isnull=True)
        if self.value() == "no":
            return queryset.filter(revoked_on__isnull=False)
        return queryset


GRANTEE_KINDS = [DepartmentKind.PARK, DepartmentKind.STREET, DepartmentKind.STATION]


@admin.register(Delegation)
class DelegationAdmin(EditTokenAdminMixin, admin.ModelAdmin):
    """赋权: filter by grantee and batch; the count on top answers "how many powers does
    the bonded zone hold"."""

    list_display = [
        "item_code",
        "item_name",
        "grantee",
        "batch",
        "granted_on",
        "document_number",
        "revoked_on",
    ]
    list_filter = [
        ("grantee", admin.RelatedOnlyFieldListFilter),
        "batch",
        DelegationStateFilter,
        "granted_on",
    ]
    search_fields = ["item__code", "item__current_version__name", "batch", "document_number"]
    list_select_related = ["item__current_version", "grantee"]
    autocomplete_fields = ["item"]
    date_hierarchy = "granted_on"

    @admin.display(description="实施编码", ordering="item__code")
    def item_code(self, obj):
        return obj.item.code

    @admin.display(description="事项名称")
    def item_name(self, obj):
        return obj.item.current_version.name if obj.item.current_version else "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "grantee":
            kwargs["queryset"] = Department.objects.filter(kind__in=GRANTEE_KINDS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BundleItemInline(CompactInlineMixin, admin.StackedInline):
    """Order and item on one row, each labelled (a tabular inline's inputs and its 删除
    boxes have no label: axe's critical "label"); the item an autocomplete showing its
    name and code in full (admin.css). No blank row until 添加另一个 asks for one."""

    model = BundleItem
    extra = 0
    fields = [("position", "item")]
    autocomplete_fields = ["item"]


@admin.register(Bundle)
class BundleAdmin(EditTokenAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "theme", "item_count", "is_active"]
    list_filter = ["theme", "is_active"]
    search_fields = ["code", "name"]
    inlines = [BundleItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_item_count=Count("bundleitem"))

    @admin.display(description="事项数", ordering="_item_count")
    def item_count(self, obj):
        return obj._item_count


# The keys catalog.services._event stores in CatalogEvent.details, named in Chinese.
EVENT_DETAIL_LABELS = {
    "number": "版本",
    "copied_from": "复制自",
    "retired": "停用",
    "change_note": "变更说明",
    "source": "导入文件",
    "publish": "导入后发布",
}
EVENT_VERSION_NUMBERS = {"number", "copied_from", "retired"}


@admin.register(CatalogEvent)
class CatalogEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail: read-only for everyone."""

    list_display = ["at", "action", "version_link", "actor", "details_text"]
    list_filter = ["action", "at"]
    search_fields = ["version__item__code", "version__name", "actor__username"]
    list_select_related = ["version__item", "actor"]
    date_hierarchy = "at"
    fields = ["at", "action", "version", "actor", "details_text"]
    readonly_fields = fields

    @admin.display(description="详情")
    def details_text(self, obj):
        """The event's details in Chinese (版本 v2；停用 v1；变更说明：…), not the stored
        JSON, whose English keys made the widest column of the list."""
        parts = []
        for key, value in (obj.details or {}).items():
            if value is None or value == "":
                continue
            label = EVENT_DETAIL_LABELS.get(key, key)
            if key in EVENT_VERSION_NUMBERS:
                parts.append(f"{label} v{value}")
            elif isinstance(value, bool):
                parts.append(f"{label}：{'是' if value else '否'}")
            else:
                parts.append(f"{label}：{value}")
        return "；".join(parts) or "—"

    @admin.display(description="事项版本", ordering="version__item__code")
    def version_link(self, obj):
        if obj.version is None:
            return "—"
        url = reverse("admin:catalog_itemversion_change", args=[obj.version_id])
        # Name and number, the code below: the version's status today is not the event's.
        return format_html(
            '<a href="{}">{} v{}</a><br><span class="quiet">{}</span>',
            url,
            obj.version.name,
            obj.version.number,
            obj.version.item.code,
        )
