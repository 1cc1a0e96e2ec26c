"""Reading participant exports from video-conferencing tools (hand-made files in the tools' shapes)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catchment.events.attendance import AttendanceFileError, read_participants

ZOOM = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    "812 3456 7890,NbS webinar,05/27/2031 02:00:00 PM,05/27/2031 03:45:00 PM,host@example.org,105,3\n"
    "\n"
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "María López,Maria@Example.org,05/27/2031 01:58:00 PM,05/27/2031 03:45:00 PM,107,No\n"
    "Bruno,bruno@example.org,05/27/2031 02:05:00 PM,05/27/2031 02:40:00 PM,35,No\n"
    "Bruno,bruno@example.org,05/27/2031 02:41:00 PM,05/27/2031 03:45:00 PM,64,No\n"
    "Phone caller,,05/27/2031 02:10:00 PM,05/27/2031 03:00:00 PM,50,Yes\n"
)


def test_a_zoom_export_gives_each_address_once_lower_cased():
    found = read_participants(ZOOM.encode())
    # The meeting summary's host line is read as a participant too: harmless, the host is matched like anyone.
    assert found.emails == ["host@example.org", "maria@example.org", "bruno@example.org"]
    assert (found.rows, found.without_email) == (5, 1)


def test_a_plain_participant_list_with_semicolons_and_a_bom():
    data = "\ufeffNom;Courriel;Durée\nAmina;amina@example.org;60\nLéa;lea@example.org;45\n".encode()
    found = read_participants(data)
    assert found.emails == ["amina@example.org", "lea@example.org"]
    assert (found.rows, found.without_email) == (2, 0)


def test_utf16_exports_are_read():
    data = "Full Name\tEmail\tRole\nIvan\tivan@example.org\tAttendee\n".encode("utf-16")
    assert read_participants(data).emails == ["ivan@example.org"]


def test_rows_without_an_address_are_counted_not_matched():
    found = read_participants(b"name,email\nA,not-an-address\nB,\nC,c@example.org\n")
    assert found.emails == ["c@example.org"]
    assert (found.rows, found.without_email) == (3, 2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,duration\nA,60\n", "No column of email"),
        (b"\x00\x01\x02PK", "not a CSV"),
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_files_that_are_not_participant_lists_are_refused_with_a_reason(data, message):
    with pytest.raises(AttendanceFileError, match=message):
        read_participants(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_addresses_or_a_reason_never_a_crash(data):
    try:
        found = read_participants(data)
    except AttendanceFileError:
        return
    assert all("@" in email and email == email.lower() for email in found.emails)


def test_a_truncated_utf16_file_is_refused_with_a_reason():
    with pytest.raises(AttendanceFileError):
        read_participants(b"\xff\xfeA")
