"""Telling the applicant what happened to their application, on every channel.

An applicant with a portal account gets the in-portal message (and SMS and e-mail from
its outbox, at their current contact). A walk-in applicant (a counter case for a person
with no account) has no inbox: they are texted at the mobile number recorded at the
counter for the case (``Application.contact_phone``), else at the one registered with
their identity. Every service that tells an applicant something calls ``applicant_notify``,
in intake and in the apps above it.
"""

import re

from jinpu_portal.notifications import notify

from ..models import Application

_MOBILE = re.compile(r"^1\d{10}$")


def walk_in_phone(application: Application) -> str:
    """The mobile number to text a walk-in applicant at ("" when none can take SMS)."""
    for number in (application.contact_phone, application.applicant.phone):
        number = (number or "").strip()
        if _MOBILE.match(number):
            return number
    return ""


def applicant_notify(
    application: Application, *, title: str, body: str = "", url: str = "", reference: str = ""
) -> None:
    """Notify the applicant of ``application``: their account, or by SMS if they have none."""
    user_id = application.applicant.user_id
    if user_id is not None:
        notify(recipient=user_id, title=title, body=body, url=url, reference=reference)
        return
    notify(
        recipient=None,
        phone=walk_in_phone(application),
        title=title,
        body=body,
        reference=reference,
    )
