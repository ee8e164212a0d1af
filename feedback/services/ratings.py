"""Recording ratings (一次一评) and their follow-up (追评), and opening the service
instances they rate.

``rating_record`` is the one way a citizen's rating is written, whatever the channel
(QR and SMS links, "my applications" online, the counter pad): it validates everything
before it writes, refuses staff accounts, a second rating and a closed period, claims
the instance (marks it rated if it is still open and within its period, one
conditional UPDATE), writes the rating and, for a 差评, sends ``bad_rating_recorded``
in the same transaction (the rectification order opens there). On PostgreSQL the claim
and the rating are one statement (the rating inserted only if the claim held), which
for a rating other than a 差评 needs no transaction block of its own. Two submissions at the
same moment give one rating: the second's claim waits for the first's row lock and
finds the instance rated; should anything write a rating past the claim (the default
rating job's set-based insert), the one-to-one constraint refuses it and the caller
gets the same message.

``rating_by_link`` is its shortcut for the busiest case, the rating link's common
rating (not a 差评, no reasons, no sub-scores, no staff account): nothing of the rules
is left to check but what the claim checks, so one statement claims the instance of the
link's case, inserts the rating as ``rating_record`` would and returns what the link's
answer shows, where the link's read and the rating were two round trips. Whatever it
does not record, it leaves to ``rating_record``, which says why.

Privacy: the rater is recorded on the rating (``Rating.rater``, None without an
account) and never in the case record, whose timeline the evaluated clerk and
department read: who rated is shown only to the unit handling a 差评 and to
supervisors (``feedback.selectors.StaffScope.sees_rater``).
"""

import datetime
import functools
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from typing import NamedTuple

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.utils import timezone

from accounts.constants import Role
from intake.constants import Channel
from intake.models import Application
from intake.selectors import enterprise_applications, own_applications
from jinpu_portal.dates import datetime_text
from jinpu_portal.prepared import PreparedStatement

from ..constants import (
    BAD_LEVELS,
    LEVEL_VALUES,
    ONLINE_SUB_SCORES,
    ONSITE_SUB_SCORES,
    REASON_VALUES,
    InstanceState,
    Level,
    RatingChannel,
    SubScore,
)
from ..errors import FeedbackError, FeedbackPermissionDenied
from ..models import Rating, ServiceInstance
from ..signals import bad_rating_recorded

#: Channels a person rates through (the default rating is the job's, not a person's).
PERSON_CHANNELS = frozenset(
    {RatingChannel.QR, RatingChannel.ONLINE, RatingChannel.SMS, RatingChannel.PAD}
)
#: Every role but the citizen's works for the portal: such an account never rates.
STAFF_ROLES = tuple(role for role in Role if role != Role.CITIZEN)
TEXT_MAX_LENGTH = Rating._meta.get_field("text").max_length

STAFF_REFUSED = "工作人员账号不能参与好差评。如需评价本人办理的事项，请退出后以办事群众身份评价。"
ALREADY_RATED = "该服务已经评价过了，每次服务只能评价一次。"
DEFAULTED = "评价期限已过，该服务已记为默认评价“基本满意”。"


