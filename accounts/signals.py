"""Receivers that keep ``accounts.authentication``'s cache of token users true: any
change to what a cached user carries drops the cached entries of the users concerned.
These changes are rare (an admin edits a user, a clerk moves windows), so each costs a
query for the affected tokens."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from rest_framework.authtoken.models import Token

from .authentication import cache_is_shared, forget_tokens
from .models import Citizen, Enterprise, EnterpriseRepresentative, Hall, StaffProfile, User, Window


def _forget(tokens) -> None:
    if cache_is_shared():
        forget_tokens(tokens.values_list("key", flat=True))


def token_changed(sender, instance, **kwargs):
    forget_tokens([instance.key])


def user_changed(sender, instance, **kwargs):
    _forget(Token.objects.filter(user_id=instance.pk))


def user_part_changed(sender, instance, **kwargs):
    """A citizen record or staff profile (both have ``user_id``)."""
    if instance.user_id:
        _forget(Token.objects.filter(user_id=instance.user_id))


def roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:  # group.user_set changed: instance is the group, pk_set the users
        if action == "pre_clear":  # who is in it, before they are removed
            _forget(Token.objects.filter(user__groups=instance))
        elif action in ("post_add", "post_remove"):
            _forget(Token.objects.filter(user_id__in=pk_set))
    elif action in ("post_add", "post_remove", "post_clear"):
        _forget(Token.objects.filter(user_id=instance.pk))


def window_changed(sender, instance, **kwargs):
    _forget(Token.objects.filter(user__staff_profile__window=instance))


def hall_changed(sender, instance, **kwargs):
    _forget(Token.objects.filter(user__staff_profile__window__hall=instance))


def authorization_changed(sender, instance, **kwargs):
    """An agent's authorization granted, revoked or deleted: the access rule reads the
    database, and the agent's cached token user is dropped as well, so nothing a
    process kept can outlive a revocation."""
    _forget(Token.objects.filter(user__citizen__pk=instance.citizen_id))


def enterprise_changed(sender, instance, **kwargs):
    """The legal representative on record changed (or the enterprise did)."""
    if instance.legal_representative_id_number:
        _forget(
            Token.objects.filter(user__citizen__id_number=instance.legal_representative_id_number)
        )


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(token_changed, sender=Token, dispatch_uid=f"auth-cache-token-{signal}")
        signal.connect(user_changed, sender=User, dispatch_uid=f"auth-cache-user-{signal}")
        for model in (Citizen, StaffProfile):
            signal.connect(
                user_part_changed, sender=model, dispatch_uid=f"auth-cache-{model}-{signal}"
            )
        signal.connect(window_changed, sender=Window, dispatch_uid=f"auth-cache-window-{signal}")
        signal.connect(hall_changed, sender=Hall, dispatch_uid=f"auth-cache-hall-{signal}")
        signal.connect(
            authorization_changed,
            sender=EnterpriseRepresentative,
            dispatch_uid=f"auth-cache-authorization-{signal}",
        )
        signal.connect(
            enterprise_changed, sender=Enterprise, dispatch_uid=f"auth-cache-enterprise-{signal}"
        )
    m2m_changed.connect(roles_changed, sender=User.groups.through, dispatch_uid="auth-cache-roles")
