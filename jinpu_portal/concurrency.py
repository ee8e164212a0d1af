"""Edit tokens: the one check against lost updates on the edit side.

A page that edits something a colleague may edit too carries a token of what it showed
(``edit_token`` of the values it lets the user change). The service or form that saves
locks the row, computes the token of what is stored now and refuses with
``STALE_MESSAGE`` when the two differ: the second of two people editing the same thing
is told to reload instead of silently writing back the values their page was built
with. The token is a digest, not a secret; it names no value.

Used by every admin change form (``jinpu_portal.admin.EditTokenAdminMixin``), the
catalog's publish page and the hall's window categories.
"""

import hashlib
import json

from django.core.exceptions import FieldDoesNotExist
from django.db import models

STALE_MESSAGE = "该记录已被他人修改，请刷新后重试。"


def edit_token(state) -> str:
    """A short digest of ``state`` (anything JSON can write once dates, decimals and
    files are turned into text)."""
    text = json.dumps(state, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def is_current(token: str | None, state) -> bool:
    """Whether ``token`` (what the page showed) is the token of ``state`` (what is stored
    now). A caller that passes no token (a script, an import) checks nothing."""
    return token is None or token == edit_token(state)


def field_state(instance: models.Model, names) -> dict:
    """The stored values of ``instance``'s model fields among ``names``: a foreign key
    by its id, a many-to-many field by its sorted ids. Names that are not model fields
    (a form's own fields) are left out."""
    state = {}
    for name in names:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.many_to_many:
            state[name] = (
                sorted(getattr(instance, name).values_list("pk", flat=True)) if instance.pk else []
            )
        elif getattr(field, "concrete", False):
            state[name] = field.value_from_object(instance)
    return state
