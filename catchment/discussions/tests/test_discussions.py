"""Topics, replies, answers, edits and moderation: services and pages."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.discussions import services
from catchment.discussions.models import ModerationAction, Post, PostRevision, Topic


@pytest.fixture
def community(db):
    return CommunityFactory(slug="wash", name="WASH CoP", visibility="public")


def member_of(community, role=Role.MEMBER, **extra):
    """A member whose account is a month old, so the new-account limits do not apply unless asked for."""
    extra.setdefault("user__date_joined", timezone.now() - datetime.timedelta(days=30))
    return MembershipFactory(community=community, role=role, **extra).user


def start(community, author, kind="question", title="How do you chlorinate wells?", body="Any advice?"):
    return services.topic_create(
        actor=author, community=community, kind=kind, title=title, body=body, language="en"
    )


def test_a_topic_opens_with_post_one_and_replies_are_numbered(community):
    asker, helper = member_of(community), member_of(community)
    topic = start(community, asker)
    first = services.post_reply(actor=helper, topic=topic, body="Use 0.5 mg/l.")
    second = services.post_reply(actor=asker, topic=topic, body="Thanks!", reply_to=first)
    assert [post.number for post in topic.posts.order_by("number")] == [1, 2, 3]
    assert second.reply_to == first
    topic.refresh_from_db()
    assert topic.reply_count == 2 and topic.last_posted_at == second.created_at


def test_who_may_write_what(community):
    member = member_of(community)
    moderator = member_of(community, Role.MODERATOR)
    outsider = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        start(community, member, kind="announcement")
    start(community, moderator, kind="announcement")
    with pytest.raises(PermissionDenied):
        start(community, outsider)
    community.stage = "archived"
    community.save()
    with pytest.raises(PermissionDenied):
        start(community, moderator)


def test_empty_oversized_and_misdirected_replies_are_refused_with_reasons(community):
    member = member_of(community)
    topic = start(community, member)
    other = start(community, member, title="Another")
    with pytest.raises(services.DiscussionError, match="Write a message first"):
        services.post_reply(actor=member, topic=topic, body="   ")
    with pytest.raises(services.DiscussionError, match="at most 20000 characters"):
        services.post_reply(actor=member, topic=topic, body="x" * 100_000)
    with pytest.raises(services.DiscussionError, match="no longer there"):
        services.post_reply(actor=member, topic=topic, body="Hi", reply_to=other.posts.get())
    assert topic.posts.count() == 1


def test_locked_topics_take_replies_only_from_moderators(community):
    member, moderator = member_of(community), member_of(community, Role.MODERATOR)
    topic = start(community, member)
    services.topic_moderate(actor=moderator, topic=topic, verb="lock", reason="Resolved")
    with pytest.raises(services.DiscussionError, match="locked"):
        services.post_reply(actor=member, topic=topic, body="One more thing")
    services.post_reply(actor=moderator, topic=topic, body="Closing note")
    assert ModerationAction.objects.get().reason == "Resolved"


def test_only_the_asker_or_a_moderator_accepts_an_answer_and_only_a_reply(community):
    asker, helper, other = member_of(community), member_of(community), member_of(community)
    topic = start(community, asker)
    answer = services.post_reply(actor=helper, topic=topic, body="Boil it.")
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=other, topic=topic, post=answer)
    with pytest.raises(services.DiscussionError):
        services.answer_accept(actor=asker, topic=topic, post=topic.posts.get(number=1))
    services.answer_accept(actor=asker, topic=topic, post=answer)
    topic.refresh_from_db()
    assert topic.is_answered and topic.accepted_post == answer
    discussion = start(community, asker, kind="discussion")
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=asker, topic=discussion, post=None)


def test_edits_keep_the_earlier_text_and_title(community):
    author = member_of(community)
    topic = start(community, author)
    opening = topic.posts.get()
    services.post_edit(actor=author, post=opening, body="Any advice on dosing?", title="Chlorinating wells")
    revision = PostRevision.objects.get()
    assert (revision.body, revision.title) == ("Any advice?", "How do you chlorinate wells?")
    topic.refresh_from_db()
    assert topic.title == "Chlorinating wells"
    with pytest.raises(services.DiscussionError, match="Nothing has changed"):
        services.post_edit(
            actor=author, post=opening, body="Any advice on dosing?", title="Chlorinating wells"
        )
    with pytest.raises(PermissionDenied):
        services.post_edit(actor=member_of(community), post=opening, body="Vandalised")


def test_hidden_replies_leave_the_count_and_the_page_but_stay_for_moderators(client, community):
    author, moderator = member_of(community), member_of(community, Role.MODERATOR)
    topic = start(community, author)
    bad = services.post_reply(actor=author, topic=topic, body="SPAM-LINK-HERE")
    services.post_moderate(actor=moderator, post=bad, verb="hide", reason="Advertising")
    topic.refresh_from_db()
    assert topic.reply_count == 0
    url = f"/communities/wash/topics/{topic.pk}/"
    client.force_login(author)
    assert "SPAM-LINK-HERE" not in client.get(url).content.decode()
    client.force_login(moderator)
    page = client.get(url).content.decode()
    assert "SPAM-LINK-HERE" in page and "Advertising" in page
    services.post_moderate(actor=moderator, post=bad, verb="unhide")
    topic.refresh_from_db()
    assert topic.reply_count == 1
    assert list(ModerationAction.objects.values_list("verb", flat=True)) == ["unhide", "hide"]


def test_a_hidden_topic_is_a_404_for_members(client, community):
    author, moderator = member_of(community), member_of(community, Role.MODERATOR)
    topic = start(community, author)
    services.topic_moderate(actor=moderator, topic=topic, verb="delete", reason="Duplicate")
    client.force_login(author)
    assert client.get(f"/communities/wash/topics/{topic.pk}/").status_code == 404
    assert "How do you chlorinate" not in client.get("/communities/wash/topics/").content.decode()


def test_the_question_journey_through_the_pages(client, community):
    asker, helper = member_of(community), member_of(community, user__display_name="Helper Hana")
    client.force_login(asker)
    response = client.post(
        "/communities/wash/topics/new/",
        {
            "kind": "question",
            "title": "Handpump spare parts?",
            "body": "Where do you **buy** them?",
            "language": "fr",
        },
    )
    topic = Topic.objects.get()
    assert response["Location"] == f"/communities/wash/topics/{topic.pk}/"
    assert topic.language == "fr"
    client.force_login(helper)
    page = client.get(f"/communities/wash/topics/{topic.pk}/?quote={topic.posts.get().pk}").content.decode()
    assert "wrote:\n&gt; Where do you **buy** them?" in page
    reply = client.post(f"/communities/wash/topics/{topic.pk}/reply/", {"body": "From the district office."})
    assert reply["Location"].endswith("#post-2")
    client.force_login(asker)
    answer = topic.posts.get(number=2)
    client.post(f"/communities/wash/topics/{topic.pk}/accept/", {"post": answer.pk})
    topic.refresh_from_db()
    assert topic.accepted_post == answer
    listing = client.get("/communities/wash/topics/?kind=question").content.decode()
    assert "Handpump spare parts?" in listing and "Answered" in listing
    assert "Handpump" not in client.get("/communities/wash/topics/?unanswered=on").content.decode()


def test_an_empty_reply_keeps_the_page_and_says_why(client, community):
    author = member_of(community)
    topic = start(community, author)
    client.force_login(author)
    response = client.post(f"/communities/wash/topics/{topic.pk}/reply/", {"body": ""})
    assert response.status_code == 400
    assert "Write a message first." in response.content.decode()
    assert Post.objects.count() == 1


def test_long_threads_are_paginated_and_a_reply_lands_on_its_page(client, community):
    author = member_of(community)
    topic = start(community, author)
    for n in range(30):
        services.post_reply(actor=author, topic=topic, body=f"Reply {n}")
    client.force_login(author)
    first = client.get(f"/communities/wash/topics/{topic.pk}/").content.decode()
    assert "Reply 23" in first and "Reply 24" not in first
    response = client.post(f"/communities/wash/topics/{topic.pk}/reply/", {"body": "The last word"})
    assert response["Location"] == f"/communities/wash/topics/{topic.pk}/?page=2#post-32"


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '[x](https://example.org" onmouseover="alert(1))',
    "<a href=javascript:alert(1)>x</a>",
    "<a href='javascript:alert(1)'>x</a>",
    "<body onload=alert(1)>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>alert(1)//<</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=//evil.example/x.js></script>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<marquee onstart=alert(1)>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<table background=javascript:alert(1)>",
    "<td background=javascript:alert(1)>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "[x](jav\tascript:alert(1))",
    "<textarea onfocus=alert(1) autofocus>",
    "<keygen autofocus onfocus=alert(1)>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<p onclick=alert(1)>click</p>",
    "<span onmouseover=alert(1)>hover</span>",
    '<a href="https://example.org" onclick="alert(1)">ok</a>',
    "<x onclick=alert(1)>custom</x>",
    '"><script>alert(1)</script>',
]

SAFE_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}


class _Inspector(HTMLParser):
    """Collects what a browser would treat as markup: tags, attributes, link targets."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"attribute {name}")
            if name in {"href", "src"} and not re.match(r"(https?:|mailto:)", (value or "").strip(), re.I):
                self.problems.append(f"{name}={value}")


