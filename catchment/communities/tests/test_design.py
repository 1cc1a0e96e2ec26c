"""The design tools' arithmetic, against hand-computed values (domain.md §6.3, CH4)."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from catchment.communities import design
from catchment.communities.design import ResourceLine, TimelineInput

D = datetime.date


def test_support_estimate_follows_the_rule_of_thumb_with_its_floor():
    # CH4: 400 members -> 1.5 * 0.4 = 0.6; 40 members -> 0.06, raised to the 0.1 minimum.
    assert design.support_fte(400) == Decimal("0.60")
    assert design.support_fte(40) == Decimal("0.10")
    assert design.support_fte(1000) == Decimal("1.50")
    assert design.support_fte(0) == Decimal("0.10")


def test_resource_totals_per_responsibility_per_person_and_overall():
    totals = design.resource_totals(
        [
            ResourceLine("Moderator", "Ana", Decimal("10")),
            ResourceLine(" moderator ", "Ben", Decimal("5.5")),
            ResourceLine("Knowledge manager", "Ana", Decimal("4")),
        ]
    )
    assert totals.by_responsibility == [("Moderator", Decimal("15.5")), ("Knowledge manager", Decimal("4"))]
    assert totals.by_person == [("Ana", Decimal("14")), ("Ben", Decimal("5.5"))]
    assert totals.total_hours == Decimal("19.5")
    # 19.5 h / (40 h * 52 / 12 = 173.33 h) = 0.1125 FTE
    assert totals.total_fte == Decimal("0.11")


def test_months_are_added_without_running_past_the_end_of_a_month():
    assert design.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert design.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert design.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_occurrences_of_recurring_activities():
    assert design.occurrences("once", D(2026, 1, 5), D(2026, 6, 1)) == [D(2026, 1, 5)]
    assert design.occurrences("weekly", D(2026, 1, 1), D(2026, 1, 29)) == [
        D(2026, 1, 1),
        D(2026, 1, 8),
        D(2026, 1, 15),
        D(2026, 1, 22),
        D(2026, 1, 29),
    ]
    # Quarterly from the 31st: each date counts from the start, so the day does not drift to the 30th.
    assert design.occurrences("quarterly", D(2026, 1, 31), D(2026, 12, 31)) == [
        D(2026, 1, 31),
        D(2026, 4, 30),
        D(2026, 7, 31),
        D(2026, 10, 31),
    ]
    assert design.occurrences("monthly", D(2026, 1, 15), None) == [D(2026, 1, 15)]


def test_timeline_geometry():
    items = [
        TimelineInput(1, "Webinars", "webinar", "monthly", "planned", D(2026, 1, 15), D(2026, 3, 15)),
        TimelineInput(2, "Kick-off", "meeting", "once", "done", D(2026, 2, 1), None),
    ]
    chart = design.timeline(items, today=D(2026, 2, 15))
    # Axis: 1 Jan to 1 Apr 2026 = 90 days over 640 px.
    assert [tick.x for tick in chart.ticks] == [0.0, 220.4, 419.6]
    webinars, kickoff = chart.rows
    assert (webinars.x, webinars.width) == (99.6, 426.6)  # 14/90 and 74/90 of 640
    assert webinars.marks == [99.6, 320.0, 519.1]  # 15 Jan, 15 Feb, 15 Mar
    assert (kickoff.x, kickoff.width) == (220.4, 7.2)  # one day
    assert (webinars.y, kickoff.y) == (28, 58)
    assert chart.height == 92
    assert chart.today_x == 320.0
    assert design.timeline([], today=D(2026, 2, 15)).rows == []


def test_long_plans_label_at_most_twelve_months():
    items = [TimelineInput(1, "Forum", "discussion", "weekly", "ongoing", D(2025, 1, 1), D(2027, 12, 31))]
    chart = design.timeline(items, today=D(2026, 1, 1))
    assert len(chart.ticks) == 36
    assert sum(tick.labelled for tick in chart.ticks) == 12


dates = st.one_of(st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31)), st.dates())


@given(
    st.lists(
        st.tuples(
            dates,
            st.integers(min_value=0, max_value=4000),
            st.sampled_from(["once", "weekly", "monthly", "quarterly"]),
        ),
        min_size=1,
        max_size=12,
    ),
    dates,
)
def test_every_bar_and_mark_stays_inside_the_chart(rows, today):
    items = [
        TimelineInput(
            n,
            "x",
            "webinar",
            cadence,
            "planned",
            start,
            min(start + datetime.timedelta(days=length), datetime.date.max)
            if length and start.year < 9990
            else None,
        )
        for n, (start, length, cadence) in enumerate(rows)
    ]
    chart = design.timeline(items, today)
    for row in chart.rows:
        assert 0 <= row.x <= chart.width
        assert row.x + row.width <= chart.width + 3
        assert all(0 <= mark <= chart.width for mark in row.marks)
        assert len(row.marks) <= design.MAX_OCCURRENCES
    assert chart.today_x is None or 0 <= chart.today_x <= chart.width


def test_dates_at_the_edge_of_the_calendar_and_centuries_long_plans_still_draw():
    far = design.timeline(
        [TimelineInput(1, "x", "webinar", "monthly", "planned", D(9999, 12, 20), D(9999, 12, 31))],
        D(2026, 1, 1),
    )
    assert len(far.rows) == 1
    long = design.timeline(
        [TimelineInput(1, "x", "webinar", "monthly", "planned", D(1, 1, 1), D(9000, 1, 1))], D(2026, 1, 1)
    )
    assert len(long.ticks) == design.MAX_AXIS_MONTHS
    assert long.rows[0].width <= long.width


def test_ch5_a_missing_sponsor_blocks_and_a_missing_facilitator_warns():
    from catchment.communities.design import role_gaps

    gaps = role_gaps([("Convenor (community leader)", "Ana"), ("Moderator", "Ben")])
    assert gaps.blockers == ("sponsor",)
    assert gaps.warnings == ("knowledge_manager",)
    complete = role_gaps(
        [
            ("Sponsor", "Secretariat"),
            ("Coordinadora", "Ana"),
            ("Animatrice", "Ben"),
            ("Knowledge manager", "Cy"),
        ]
    )
    assert complete.blockers == () and complete.warnings == ()
    busy = role_gaps([(f"Task {n}", "Ana") for n in range(4)])
    assert busy.overloaded == ("Ana",)


def test_a_role_on_the_sheet_that_nobody_has_taken_is_not_held():
    from catchment.communities.design import role_gaps, roles_named

    gaps = role_gaps([("Sponsor", ""), ("Leader", "Ana")])
    assert gaps.blockers == ("sponsor",)
    assert roles_named("Спонсор (секретариат)") == {"sponsor"}
    assert roles_named("Coffee") == set()
