from catchment.accounts.demo import load_demo_hub
from catchment.communities.demo import load_demo_communities
from catchment.conversations.demo import load_demo_conversations
from catchment.conversations.models import Conversation, Participant
from catchment.newsletters.demo import load_demo_newsletters
from catchment.newsletters.models import Newsletter


def test_demo_messages_and_newsletters_load_once(db):
    load_demo_hub(member_count=30)
    load_demo_communities()
    assert load_demo_conversations() == 3
    assert Conversation.objects.filter(is_group=True).exists()
    unread = [p for p in Participant.objects.select_related("conversation") if p.last_read_at is None]
    assert unread and all(p.user.email.startswith("convenor@") for p in unread)
    assert load_demo_newsletters() == 2
    hub = Newsletter.objects.get(community__isnull=True)
    assert hub.status == "sent" and hub.editions.count() == 4 and hub.deliveries.count() >= 30
    assert Newsletter.objects.get(community__isnull=False).status == "draft"
    assert load_demo_conversations() == 0 and load_demo_newsletters() == 0
