"""Reads of the catalog that carry rules: only published versions are public, the
guide's browse filters (department, theme, 个人 / 法人), search, what one item's guide
page shows, what a clerk picks from at the counter, and the merged material list of a
bundle (一件事).

Search matches ``ItemVersion.search_text`` (name, codes, keywords and department:
see ``catalog.services.build_search_text``) by substring, so 个人独资 finds
个人独资企业设立登记 on every database. On PostgreSQL the match is written as
``LIKE`` (terms without letters, such as Chinese) or ``ILIKE``, narrowed first by the
GIN index on the text's character grams (migration 0006, ``SearchTextContains``);
Django's own ``icontains`` there is ``UPPER(col) LIKE UPPER(...)``, which no index on
the column can serve.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.lookups import IContains

from accounts.models import Department

from .constants import (
    LEGAL_OBJECTS,
    PERSON_OBJECTS,
    Channel,
    MaterialRequirement,
    OnlineDepth,
    Theme,
    VersionStatus,
)
from .models import Bundle, BundleItem, Delegation, ItemMaterial, ItemVersion, WorkflowStep

SEARCH_MAX_LENGTH = 50
SEARCH_MAX_TERMS = 5

# 服务对象 groups the guide browses by: 个人 is 自然人, 法人 everything else.
AUDIENCES = {
    "person": ("个人办事", {str(code) for code in PERSON_OBJECTS}),
    "legal": ("法人办事", {str(code) for code in LEGAL_OBJECTS}),
}


class SearchContains(IContains):
    """Case-insensitive substring match that PostgreSQL's trigram index can serve."""

    def as_postgresql(self, compiler, connection):
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        # process_lhs would wrap the column in UPPER() for icontains; the bare column is
        # what the GIN index on catalog_itemversion.search_text serves.
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        # A term without cased letters (Chinese, digits) matches the same under LIKE,
        # which PostgreSQL runs several times faster than ILIKE on multibyte text.
        caseless = isinstance(self.rhs, str) and self.rhs.lower() == self.rhs.upper()
        operator = "LIKE" if caseless else "ILIKE"
        return f"{lhs_sql} {operator} {rhs_sql}", [*lhs_params, *rhs_params]


def term_grams(term: str) -> list[str] | None:
    """The grams ``catalog_search_grams`` (migration 0006) stores for every text holding
    ``term``: the term itself when it is one character, else its bigrams, lower-cased.
    None when Python's and PostgreSQL's lower case might disagree (cased letters
    beyond ASCII): the term is then matched by ``ILIKE`` alone."""
    lowered = term.lower()
    if any(not char.isascii() and char.lower() != char.upper() for char in term):
        return None
    if len(lowered) == 1:
        return [lowered]
    return sorted({lowered[i : i + 2] for i in range(len(lowered) - 1)})


class SearchTextContains(SearchContains):
    """``SearchContains`` on ``ItemVersion.search_text``, narrowed by the GIN index on
    ``catalog_search_grams(search_text)``: the bigrams of a substring are among the
    bigrams of the text, so the index never misses a match, and the planner prices an
    array containment well where it priced ``LIKE`` on a common term below a scan."""

    def as_postgresql(self, compiler, connection):
        like_sql, like_params = super().as_postgresql(compiler, connection)
        grams = term_grams(self.rhs) if isinstance(self.rhs, str) else None
        if not grams:
            return like_sql, like_params
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        return (
            f"(catalog_search_grams({lhs_sql}) @> %s::text[] AND {like_sql})",
            [*lhs_params, grams, *like_params],
        )


# Full-width digits and Latin letters (a Chinese input method's full-width mode) as the
# catalog writes them, half-width; full-width punctuation stays, names use （） and 、.
FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0
    for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(start, end + 1)
}


def search_terms(q: str | None) -> list[str]:
    """The query split on whitespace (full-width spaces included), full-width digits
    and letters made half-width, at most SEARCH_MAX_TERMS terms, within
    SEARCH_MAX_LENGTH characters."""
    text = (q or "").replace("\u3000", " ").translate(FULL_WIDTH_ALNUM)
    text = " ".join(text.split())[:SEARCH_MAX_LENGTH]
    return text.split()[:SEARCH_MAX_TERMS]


def published_versions() -> QuerySet[ItemVersion]:
    return ItemVersion.objects.filter(status=VersionStatus.PUBLISHED)


