from catchment.accounts.demo import load_demo_hub
from catchment.communities.demo import load_demo_communities
from catchment.discussions.demo import load_demo_discussions
from catchment.discussions.models import Post, Topic


def test_demo_conversations_cover_each_kind_and_load_once(db):
    load_demo_hub(member_count=60)
    load_demo_communities()
    created = load_demo_discussions()
    assert created >= 40
    assert set(Topic.objects.values_list("kind", flat=True)) == {"discussion", "question", "announcement"}
    assert Topic.objects.filter(kind="question", accepted_post__isnull=False).exists()
    assert Topic.objects.filter(kind="question", accepted_post__isnull=True).exists()
    for topic in Topic.objects.all()[:10]:
        assert topic.reply_count == topic.posts.count() - 1
    posts = Post.objects.count()
    assert load_demo_discussions() == 0
    assert Post.objects.count() == posts
