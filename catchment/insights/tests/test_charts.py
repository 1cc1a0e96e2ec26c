"""Chart geometry, checked by hand."""

import math

import pytest

from catchment.insights.charts import bars, bulb


def test_the_bulb_rings_grow_with_the_people_inside_them():
    rings = {
        ring.level: ring
        for ring in bulb({"core": 10, "active": 15, "occasional": 25, "peripheral": 50}, size=208)
    }
    outer = 100  # 208 / 2 - 4
    assert rings["peripheral"].radius == pytest.approx(outer)
    assert rings["occasional"].radius == pytest.approx(outer * math.sqrt(0.5), abs=0.1)
    assert rings["core"].radius == pytest.approx(outer * math.sqrt(0.1), abs=0.1)
    assert rings["transactional"].radius == pytest.approx(outer)  # nobody transactional: no extra ring


def test_a_small_level_still_shows_and_an_empty_community_draws_nothing():
    rings = {ring.level: ring for ring in bulb({"core": 1, "peripheral": 999}, size=208)}
    assert rings["core"].radius >= 6
    assert all(ring.radius == 0 for ring in bulb({}, size=208))


def test_bars_scale_to_a_round_top():
    chart = bars([("W1", 3), ("W2", 7), ("W3", 0)], width=128, height=128, pad=28)
    assert chart.top == 10
    assert chart.bars[1].height == pytest.approx(70)  # 7 of 10 on a 100 px plot
    assert chart.bars[2].height == 0
    assert [value for _y, value in chart.ticks] == [0, 5, 10]
    assert bars([]).bars == []
