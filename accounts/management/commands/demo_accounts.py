"""``manage.py demo_accounts``: print the demo accounts, one per role."""

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import User


class Command(BaseCommand):
    help = "Print the demo accounts, one per role."

    def handle(self, *args, **options):
        existing = set(User.objects.values_list("username", flat=True))
        self.stdout.write(f" Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            if account.username in existing:
                self.stdout.write(
                    f"   {account.role.label:<6} {account.username:<11} {account.full_name}"
                    f" - {account.note}"
                )
