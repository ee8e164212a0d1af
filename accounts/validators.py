"""Chinese identity numbers: check characters, validators, normalisation, the
division names of an address code, and masking (ID numbers, telephones) for display.

Resident ID numbers follow GB 11643-1999 (address code from GB/T 2260), unified social
credit codes GB 32100-2015 (with the organisation code of GB 11714-1997 inside).
Messages name the field and the reason, in Chinese, because they are shown to people.

Every ID number or credit code that enters the portal (forms, API, counter) goes
through ``normalize_identity_number`` first, so a number typed with full-width digits
or spaces is the same number as the plain one.
"""

import datetime
import functools
import re
import unicodedata

from django.core.exceptions import ValidationError
from stdnum import numdb

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def resident_id_check_char(first17: str) -> str:
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, RESIDENT_ID_WEIGHTS, strict=True)
    )
    return RESIDENT_ID_CHECK[total % 11]


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


# GB 32100-2015 (with its amendments): registration authority -> allowed categories.
CREDIT_CODE_AUTHORITIES = {
    "1": ("机构编制", "1239"),
    "2": ("外交", "19"),
    "3": ("司法行政", "123459"),
    "4": ("文化", "19"),
    "5": ("民政", "1239"),
    "6": ("旅游", "129"),
    "7": ("宗教", "129"),
    "8": ("工会", "19"),
    "9": ("工商（市场监管）", "123"),
    "A": ("中央军委改革和编制办公室", "19"),
    "N": ("农业", "1239"),
    "Y": ("其他", "1"),
}
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalize_identity_number(value: str) -> str:
    """NFKC (full-width digits and letters become ASCII), no whitespace anywhere,
    upper case (a final ``x`` is ``X``)."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(value.split()).upper()


@functools.cache
def _divisions():
    return numdb.get("cn/loc")


def division_names(code: str) -> tuple[str, str]:
    """(province, county) of a 6-digit administrative division code (GB/T 2260, from
    python-stdnum's data, which keeps retired codes: people keep their number), ""
    where the code is unknown."""
    info = {key: value for _part, props in _divisions().info(code) for key, value in props.items()}
    return info.get("province", ""), info.get("county", "")


def organisation_code_check_char(body8: str) -> str:
    """GB 11714-1997: the check character of an 8-character organisation code."""
    total = sum(
        (int(char) if char.isdigit() else ord(char) - 55) * weight
        for char, weight in zip(body8, ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def validate_resident_id(value: str) -> None:
    value = normalize_identity_number(value)
    label = "公民身份号码"
    if len(value) != 18:
        raise ValidationError(
            f"{label}长度错误：应为 18 位，实际为 {len(value)} 位。", code="length"
        )
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(
            f"{label}格式错误：前 17 位应为数字，最后一位为数字或 X。", code="format"
        )
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            f"{label}出生日期错误：{value[6:14]} 不是有效日期。", code="birth_date"
        ) from None
    if birth.year < 1900 or birth > datetime.date.today():  # noqa: DTZ011 - a calendar date
        raise ValidationError(
            f"{label}出生日期错误：{value[6:14]} 不在合理范围内。", code="birth_date"
        )
    expected = resident_id_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(f"{label}校验位错误：最后一位应为 {expected}。", code="check")
    province, county = division_names(value[:6])
    if not province:
        raise ValidationError(
            f"{label}地址码错误：前两位 {value[:2]} 不是有效的省级行政区划代码。", code="region"
        )
    if not county:
        raise ValidationError(
            f"{label}地址码错误：{value[:6]} 不是有效的行政区划代码。", code="region"
        )


def validate_credit_code(value: str) -> None:
    value = normalize_identity_number(value)
    label = "统一社会信用代码"
    if len(value) != 18:
        raise ValidationError(
            f"{label}长度错误：应为 18 位，实际为 {len(value)} 位。", code="length"
        )
    bad = sorted({char for char in value if char not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationError(
            f"{label}含有不允许的字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）。", code="format"
        )
    authority = CREDIT_CODE_AUTHORITIES.get(value[0])
    if authority is None:
        raise ValidationError(
            f"{label}登记管理部门代码错误：第 1 位 {value[0]} 不是有效的登记管理部门代码。",
            code="authority",
        )
    if value[1] not in authority[1]:
        raise ValidationError(
            f"{label}机构类别代码错误：登记管理部门为{authority[0]}（{value[0]}）时，"
            f"第 2 位应为 {'、'.join(authority[1])} 之一。",
            code="category",
        )
    if not value[2:8].isdigit():
        raise ValidationError(f"{label}格式错误：第 3 至 8 位应为行政区划代码数字。", code="format")
    expected = organisation_code_check_char(value[8:16])
    if value[16] != expected:
        raise ValidationError(
            f"{label}组织机构代码校验位错误：第 17 位应为 {expected}。", code="organisation_check"
        )
    expected = credit_code_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(f"{label}校验位错误：最后一位应为 {expected}。", code="check")


def mask_identity_number(value: str | None) -> str:
    """First 6 and last 4 characters visible, the rest hidden (docs/domain.md, "Identity
    numbers and personal data")."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_address(value: str | None) -> str:
    """A postal address with its detail hidden: its first characters (the city and
    district, six at most and never more than half) and a fixed mask, so the length of
    the rest does not show either (大连市金州区****)."""
    value = (value or "").strip()
    if not value:
        return ""
    return f"{value[: min(6, len(value) // 2)]}****"


def mask_phone(value: str | None) -> str:
    """A telephone number with its middle hidden: a mobile number's first 3 and last 4
    digits visible (139****5678); a shorter number only its last 4."""
    value = (value or "").strip()
    if len(value) <= 4:
        return "*" * len(value)
    if len(value) < 11:
        return f"{'*' * (len(value) - 4)}{value[-4:]}"
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"
