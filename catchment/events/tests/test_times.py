"""Event times in people's zones, and wall-clock times that do not exist or happen twice."""

import datetime

import pytest
from django.utils import translation

from catchment.events.times import TimeZoneError, city, local_to_utc, span

UTC = datetime.UTC
LAUNCH_START = datetime.datetime(2023, 5, 30, 12, 0, tzinfo=UTC)  # 14:00 CEST
LAUNCH_END = datetime.datetime(2023, 5, 30, 13, 45, tzinfo=UTC)  # 15:45 CEST


def test_the_launch_webinar_reads_as_the_notice_wrote_it():
    with translation.override("en"):
        stockholm = span(LAUNCH_START, LAUNCH_END, "Europe/Stockholm")
    assert stockholm.text == "14:00–15:45 CEST, Stockholm"
    assert stockholm.date == "Tuesday May 30, 2023"


def test_the_same_webinar_in_other_zones_and_languages():
    with translation.override("es"):
        lima = span(LAUNCH_START, LAUNCH_END, "America/Lima")
    assert lima.text == "07:00–08:45 -05, Lima"
    assert lima.date.startswith("martes")
    with translation.override("en"):
        utc = span(LAUNCH_START, LAUNCH_END, "UTC")
    assert utc.text == "12:00–13:45 UTC"


def test_an_event_crossing_midnight_shows_both_dates():
    with translation.override("en"):
        tokyo = span(LAUNCH_START, LAUNCH_END + datetime.timedelta(hours=3), "Asia/Tokyo")
    assert tokyo.text == "21:00 – May 31, 2023 01:45 JST, Tokyo"


def test_wall_clock_times_become_utc():
    assert local_to_utc(datetime.datetime(2023, 5, 30, 14, 0), "Europe/Stockholm") == LAUNCH_START
    assert local_to_utc(
        datetime.datetime(2023, 1, 10, 9, 0), "America/Argentina/Buenos_Aires"
    ) == datetime.datetime(2023, 1, 10, 12, 0, tzinfo=UTC)


def test_times_skipped_or_repeated_by_a_clock_change_are_refused():
    with pytest.raises(TimeZoneError, match="nonexistent"):
        local_to_utc(datetime.datetime(2023, 3, 26, 2, 30), "Europe/Stockholm")
    with pytest.raises(TimeZoneError, match="ambiguous"):
        local_to_utc(datetime.datetime(2023, 10, 29, 2, 30), "Europe/Stockholm")


@pytest.mark.parametrize(
    "name", ["Mars/Olympus_Mons", "", "../../etc/passwd", "Europe/" + "x" * 80, "/etc/localtime"]
)
def test_zones_that_do_not_exist_are_refused(name):
    with pytest.raises(TimeZoneError):
        local_to_utc(datetime.datetime(2023, 5, 30, 14, 0), name)


def test_the_city_is_taken_from_the_zone_name():
    assert city("America/Argentina/Buenos_Aires") == "Buenos Aires"
    assert city("UTC") == "UTC"


def test_an_event_across_a_clock_change_labels_each_end():
    start = datetime.datetime(2031, 10, 25, 21, 0, tzinfo=UTC)  # 23:00 CEST
    end = datetime.datetime(2031, 10, 26, 3, 0, tzinfo=UTC)  # 04:00 CET
    with translation.override("en"):
        assert span(start, end, "Europe/Stockholm").text == "23:00 CEST – Oct. 26, 2031 04:00 CET, Stockholm"


@pytest.mark.parametrize(
    ("local", "name"),
    [
        (datetime.datetime(9999, 12, 31, 22, 0), "America/New_York"),
        (datetime.datetime(1, 1, 1, 0, 0), "Asia/Tokyo"),
    ],
)
def test_times_at_the_ends_of_the_calendar_are_refused(local, name):
    with pytest.raises(TimeZoneError):
        local_to_utc(local, name)
