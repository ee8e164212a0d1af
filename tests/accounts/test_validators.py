import pytest
from django.core.exceptions import ValidationError

from accounts.demo import make_credit_code, make_resident_id
from accounts.validators import (
    credit_code_check_char,
    mask_identity_number,
    normalize_identity_number,
    organisation_code_check_char,
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


RESIDENT_ID = (validate_resident_id, "公民身份号码")
CREDIT_CODE = (validate_credit_code, "统一社会信用代码")


@pytest.mark.parametrize(
    ("validate", "name", "value", "code", "fragment"),
    [
        (*RESIDENT_ID, "1101051949123100", "length", "应为 18 位，实际为 16 位"),
        (*RESIDENT_ID, "11010519491331002X", "birth_date", "出生日期错误"),
        (*RESIDENT_ID, "110105194912310021", "check", "校验位错误：最后一位应为 X"),
        (*RESIDENT_ID, "11010519491231002Y", "format", "格式错误"),
        (*CREDIT_CODE, "91110000600037341", "length", "实际为 17 位"),
        (*CREDIT_CODE, "91110000600037341O", "format", "不允许的字符：O"),
        (*CREDIT_CODE, "91110000600037341M", "check", "最后一位应为 L"),
    ],
)
def test_invalid_numbers_say_why(validate, name, value, code, fragment):
    """A refused resident ID or credit code names itself and says what is wrong."""
    with pytest.raises(ValidationError) as excinfo:
        validate(value)
    assert excinfo.value.code == code
    assert name in excinfo.value.message
    assert fragment in excinfo.value.message


@pytest.mark.parametrize(
    "value",
    ["91110000600037341L", "91310000631696382C", "121200004013590816", "91310115MA1K3BTP2B"],
)
def test_valid_credit_codes(value):
    validate_credit_code(value)


def test_mask_shows_first_six_and_last_four():
    assert mask_identity_number("11010519491231002X") == "110105********002X"
    assert mask_identity_number("") == ""


# --- issue 11 item 3: normalisation, region codes, GB 32100 / GB 11714 ---------------


@pytest.mark.parametrize(
    "typed",
    [
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and letter
        "１１０１０５１９４９１２３１００２ｘ",
        " 110105 19491231 002x ",
        "110105\u300019491231002X",  # ideographic space
        "\t110105194912\n31002X",
    ],
)
def test_typed_variants_normalise_to_the_same_number(typed):
    assert normalize_identity_number(typed) == "11010519491231002X"
    validate_resident_id(typed)


def test_full_width_credit_code_normalises():
    typed = "９１１１００００ ６０００３７３４１ｌ"
    assert normalize_identity_number(typed) == "91110000600037341L"


@pytest.mark.parametrize(
    ("prefix", "fragment"),
    [
        ("990105", "前两位 99 不是有效的省级行政区划代码"),
        ("000105", "前两位 00 不是有效的省级行政区划代码"),
        ("210299", "210299 不是有效的行政区划代码"),
    ],
)
def test_resident_id_with_unknown_region_is_refused(prefix, fragment):
    value = make_resident_id(f"{prefix}19491231002")
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(value)
    assert excinfo.value.code == "region"
    assert fragment in excinfo.value.message
    assert excinfo.value.message.startswith("公民身份号码地址码错误")


def test_retired_region_codes_still_identify_people():
    """A number keeps the code of where it was first issued, even after that code
    was retired (GB/T 2260 history): 210200's earlier name was 旅大市."""
    validate_resident_id(make_resident_id("21020019600101001"))


@pytest.mark.parametrize(
    ("prefix16", "code", "fragment"),
    [
        ("B1210213MA0Y1234", "authority", "第 1 位 B 不是有效的登记管理部门代码"),
        ("94210213MA0Y1234", "category", "为工商（市场监管）（9）时，第 2 位应为 1、2、3 之一"),
        ("Y2210213MA0Y1234", "category", "第 2 位应为 1 之一"),
        ("15210213MA0Y1234", "category", "机构编制"),
    ],
)
def test_credit_code_authority_and_category_are_checked(prefix16, code, fragment):
    value = make_credit_code(prefix16)  # both check characters right: only the class is wrong
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(value)
    assert excinfo.value.code == code
    assert fragment in excinfo.value.message
    assert excinfo.value.message.startswith("统一社会信用代码")


def test_credit_code_embedded_organisation_code_check_character():
    """GB 11714: 60003734's check character is 1; a code with 2 there and a matching
    GB 32100 check character is still refused."""
    prefix17 = "9111000060003734" + "2"
    value = prefix17 + credit_code_check_char(prefix17)
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(value)
    assert excinfo.value.code == "organisation_check"
    assert "组织机构代码校验位错误：第 17 位应为 1" in excinfo.value.message


@pytest.mark.parametrize(
    ("body", "check"), [("60003734", "1"), ("MA1K3BTP", "2"), ("00000000", "0"), ("D2143569", "X")]
)
def test_organisation_code_check_characters(body, check):
    assert organisation_code_check_char(body) == check


def test_the_resident_id_field_normalizes_checks_and_may_stay_empty():
    from django import forms

    from accounts.forms import ResidentIdField

    assert ResidentIdField().clean(" 11010519491231002x ") == "11010519491231002X"
    assert ResidentIdField(required=False).clean("") == ""
    with pytest.raises(forms.ValidationError):
        ResidentIdField(required=False).clean("110105194912310021")
    with pytest.raises(forms.ValidationError):
        ResidentIdField().clean("")
