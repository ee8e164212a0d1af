"""Permission names in Chinese.

Django names a model's default permissions "Can add <verbose name>" (add, change,
delete, view) in English and from the untranslated verbose name, and stores that name
when ``migrate`` creates the row; the admin shows it (a role's and a user's permissions,
a department's object permissions). After every ``migrate`` (post_migrate, once
django.contrib.auth made the rows) the portal names them in ``LANGUAGE_CODE``'s words:
可以增加部门, 可以修改部门, 可以删除部门, 可以查看部门 (增加, 修改, 删除, 查看: the admin's own
buttons). A model's own permissions (``Meta.permissions``) are named in Chinese where
they are declared.

django-guardian's models and app have no Chinese name in any translation (no words to
translate: Django derives them from the class names): they get one here, for the
permission names and the admin's list of permissions. (django-axes's are translated in
locale/, its app named by jinpu_portal.apps.AxesConfig.)"""

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import translation

ACTIONS = {"add": "增加", "change": "修改", "delete": "删除", "view": "查看"}

MODEL_NAMES = {
    "guardian.groupobjectpermission": "组的对象权限",
    "guardian.userobjectpermission": "用户的对象权限",
}
APP_NAMES = {"guardian": "对象权限"}


def model_name(model) -> str:
    return MODEL_NAMES.get(model._meta.label_lower) or str(model._meta.verbose_name)


def app_name(app_config) -> str:
    return APP_NAMES.get(app_config.label) or str(app_config.verbose_name)


def default_permission_name(action: str, model) -> str | None:
    """可以增加部门 for ("add", Department); None for an action the admin has no word for."""
    verb = ACTIONS.get(action)
    if verb is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        return f"可以{verb}{model_name(model)}"


def name_default_permissions(app_config, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """post_migrate: the default permissions of ``app_config``'s models, named in
    Chinese (one query when they already are)."""
    try:
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    if not app_config.models_module or not router.allow_migrate_model(using, Permission):
        return
    wanted = {}
    for model in app_config.get_models():  # the live models: their translated names
        for action in model._meta.default_permissions:
            name = default_permission_name(action, model)
            if name:
                codename = get_permission_codename(action, model._meta)
                wanted[(model._meta.model_name, codename)] = name
    renamed = []
    rows = Permission.objects.using(using).filter(content_type__app_label=app_config.label)
    for permission in rows.select_related("content_type"):
        name = wanted.get((permission.content_type.model, permission.codename))
        if name and permission.name != name:
            permission.name = name
            renamed.append(permission)
    Permission.objects.using(using).bulk_update(renamed, ["name"])


def permission_label(permission) -> str:
    """A permission as the admin lists it: Django's "app | model | name", with the
    Chinese names above where an app or a model has none."""
    model = permission.content_type.model_class()
    if model is None:  # a content type whose model is gone
        return str(permission)
    return f"{app_name(model._meta.app_config)} | {model_name(model)} | {permission.name}"
