"""Model permissions of each role group, kept in sync after every ``migrate``.

Apps declare what their staff roles may do in the admin with
``grant_model_permissions`` (in AppConfig.ready); ``sync_role_permissions`` runs on
post_migrate, when every Permission row exists, so a fresh database gets them too.
"""

from collections import defaultdict

_GRANTS: dict[str, set[tuple[str, str | None]]] = defaultdict(set)


def grant_model_permissions(role, app_label: str, codenames: list[str] | None = None) -> None:
    """Give ``role`` the listed permissions of ``app_label`` (all of them when None)."""
    for codename in codenames or [None]:
        _GRANTS[str(role)].add((app_label, codename))


def sync_role_permissions(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    for role, grants in _GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = set()
        for app_label, codename in grants:
            query = Permission.objects.filter(content_type__app_label=app_label)
            if codename:
                query = query.filter(codename=codename)
            wanted.update(query.values_list("pk", flat=True))
        group.permissions.add(*wanted)
