"""Rating by link, the API of the QR code's and the SMS's link (no login):
``GET /api/v1/feedback/rate/{token}/`` describes the service the link rates and
``POST`` the same path records the rating. The token is the one in the link
(``feedback.tokens``). Limited per token and per client address (429), like the page.

Answers, in the one error shape: 404 for a link that does not verify or has expired
(code ``token_invalid`` / ``token_expired``); 409 for a service already rated (code
``already_rated``: the link is usable once); 400 for a rating the rules refuse (a 差评
without a reason, a closed period, a sub-score that does not apply...); 403 for a
signed-in staff account; 429 past the rate limits.

Rating by link is the busiest write of 好差评 (every QR code of every service): its
plain JSON body is checked by ``_plain_rating`` with RateSerializer's rules, and only a
body that does not pass goes through the serializer (for its field errors), and its
answer is built directly (``_link_answer``, RatingLinkSerializer's fields): a
serializer instance deep-copies its fields on every request (bench/README.md). The
serializers stay the schema's. The common rating (not a 差评, no reasons, no
sub-scores) is one statement (``rating_by_link``: the claim, the rating and the
answer's columns), after the token's signature and before the link's read; whatever
it does not record goes the whole way (the link's read, the body's check, the staff
check, ``rating_record``), so every refusal is the one it was, in the same order.
"""

import contextlib
import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Window
from jinpu_portal.api.errors import Conflict, SaysWhyThrottled, valid
from jinpu_portal.api.fields import choice_label, optional_text
from jinpu_portal.api.negotiation import JSONAnswers
from jinpu_portal.api.schema import error_responses
from jinpu_portal.throttling import client_address

from ..constants import (
    LEVEL_VALUES,
    REASON_VALUES,
    InstanceState,
    Level,
    RatingChannel,
    Reason,
    Stage,
    SubScore,
)
from ..errors import FeedbackError
from ..models import Rating
from ..selectors import may_be_rated
from ..services.ratings import (
    STAFF_REFUSED,
    LinkRating,
    case_sub_score_codes,
    is_staff_account,
    rating_by_link,
    rating_record,
    sub_score_codes,
)
from ..throttles import RATING_THROTTLES, TOO_MANY
from ..tokens import instance_from_token, link_instance, token_ids

TAGS = ["好差评"]
TEXT_MAX_LENGTH = Rating._meta.get_field("text").max_length
_VIAS = frozenset({"qr", "sms"})
_SURROGATES = re.compile("[\ud800-\udfff]")


# --- serializers --------------------------------------------------------------------------


class RatingGivenSerializer(serializers.Serializer):
    level = serializers.IntegerField(help_text="评价等级：1 非常满意 … 5 非常不满意")
    level_label = serializers.CharField()
    stars = serializers.IntegerField(help_text="星级：5 星为非常满意，1 星为非常不满意")
    channel = serializers.ChoiceField(choices=RatingChannel.choices)
    is_default = serializers.BooleanField(help_text="逾期未评价记为默认评价")
    rated_at = serializers.DateTimeField()


class RatingLinkSerializer(serializers.Serializer):
    """The service a link rates: never a staff member's name."""

    stage = serializers.CharField(help_text="intake 受理服务（窗口），conclusion 办结服务（部门）")
    stage_label = serializers.CharField()
    item_name = serializers.CharField(help_text="事项名称")
    case_number = serializers.CharField(help_text="办件编号（不予受理的申请为空）")
    department = serializers.CharField(help_text="受理单位或作出决定的部门")
    window = serializers.CharField(help_text="受理窗口（办结服务为空）")
    served_at = serializers.DateTimeField(help_text="服务完成时间")
    rate_until = serializers.DateTimeField(help_text="评价截止时间")
    state = serializers.ChoiceField(choices=InstanceState.choices)
    can_rate = serializers.BooleanField(help_text="现在能否评价（待评价且未过期）")
    sub_scores = serializers.ListField(
        child=serializers.ChoiceField(choices=SubScore.choices),
        help_text="本次服务适用的分项评价：现场（效率、业务能力、态度）或网上（效率、指南、便捷、好用）",
    )
    rating = RatingGivenSerializer(allow_null=True, help_text="已评价时的评价（不含评价人）")


class RateSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        label="评价等级",
        choices=Level.choices,
        help_text="1 非常满意（5 星）、2 满意、3 基本满意、4 不满意、5 非常不满意（1 星）",
    )
    reasons = serializers.ListField(
        label="差评原因",
        child=serializers.ChoiceField(label="原因", choices=Reason.choices),
        required=False,
        default=list,
        max_length=len(Reason.choices),
        help_text="不满意、非常不满意时至少选择一项；其他等级不填",
    )
    text = optional_text("评价内容", max_length=TEXT_MAX_LENGTH, trim_whitespace=True)
    sub_scores = serializers.DictField(
        label="分项评价",
        child=serializers.IntegerField(label="分项星级", min_value=1, max_value=5),
        required=False,
        default=dict,
        help_text="分项代码 → 1-5 星，只能填本服务适用的分项（见 GET 的 sub_scores）",
    )
    via = serializers.ChoiceField(
        label="链接来源",
        choices=[("qr", "二维码"), ("sms", "短信")],
        required=False,
        default="qr",
        help_text="qr 扫码评价（默认），sms 短信链接评价",
    )


# --- views ---------------------------------------------------------------------------------


def _link_data(instance) -> dict:
    rating = getattr(instance, "_rating", None)
    if rating is None and instance.state != InstanceState.OPEN:
        rating = Rating.objects.filter(instance=instance).first()
    return _service_data(
        stage=instance.stage,
        item_name=instance.application.item_version.name,
        case_number=instance.application.case_number,
        department=instance.department.name if instance.department_id else "",
        window=str(instance.window) if instance.window_id else "",
        served_at=instance.served_at,
        rate_until=instance.rate_until,
        state=instance.state,
        can_rate=may_be_rated(instance),
        sub_scores=sub_score_codes(instance, RatingChannel.QR),
        rating=rating,
    )


def _rated_data(done: LinkRating) -> dict:
    """``_link_data`` of the instance ``rating_by_link`` has just rated, from the
    columns its statement returned."""
    return _service_data(
        stage=done.stage,
        item_name=done.item_name,
        case_number=done.case_number,
        department=done.department or "",
        window="" if done.window_number is None else Window.label_of(done.hall, done.window_number),
        served_at=done.served_at,
        rate_until=done.rate_until,
        state=InstanceState.RATED,
        can_rate=False,  # rated (may_be_rated)
        sub_scores=case_sub_score_codes(done.case_channel, RatingChannel.QR),
        rating=done.rating,
    )


def _service_data(*, stage, item_name, case_number, sub_scores, rating, **shown) -> dict:
    """RatingLinkSerializer's values, in its fields' order (``shown``: the ones from
    ``department`` to ``can_rate``, shown as they are)."""
    return {
        "stage": stage,
        "stage_label": choice_label(Stage, stage),
        "item_name": item_name,
        "case_number": case_number or "",
        **shown,
        "sub_scores": [str(code) for code in sub_scores],
        "rating": _given(rating),
    }


def _given(rating) -> dict | None:
    if rating is None:
        return None
    return {
        "level": rating.level,
        "level_label": choice_label(Level, rating.level),
        "stars": rating.stars,
        "channel": rating.channel,
        "is_default": rating.is_default,
        "rated_at": rating.rated_at,
    }


