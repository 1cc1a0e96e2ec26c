"""Capacity holds under real concurrency: fifty people press "Register" at the same moment for the last
ten places, each on their own database connection, and never more than ten get one."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.utils import timezone

from catchment.accounts.tests.factories import UserFactory
from catchment.events import services
from catchment.events.models import Event, Registration
from catchment.events.services import EventData

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 50
ROUNDS = 3


def race(event_pk, users):
    barrier = threading.Barrier(len(users))

    def attempt(user):
        try:
            event = Event.objects.get(pk=event_pk)
            barrier.wait(timeout=30)
            return services.register(actor=user, event=event, language="en").status
        except Exception as error:
            return f"error: {error!r}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        return list(pool.map(attempt, users))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrent connections need PostgreSQL; the embedded SQLite serialises writers (IMMEDIATE)",
)
def test_fifty_simultaneous_registrations_for_the_last_ten_places_never_overbook():
    organiser = UserFactory(is_staff=True)
    starts = (timezone.now() + datetime.timedelta(days=3)).replace(tzinfo=None, microsecond=0)
    for _ in range(ROUNDS):
        event = services.event_create(
            actor=organiser,
            community=None,
            data=EventData(
                kind="webinar",
                title="Last places",
                time_zone="UTC",
                starts=starts,
                ends=starts + datetime.timedelta(hours=1),
                join_url="https://meet.example.org/race",
                capacity=20,
            ),
        )
        for _ in range(10):
            services.register(actor=UserFactory(), event=event, language="en")
        outcomes = race(event.pk, [UserFactory() for _ in range(RACERS)])
        assert [o for o in outcomes if o.startswith("error")] == []
        assert outcomes.count("registered") == 10
        assert outcomes.count("waitlisted") == RACERS - 10
        event.refresh_from_db()
        registered = Registration.objects.filter(event=event, status="registered").count()
        assert event.registered_count == registered == 20
