from django.core.management.base import BaseCommand

from catchment.search.services import rebuild


class Command(BaseCommand):
    help = "Index every profile, community, topic and reply again (after an import or a restore)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{rebuild()} document(s) indexed")
