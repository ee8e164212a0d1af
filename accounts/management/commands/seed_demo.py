"""``manage.py seed_demo``: load the demo data (organisation, accounts, catalog); safe
to run again."""

from django.core.management.base import BaseCommand

from accounts.demo import run_all


class Command(BaseCommand):
    help = "Load the demo data (organisation, accounts, catalog, ...). Safe to run again."

    def handle(self, *args, **options):
        self.stdout.write("Loading demo data:")
        run_all(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