def item_version_search(*, q: str, queryset=None) -> QuerySet[ItemVersion]:
    """Published versions whose search text holds every term of ``q``.

    Versions whose name holds the whole query come first, then those whose name
    holds its first term, then the rest (matched on codes, keywords or department);
    ties by item code. A blank query filters nothing.
    """
    qs = (
        published_versions()
        if queryset is None
        else queryset.filter(status=VersionStatus.PUBLISHED)
    )
    terms = search_terms(q)
    if not terms:
        return qs
    for term in terms:
        qs = qs.filter(SearchTextContains(F("search_text"), term))
    ranks = [When(SearchContains(F("name"), " ".join(terms)), then=Value(0))]
    if len(terms) > 1:
        ranks.append(When(SearchContains(F("name"), terms[0]), then=Value(1)))
    return qs.annotate(
        search_rank=Case(*ranks, default=Value(2), output_field=IntegerField())
    ).order_by("search_rank", "item_code")


def _with_audience(qs: QuerySet[ItemVersion], audience: str) -> QuerySet[ItemVersion]:
    codes = AUDIENCES[audience][1]
    through = ItemVersion.service_objects.through
    return qs.filter(
        Exists(
            through.objects.filter(itemversion_id=OuterRef("pk"), serviceobjecttype_id__in=codes)
        )
    )


@dataclass
class GuideFilters:
    """The guide's browse filters, validated; ``errors`` are shown to the visitor."""

    department: Department | None = None
    theme: str = ""
    audience: str = ""
    q: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(self.department or self.theme or self.audience or self.q)

    @property
    def theme_label(self) -> str:
        return str(Theme(self.theme).label) if self.theme else ""

    @property
    def audience_label(self) -> str:
        return AUDIENCES[self.audience][0] if self.audience else ""


def guide_filters_from(params) -> GuideFilters:
    """Reads ``department`` (code), ``theme``, ``audience`` (person / legal) and ``q``
    from request parameters; an unknown value is dropped with a message in Chinese."""
    filters = GuideFilters()

    def param(name: str) -> str:
        # PostgreSQL refuses NUL in a query; no code or search term holds one.
        return (params.get(name) or "").replace("\x00", "")

    code = param("department").strip()
    if code:
        filters.department = Department.objects.filter(code=code, is_active=True).first()
        if filters.department is None:
            filters.errors.append(f"未找到编码为“{code[:20]}”的部门，已显示全部部门的事项。")
    theme = param("theme").strip()
    if theme:
        if theme in Theme.values:
            filters.theme = theme
        else:
            filters.errors.append("主题分类不存在，已显示全部主题的事项。")
    audience = param("audience").strip()
    if audience:
        if audience in AUDIENCES:
            filters.audience = audience
        else:
            filters.errors.append("服务对象只能选择“个人办事”或“法人办事”，已显示全部事项。")
    raw_q = " ".join(param("q").replace("\u3000", " ").split())
    if len(raw_q) > SEARCH_MAX_LENGTH:
        filters.errors.append(f"检索词过长，已按前 {SEARCH_MAX_LENGTH} 个字检索。")
    filters.q = " ".join(search_terms(raw_q))
    return filters


def item_version_list(*, filters: GuideFilters | None = None) -> QuerySet[ItemVersion]:
    """Published versions for the guide's lists, filtered, with what a list row shows
    (department, service objects) loaded in a constant number of queries."""
    filters = filters or GuideFilters()
    qs = published_versions()
    if filters.department is not None:
        qs = qs.filter(department=filters.department)
    if filters.theme:
        qs = qs.filter(theme=filters.theme)
    if filters.audience:
        qs = _with_audience(qs, filters.audience)
    qs = qs.select_related("item", "department").prefetch_related("service_objects")
    if filters.q:
        return item_version_search(q=filters.q, queryset=qs)
    return qs.order_by("department__sort_order", "item_code")


def published_version_for_code(*, code: str) -> ItemVersion | None:
    """The published version of the item with implementation code ``code``, with every
    relation the guide page and the one-time notice show (of the nearby accepting units,
    the active ones); None if there is none."""
    return _with_guide_relations(published_versions().filter(item__code=code)).first()


def version_for_preview(*, pk: int) -> ItemVersion | None:
    """Any version (most often a draft) with the relations of its guide page, for the
    catalog administrator's preview before publishing; None if there is none."""
    return _with_guide_relations(ItemVersion.objects.filter(pk=pk)).first()


def _with_guide_relations(versions: QuerySet[ItemVersion]) -> QuerySet[ItemVersion]:
    return versions.select_related("item", "department").prefetch_related(
        Prefetch("materials", queryset=ItemMaterial.objects.order_by("position")),
        Prefetch(
            "steps",
            queryset=WorkflowStep.objects.select_related("department").order_by("stage", "id"),
        ),
        "service_objects",
        "co_departments",
        "accepting_halls",
        Prefetch(
            "accepting_units",
            queryset=Department.objects.filter(is_active=True).order_by(
                "kind", "sort_order", "code"
            ),
        ),
    )