def is_staff_account(user) -> bool:
    """Whether ``user`` is signed in with an account that works for the portal (any
    role but the citizen's, or Django's staff and superuser flags)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_staff or user.is_superuser or any(user.has_role(role) for role in STAFF_ROLES)
    )


def rating_days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.FEEDBACK_RATING_DAYS)


# --- instances ---------------------------------------------------------------------------


def instance_open(
    *,
    application: Application,
    stage: str,
    served_at: datetime.datetime,
    department_id: int | None = None,
    hall_id: int | None = None,
    window_id: int | None = None,
    staff_id: int | None = None,
) -> None:
    """The rateable instance of ``application``'s ``stage`` (一次一评), with the
    dimensions the figures roll up by (ids: the caller's rows are not loaded for them),
    open for ``FEEDBACK_RATING_DAYS`` from ``served_at``. Called by feedback's receivers
    inside the transaction of the act (acceptance, refusal, conclusion): one statement,
    and a second call for the same case and stage changes nothing (``ON CONFLICT DO
    NOTHING``)."""
    ServiceInstance.objects.bulk_create(
        [
            ServiceInstance(
                application=application,
                stage=stage,
                item_id=application.item_version.item_id,
                department_id=department_id,
                hall_id=hall_id,
                window_id=window_id,
                staff_id=staff_id,
                served_at=served_at,
                rate_until=served_at + rating_days(),
            )
        ],
        ignore_conflicts=True,
    )


# --- validation ---------------------------------------------------------------------------


def sub_score_codes(instance: ServiceInstance, channel: str) -> tuple[SubScore, ...]:
    """The sub-scores that apply: on site (efficiency, competence, attitude) for a
    service at a window (a counter or kiosk case, and anything rated on the counter
    pad), online (efficiency, guide accuracy, convenience, usability) for an online
    application."""
    return case_sub_score_codes(instance.application.channel, channel)


def case_sub_score_codes(case_channel: str, channel: str) -> tuple[SubScore, ...]:
    """``sub_score_codes`` of an instance whose case came through ``case_channel``."""
    if channel == RatingChannel.PAD:
        return ONSITE_SUB_SCORES
    if case_channel == Channel.ONLINE:
        return ONLINE_SUB_SCORES
    return ONSITE_SUB_SCORES


def _level(level) -> Level:
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVEL_VALUES:
        raise FeedbackError("请选择评价等级（一星至五星）。", code="level")
    return Level(level)


def _reasons(level: Level, reasons: Iterable[str]) -> list[str]:
    if isinstance(reasons, str):
        reasons = [reasons]
    chosen = []
    for reason in reasons or ():
        if reason not in REASON_VALUES:
            raise FeedbackError("差评原因无效，请从列出的原因中选择。", code="reason")
        if reason not in chosen:
            chosen.append(reason)
    if level in BAD_LEVELS and not chosen:
        raise FeedbackError(
            f"评价为“{level.label}”时，请至少选择一项原因。", code="reason_required"
        )
    if level not in BAD_LEVELS and chosen:
        raise FeedbackError("只有“不满意”“非常不满意”需要选择原因。", code="reason")
    # In the order of the fixed list, whatever order they came in.
    return [reason for reason in REASON_VALUES if reason in chosen]


def _text(text: str, what: str = "评价内容") -> str:
    text = (text or "").strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise FeedbackError(
            f"{what}最多 {TEXT_MAX_LENGTH} 字，现有 {len(text)} 字。", code="too_long"
        )
    return text


def _sub_scores(scores: Mapping | None, allowed: tuple[SubScore, ...]) -> dict[str, int]:
    if not scores:
        return {}
    if not isinstance(scores, Mapping):
        raise FeedbackError("分项评价无效。", code="sub_scores")
    clean = {}
    for code, value in scores.items():
        if code not in allowed:
            names = "、".join(str(SubScore(c).label) for c in allowed)
            raise FeedbackError(f"本次服务的分项评价只有：{names}。", code="sub_scores")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise FeedbackError(
                f"分项评价“{SubScore(code).label}”应为一星至五星。", code="sub_scores"
            )
        clean[str(code)] = value
    # In the order of the dimension list.
    return {str(code): clean[code] for code in allowed if code in clean}


def _target(instance: ServiceInstance | int) -> ServiceInstance:
    """The instance to rate, with its case (the sub-scores depend on its channel): the
    caller's, as it is, or read by id."""
    if isinstance(instance, ServiceInstance):
        return instance
    found = ServiceInstance.objects.select_related("application").filter(pk=instance).first()
    if found is None:
        raise FeedbackError("没有找到要评价的服务。", code="not_found")
    return found


def _current(pk: int) -> ServiceInstance:
    """The instance's row as it is now (to say why it cannot be rated)."""
    found = ServiceInstance.objects.filter(pk=pk).only("state", "rate_until").first()
    if found is None:
        raise FeedbackError("没有找到要评价的服务。", code="not_found")
    return found


def _claim(pk: int, now: datetime.datetime) -> bool:
    """Mark the instance rated if it is open and within its period, in one conditional
    UPDATE: whether it did. Two claims at once: the second waits for the first's row
    lock, then finds the row no longer open (PostgreSQL re-reads the row it waited for),
    so exactly one rating goes on."""
    return bool(
        ServiceInstance.objects.filter(pk=pk, state=InstanceState.OPEN, rate_until__gte=now).update(
            state=InstanceState.RATED, updated_at=now
        )
    )


#: Field classes whose values the statement sends as the rating holds them: for a value
#: of the field's own type (``_rating_record`` makes them so) Django's PostgreSQL
#: backend would send it unchanged too. Any other field goes through its
#: ``get_db_prep_save`` (the JSON fields, and the levels: an integer field sends
#: ``int(value)``, not the enum); the auto-now times are the rating's time.
#: tests/feedback/test_ratings.py checks the values against ``get_db_prep_save``'s.
_AS_HELD = (models.CharField, models.BooleanField, models.DateTimeField)
_NOW, _HELD, _PREPARED = "now", "held", "prepared"


def _how_sent(field) -> str:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return _NOW
    if isinstance(field, _AS_HELD) or (field.is_relation and field.many_to_one):
        return _HELD
    return _PREPARED


def _claim_sql(*, by_case: bool) -> str:
    """The claim as a CTE's UPDATE (parameters: rated, now, the instance's id, with
    ``by_case`` its case's id, open, now), without its RETURNING."""
    qn = connection.ops.quote_name
    case = f" AND {qn('application_id')} = %s" if by_case else ""
    # Identifiers from the models, quoted by the backend; values as parameters.
    return (
        f"UPDATE {qn(ServiceInstance._meta.db_table)} SET {qn('state')} = %s,"  # noqa: S608
        f" {qn('updated_at')} = %s WHERE {qn('id')} = %s{case} AND {qn('state')} = %s"
        f" AND {qn('rate_until')} >= %s"
    )


def _insert_sql() -> tuple[str, list]:
    """The rating's INSERT of the claimed row (``FROM claimed``), without its RETURNING;
    per rating field whose value is a parameter, in order: the field and how its value
    is sent. Every column of the rating is written, from its field."""
    qn = connection.ops.quote_name
    fields = [field for field in Rating._meta.concrete_fields if not field.primary_key]
    instance_field = Rating._meta.get_field("instance")
    values = [
        "claimed.id"
        if field is instance_field
        else "%s::jsonb"
        if isinstance(field, models.JSONField)
        else "%s"
        for field in fields
    ]
    sql = (
        f"INSERT INTO {qn(Rating._meta.db_table)} ({', '.join(qn(f.column) for f in fields)})"  # noqa: S608
        f" SELECT {', '.join(values)} FROM claimed"
    )
    return sql, [(field, _how_sent(field)) for field in fields if field is not instance_field]


@functools.cache
def _claim_and_insert_sql() -> tuple[PreparedStatement, list]:
    """PostgreSQL: the claim and the rating's INSERT as one statement (the rating is
    inserted only if the claim updated the row), prepared once per connection
    (jinpu_portal.prepared): (the statement, the rating's fields as ``_insert_sql``)."""
    qn = connection.ops.quote_name
    insert, fields = _insert_sql()
    sql = (
        f"WITH claimed AS ({_claim_sql(by_case=False)} RETURNING {qn('id')} AS id)"
        f" {insert} RETURNING {qn(Rating._meta.db_table)}.{qn('id')}"
    )
    return PreparedStatement("feedback_rating_claim_insert", sql), fields


#: What ``rating_by_link``'s statement returns of the rated service, after the rating's
#: id: the link's answer (feedback.api.rate) shows these.
_LINK_COLUMNS = (
    ("claimed", "stage"),
    ("claimed", "served_at"),
    ("claimed", "rate_until"),
    ("a", "case_number"),
    ("a", "channel"),
    ("v", "name"),
    ("d", "name"),
    ("h", "name"),
    ("w", "number"),
)


@functools.cache
def _link_rating_sql() -> tuple[PreparedStatement, list]:
    """``_claim_and_insert_sql`` for a link (the instance claimed only if it still
    belongs to the link's case) that also returns the rated service as the link's
    answer shows it (``_LINK_COLUMNS``: the case, its item's version, the department,
    the window and its hall), so a rating by link is one round trip."""
    qn = connection.ops.quote_name
    insert, fields = _insert_sql()
    claimed = ("id", "application_id", "stage", "served_at", "rate_until")
    claimed += ("department_id", "window_id")
    window = ServiceInstance._meta.get_field("window").related_model
    models_of = {
        "a": Application,
        "v": Application._meta.get_field("item_version").related_model,
        "d": ServiceInstance._meta.get_field("department").related_model,
        "w": window,
        "h": window._meta.get_field("hall").related_model,
    }
    table = {alias: qn(model._meta.db_table) for alias, model in models_of.items()}
    shown = ", ".join(f"{alias}.{qn(column)}" for alias, column in _LINK_COLUMNS)
    sql = (
        f"WITH claimed AS ({_claim_sql(by_case=True)}"  # noqa: S608
        f" RETURNING {', '.join(qn(column) for column in claimed)}),"
        f" rated AS ({insert} RETURNING {qn(Rating._meta.db_table)}.{qn('id')} AS id)"
        f" SELECT rated.id, {shown} FROM claimed CROSS JOIN rated"
        f" JOIN {table['a']} a ON a.{qn('id')} = claimed.{qn('application_id')}"
        f" JOIN {table['v']} v ON v.{qn('id')} = a.{qn('item_version_id')}"
        f" LEFT JOIN {table['d']} d ON d.{qn('id')} = claimed.{qn('department_id')}"
        f" LEFT JOIN {table['w']} w ON w.{qn('id')} = claimed.{qn('window_id')}"
        f" LEFT JOIN {table['h']} h ON h.{qn('id')} = w.{qn('hall_id')}"
    )
    return PreparedStatement("feedback_rating_by_link", sql), fields


def _one_statement() -> bool:
    """Whether the claim and the rating go as one statement: on PostgreSQL, unless
    someone listens to the rating's save signals (the statement sends none)."""
    return connection.vendor == "postgresql" and not (
        models.signals.pre_save.has_listeners(Rating)
        or models.signals.post_save.has_listeners(Rating)
    )


def _insert_values(rating: Rating, fields, now: datetime.datetime, db) -> list:
    """The rating's values for the statement, in ``fields``' order (see ``_AS_HELD``);
    the auto-now times set on the rating as ``save()`` would set them."""
    values = []
    for field, how in fields:
        if how == _NOW:
            setattr(rating, field.attname, now)
            values.append(now)
        elif how == _HELD:
            values.append(getattr(rating, field.attname))
        else:
            values.append(field.get_db_prep_save(getattr(rating, field.attname), db))
    return values


def _claim_and_insert(rating: Rating, now: datetime.datetime, one_statement: bool) -> bool:
    """Claim ``rating``'s instance and insert ``rating`` (whether the claim held): one
    statement on PostgreSQL (``_one_statement``), else the claim's UPDATE and the
    INSERT in the caller's transaction."""
    if not one_statement:
        if not _claim(rating.instance_id, now):
            return False
        rating.save(force_insert=True)
        return True
    statement, fields = _claim_and_insert_sql()
    # The connection itself, not the proxy ``connection`` (a lookup per attribute read).
    db = connections[DEFAULT_DB_ALIAS]
    params = [InstanceState.RATED, now, rating.instance_id, InstanceState.OPEN, now]
    params += _insert_values(rating, fields, now, db)
    with db.cursor() as cursor:
        statement.execute(cursor, params)
        row = cursor.fetchone()
    if row is None:
        return False
    _inserted(rating, row[0], db)
    return True


def _inserted(rating: Rating, pk: int, db) -> None:
    """``rating`` as ``save()`` leaves it, once its statement inserted it as ``pk``."""
    rating.pk = pk
    rating._state.adding = False
    rating._state.db = db.alias


def _require_open(instance: ServiceInstance, now: datetime.datetime) -> None:
    if instance.state == InstanceState.RATED:
        raise FeedbackError(ALREADY_RATED, code="already_rated")
    if instance.state == InstanceState.DEFAULTED:
        raise FeedbackError(DEFAULTED, code="already_rated")
    if now > instance.rate_until:
        raise FeedbackError(
            f"评价期限已于 {datetime_text(instance.rate_until)} 截止，不能再评价。",
            code="period_over",
        )


def may_rate_online(user, application_id: int) -> bool:
    """ "My applications": the applicant, or whoever may act for the applying enterprise
    (the rule of intake's own pages, checked in the query)."""
    if user is None or not user.is_authenticated or not user.has_role(Role.CITIZEN):
        return False
    return (
        Application.objects.filter(pk=application_id)
        .filter(own_applications(user) | enterprise_applications(user))
        .exists()
    )


# --- the rating ------------------------------------------------------------------------------


def rating_record(
    *,
    instance: ServiceInstance | int,
    level: int,
    reasons: Iterable[str] = (),
    text: str = "",
    sub_scores: Mapping | None = None,
    channel: str,
    actor=None,
    address: str | None = None,
) -> Rating:
    """Record a person's rating of ``instance`` through ``channel`` (QR, ONLINE, SMS or
    PAD). ``actor``: the signed-in user, or None (a link or the pad without an account);
    a staff account is refused, and ONLINE needs the case's applicant. ``address``: the
    client's address, passed on to ``bad_rating_recorded`` (evidence for an appeal of a
    malicious rating), not stored here. Raises FeedbackError (Chinese message, code)
    or FeedbackPermissionDenied; nothing is written then."""
    try:
        return _rating_record(
            instance=instance,
            level=level,
            reasons=reasons,
            text=text,
            sub_scores=sub_scores,
            channel=channel,
            actor=actor,
            address=address,
        )
    except IntegrityError:
        # Written past the claim meanwhile (the default rating job's insert): the same
        # answer as a second rating. Anything else is not ours to translate.
        pk = getattr(instance, "pk", instance)
        if Rating.objects.filter(instance_id=pk).exists():
            raise FeedbackError(ALREADY_RATED, code="already_rated") from None
        raise


def _rating_record(*, instance, level, reasons, text, sub_scores, channel, actor, address):
    if channel not in PERSON_CHANNELS:
        raise FeedbackError("评价渠道无效。", code="channel")
    if is_staff_account(actor):
        raise FeedbackPermissionDenied(STAFF_REFUSED)
    level = _level(level)
    reasons = _reasons(level, reasons)
    text = _text(text)
    instance = _target(instance)
    now = timezone.now()
    try:
        scores = _sub_scores(sub_scores, sub_score_codes(instance, channel))
        if channel == RatingChannel.ONLINE and not may_rate_online(actor, instance.application_id):
            raise FeedbackPermissionDenied("只有申请人本人可以在“我的申请”中评价该服务。")
    except (FeedbackError, FeedbackPermissionDenied):
        # A service no longer open is said first, whatever else is wrong.
        _require_open(_current(instance.pk), now)
        raise
    rater = actor if actor is not None and actor.is_authenticated else None
    rating = Rating(
        instance=instance,
        level=level,
        reasons=reasons,
        text=text,
        sub_scores=scores,
        channel=channel,
        rater=rater,
        rated_at=now,
    )
    # A 差评 and its order in one transaction; any other rating on PostgreSQL is one
    # statement, atomic by itself (a savepoint inside a caller's transaction, so that
    # the constraint's refusal leaves that transaction usable).
    one_statement = _one_statement()
    alone = level not in BAD_LEVELS and one_statement and not connection.in_atomic_block
    with nullcontext() if alone else transaction.atomic():
        if not _claim_and_insert(rating, now, one_statement):
            _require_open(_current(instance.pk), now)
            raise FeedbackError(ALREADY_RATED, code="already_rated")  # reopened meanwhile
        instance.state = InstanceState.RATED
        if level in BAD_LEVELS:
            bad_rating_recorded.send(sender=Rating, rating=rating, actor=rater, address=address)
    return rating


class LinkRating(NamedTuple):
    """A rating ``rating_by_link`` recorded, with what the link's answer shows of the
    rated service (``_LINK_COLUMNS``; None where the instance has no department or
    window)."""

    rating: Rating
    stage: str
    served_at: datetime.datetime
    rate_until: datetime.datetime
    case_number: str | None
    case_channel: str
    item_name: str
    department: str | None
    hall: str | None
    window_number: int | None


def rating_by_link(
    *, instance_id: int, case_id: int, level, text: str, channel: str, actor=None
) -> LinkRating | None:
    """The common rating by link (QR or SMS) in one statement and one round trip: a
    rating other than a 差评, without reasons or sub-scores, by anyone but a staff
    account, of the instance ``instance_id`` of the case ``case_id`` (the link's ids,
    ``feedback.tokens.token_ids``), on PostgreSQL (``_one_statement``). The statement
    claims the instance only if it still belongs to that case, is open and within its
    period, inserts the rating as ``rating_record`` would, and returns the service as
    the link's answer shows it. None when nothing was written: the rating is not of
    that kind, or the claim did not hold (no such instance, another case's, rated,
    past its period, or rated past the claim meanwhile); the caller then takes the
    whole way (``instance_from_token``, ``rating_record``), which says why, in its
    order. What it records is what ``rating_record`` records for the same rating."""
    if (
        type(level) is not int
        or level not in LEVEL_VALUES
        or level in BAD_LEVELS
        or channel not in (RatingChannel.QR, RatingChannel.SMS)
        or is_staff_account(actor)
        or not _one_statement()
    ):
        return None
    text = (text or "").strip()
    if len(text) > TEXT_MAX_LENGTH:
        return None
    now = timezone.now()
    rater = actor if actor is not None and actor.is_authenticated else None
    rating = Rating(
        instance_id=instance_id,
        level=Level(level),
        reasons=[],
        text=text,
        sub_scores={},
        channel=channel,
        rater=rater,
        rated_at=now,
    )
    statement, fields = _link_rating_sql()
    db = connections[DEFAULT_DB_ALIAS]
    params = [InstanceState.RATED, now, instance_id, case_id, InstanceState.OPEN, now]
    params += _insert_values(rating, fields, now, db)
    try:
        # Atomic by itself; a savepoint inside a caller's transaction (as rating_record).
        atomic = transaction.atomic() if db.in_atomic_block else nullcontext()
        with atomic, db.cursor() as cursor:
            statement.execute(cursor, params)
            row = cursor.fetchone()
    except IntegrityError:
        return None  # rated past the claim: rating_record says so
    if row is None:
        return None
    _inserted(rating, row[0], db)
    return LinkRating(rating, *row[1:])


# --- the follow-up (追评) ------------------------------------------------------------------


def follow_up_allowed(rating: Rating, now: datetime.datetime | None = None) -> bool:
    """One 追评, by a person (not on a default rating), within the rating period."""
    now = now or timezone.now()
    return (
        not rating.is_default
        and rating.followed_up_at is None
        and now <= rating.instance.rate_until
    )


@transaction.atomic
def rating_follow_up(*, rating: Rating | int, text: str, level: int | None = None, actor) -> Rating:
    """追评: one follow-up comment on a rating, by the case's applicant online, within
    the rating period (``rate_until`` of the instance). ``text`` is required; ``level``
    is optional and is recorded beside the rating's own level, which it does not change
    (the figures count the rating; a 追评 does not open a second order)."""
    if is_staff_account(actor):
        raise FeedbackPermissionDenied(STAFF_REFUSED)
    text = _text(text, "追评内容")
    if not text:
        raise FeedbackError("请填写追评内容。", code="text_required")
    if level is not None:
        level = _level(level)
    pk = getattr(rating, "pk", rating)
    try:
        rating = (
            Rating.objects.select_for_update(of=("self",)).select_related("instance").get(pk=pk)
        )
    except Rating.DoesNotExist:
        raise FeedbackError("没有找到该评价。", code="not_found") from None
    if not may_rate_online(actor, rating.instance.application_id):
        raise FeedbackPermissionDenied("只有申请人本人可以追评。")
    now = timezone.now()
    if rating.is_default:
        raise FeedbackError("默认评价不能追评。", code="follow_up")
    if rating.followed_up_at is not None:
        raise FeedbackError("每条评价只能追评一次。", code="follow_up")
    if now > rating.instance.rate_until:
        raise FeedbackError("追评期限已过。", code="period_over")
    rating.follow_up_level = level
    rating.follow_up_text = text
    rating.followed_up_at = now
    rating.save(update_fields=["follow_up_level", "follow_up_text", "followed_up_at", "updated_at"])
    return rating