def dangers(html):
    inspector = _Inspector()
    inspector.feed(html)
    return inspector.problems


def test_fifty_xss_payloads_neither_run_nor_survive(client, community):
    assert len(XSS) >= 50
    author = member_of(community)
    topic = start(community, author, title="<script>alert('title')</script>", body="Opening")
    for payload in XSS:
        services.post_reply(actor=author, topic=topic, body=payload)
    client.force_login(author)
    checked = 0
    for page_number in (1, 2, 3):
        html = client.get(f"/communities/wash/topics/{topic.pk}/?page={page_number}").content.decode()
        bodies = re.findall(r'<div class="prose">(.*?)</div>', html, re.DOTALL)
        for body in bodies:
            assert dangers(body) == [], body
        checked += len(bodies)
        assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    assert checked == len(XSS) + 1


def test_links_in_posts_are_marked_as_user_content(client, community):
    author = member_of(community)
    topic = start(community, author, body="See [the guide](https://example.org/guide).")
    client.force_login(author)
    html = client.get(f"/communities/wash/topics/{topic.pk}/").content.decode()
    assert '<a href="https://example.org/guide" rel="nofollow ugc noopener">the guide</a>' in html


@pytest.mark.parametrize("path", ["topics/", "topics/{pk}/", "", "moderation/"])
def test_discussion_pages_run_a_constant_number_of_queries(client, community, path):
    moderator = member_of(community, Role.MODERATOR)
    topic = start(community, moderator)
    client.force_login(moderator)

    def grow(n):
        for _ in range(n):
            writer = member_of(community)
            other = start(community, writer, kind="discussion", title="More")
            reply = services.post_reply(
                actor=writer, topic=topic, body="Me too", reply_to=topic.posts.first()
            )
            services.post_moderate(actor=moderator, post=reply, verb="hide", reason="dup")
            services.post_reply(actor=writer, topic=other, body="Hello")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/communities/wash/{path.format(pk=topic.pk)}").status_code == 200
        return len(captured)

    grow(2)
    small = count()
    grow(12)
    assert count() == small


