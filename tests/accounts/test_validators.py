import pytest
from django.core.exceptions import ValidationError

from accounts.validators import (
    mask_identity_number,
    validate_credit_code,
    validate_resident_id,
)


@pytest.mark.parametrize(
    "value", ["11010519491231002X", "360426199101010071", "44011320141005001X"]
)
def test_valid_resident_ids(value):
    validate_resident_id(value)


def test_lowercase_x_is_accepted_as_upper():
    validate_resident_id("11010519491231002x")


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("1101051949123100", "length", "应为 18 位，实际为 16 位"),
        ("11010519491331002X", "birth_date", "出生日期错误"),
        ("110105194912310021", "check", "校验位错误：最后一位应为 X"),
        ("11010519491231002Y", "format", "格式错误"),
    ],
)
def test_invalid_resident_ids_say_why(value, code, fragment):
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(value)
    assert excinfo.value.code == code
    assert "公民身份号码" in excinfo.value.message
    assert fragment in excinfo.value.message


@pytest.mark.parametrize(
    "value",
    ["91110000600037341L", "91310000631696382C", "121200004013590816", "91310115MA1K3BTP2B"],
)
def test_valid_credit_codes(value):
    validate_credit_code(value)


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("91110000600037341", "length", "实际为 17 位"),
        ("91110000600037341O", "format", "不允许的字符：O"),
        ("91110000600037341M", "check", "最后一位应为 L"),
    ],
)
def test_invalid_credit_codes_say_why(value, code, fragment):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(value)
    assert excinfo.value.code == code
    assert "统一社会信用代码" in excinfo.value.message
    assert fragment in excinfo.value.message


def test_mask_shows_first_six_and_last_four():
    assert mask_identity_number("11010519491231002X") == "110105********002X"
    assert mask_identity_number("") == ""
