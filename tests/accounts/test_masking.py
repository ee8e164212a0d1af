"""ID numbers and credit codes are shown masked (first 6, last 4) on every page and API
answer that shows them to their owner; so is the telephone (first 3, last 4) where no
task needs it in full."""

import pytest

from accounts.validators import mask_phone

RAW_ID = "11010519491231002X"
MASKED_ID = "110105********002X"
RAW_CODE = "91110000600037341L"
MASKED_CODE = "911100********341L"
RAW_PHONE = "13912345678"
MASKED_PHONE = "139****5678"


@pytest.fixture
def logged_in(client, citizen):
    client.force_login(citizen.user)
    return client


@pytest.mark.parametrize("url", ["/", "/accounts/profile/", "/api/v1/me/"])
def test_id_number_is_masked(logged_in, url):
    body = logged_in.get(url).content.decode()
    assert MASKED_ID in body
    assert RAW_ID not in body
    assert RAW_ID[6:14] not in body  # not even the birth date


@pytest.mark.parametrize("url", ["/accounts/profile/", "/api/v1/me/"])
def test_credit_code_is_masked(logged_in, url):
    body = logged_in.get(url).content.decode()
    assert MASKED_CODE in body
    assert RAW_CODE not in body


@pytest.mark.parametrize("url", ["/accounts/profile/", "/api/v1/me/"])
def test_phone_is_masked(client, citizen, url):
    """No task of the profile or of /me needs the telephone in full (a kiosk's screen in
    a hall is read over the shoulder)."""
    citizen.phone = RAW_PHONE
    citizen.save(update_fields=["phone"])
    client.force_login(citizen.user)
    body = client.get(url).content.decode()
    assert MASKED_PHONE in body
    assert RAW_PHONE not in body


@pytest.mark.parametrize(
    ("number", "masked"),
    [("13912345678", "139****5678"), ("0411-87654321", "041******4321"), ("8890", "****")],
)
def test_mask_phone(number, masked):
    assert mask_phone(number) == masked


def test_admin_citizen_list_is_masked(client, citizen, system_admin):
    client.force_login(system_admin)
    body = client.get("/admin/accounts/citizen/").content.decode()
    assert MASKED_ID in body
    assert RAW_ID not in body
    # The change form too (it showed the full number in an editable field), and the
    # identity stays as the verification left it: number and verification read only.
    body = client.get(f"/admin/accounts/citizen/{citizen.pk}/change/").content.decode()
    assert MASKED_ID in body
    assert RAW_ID not in body
    for field in ("id_number", "verified_at", "verification_method"):
        assert f'name="{field}' not in body
