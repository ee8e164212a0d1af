"""factory_boy factories that go through the real services (accounts.services), so a
test's data passes the same validation and role wiring as a user's would."""

import factory

from accounts import services
from accounts.constants import Role
from accounts.demo import make_credit_code, make_resident_id
from accounts.models import Citizen, Department, Enterprise, Hall, User, Window

PASSWORD = "Test-pass-2026"


def resident_id(n: int) -> str:
    """A valid resident ID, distinct for n < 1000 (born 1990-01-01 in 210213)."""
    return make_resident_id(f"21021319900101{n % 1000:03d}")


def credit_code(n: int) -> str:
    return make_credit_code(f"91210213MA{n % 1_000_000:06d}")


class UserFactory(factory.Factory):
    """``UserFactory(clerk=True)`` and so on give the role; the password is PASSWORD."""

    class Meta:
        model = User

    class Params:
        citizen = factory.Trait(roles=[Role.CITIZEN])
        clerk = factory.Trait(roles=[Role.CLERK])
        approver = factory.Trait(roles=[Role.APPROVER])
        supervisor = factory.Trait(roles=[Role.SUPERVISOR])
        catalog_admin = factory.Trait(roles=[Role.CATALOG_ADMIN])
        system_admin = factory.Trait(roles=[Role.SYSTEM_ADMIN])

    username = factory.Sequence(lambda n: f"user{n}")
    password = PASSWORD
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    phone = ""
    roles = ()

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.user_create(**kwargs)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    credit_code = factory.Sequence(lambda n: make_credit_code(f"11210213{n:08d}"))


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"H{n}")
    name = factory.Sequence(lambda n: f"测试厅{n}")


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    hall = factory.SubFactory(HallFactory)
    number = factory.Sequence(lambda n: n + 1)


class CitizenFactory(factory.Factory):
    """A real-name identity registered through ``citizen_register``; ``user`` may be None."""

    class Meta:
        model = Citizen

    name = factory.Sequence(lambda n: f"居民{n}")
    id_number = factory.Sequence(resident_id)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    user = factory.SubFactory(UserFactory)
    verified = True

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.citizen_register(**kwargs)


class EnterpriseFactory(factory.Factory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"大连测试企业{n}有限公司")
    credit_code = factory.Sequence(credit_code)
    legal_representative = "张三"
    representative = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.enterprise_register(**kwargs)
