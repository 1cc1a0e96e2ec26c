"""The insights pages: who sees what, the pictures and tables, exports, and constant queries."""

import io

import networkx as nx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catchment.accounts.tests.factories import UserFactory
from catchment.insights import services
from catchment.insights.models import MapOptOut
from catchment.insights.tests.test_compute import lively, member  # noqa: F401 - the fixture


@pytest.fixture
def computed(lively):  # noqa: F811
    community, convenor, people, topic = lively
    services.compute_community(community)
    return community, convenor, people, topic


def test_moderators_see_the_dashboard_with_the_bulb_and_health(client, computed):
    _community, convenor, _people, _topic = computed
    client.force_login(convenor)
    page = client.get("/communities/lively/insights/").content.decode()
    assert 'class="bulb"' in page and "Levels of participation" in page
    assert "Median time to a first reply" in page and "Week by week" in page
    assert "Download as GraphML" in page
    assert client.get("/communities/lively/insights/?by=country").status_code == 200
    assert client.get("/communities/lively/insights/?by=<script>").status_code == 200


def test_members_see_only_their_own_level(client, computed):
    _community, _convenor, people, _topic = computed
    client.force_login(people[1])
    assert client.get("/communities/lively/insights/").status_code == 404
    assert client.get("/communities/lively/insights/network/").status_code == 404
    assert client.get("/communities/lively/insights/network.graphml").status_code == 404
    mine = client.get("/communities/lively/insights/me/").content.decode()
    assert "your level of participation is" in mine
    client.force_login(UserFactory())
    assert client.get("/communities/lively/insights/me/").status_code == 404


def test_the_network_is_drawn_tabled_and_exported_with_names_only_where_allowed(client, computed):
    _community, convenor, people, _topic = computed
    MapOptOut.objects.create(user=people[1])
    client.force_login(convenor)
    page = client.get("/communities/lively/insights/network/").content.decode()
    assert "<circle" in page and "d3-force.min.js" in page
    assert people[0].display_name in page
    assert people[1].display_name not in page  # opted out: a number instead
    graphml = client.get("/communities/lively/insights/network.graphml")
    assert graphml["Content-Type"].startswith("application/graphml+xml")
    graph = nx.read_graphml(io.StringIO(graphml.content.decode()))
    labels = {data["label"] for _node, data in graph.nodes(data=True)}
    assert people[0].display_name in labels and people[1].display_name not in labels
    # Ids say nothing about accounts, so the pseudonym of someone who opted out cannot be matched elsewhere.
    assert all(node.startswith("p") for node in graph.nodes)
    assert f'data-id="{people[1].pk}"' not in page and 'data-id="p1"' in page
    csv = client.get("/communities/lively/insights/network.csv").content.decode()
    assert csv.startswith("name,cluster,degree")


def test_recompute_and_settings_are_for_those_who_may(client, computed):
    community, convenor, people, _topic = computed
    client.force_login(people[1])
    assert client.post("/communities/lively/insights/recompute/").status_code == 404
    assert client.get("/communities/lively/insights/settings/").status_code == 404
    client.force_login(convenor)
    assert client.post("/communities/lively/insights/recompute/").status_code == 302
    response = client.post(
        "/communities/lively/insights/settings/",
        {
            "window_days": 60,
            "topic_weight": 3,
            "reply_weight": 2,
            "resource_weight": 2,
            "attendance_weight": 1,
            "hosting_weight": 5,
            "active_weeks": 3,
            "active_contributions": 3,
            "core_weeks": 6,
            "core_percent": 15,
            "lethargy_days": 30,
        },
    )
    assert response.status_code == 302
    from catchment.insights.models import LevelSettings

    assert LevelSettings.objects.get(community=community).window_days == 60
    bad = client.post("/communities/lively/insights/settings/", {"window_days": 5000})
    assert bad.status_code == 400


def test_the_hub_team_compares_all_communities(client, computed):
    community, convenor, _people, _topic = computed
    services.compute_hub()
    client.force_login(convenor)
    assert client.get("/insights/").status_code == 404
    client.force_login(UserFactory(is_staff=True))
    page = client.get("/insights/?sort=mau").content.decode()
    assert community.name in page
    assert client.get("/insights/communities.csv").content.decode().startswith("community,stage")
    assert client.get("/insights/?sort=bogus").status_code == 200


@pytest.mark.parametrize("path", ["insights/", "insights/network/", "insights/me/"])
def test_insights_pages_read_the_snapshot_in_a_constant_number_of_queries(client, computed, path):
    from catchment.discussions import services as discussions

    community, convenor, _people, topic = computed
    client.force_login(convenor)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/communities/lively/{path}").status_code == 200
        return len(captured)

    small = count()
    for n in range(12):
        newcomer = member(community)
        discussions.post_reply(actor=newcomer, topic=topic, body=f"Me too {n}")
    services.compute_community(community)
    assert count() == small


def test_drawings_keep_svg_numbers_whatever_the_language(client, computed):
    import re

    _community, convenor, _people, _topic = computed
    convenor.language = "es"
    convenor.save()
    client.force_login(convenor)
    for path in ("insights/network/", "insights/"):
        page = client.get(f"/communities/lively/{path}").content.decode()
        numbers = re.findall(r'\b(?:cx|cy|r|x|y|height|width|x1|y1)="([^"]+)"', page)
        assert numbers and all("," not in value for value in numbers), path
