from django.core.management.base import BaseCommand

from catchment.insights.backfill import backfill


class Command(BaseCommand):
    help = "Fill the interaction log from existing topics, replies, events, resources and memberships. Safe to repeat."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{backfill()} interaction(s) read; those already in the log were kept once")