def test_members_flag_once_and_moderators_hide_from_the_queue(client, community):
    from catchment.discussions.models import Flag

    author, reporter, moderator = (
        member_of(community),
        member_of(community),
        member_of(community, Role.MODERATOR),
    )
    topic = start(community, author)
    reply = services.post_reply(actor=author, topic=topic, body="Buy cheap pumps at SPAM-SHOP")
    with pytest.raises(PermissionDenied):
        services.post_flag(actor=author, post=reply, reason="spam")  # not your own
    client.force_login(reporter)
    page = client.get(f"/communities/wash/topics/{topic.pk}/").content.decode()
    assert f"/posts/{reply.pk}/flag/" in page
    response = client.post(
        f"/communities/wash/topics/{topic.pk}/posts/{reply.pk}/flag/",
        {"reason": "spam", "note": "Advert"},
        follow=True,
    )
    assert "the moderators will look at this message" in response.content.decode()
    again = client.post(
        f"/communities/wash/topics/{topic.pk}/posts/{reply.pk}/flag/", {"reason": "spam"}, follow=True
    )
    assert "You have already flagged this message" in again.content.decode()
    assert Flag.objects.count() == 1
    bad = client.post(
        f"/communities/wash/topics/{topic.pk}/posts/{reply.pk}/flag/", {"reason": "nonsense"}, follow=True
    )
    assert "Choose why you are flagging" in bad.content.decode()

    client.force_login(moderator)
    queue = client.get("/communities/wash/moderation/queue/").content.decode()
    assert "SPAM-SHOP" in queue and "Advert" in queue and "Spam or advertising" in queue
    client.post(
        f"/communities/wash/moderation/queue/{reply.pk}/", {"decision": "hide", "reason": "Advertising"}
    )
    reply.refresh_from_db()
    assert reply.status == "hidden" and reply.moderation_reason == "Advertising"
    flag = Flag.objects.get()
    assert (flag.resolution, flag.resolved_by) == ("hidden", moderator)
    queue = client.get("/communities/wash/moderation/queue/").content.decode()
    assert "Nothing waits for review." in queue and "Recently settled" in queue
    twice = client.post(f"/communities/wash/moderation/queue/{reply.pk}/", {"decision": "keep"}, follow=True)
    assert "already been dealt with" in twice.content.decode()
    client.force_login(reporter)
    assert "SPAM-SHOP" not in client.get(f"/communities/wash/topics/{topic.pk}/").content.decode()


