from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from catchment.core.mail import deliver_due_mail


class Command(BaseCommand):
    help = (
        "Mail what is waiting: notifications whose background task never ran (MAIL_SWEEPS), then queued mail "
        "that is due again after an SMTP failure or a crash; forget mail sent over a week ago. Safe to run as "
        "often as you like (every minute from cron in the embedded setup)."
    )

    def handle(self, *args: object, **options: object) -> None:
        # The apps' sweeps are named in settings, so core imports no other app.
        for path in settings.MAIL_SWEEPS:
            self.stdout.write(f"{path}: {import_string(path)()} queued")
        self.stdout.write(f"{deliver_due_mail()} message(s) sent")
