"""A bounded schemathesis run (``--checks all``) against a live server, as a citizen and
as a clerk with tokens: no server error, no answer outside its documented schema, no
undocumented status or content type (schemathesis' ST1xx checks). The full run is
``make schemathesis`` (docs/architecture.md, "API errors")."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import make_citizen, make_clerk, make_item

pytestmark = pytest.mark.django_db(transaction=True)

ST = str(Path(sys.executable).with_name("st"))


def _run(url: str, token: str) -> str:
    result = subprocess.run(
        [
            ST,
            "run",
            f"{url}/api/schema/",
            "--checks",
            "all",
            "-H",
            f"Authorization: Token {token}",
            "-n",
            "3",
            "--seed",
            "1",
            "--phases",
            "examples,fuzzing",
            "-w",
            "1",
            "--no-shrink",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    return result.stdout + result.stderr


def test_the_api_conforms_to_its_schema_for_citizen_and_clerk(live_server):
    citizen = make_citizen("李明")
    make_item(name="食品经营许可")
    clerk = make_clerk()
    for user in (citizen.user, clerk):
        output = _run(live_server.url, Token.objects.create(user=user).key)
        assert "generated" in output, output[-2000:]
        response_failures = re.findall(r"ST1\d\d [^\n]*", output)
        assert response_failures == [], output[-4000:]
        assert "Server error" not in output
