"""An application's material slots, loaded once per instance.

The services read and change the slots of the application they locked; the API answers
from the same instance. Keeping the slots in the instance's prefetch cache (where
``application.materials.all()`` finds them) means one query for all of that.
"""

from jinpu_portal.db import remember_related

from ..models import Application, SubmittedMaterial


def slots_of(application: Application) -> list[SubmittedMaterial]:
    """The application's material slots in catalog order, each with its material:
    loaded once per instance into its prefetch cache, which the services change in
    place and the API serializes from (the services' lock loads them with the row)."""
    if "materials" not in getattr(application, "_prefetched_objects_cache", {}):
        attach_slots(
            application,
            list(SubmittedMaterial.objects.filter(application_id=application.pk).order_by()),
        )
    return list(application.materials.all())


def attach_slots(application: Application, slots: list[SubmittedMaterial]) -> None:
    """Make ``slots`` (just read) the application's: each with the application and its
    material from the item version's materials (kept per process by
    ``catalog.version_cache`` when the services loaded the version), in catalog order."""
    materials = {material.pk: material for material in application.item_version.materials.all()}
    for slot in slots:
        slot.application = application
        if slot.material_id in materials:
            slot.material = materials[slot.material_id]
    slots.sort(key=lambda slot: (slot.material.position, slot.pk))
    remember_slots(application, slots)


def remember_slots(application: Application, slots: list[SubmittedMaterial]) -> None:
    """Put slots just created into the prefetch cache, as ``slots_of`` would load them."""
    remember_related(application, "materials", slots)
