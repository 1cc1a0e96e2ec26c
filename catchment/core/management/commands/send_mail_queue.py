from django.core.management.base import BaseCommand

from catchment.core.mail import deliver_due_mail


class Command(BaseCommand):
    help = (
        "Send the queued mail that is due again (after an SMTP failure or a crash) and forget mail sent over a "
        "week ago. Safe to run as often as you like (every minute from cron in the embedded setup)."
    )

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{deliver_due_mail()} message(s) sent")