def test_keeping_a_flagged_message_dismisses_the_flags_and_logs_it(community):
    from catchment.discussions.models import Flag

    author, moderator = member_of(community), member_of(community, Role.MODERATOR)
    topic = start(community, author)
    reply = services.post_reply(actor=author, topic=topic, body="A blunt but fair remark")
    for _ in range(2):
        services.post_flag(actor=member_of(community), post=reply, reason="conduct")
    assert services.flags_resolve(actor=moderator, post=reply, hide=False, reason="Fair criticism") == 2
    reply.refresh_from_db()
    assert reply.status == "visible"
    assert set(Flag.objects.values_list("resolution", flat=True)) == {"kept"}
    assert ModerationAction.objects.get().verb == "dismiss"
    with pytest.raises(PermissionDenied):
        services.flags_resolve(actor=author, post=reply, hide=True)


def test_the_review_queue_runs_a_constant_number_of_queries(client, community):
    moderator = member_of(community, Role.MODERATOR)
    topic = start(community, moderator)
    client.force_login(moderator)

    def grow(n):
        for _ in range(n):
            writer = member_of(community)
            reply = services.post_reply(actor=writer, topic=topic, body="Flag me")
            services.post_flag(actor=member_of(community), post=reply, reason="spam")
            services.post_flag(actor=member_of(community), post=reply, reason="other", note="Odd")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/communities/wash/moderation/queue/").status_code == 200
        return len(captured)

    grow(2)
    small = count()
    grow(10)
    first = Post.objects.filter(topic=topic, number=2).get()
    services.flags_resolve(actor=moderator, post=first, hide=True)
    assert count() == small


def test_the_feed_shows_only_what_the_viewer_may_read(client, db):
    public = CommunityFactory(slug="pub", visibility="public")
    private = CommunityFactory(slug="priv", visibility="private")
    start(public, member_of(public), title="Open floodplain question")
    insider = member_of(private)
    topic = start(private, insider, title="Closed budget question")
    services.post_reply(actor=insider, topic=topic, body="Internal numbers")
    home = client.get("/").content.decode()
    assert "Open floodplain question" in home and "Closed budget question" not in home
    client.force_login(insider)
    home = client.get("/").content.decode()
    assert "Closed budget question" in home and "wrote in" in home
    community_home = client.get("/communities/priv/").content.decode()
    assert "Closed budget question" in community_home and "Open floodplain" not in community_home


def test_the_hub_home_feed_runs_a_constant_number_of_queries(client, community):
    writer = member_of(community)
    client.force_login(writer)

    def grow(n):
        for index in range(n):
            topic = start(community, member_of(community), kind="discussion", title=f"T{index}")
            services.post_reply(actor=writer, topic=topic, body="Reply")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    grow(2)
    small = count()
    grow(12)
    assert count() == small


def test_new_accounts_are_limited_in_posts_and_links_and_moderators_are_not(community, settings):
    settings.NEW_ACCOUNT_POSTS_PER_HOUR = 3
    newcomer = member_of(community, user__date_joined=timezone.now())
    topic = start(community, newcomer)
    with pytest.raises(services.DiscussionError, match="at most 2 links"):
        services.post_reply(
            actor=newcomer, topic=topic, body="https://a.example https://b.example www.c.example"
        )
    services.post_reply(actor=newcomer, topic=topic, body="Two")
    services.post_reply(actor=newcomer, topic=topic, body="Three")
    with pytest.raises(services.DiscussionError, match="3 messages an hour"):
        services.post_reply(actor=newcomer, topic=topic, body="Four")
    veteran = member_of(community)
    for n in range(4):
        services.post_reply(
            actor=veteran, topic=topic, body=f"https://a.example https://b.example https://c.example {n}"
        )
    moderator = member_of(community, Role.MODERATOR)
    for n in range(4):
        services.post_reply(actor=moderator, topic=topic, body=f"Note {n}")


