from django.core.management.base import BaseCommand

from catchment.accounts.demo import load_demo_hub


class Command(BaseCommand):
    help = "Load the demo hub (about 200 members in 40+ countries). Safe to run again: nothing changes."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=200)

    def handle(self, *args: object, **options: object) -> None:
        summary = load_demo_hub(member_count=int(options["members"]))  # type: ignore[call-overload]
        self.stdout.write(
            f"demo hub ready: {summary.members_created} new member(s), "
            f"{summary.organisations_created} new organisation(s)"
        )
