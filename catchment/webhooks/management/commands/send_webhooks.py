from django.core.management.base import BaseCommand

from catchment.webhooks.services import deliver_due


class Command(BaseCommand):
    help = "Retry the webhook deliveries that are due. Safe to run as often as you like (every minute)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{deliver_due()} delivery attempt(s) made")
