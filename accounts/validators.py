"""Check characters of Chinese identity numbers.

Resident ID numbers follow GB 11643-1999, unified social credit codes GB 32100-2015.
Messages name the field and the reason, in Chinese, because they are shown to people.
"""

import datetime
import re

from django.core.exceptions import ValidationError

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


def normalize_identity_number(value: str) -> str:
    return (value or "").strip().upper()


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
    if not value[2:8].isdigit():
        raise ValidationError(f"{label}格式错误：第 3 至 8 位应为行政区划代码数字。", code="format")
    expected = credit_code_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(f"{label}校验位错误：最后一位应为 {expected}。", code="check")


def mask_identity_number(value: str | None) -> str:
    """First 6 and last 4 characters visible, the rest hidden (DOMAIN.md: personal data)."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"