@dataclass
class Stage:
    """One stage of a workflow: its steps run at the same time (联办 when several)."""

    number: int
    steps: list[WorkflowStep]

    @property
    def days(self) -> int:
        return max((step.budget_days for step in self.steps), default=0)

    @property
    def is_joint(self) -> bool:
        return len({step.department_id for step in self.steps}) > 1


def workflow_stages(steps: Iterable[WorkflowStep]) -> list[Stage]:
    stages: dict[int, list[WorkflowStep]] = {}
    for step in steps:
        stages.setdefault(step.stage, []).append(step)
    return [Stage(number, group) for number, group in sorted(stages.items())]


def delegation_list_for_item(*, item_id: int) -> QuerySet[Delegation]:
    """Active delegations (赋权) of an item: the parks and streets that handle it (a
    deactivated unit handles nothing)."""
    return (
        Delegation.objects.filter(item_id=item_id, revoked_on__isnull=True, grantee__is_active=True)
        .select_related("grantee")
        .order_by("grantee__sort_order", "grantee__code")
    )


@dataclass(frozen=True)
class ItemGuide:
    """What the public guide page of a published version shows besides the version."""

    stages: list[Stage]
    longest_days: int  # the stages' budgets added up: the longest the workflow may take
    has_joint_stage: bool
    channels: list[str]  # the labels of the ways to apply
    halls: list
    nearby: list[Department]  # accepting units, then the units it is delegated to (赋权)
    delegations: list[Delegation]
    bundles: QuerySet[Bundle]  # the active 一件事 the item belongs to
    is_full_online_depth: bool


def item_guide(version: ItemVersion) -> ItemGuide:
    """The guide page of ``version`` (one ``published_version_for_code`` found, with its
    steps, halls and accepting units prefetched)."""
    stages = workflow_stages(version.steps.all())
    channel_labels = dict(Channel.choices)
    delegations = list(delegation_list_for_item(item_id=version.item_id))
    nearby = list(version.accepting_units.all())
    nearby_ids = {unit.pk for unit in nearby}
    nearby += [d.grantee for d in delegations if d.grantee_id not in nearby_ids]
    return ItemGuide(
        stages=stages,
        longest_days=sum(stage.days for stage in stages),
        has_joint_stage=any(stage.is_joint for stage in stages),
        channels=[channel_labels.get(c, c) for c in version.channels],
        halls=list(version.accepting_halls.all()),
        nearby=nearby,
        delegations=delegations,
        bundles=version.item.bundles.filter(is_active=True).order_by("code"),
        is_full_online_depth=version.online_depth == OnlineDepth.FULL,
    )


def bundle_list() -> QuerySet[Bundle]:
    """Active bundles with the number of their items that are currently published."""
    return (
        Bundle.objects.filter(is_active=True)
        .annotate(
            item_count=Count(
                "bundleitem",
                filter=Q(bundleitem__item__current_version__status=VersionStatus.PUBLISHED),
            )
        )
        .order_by("code")
    )


def bundle_choices(*, q: str = "") -> QuerySet[Bundle]:
    """The 一件事 a clerk may take in at the counter: active bundles with a published
    item (``bundle_list``), those whose name holds ``q`` when given."""
    bundles = bundle_list().filter(item_count__gt=0)
    return bundles.filter(name__icontains=q) if q else bundles


def item_version_choices(*, q: str) -> QuerySet[ItemVersion]:
    """The published versions matching ``q`` (``item_version_search``) with their item
    and department, for a clerk picking a counter intake's item; none for a blank ``q``."""
    if not q:
        return ItemVersion.objects.none()
    return item_version_search(
        q=q, queryset=ItemVersion.objects.select_related("item", "department")
    )


def bundle_for_code(*, code: str) -> Bundle | None:
    return Bundle.objects.filter(code=code, is_active=True).first()


def bundle_versions(*, bundle: Bundle) -> list[ItemVersion]:
    """The published versions of a bundle's items in the bundle's order, with the
    relations its page and notice show. Items without a published version are left out."""
    entries = (
        BundleItem.objects.filter(
            bundle=bundle, item__current_version__status=VersionStatus.PUBLISHED
        )
        .order_by("position", "id")
        .values_list("item__current_version_id", flat=True)
    )
    ids = list(entries)
    versions = (
        ItemVersion.objects.filter(pk__in=ids)
        .select_related("item", "department")
        .prefetch_related(
            Prefetch("materials", queryset=ItemMaterial.objects.order_by("position")),
            Prefetch("steps", queryset=WorkflowStep.objects.select_related("department")),
            "service_objects",
        )
    )
    by_id = {version.pk: version for version in versions}
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass
class MergedMaterial:
    """One material of a bundle's merged list, with the items that need it."""

    name: str
    issuing_body: str
    originals: int
    copies: int
    required: bool
    tolerance_allowed: bool
    electronic_required: bool
    notes: str
    versions: list[ItemVersion] = field(default_factory=list)

    @property
    def shared(self) -> bool:
        return len(self.versions) > 1


