"""World Café harvests through the API: read by whoever sees the event, written by the table's people."""

from __future__ import annotations

from catchment.events import services
from catchment.events.models import CafeTable, Harvest, Seat
from catchment.events.tests.test_cafe import cafe_event, setup

from .conftest import bearer, token_for


def test_a_table_host_writes_the_harvest_and_everyone_reads_it(api, db):
    from catchment.accounts.tests.factories import UserFactory

    team = UserFactory(is_staff=True)
    event, people = cafe_event(team, people=12)
    services.cafe_setup(
        actor=team, event=event, setup=setup(people[:2], rounds=2, questions=["Why?", "How?"])
    )
    services.cafe_seat(actor=team, event=event, seed=3)
    table = CafeTable.objects.filter(cafe=event.cafe).order_by("position").first()
    host = table.host
    url = f"/api/v1/events/{event.pk}/cafe/tables/{table.pk}/rounds/1/harvest/"
    written = bearer(token_for(host, "write")).put(
        url, {"notes": "Trust grew slowly", "insights": "Meet often"}, format="json"
    )
    assert written.status_code == 200, written.json()
    assert written.json()["question"] == "Why?"
    stranger = next(
        p for p in people if not Seat.objects.filter(table=table, round_no=1, user=p).exists() and p != host
    )
    refused = bearer(token_for(stranger, "write")).put(url, {"notes": "Not my table"}, format="json")
    assert refused.status_code == 403
    assert Harvest.objects.get().notes == "Trust grew slowly"
    read = api.get(f"/api/v1/events/{event.pk}/cafe/").json()
    assert read["rounds"] == 2
    assert [(h["table_label"], h["round"], h["insights"]) for h in read["harvests"]] == [
        (table.label, 1, "Meet often")
    ]
    assert (
        bearer(token_for(host, "write"))
        .put(url.replace("/rounds/1/", "/rounds/3/"), {"notes": "x"}, format="json")
        .status_code
        == 404
    )
