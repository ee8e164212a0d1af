"""Receivers that keep ``accounts.token_users`` true: any change to what a cached user
carries drops the cached entries of the users concerned (``connect``, called in
``AccountsConfig.ready``). These changes are rare (an admin edits a user, a clerk moves
windows), so each costs a query for the affected tokens; a bulk change (``.update()``)
forgets every cached user."""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, pre_delete
from rest_framework.authtoken.models import Token

from . import token_users
from .models import Citizen, Enterprise, EnterpriseRepresentative, Hall, StaffProfile, User, Window


def _forget(tokens) -> None:
    if token_users.cache_is_shared():
        token_users.forget_tokens(tokens.values_list("key", flat=True))


def token_changed(sender, instance, **kwargs):
    token_users.forget_tokens([instance.key])


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


def group_changed(sender, instance, **kwargs):
    """A role group renamed (its members' ``role_names``), or about to be deleted."""
    _forget(Token.objects.filter(user__groups=instance))


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


def _bulk_changed(sender, **kwargs):
    token_users.invalidate()


def connect() -> None:
    cache = token_users.LOCAL
    cache.watch(User, receiver=user_changed, on_bulk=_bulk_changed)
    cache.watch(Citizen, StaffProfile, receiver=user_part_changed, on_bulk=_bulk_changed)
    cache.watch(Window, receiver=window_changed, on_bulk=_bulk_changed)
    cache.watch(Hall, receiver=hall_changed, on_bulk=_bulk_changed)
    # Not what a cached user carries (the access rule reads the database), but revoking
    # must leave nothing a process kept.
    cache.watch(EnterpriseRepresentative, receiver=authorization_changed, on_bulk=_bulk_changed)
    cache.watch(Enterprise, receiver=enterprise_changed, on_bulk=_bulk_changed)
    cache.watch(
        Token,
        receiver=token_changed,
        unhooked="rest_framework's model, whose manager the portal cannot replace. Tokens "
        "are created and deleted (each delete sends post_delete), never updated in bulk; "
        "an UPDATE of the table made elsewhere stays unseen for at most CACHE_SECONDS.",
    )
    cache.watch(
        Group,
        receiver=group_changed,
        unhooked="django.contrib.auth's model, whose manager cannot be replaced without "
        "swapping the model. A rename through save() is seen; Group.objects.update(name=...) "
        "is not, and stays unseen for at most CACHE_SECONDS (the role groups' names are "
        "fixed by accounts.constants.Role).",
    )
    # Who is in a group is known only before the delete cascades to the memberships.
    pre_delete.connect(group_changed, sender=Group, dispatch_uid="token-users:group-pre-delete")
    m2m_changed.connect(roles_changed, sender=User.groups.through, dispatch_uid="token-users:roles")
