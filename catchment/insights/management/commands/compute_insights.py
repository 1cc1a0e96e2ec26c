from django.core.management.base import BaseCommand, CommandParser

from catchment.communities.models import Community
from catchment.insights.services import compute_all, compute_community, compute_hub


class Command(BaseCommand):
    help = "Compute participation levels, networks and health (one community, or all and the hub comparison)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--community", help="the community's web address; all running communities if omitted"
        )

    def handle(self, *args: object, **options: object) -> None:
        slug = options.get("community")
        if slug:
            community = Community.objects.get(slug=str(slug))
            snapshots = compute_community(community)
            compute_hub()
            self.stdout.write(", ".join(f"{s.kind} in {s.duration_ms} ms" for s in snapshots))
        else:
            self.stdout.write(f"{compute_all()} snapshot(s) computed")