def _material_key(name: str) -> str:
    return "".join(name.split())


def bundle_material_list(
    bundle: Bundle, versions: list[ItemVersion] | None = None
) -> list[MergedMaterial]:
    """The materials of a bundle's items merged by name: a material needed by several
    items appears once, listing the items that need it, with the most any of them
    asks for (originals, copies) and required if any of them requires it. 容缺 stays
    allowed only if every item needing it allows it."""
    if versions is None:
        versions = bundle_versions(bundle=bundle)
    merged: dict[str, MergedMaterial] = {}
    for version in versions:
        for material in version.materials.all():
            required = material.requirement == MaterialRequirement.REQUIRED
            entry = merged.get(_material_key(material.name))
            if entry is None:
                merged[_material_key(material.name)] = MergedMaterial(
                    name=material.name,
                    issuing_body=material.issuing_body,
                    originals=material.originals,
                    copies=material.copies,
                    required=required,
                    tolerance_allowed=material.tolerance_allowed,
                    electronic_required=material.electronic_required,
                    notes=material.notes,
                    versions=[version],
                )
                continue
            entry.originals = max(entry.originals, material.originals)
            entry.copies = max(entry.copies, material.copies)
            if required and not entry.required:
                entry.tolerance_allowed = material.tolerance_allowed
            elif required:
                entry.tolerance_allowed = entry.tolerance_allowed and material.tolerance_allowed
            entry.required = entry.required or required
            entry.electronic_required = entry.electronic_required or material.electronic_required
            entry.issuing_body = entry.issuing_body or material.issuing_body
            if version not in entry.versions:
                entry.versions.append(version)
    # Materials shared by several items first: they are what the bundle saves.
    return sorted(merged.values(), key=lambda m: (not m.shared, not m.required))


def department_list_with_items() -> QuerySet[Department]:
    """Departments implementing at least one published item, with the count."""
    return (
        Department.objects.filter(is_active=True)
        .annotate(
            item_count=Count(
                "item_versions", filter=Q(item_versions__status=VersionStatus.PUBLISHED)
            )
        )
        .filter(item_count__gt=0)
        .order_by("sort_order", "code")
    )


def theme_list_with_items() -> list[tuple[str, str, int]]:
    """[(value, label, count)] of themes with published items, in Theme order."""
    counts = dict(
        published_versions().values_list("theme").annotate(n=Count("id")).values_list("theme", "n")
    )
    return [
        (value, str(label), counts[value]) for value, label in Theme.choices if counts.get(value)
    ]


def audience_counts() -> dict[str, int]:
    """How many published items serve 个人 and how many serve 法人."""
    base = published_versions()
    return {key: _with_audience(base, key).count() for key in AUDIENCES}


# --- Reads of the public API (catalog.api) ---------------------------------------------


def item_versions_for(*, item, include_drafts: bool) -> QuerySet[ItemVersion]:
    """An item's versions, newest first; drafts only for those who edit the catalog."""
    qs = item.versions.select_related("item").order_by("-number")
    if not include_drafts:
        qs = qs.exclude(status=VersionStatus.DRAFT)
    return qs


def bundle_list_with_versions() -> QuerySet[Bundle]:
    """Active bundles with their items, published versions and materials prefetched, so
    a list merging each bundle's materials runs a constant number of queries."""
    return (
        Bundle.objects.filter(is_active=True)
        .prefetch_related(
            Prefetch(
                "bundleitem_set",
                queryset=BundleItem.objects.select_related(
                    "item__current_version__department"
                ).order_by("position", "id"),
            ),
            Prefetch(
                "bundleitem_set__item__current_version__materials",
                queryset=ItemMaterial.objects.order_by("position"),
            ),
        )
        .order_by("code")
    )


def bundle_published_versions(bundle: Bundle) -> list[ItemVersion]:
    """``bundle_versions`` from what ``bundle_list_with_versions`` prefetched (no query)."""
    versions = []
    for link in bundle.bundleitem_set.all():
        version = link.item.current_version
        if version is not None and version.status == VersionStatus.PUBLISHED:
            version.item = link.item  # the reverse of current_version is not cached
            versions.append(version)
    return versions
