"""The systems-map pages (domain.md §5): building the groundwater map of §5.4 through the forms, who reads
and who draws, refusals that keep what was typed, the Kumu import and export, and constant queries."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catchment.alliances import map_selectors, map_services
from catchment.alliances.models import CausalLink, LoopNote, SystemMap, Variable
from catchment.communities.tests.factories import CommunityFactory, person_in_role

pytestmark = pytest.mark.django_db

VARIABLES = [
    ("Irrigated area", "economic"),
    ("Groundwater abstraction", "hydrological"),
    ("Groundwater level", "hydrological"),
    ("Pumping cost", "economic"),
    ("Farm income", "economic"),
    ("Investment in wells", "economic"),
    ("Awareness of scarcity", "social"),
    ("Regulation enforcement", "governance"),
]
LINKS = [
    ("Irrigated area", "Groundwater abstraction", 1),
    ("Groundwater abstraction", "Groundwater level", -1),
    ("Groundwater level", "Pumping cost", -1),
    ("Pumping cost", "Irrigated area", -1),
    ("Irrigated area", "Farm income", 1),
    ("Farm income", "Investment in wells", 1),
    ("Investment in wells", "Irrigated area", 1),
    ("Groundwater level", "Awareness of scarcity", -1),
    ("Awareness of scarcity", "Regulation enforcement", 1),
    ("Regulation enforcement", "Groundwater abstraction", -1),
]
DELAYED = ("Farm income", "Investment in wells")


@pytest.fixture
def community():
    return CommunityFactory(slug="aquifer", name="Aquifer CoP", stage="launched")


@pytest.fixture
def moderator(community):
    return person_in_role("moderator", community)


def url(community, pk=None, rest=""):
    base = f"/communities/{community.slug}/maps/"
    return base if pk is None else f"{base}{pk}/{rest}"


def built(community, moderator, variables=VARIABLES, links=LINKS, title="Groundwater in the plain"):
    """The map built with the services (the forms are tested in the first test)."""
    system_map = map_services.map_save(actor=moderator, community=community, values={"title": title})
    ids = {}
    for label, domain in variables:
        ids[label] = map_services.variable_save(
            actor=moderator, system_map=system_map, values={"label": label, "domain": domain}
        )
    for source, target, polarity in links:
        map_services.link_save(
            actor=moderator,
            system_map=system_map,
            source=ids[source],
            target=ids[target],
            polarity=polarity,
            delay=(source, target) == DELAYED,
        )
    return system_map, ids


def loops_of(page):
    """(polarity word, path) of each loop listed on the page."""
    return re.findall(r'<h3>[^<]*?: (Reinforcing|Balancing).*?<p class="loop-path">([^<]*)</p>', page, re.S)


def test_a_moderator_builds_the_groundwater_map_through_the_forms(client, community, moderator):
    client.force_login(moderator)
    response = client.post(
        url(community),
        {"title": "Groundwater in the plain", "framing_question": "Why does the water table keep falling?"},
    )
    assert response.status_code == 302
    system_map = SystemMap.objects.get(community=community)
    assert response["Location"] == url(community, system_map.pk)
    for label, domain in VARIABLES:
        response = client.post(
            url(community, system_map.pk, "variables/"),
            {"label": label, "type": "factor", "domain": domain, "force": "neutral"},
        )
        assert response.status_code == 302, response.content.decode()[:500]
    ids = dict(Variable.objects.filter(map=system_map).values_list("label", "pk"))
    for source, target, polarity in LINKS:
        response = client.post(
            url(community, system_map.pk, "links/"),
            {
                "source": ids[source],
                "target": ids[target],
                "polarity": str(polarity),
                "delay": "on" if (source, target) == DELAYED else "",
                "strength": "2",
                "confidence": "3",
                "evidence": "Field survey 2024",
            },
        )
        assert response.status_code == 302, response.content.decode()[:500]
    assert CausalLink.objects.filter(map=system_map).count() == 10

    page = client.get(url(community, system_map.pk)).content.decode()
    assert "3 loops: 1 reinforcing, 2 balancing." in page
    found = loops_of(page)
    assert sorted(kind for kind, _path in found) == ["Balancing", "Balancing", "Reinforcing"]
    paths = {path for _kind, path in found}
    assert (
        "Irrigated area → Groundwater abstraction → Groundwater level → Pumping cost → back to Irrigated area"
        in paths
    )
    assert "Irrigated area → Farm income → Investment in wells → back to Irrigated area" in paths
    assert page.count("3 negative links.") == 2 and "0 negative links." in page
    assert "Delayed: Farm income → Investment in wells." in page
    # The drawing: an image with its title and description, a node per variable and a link per link.
    assert 'role="img" aria-labelledby="systems-map-title systems-map-desc"' in page
    assert page.count('class="node ') == 8 and page.count('class="link ') == 10
    assert page.count('<path class="delay"') == 1
    # The loops know their links and variables, for the script that lights them up.
    assert page.count("data-loop-links=") == 3
    assert "systems-map.js" in page and "<script>" not in page
    # The analysis and the checks.
    assert "Influence and dependence of each variable" in page and "Driver: a leverage candidate" in page
    assert "Socio-hydrology checks" in page and "cross between the human side and the water side" in page

    # Naming a loop: its key comes from the page's form.
    key = re.search(r'name="key" value="([\d-]+)"', page).group(1)
    response = client.post(
        url(community, system_map.pk, "loops/"),
        {"key": key, "name": "The pumping race", "narrative": "More wells, less water.", "deep": "on"},
    )
    assert response.status_code == 302
    note = LoopNote.objects.get(map=system_map)
    assert (note.name, note.is_deep_structure) == ("The pumping race", True)
    page = client.get(url(community, system_map.pk)).content.decode()
    assert "The pumping race" in page and "Deep structure" in page


@pytest.mark.parametrize("polarity", [None, "", "0", "x", "2", "+1"])
def test_a_link_without_a_valid_polarity_is_refused_and_nothing_is_saved(
    client, community, moderator, polarity
):
    system_map, ids = built(community, moderator, links=[])
    client.force_login(moderator)
    data = {
        "source": ids["Groundwater level"].pk,
        "target": ids["Pumping cost"].pk,
        "evidence": "Farmers said so at the May workshop",
        "strength": "3",
    }
    if polarity is not None:
        data["polarity"] = polarity
    response = client.post(url(community, system_map.pk, "links/"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the link&#x27;s polarity: + (same direction) or − (opposite direction)." in page
    assert 'id="id_link_polarity_errors"' in page  # next to the field, which it names
    assert "Farmers said so at the May workshop" in page  # what was typed is kept
    assert f'<option value="{ids["Pumping cost"].pk}" selected>' in page
    assert not CausalLink.objects.exists()


def test_other_malformed_links_are_form_errors_not_failures(client, community, moderator):
    system_map, ids = built(community, moderator, links=[])
    client.force_login(moderator)
    endpoint = url(community, system_map.pk, "links/")
    level = ids["Groundwater level"].pk
    for data in (
        {"source": "abc", "target": level, "polarity": "1"},
        {"source": "", "target": level, "polarity": "1"},
        {"source": level, "target": level, "polarity": "1"},
        {"source": level, "target": ids["Pumping cost"].pk, "polarity": "1", "strength": "9"},
        {"source": "1" * 40, "target": level, "polarity": "1"},
    ):
        assert client.post(endpoint, data).status_code == 400, data
    assert not CausalLink.objects.exists()


def test_links_to_variables_of_another_map_or_none_are_404(client, community, moderator):
    system_map, ids = built(community, moderator, links=[])
    other_map, other_ids = built(community, moderator, links=[], title="Another map")
    outside = CommunityFactory()
    elsewhere, elsewhere_ids = built(outside, person_in_role("convenor", outside), links=[])
    client.force_login(moderator)
    endpoint = url(community, system_map.pk, "links/")
    level = ids["Groundwater level"].pk
    for foreign in (other_ids["Pumping cost"].pk, elsewhere_ids["Pumping cost"].pk, 999_999):
        assert client.post(endpoint, {"source": level, "target": foreign, "polarity": "1"}).status_code == 404
        assert client.post(endpoint, {"source": foreign, "target": level, "polarity": "1"}).status_code == 404
    assert not CausalLink.objects.exists()
    # The same for the other numbers in addresses.
    link = map_services.link_save(
        actor=moderator,
        system_map=other_map,
        source=other_ids["Groundwater level"],
        target=other_ids["Pumping cost"],
        polarity=-1,
    )
    assert client.post(url(community, system_map.pk, f"links/{link.pk}/delete/")).status_code == 404
    foreign_variable = other_ids["Farm income"].pk
    assert client.get(url(community, system_map.pk, f"variables/{foreign_variable}/")).status_code == 404
    assert (
        client.post(url(community, system_map.pk, f"variables/{foreign_variable}/delete/")).status_code == 404
    )
    assert client.get(url(community, elsewhere.pk)).status_code == 404
    assert client.get(url(community, 999_999)).status_code == 404
    assert CausalLink.objects.count() == 1 and Variable.objects.filter(pk=foreign_variable).exists()


def test_members_read_the_maps_but_cannot_change_them(client, community, moderator):
    system_map, ids = built(community, moderator)
    member = person_in_role("member", community)
    client.force_login(member)
    page = client.get(url(community, system_map.pk)).content.decode()
    assert "3 loops" in page
    assert "Add a variable" not in page and "Name this loop" not in page and "/delete/" not in page
    assert client.get(url(community)).status_code == 200
    level = ids["Groundwater level"].pk
    attempts = [
        ("post", url(community), {"title": "Mine"}),
        ("get", url(community) + "import/", {}),
        ("get", url(community, system_map.pk, "settings/"), {}),
        ("post", url(community, system_map.pk, "settings/"), {"title": "Renamed"}),
        ("post", url(community, system_map.pk, "variables/"), {"label": "Rainfall"}),
        ("get", url(community, system_map.pk, f"variables/{level}/"), {}),
        ("post", url(community, system_map.pk, f"variables/{level}/delete/"), {}),
        (
            "post",
            url(community, system_map.pk, "links/"),
            {"source": level, "target": level, "polarity": "1"},
        ),
        ("post", url(community, system_map.pk, f"links/{CausalLink.objects.first().pk}/delete/"), {}),
        ("post", url(community, system_map.pk, "loops/"), {"key": "1-2", "name": "Mine"}),
    ]
    for method, address, data in attempts:
        assert getattr(client, method)(address, data).status_code == 404, address
    assert Variable.objects.filter(map=system_map).count() == 8 and CausalLink.objects.count() == 10
    assert SystemMap.objects.get().title == "Groundwater in the plain"


def test_anonymous_visitors_read_public_maps_but_not_private_ones(client, community, moderator):
    system_map, _ids = built(community, moderator)
    page = client.get(url(community, system_map.pk))
    assert page.status_code == 200 and "3 loops" in page.content.decode()
    assert "Add a variable" not in page.content.decode()
    assert client.get(url(community)).status_code == 200
    assert client.get(f"/communities/aquifer/maps/{system_map.pk}.json").status_code == 200
    assert client.get(url(community, system_map.pk, "analysis.csv")).status_code == 200
    home = client.get("/communities/aquifer/").content.decode()
    assert 'href="/communities/aquifer/maps/"' in home and "Systems maps" in home
    # Changing needs signing in.
    response = client.post(url(community, system_map.pk, "variables/"), {"label": "Rainfall"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(url(community), {"title": "Anonymous"}).status_code == 404

    community.visibility = "private"
    community.save()
    for address in (
        url(community),
        url(community, system_map.pk),
        f"/communities/aquifer/maps/{system_map.pk}.json",
        url(community, system_map.pk, "analysis.csv"),
    ):
        assert client.get(address).status_code == 404, address
    assert "Systems maps" not in client.get("/communities/aquifer/").content.decode()
    client.force_login(person_in_role("non_member", community))
    assert client.get(url(community, system_map.pk)).status_code == 404
    client.force_login(person_in_role("member", community))
    assert client.get(url(community, system_map.pk)).status_code == 200


def test_archived_communities_maps_are_read_only(client, community, moderator):
    system_map, ids = built(community, moderator)
    community.stage = "archived"
    community.save()
    client.force_login(moderator)
    page = client.get(url(community, system_map.pk)).content.decode()
    assert "3 loops" in page and "Add a variable" not in page and "Name this loop" not in page
    assert "Start a map" not in client.get(url(community)).content.decode()
    level = ids["Groundwater level"].pk
    assert client.post(url(community, system_map.pk, "variables/"), {"label": "Rainfall"}).status_code == 404
    assert client.post(url(community, system_map.pk, f"variables/{level}/delete/")).status_code == 404
    assert client.post(url(community), {"title": "New"}).status_code == 404
    assert client.get(url(community) + "import/").status_code == 404
    assert Variable.objects.filter(map=system_map).count() == 8
    assert client.get(f"/communities/aquifer/maps/{system_map.pk}.json").status_code == 200


def test_variables_are_changed_and_deleted_with_their_links(client, community, moderator):
    system_map, ids = built(community, moderator)
    client.force_login(moderator)
    level = ids["Groundwater level"]
    edit = url(community, system_map.pk, f"variables/{level.pk}/")
    assert 'value="Groundwater level"' in client.get(edit).content.decode()
    # A label that another variable has is refused, with what was typed kept.
    clash = client.post(edit, {"label": "pumping cost", "type": "stock", "force": "neutral", "unit": "m"})
    assert clash.status_code == 400
    assert "The map already has a variable called “pumping cost”." in clash.content.decode()
    assert 'value="m"' in clash.content.decode()
    response = client.post(
        edit, {"label": "Depth to groundwater", "type": "stock", "domain": "hydrological", "force": "neutral"}
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.label, level.type) == ("Depth to groundwater", "stock")
    # An unknown choice is a form error.
    assert client.post(edit, {"label": "Depth", "type": "ocean", "force": "neutral"}).status_code == 400
    response = client.post(url(community, system_map.pk, f"variables/{level.pk}/delete/"))
    assert response.status_code == 302
    assert not Variable.objects.filter(pk=level.pk).exists()
    assert CausalLink.objects.filter(map=system_map).count() == 7
    page = client.get(url(community, system_map.pk)).content.decode()
    assert "1 loop: 1 reinforcing, 0 balancing." in page
    # A variable form without a label comes back with the error, not a failure.
    empty = client.post(url(community, system_map.pk, "variables/"), {"label": "", "notes": "kept"})
    assert empty.status_code == 400 and "kept</textarea>" in empty.content.decode()


def test_map_settings_and_links_can_be_changed(client, community, moderator):
    system_map, ids = built(community, moderator)
    client.force_login(moderator)
    response = client.post(
        url(community, system_map.pk, "settings/"),
        {"title": "Plain aquifer", "guiding_star": "A living aquifer", "near_star": "Abstraction capped"},
    )
    assert response.status_code == 302
    page = client.get(url(community, system_map.pk)).content.decode()
    assert "A living aquifer" in page and "Abstraction capped" in page
    assert client.post(url(community, system_map.pk, "settings/"), {"title": ""}).status_code == 400
    link = CausalLink.objects.get(source=ids["Pumping cost"], target=ids["Irrigated area"])
    assert client.post(url(community, system_map.pk, f"links/{link.pk}/delete/")).status_code == 302
    page = client.get(url(community, system_map.pk)).content.decode()
    assert "2 loops: 1 reinforcing, 1 balancing." in page


def test_loop_notes_for_loops_not_on_the_map_are_refused(client, community, moderator):
    system_map, _ids = built(community, moderator)
    client.force_login(moderator)
    endpoint = url(community, system_map.pk, "loops/")
    for key in ("1-2", "abc", ""):
        response = client.post(endpoint, {"key": key, "name": "Ghost"}, follow=True)
        assert "This loop is no longer on the map" in response.content.decode()
    assert client.get(endpoint).status_code == 405
    assert not LoopNote.objects.exists()
    page = client.get(url(community, system_map.pk)).content.decode()
    key = re.search(r'name="key" value="([\d-]+)"', page).group(1)
    # A refused form comes back open on the map page, with what was typed.
    too_long = client.post(endpoint, {"key": key, "name": "N" * 300, "narrative": "kept"})
    assert too_long.status_code == 400
    page = too_long.content.decode()
    assert "N" * 300 in page and "kept</textarea>" in page and "<details open>" in page
    assert not LoopNote.objects.exists()


def test_a_map_with_many_loops_lists_some_and_stays_light(client, community, moderator):
    labels = [(f"Variable number {n}", "social" if n % 2 else "hydrological") for n in range(12)]
    links = [
        (f"Variable number {n}", f"Variable number {(n + step) % 12}", 1 if (n + step) % 3 else -1)
        for n in range(12)
        for step in (1, 2, 5)
    ]
    dense, _ids = built(community, moderator, variables=labels, links=links, title="Dense")
    client.force_login(moderator)
    page = client.get(url(community, dense.pk)).content.decode()
    assert page.count("data-loop-links=") == map_selectors.MAX_LOOPS
    assert "The map has more loops than can be listed" in page
    assert "<details" not in page and page.count('href="?loop=') == map_selectors.MAX_LOOPS
    # Asking for one loop opens its form, and only its.
    key = re.search(r'href="\?loop=([\d-]+)#loop-7"', page).group(1)
    page = client.get(url(community, dense.pk), {"loop": key}).content.decode()
    assert page.count("<details") == 1 and "<details open>" in page and f'value="{key}"' in page
    assert len(page.encode()) < 120 * 1024
    listed = client.get(url(community)).content.decode()
    assert f"{map_selectors.MAX_LOOPS}+" in listed


def kumu(connections=None):
    return {
        "elements": [
            {"id": f"el-{index}", "label": label, "domain": domain}
            for index, (label, domain) in enumerate(VARIABLES, start=1)
        ],
        "connections": connections
        if connections is not None
        else [
            {
                "from": source,
                "to": target,
                "type": "+" if polarity > 0 else "-",
                "delay": (source, target) == DELAYED,
            }
            for source, target, polarity in LINKS
        ],
        "loops": [
            {
                "label": "Wells pay for wells",
                "description": "Income buys wells.",
                "elements": ["Irrigated area", "Farm income", "Investment in wells"],
            }
        ],
    }


def upload(content, name="map.json"):
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_a_valid_kumu_file_creates_the_map(client, community, moderator):
    client.force_login(moderator)
    assert client.get(url(community) + "import/").status_code == 200
    response = client.post(
        url(community) + "import/", {"file": upload(json.dumps(kumu()).encode(), "groundwater_plain.json")}
    )
    assert response.status_code == 302
    system_map = SystemMap.objects.get(community=community)
    assert system_map.title == "groundwater plain"
    assert Variable.objects.filter(map=system_map).count() == 8
    assert CausalLink.objects.filter(map=system_map).count() == 10
    assert LoopNote.objects.get(map=system_map).name == "Wells pay for wells"
    page = client.get(response["Location"]).content.decode()
    assert "3 loops: 1 reinforcing, 2 balancing." in page and "Wells pay for wells (R1)" in page


def test_a_connection_to_an_unknown_element_is_refused_naming_it_and_nothing_is_created(
    client, community, moderator
):
    client.force_login(moderator)
    connections = [{"from": "Nowhere", "to": "Groundwater level", "type": "+"}]
    response = client.post(
        url(community) + "import/",
        {"title": "Broken", "file": upload(json.dumps(kumu(connections)).encode())},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Connection 1, field “from”: no element is called or numbered “Nowhere”." in page
    assert "Nothing was imported" in page and 'value="Broken"' in page
    assert not SystemMap.objects.exists() and not Variable.objects.exists()
    missing_sign = [{"from": "Irrigated area", "to": "Groundwater level", "type": "maybe"}]
    response = client.post(
        url(community) + "import/", {"file": upload(json.dumps(kumu(missing_sign)).encode())}
    )
    assert response.status_code == 400 and "Connection 1, field “polarity”" in response.content.decode()
    assert not SystemMap.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00\x81 not text", "The file is not UTF-8 text"),
        (b"elements: [Rainfall]", "The file is not valid JSON (line 1, column 1)"),
        (b"[" * 100_000, "The file is not"),
        (b"1" * 5000, "The file is not a map this hub can read"),
        (b"[1, 2]", "The file is not a map: it needs an “elements” list"),
        (b'{"elements": []}', "The file has no elements."),
        (b"", "The file is empty"),
        (b" " * (1024 * 1024 + 1), "The file is larger than 1.0"),
    ],
)
def test_files_that_are_not_maps_are_refused_without_a_failure(
    client, community, moderator, content, message
):
    client.force_login(moderator)
    response = client.post(url(community) + "import/", {"file": upload(content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SystemMap.objects.exists()


def test_an_import_without_a_file_says_so(client, community, moderator):
    client.force_login(moderator)
    response = client.post(url(community) + "import/", {"title": "No file"})
    assert response.status_code == 400 and "Choose the JSON file to import." in response.content.decode()


def test_the_json_export_imports_back_with_the_same_loops_and_polarities(client, community, moderator):
    system_map, _ids = built(community, moderator)
    client.force_login(moderator)
    page = client.get(url(community, system_map.pk)).content.decode()
    key = re.search(r'name="key" value="([\d-]+)"', page).group(1)
    client.post(
        url(community, system_map.pk, "loops/"), {"key": key, "name": "Named loop", "narrative": "Story"}
    )
    exported = client.get(f"/communities/aquifer/maps/{system_map.pk}.json")
    assert exported["Content-Type"] == "application/json; charset=utf-8"
    assert exported["Content-Disposition"] == f'attachment; filename="aquifer-map-{system_map.pk}.json"'
    data = json.loads(exported.content)
    assert len(data["elements"]) == 8 and len(data["connections"]) == 10 and len(data["loops"]) == 3

    response = client.post(url(community) + "import/", {"title": "Copy", "file": upload(exported.content)})
    assert response.status_code == 302
    copy = SystemMap.objects.get(title="Copy")

    def polarities(target_map):
        return sorted(
            (link.source.label, link.target.label, link.polarity, link.delay)
            for link in CausalLink.objects.filter(map=target_map).select_related("source", "target")
        )

    assert polarities(copy) == polarities(system_map)
    assert sorted(loops_of(client.get(url(community, copy.pk)).content.decode())) == sorted(loops_of(page))
    # The loop's name comes along; the codes given to unnamed loops in the file (R1, B2) are not names.
    assert [note.name for note in LoopNote.objects.filter(map=copy)] == ["Named loop"]
    again = json.loads(client.get(f"/communities/aquifer/maps/{copy.pk}.json").content)
    assert sorted(loop["type"] for loop in again["loops"]) == sorted(loop["type"] for loop in data["loops"])


def test_the_csv_holds_the_analysis_and_the_loops(client, community, moderator):
    system_map, _ids = built(community, moderator)
    response = client.get(url(community, system_map.pk, "analysis.csv"))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "variable,type,domain,force,cause_type,unit,influence,dependence,quadrant"
    assert "Groundwater level,factor,hydrological,neutral,,,2.0,1.0," in "\n".join(lines)
    assert "Irrigated area,factor,economic,neutral,,,2.0,2.0," in "\n".join(lines)
    header = lines.index("loop,polarity,negative_links,delay,variables,name,narrative,deep_structure")
    loops = lines[header + 1 :]
    assert len(loops) == 3 and sum(line.split(",")[1] == "B" for line in loops) == 2


def test_the_list_shows_each_map_with_its_counts(client, community, moderator):
    built(community, moderator)
    built(community, moderator, variables=VARIABLES[:2], links=LINKS[:1], title="A small one")
    page = client.get(url(community)).content.decode()
    rows = re.findall(r"<tr><th scope=\"row\"><a[^>]*>([^<]*)</a>.*?</th>(.*?)</tr>", page, re.S)
    counts = {title: re.findall(r'<td class="number">(\d+)</td>', cells) for title, cells in rows}
    assert counts == {"A small one": ["2", "1", "0"], "Groundwater in the plain": ["8", "10", "3"]}


def count_queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_map_page_runs_a_constant_number_of_queries(client, community, moderator):
    few = [(f"Variable {n}", "social" if n % 2 else "hydrological") for n in range(3)]
    many = [(f"Variable {n}", "social" if n % 2 else "hydrological") for n in range(12)]
    ring = [(f"Variable {n}", f"Variable {(n + 1) % 12}", -1 if n % 3 else 1) for n in range(12)]
    triangle = [
        ("Variable 0", "Variable 1", 1),
        ("Variable 1", "Variable 2", -1),
        ("Variable 2", "Variable 0", 1),
    ]
    small, _ids = built(community, moderator, variables=few, links=triangle)
    big, _ids = built(community, moderator, variables=many, links=ring, title="Big")
    client.force_login(moderator)
    assert count_queries(client, url(community, small.pk)) == count_queries(client, url(community, big.pk))
    client.logout()
    assert count_queries(client, url(community, small.pk)) == count_queries(client, url(community, big.pk))
    client.force_login(moderator)
    one_map = count_queries(client, url(community))
    for n in range(4):
        built(community, moderator, variables=few, links=[], title=f"More {n}")
    assert count_queries(client, url(community)) == one_map


def test_the_map_page_is_light(client, community, moderator):
    system_map, _ids = built(community, moderator)
    client.force_login(moderator)
    response = client.get(url(community, system_map.pk))
    html = response.content.decode()
    total = len(response.content)
    for path in re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
        found = finders.find(path)
        assert found, path
        with open(found, "rb") as handle:
            total += len(handle.read())
    assert total < 100 * 1024


def test_drawings_keep_svg_numbers_whatever_the_language(client, community, moderator):
    system_map, _ids = built(community, moderator)
    moderator.language = "fr"
    moderator.save()
    client.force_login(moderator)
    page = client.get(url(community, system_map.pk)).content.decode()
    numbers = re.findall(r'\b(?:cx|cy|r|x|y|dx|dy|data-x|data-y|width|height)="([^"]+)"', page)
    numbers += re.findall(r'transform="translate\(([^)]+)\)"', page) + re.findall(r' d="([^"]+)"', page)
    assert numbers and all("," not in value for value in numbers)


def test_a_deleted_map_community_or_map_is_404(client, community):
    assert client.get("/communities/nowhere/maps/").status_code == 404
    assert client.get(url(community, 12345)).status_code == 404
    assert client.get(url(community, 12345, "analysis.csv")).status_code == 404