def test_slow_mode_spaces_out_replies(client, community):
    veteran = member_of(community)
    moderator = member_of(community, Role.MODERATOR)
    topic = start(community, moderator)
    client.force_login(moderator)
    client.post(
        f"/communities/wash/topics/{topic.pk}/moderate/",
        {"verb": "slow", "seconds": "600", "reason": "Heated"},
    )
    topic.refresh_from_db()
    assert topic.slow_mode_seconds == 600
    assert ModerationAction.objects.get(verb="slow").reason == "Heated"
    services.post_reply(actor=veteran, topic=topic, body="First")
    with pytest.raises(services.DiscussionError, match="slow mode: one message every 10 minutes"):
        services.post_reply(actor=veteran, topic=topic, body="Second")
    services.post_reply(actor=moderator, topic=topic, body="Moderators are not slowed")
    bad = client.post(
        f"/communities/wash/topics/{topic.pk}/moderate/", {"verb": "slow", "seconds": "17"}, follow=True
    )
    assert "Choose one of the slow mode settings." in bad.content.decode()


def test_a_moderator_of_both_communities_moves_a_topic_and_it_follows_in_search(client, community):
    from catchment.search.models import SearchDocument

    target = CommunityFactory(slug="sanitation", name="Sanitation CoP", visibility="private")
    moderator = member_of(community, Role.MODERATOR)
    topic = start(community, member_of(community), title="Faecal sludge question")
    with pytest.raises(PermissionDenied):
        services.topic_move(actor=moderator, topic=topic, target=target)
    MembershipFactory(community=target, user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)
    page = client.get(f"/communities/wash/topics/{topic.pk}/").content.decode()
    assert "Sanitation CoP" in page
    response = client.post(
        f"/communities/wash/topics/{topic.pk}/move/", {"target": target.pk, "reason": "Better fit"}
    )
    assert response["Location"] == f"/communities/sanitation/topics/{topic.pk}/"
    topic.refresh_from_db()
    assert topic.community == target
    assert ModerationAction.objects.filter(verb="move").count() == 2
    assert SearchDocument.objects.get(kind="topic", object_id=topic.pk).community == target
    assert client.get(f"/communities/wash/topics/{topic.pk}/").status_code == 404


def test_reactions_toggle_count_and_are_for_other_peoples_posts(client, community):
    from catchment.discussions.models import Reaction

    author, reader = member_of(community), member_of(community)
    topic = start(community, author)
    opening = topic.posts.get()
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(actor=author, post=opening, kind="thanks")
    with pytest.raises(services.DiscussionError):
        services.reaction_toggle(actor=reader, post=opening, kind="shouting")
    client.force_login(reader)
    url = f"/communities/wash/topics/{topic.pk}/posts/{opening.pk}/react/"
    client.post(url, {"kind": "thanks"})
    page = client.get(f"/communities/wash/topics/{topic.pk}/").content.decode()
    assert 'aria-pressed="true">🙏 Thanks (1)' in page
    client.post(url, {"kind": "thanks"})
    assert Reaction.objects.count() == 0
    services.reaction_toggle(actor=reader, post=opening, kind="insightful")
    client.force_login(author)
    assert "💡 Insightful (1)" in client.get(f"/communities/wash/topics/{topic.pk}/").content.decode()


def test_large_message_numbers_reach_forms_and_links_unlocalised(client, community):
    """With thousand separators on, {{ post.pk }} would print "12,345": the accept form and the reply
    links must carry the bare number."""
    asker, helper = member_of(community), member_of(community)
    topic = start(community, asker)
    Post.objects.create(pk=12345, topic=topic, number=2, author=helper, body="Use 0.5 mg/l.")
    Topic.objects.filter(pk=topic.pk).update(reply_count=1)
    client.force_login(asker)
    page = client.get(f"/communities/wash/topics/{topic.pk}/").content.decode()
    assert 'name="post" value="12345"' in page
    assert "?reply_to=12345#reply" in page and "12,345" not in page
    accepted = client.post(f"/communities/wash/topics/{topic.pk}/accept/", {"post": "12345"})
    assert accepted.status_code == 302
    topic.refresh_from_db()
    assert topic.accepted_post_id == 12345


def test_the_flag_form_has_its_own_page_linked_from_each_message(client, community):
    asker, reader = member_of(community), member_of(community)
    topic = start(community, asker, body="Buy our spray!")
    opening = topic.posts.get(number=1)
    url = f"/communities/wash/topics/{topic.pk}/posts/{opening.pk}/flag/"
    client.force_login(reader)
    assert f'href="{url}"' in client.get(f"/communities/wash/topics/{topic.pk}/").content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "Buy our spray!" in page.content.decode() and 'name="reason"' in page.content.decode()
    sent = client.post(url, {"reason": "spam", "note": "advert"})
    assert sent.status_code == 302 and opening.flags.count() == 1
    client.force_login(asker)  # nobody flags their own message
    assert client.get(url).status_code == 404
    assert f'href="{url}"' not in client.get(f"/communities/wash/topics/{topic.pk}/").content.decode()
