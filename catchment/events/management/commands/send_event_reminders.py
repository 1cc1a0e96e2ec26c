from django.core.management.base import BaseCommand

from catchment.events.services import send_reminders


class Command(BaseCommand):
    help = "Remind registered people of events starting within a day. Safe to run as often as you like."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{send_reminders()} reminder(s) queued")