def _moment(value, zone) -> str | None:
    """A time as DRF's ``DateTimeField`` writes it (ISO 8601 in the current time zone,
    UTC as ``Z``), with the zone looked up once per answer: DRF looks it up for each
    value, through the thread's locals."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _link_answer(instance) -> dict:
    """``RatingLinkSerializer(_link_data(instance)).data``, built directly."""
    return _answer(_link_data(instance))


def _answer(data: dict) -> dict:
    """``RatingLinkSerializer(data).data`` of ``_link_data`` or ``_rated_data``, built
    directly (the same values, as the serializer's fields represent them)."""
    rating = data["rating"]
    zone = timezone.get_current_timezone()
    return {
        **data,
        "stage": str(data["stage"]),
        "stage_label": str(data["stage_label"]),
        "state": str(data["state"]),
        "served_at": _moment(data["served_at"], zone),
        "rate_until": _moment(data["rate_until"], zone),
        "rating": None
        if rating is None
        else {
            **rating,
            "level": int(rating["level"]),
            "level_label": str(rating["level_label"]),
            "channel": str(rating["channel"]),
            "rated_at": _moment(rating["rated_at"], zone),
        },
    }


def _plain_rating(data) -> dict | None:
    """``RateSerializer``'s validated data for the plain JSON body a phone sends (every
    value of the type and within the bounds the serializer accepts); None for anything
    else, which the serializer then validates, with its errors."""
    if type(data) is not dict:
        return None
    level = data.get("level")
    reasons = data.get("reasons", [])
    text = data.get("text", "")
    sub_scores = data.get("sub_scores", {})
    via = data.get("via", "qr")
    if (
        type(level) is not int
        or level not in LEVEL_VALUES
        or type(reasons) is not list
        or len(reasons) > len(REASON_VALUES)
        or any(type(reason) is not str or reason not in REASON_VALUES for reason in reasons)
        or type(text) is not str
        or type(sub_scores) is not dict
        or any(type(score) is not int or not 1 <= score <= 5 for score in sub_scores.values())
        or type(via) is not str
        or via not in _VIAS
    ):
        return None
    text = text.strip()
    if len(text) > TEXT_MAX_LENGTH or "\x00" in text or _SURROGATES.search(text):
        return None
    return {"level": level, "reasons": reasons, "text": text, "sub_scores": sub_scores, "via": via}


def _instance(token):
    with _link_not_found():
        return instance_from_token(token)


def _linked(ids: tuple[int, int]):
    """``_instance`` of the token whose ids ``_ids`` gave (its signature verified once)."""
    with _link_not_found():
        return link_instance(*ids)


def _ids(token) -> tuple[int, int]:
    """The link's ids (its instance's, its case's), or its 404 (a token that does not
    verify or has expired), as ``_instance`` refuses it."""
    with _link_not_found():
        return token_ids(token or "")


@contextlib.contextmanager
def _link_not_found():
    try:
        yield
    except FeedbackError as error:
        raise exceptions.NotFound(
            {"detail": "；".join(error.messages), "code": error.code}
        ) from None


ERRORS = error_responses(
    {
        400: "评价不符合规则（差评未选原因、评价期已过、分项不适用等）",
        403: "工作人员账号不能评价",
        404: "评价链接无效或已过期（token_invalid、token_expired）",
        409: "该服务已评价（链接只能使用一次）",
        429: "请求过于频繁（按链接、按地址限流）",
    }
)


class RateByTokenApi(JSONAnswers, SaysWhyThrottled, APIView):
    """The rating link's service and its rating. Permission: anyone holding the link (no
    login); a signed-in staff account may read but not rate. Throttled per token and per
    client address."""

    permission_classes = [AllowAny]
    throttle_classes = RATING_THROTTLES
    too_many = TOO_MANY

    @extend_schema(
        tags=TAGS,
        summary="评价链接对应的服务",
        responses={200: RatingLinkSerializer, 404: ERRORS[404], 429: ERRORS[429]},
    )
    def get(self, request, token):
        return Response(_link_answer(_instance(token)))

    @extend_schema(
        tags=TAGS,
        summary="通过评价链接评价（扫码、短信）",
        request=RateSerializer,
        responses={201: RatingLinkSerializer, **ERRORS},
    )
    def post(self, request, token):
        ids = _ids(token)  # the signature, verified once
        instance_id, case_id = ids
        try:
            body = request.data
        except exceptions.APIException:
            _linked(ids)  # a link whose service is gone is said before the body
            raise
        data = _plain_rating(body)
        if data is not None and not data["reasons"] and not data["sub_scores"]:
            # The common rating in one statement; anything it does not record goes the
            # whole way below, which answers as it always has.
            done = rating_by_link(
                instance_id=instance_id,
                case_id=case_id,
                level=data["level"],
                text=data["text"],
                channel=RatingChannel.SMS if data["via"] == "sms" else RatingChannel.QR,
                actor=request.user,
            )
            if done is not None:
                return Response(_answer(_rated_data(done)), status=status.HTTP_201_CREATED)
        instance = _linked(ids)
        data = data or valid(RateSerializer(data=body))
        if is_staff_account(request.user):
            raise exceptions.PermissionDenied({"detail": STAFF_REFUSED, "code": "staff"})
        channel = RatingChannel.SMS if data["via"] == "sms" else RatingChannel.QR
        try:
            rating = rating_record(
                instance=instance,
                level=int(data["level"]),
                reasons=data["reasons"],
                text=data["text"],
                sub_scores=data["sub_scores"],
                channel=channel,
                actor=request.user if request.user.is_authenticated else None,
                address=client_address(request),
            )
        except FeedbackError as error:
            detail = {"detail": "；".join(error.messages), "code": error.code or "invalid"}
            if error.code == "already_rated":
                raise Conflict(detail) from None
            raise exceptions.ValidationError(detail) from None
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(
                {"detail": str(error), "code": "permission_denied"}
            ) from None
        instance.state = InstanceState.RATED
        instance._rating = rating
        return Response(_link_answer(instance), status=status.HTTP_201_CREATED)
