from django.core.management.base import BaseCommand

from catchment.accounts.demo import load_demo_hub
from catchment.alliances.demo import load_demo_alliances
from catchment.api.demo import load_demo_tokens
from catchment.communities.demo import load_demo_communities
from catchment.conversations.demo import load_demo_conversations
from catchment.discussions.demo import load_demo_discussions
from catchment.events.demo import load_demo_events
from catchment.insights.demo import load_demo_activity
from catchment.library.demo import load_demo_library
from catchment.newsletters.demo import load_demo_newsletters
from catchment.search.services import rebuild as rebuild_search_index
from catchment.webhooks.demo import load_demo_webhooks


class Command(BaseCommand):
    help = "Load the demo hub: about 200 members in 40+ countries and 20+ communities. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=200)

    def handle(self, *args: object, **options: object) -> None:
        summary = load_demo_hub(member_count=int(options["members"]))  # type: ignore[call-overload]
        communities = load_demo_communities()
        topics = load_demo_discussions()
        conversations = load_demo_conversations()
        newsletters = load_demo_newsletters()
        resources = load_demo_library()
        events = load_demo_events()
        activity = load_demo_activity()
        alliances = load_demo_alliances()
        # The alliance's platforms are new communities: give them their first conversations now, so that a
        # second run finds nothing left to do.
        topics += load_demo_discussions()
        webhooks = load_demo_webhooks()
        tokens = load_demo_tokens()
        rebuild_search_index()
        self.stdout.write(
            f"demo hub ready: {summary.members_created} new member(s), "
            f"{summary.organisations_created} new organisation(s), {communities} new communit(ies), "
            f"{topics} new topic(s), {conversations} new conversation(s), {newsletters} new newsletter(s), "
            f"{resources} new resource(s), {events} new event(s), {activity} reply(ies) of demo activity, "
            f"{alliances} new learning alliance(s), {webhooks} new webhook(s), {tokens} new API token(s)"
        )
