from django.core.management.base import BaseCommand, CommandParser

from catchment.notifications.digests import send_digests


class Command(BaseCommand):
    help = "Send this period's digest (daily or weekly) to everyone who wants one. Safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--frequency", choices=["daily", "weekly"], default="weekly")

    def handle(self, *args: object, **options: object) -> None:
        sent = send_digests(str(options["frequency"]))
        self.stdout.write(f"{sent} digest(s) sent")
