import datetime

from catchment.accounts.demo import load_demo_hub
from catchment.communities.demo import load_demo_communities
from catchment.events.demo import load_demo_events
from catchment.events.models import Event, Harvest, Seat
from catchment.library.demo import load_demo_library
from catchment.library.models import Resource


def test_demo_library_and_events_load_once_with_the_launch_webinar_at_its_real_time(db):
    load_demo_hub(member_count=40)
    load_demo_communities()
    assert load_demo_library() >= 10
    assert Resource.objects.filter(original__isnull=False).count() == 3  # the sourcebook's translations
    assert Resource.objects.exclude(file="").exists()
    assert load_demo_events() >= 10
    launch = Event.objects.get(title__startswith="Network launch")
    assert launch.starts_at == datetime.datetime(2023, 5, 30, 12, 0, tzinfo=datetime.UTC)
    assert launch.time_zone == "Europe/Stockholm"
    assert sorted(launch.languages.values_list("code", "interpretation")) == [
        ("en", False),
        ("es", True),
        ("fr", True),
        ("ru", True),
    ]
    cafe = Event.objects.get(kind="world_cafe").cafe
    assert Seat.objects.filter(cafe=cafe).count() == 24 * 3
    assert Harvest.objects.filter(cafe=cafe).count() == 12 and cafe.synthesis
    assert load_demo_library() == 0 and load_demo_events() == 0
