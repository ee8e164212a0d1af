"""Path converters for the portal's routes.

``<id:pk>`` is the one for database ids (every ``BigAutoField``/``AutoField`` key in a
URL): digits that fit a signed 64-bit integer. A larger number matches no route, so it
is a 404 like any unknown id instead of an ``OverflowError`` (a 500) where the database
driver meets it. Registered in ``JinpuPortalConfig.ready``; Django's own ``int`` accepts
any length, which is why no route uses it (tests/jinpu_portal/test_api_errors.py).

``<text:...>`` is the one for any other path segment (an item's implementation code, a
token, a verification code): Django's ``str`` without the NUL character, which
PostgreSQL refuses in a query (a 500 where it should be a 404); no route uses ``str``.
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")  # the URL resolver treats it as no match
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class TextConverter:
    regex = "[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")
    register_converter(TextConverter, "text")
