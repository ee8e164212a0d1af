"""Fixtures shared by the intake tests."""

import pytest


@pytest.fixture
def bundle(db):
    from tests.factories import ItemVersionFactory, make_bundle

    shop = ItemVersionFactory(name="食品经营许可")
    sign = ItemVersionFactory(
        name="户外招牌设置",
        materials=[
            {"name": "申请表", "issuing_body": "申请人", "originals": 1, "copies": 0},
            {"name": "招牌设计图", "issuing_body": "申请人", "originals": 1, "copies": 1},
        ],
    )
    return make_bundle("open-shop", [shop, sign], "我要开餐馆")
