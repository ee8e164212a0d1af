"""Fixtures shared by the intake tests."""

import pytest


@pytest.fixture
def bundle(db):
    from catalog.models import Bundle, BundleItem
    from tests.factories import ItemVersionFactory

    shop = ItemVersionFactory(name="食品经营许可")
    sign = ItemVersionFactory(
        name="户外招牌设置",
        materials=[
            {"name": "申请表", "issuing_body": "申请人", "originals": 1, "copies": 0},
            {"name": "招牌设计图", "issuing_body": "申请人", "originals": 1, "copies": 1},
        ],
    )
    # Catalog administrators maintain bundles in the admin: there is no service.
    bundle = Bundle.objects.create(code="open-shop", name="我要开餐馆", theme="business_start")
    BundleItem.objects.create(bundle=bundle, item=shop.item, position=1)
    BundleItem.objects.create(bundle=bundle, item=sign.item, position=2)
    return bundle
