"""The systems-map geometry: deterministic layout inside the box, arrows that stop at the nodes' edges,
signs and delay marks at the middle of the links, and the influence / dependence chart."""

from __future__ import annotations

import math

import pytest

from catchment.alliances import drawing
from catchment.alliances.drawing import LinkIn, Point, VariableIn

NAMES = [
    "Irrigated area",
    "Groundwater abstraction",
    "Groundwater level",
    "Pumping cost",
    "Farm income",
    "Investment in wells",
    "Awareness of scarcity",
    "Regulation enforcement",
]
DOMAINS = [
    "economic",
    "hydrological",
    "hydrological",
    "economic",
    "economic",
    "economic",
    "social",
    "governance",
]
EDGES = [
    (1, 2, 1),
    (2, 3, -1),
    (3, 4, -1),
    (4, 1, -1),
    (1, 5, 1),
    (5, 6, 1),
    (6, 1, 1),
    (3, 7, -1),
    (7, 8, 1),
]
EDGES += [(8, 2, -1)]


def groundwater():
    variables = [VariableIn(number, name, DOMAINS[number - 1]) for number, name in enumerate(NAMES, start=1)]
    links = [
        LinkIn(100 + index, source, target, polarity, delay=(source, target) == (5, 6))
        for index, (source, target, polarity) in enumerate(EDGES)
    ]
    return variables, links


def distance(first, second):
    return math.hypot(first.x - second.x, first.y - second.y)


def test_the_layout_is_the_same_every_time_and_every_box_stays_in_the_canvas():
    variables, links = groundwater()
    first = drawing.draw(variables, links)
    second = drawing.draw(variables, links)
    assert [(node.x, node.y) for node in first.nodes] == [(node.x, node.y) for node in second.nodes]
    for node in first.nodes:
        assert node.half_width <= node.x <= first.width - node.half_width
        assert node.half_height <= node.y <= first.height - node.half_height


def test_boxes_are_pushed_apart_so_they_do_not_crowd_each_other():
    variables, links = groundwater()
    nodes = drawing.draw(variables, links).nodes
    for index, node in enumerate(nodes):
        for other in nodes[index + 1 :]:
            room_x = node.half_width + other.half_width + drawing.CLEARANCE_X
            room_y = node.half_height + other.half_height + drawing.CLEARANCE_Y
            spread = math.hypot((node.x - other.x) / room_x, (node.y - other.y) / room_y)
            assert spread > 0.95, (node.label, other.label)
            # and boxes never overlap
            assert (
                abs(node.x - other.x) >= node.half_width + other.half_width
                or abs(node.y - other.y) >= node.half_height + other.half_height
            )


def test_boxes_fit_their_wrapped_labels():
    variables, links = groundwater()
    nodes = {node.label: node for node in drawing.draw(variables, links).nodes}
    level = nodes["Groundwater level"]
    assert level.lines == ("Groundwater level",)
    assert level.width == pytest.approx(
        len("Groundwater level") * drawing.CHARACTER_WIDTH + 2 * drawing.PADDING_X
    )
    assert level.height == drawing.LINE_HEIGHT + 2 * drawing.PADDING_Y and level.text_y == 0.0
    two = nodes["Groundwater abstraction"]
    assert len(two.lines) == 2 and two.text_y == -drawing.LINE_HEIGHT / 2
    assert drawing.box(["x"]) == (
        drawing.MIN_BOX_WIDTH / 2,
        (drawing.LINE_HEIGHT + 2 * drawing.PADDING_Y) / 2,
    )


def test_nodes_in_the_same_place_are_parted():
    xs, ys = [100.0, 100.0, 100.0], [100.0, 100.0, 100.0]
    drawing._separate(xs, ys, [(40.0, 15.0)] * 3, (0, 0, 1000, 1000))
    points = list(zip(xs, ys, strict=True))
    assert len(set(points)) == 3


def test_one_node_sits_in_the_middle_and_none_gives_an_empty_drawing():
    single = drawing.draw([VariableIn(1, "Rainfall", "hydrological")], [])
    node = single.nodes[0]
    assert node.x == pytest.approx(single.width / 2, abs=1)
    assert node.y == pytest.approx(single.height / 2, abs=1)
    assert single.arrows == []
    empty = drawing.draw([], [])
    assert empty.nodes == [] and empty.arrows == []


def on_edge(point, node, gap=0.0):
    """How far outside `node`'s box (grown by `gap`) the point is: 0 when it is on its edge."""
    return max(
        abs(point.x - node.x) / (node.half_width + 1e-9), abs(point.y - node.y) / (node.half_height + 1e-9)
    )


def test_arrows_leave_the_source_box_and_stop_gap_outside_the_target_box():
    variables, links = groundwater()
    picture = drawing.draw(variables, links)
    nodes = {node.key: node for node in picture.nodes}
    assert len(picture.arrows) == len(links)
    for arrow in picture.arrows:
        source, target = nodes[arrow.source], nodes[arrow.target]
        assert on_edge(arrow.start, source) == pytest.approx(1, abs=0.02)
        # GAP back from the tip, towards the target's centre, is the target box's edge.
        ux, uy = drawing._unit(arrow.tip, Point(target.x, target.y))
        back = Point(arrow.tip.x + ux * drawing.GAP, arrow.tip.y + uy * drawing.GAP)
        assert on_edge(back, target) == pytest.approx(1, abs=0.02)
        assert on_edge(arrow.tip, target) > 1  # the tip is outside the box
        assert distance(arrow.tip, arrow.end) == pytest.approx(drawing.HEAD_LENGTH, abs=0.1)
        assert arrow.head[0] == arrow.tip
        # The head's base is HEAD_HALF_WIDTH either side of where the line ends.
        assert distance(arrow.head[1], arrow.end) == pytest.approx(drawing.HEAD_HALF_WIDTH, abs=0.1)
        assert distance(arrow.head[2], arrow.end) == pytest.approx(drawing.HEAD_HALF_WIDTH, abs=0.1)


def test_the_edge_of_a_box_in_each_direction():
    assert drawing.edge((50, 10), 1, 0) == 50
    assert drawing.edge((50, 10), 0, -1) == 10
    assert drawing.edge((50, 10), math.sqrt(0.5), math.sqrt(0.5)) == pytest.approx(10 * math.sqrt(2))
    assert drawing.edge((0, 0), 1, 0) == 0


def test_a_straight_pair_of_boxes_gives_exact_points():
    arrow = drawing.arrow(
        "l", "a", "b", Point(0, 0), Point(100, 0), 1, source_half=(20, 10), target_half=(20, 10)
    )
    assert arrow.control == Point(50.0, -12.0)  # bent to the left of the direction (up on screen)
    assert arrow.start.y < 0 and arrow.tip.y < 0
    assert arrow.start.x == pytest.approx(20, abs=0.1)  # on the right edge of the first box
    assert arrow.tip.x == pytest.approx(100 - 20 - drawing.GAP, abs=0.5)
    assert arrow.label.y < arrow.control.y / 2  # the sign is outside the curve
    assert arrow.sign == "+"
    assert arrow.path.startswith("M20.0 ") and " Q50.0 -12.0 " in arrow.path
    assert len(arrow.head_points.split(" ")) == 3


def test_the_two_links_of_a_two_way_pair_bend_to_opposite_sides():
    there = drawing.arrow("1", "a", "b", Point(0, 0), Point(100, 0), 1)
    back = drawing.arrow("2", "b", "a", Point(100, 0), Point(0, 0), -1)
    assert there.control.y < 0 < back.control.y
    assert there.label.y < 0 < back.label.y
    assert back.sign == "−"


def test_the_sign_sits_at_the_middle_and_the_delay_mark_towards_the_effect():
    arrow = drawing.arrow("l", "a", "b", Point(0, 0), Point(0, 200), -1, delay=True)
    middle = drawing._quadratic(arrow.start, arrow.control, arrow.end, 0.5)
    assert distance(arrow.label, middle) == pytest.approx(drawing.LABEL_OFFSET, abs=0.1)  # rounded points
    at = drawing._quadratic(arrow.start, arrow.control, arrow.end, drawing.DELAY_AT)
    assert len(arrow.delay_marks) == 2
    for first, second in arrow.delay_marks:
        assert distance(first, second) == pytest.approx(2 * drawing.DELAY_HALF, abs=0.1)
        centre = Point((first.x + second.x) / 2, (first.y + second.y) / 2)
        assert distance(centre, at) == pytest.approx(drawing.DELAY_SPACING, abs=0.1)
        # Each stroke crosses the line: its ends are on either side of it, and clear of the sign.
        assert min(distance(first, arrow.label), distance(second, arrow.label)) > 10
    assert arrow.delay_path.count("M") == 2
    assert drawing.arrow("l", "a", "b", Point(0, 0), Point(0, 200), 1).delay_marks == ()


def test_coordinates_are_written_with_a_dot_and_one_decimal():
    arrow = drawing.arrow("l", "a", "b", Point(0.04, 0), Point(100.123, 33.3333), 1)
    numbers = arrow.path.replace("M", "").replace("Q", "").split()
    assert all("," not in number and len(number.split(".")[1]) == 1 for number in numbers)
    assert drawing._n(-0.04) == "0.0"


def test_long_labels_are_wrapped_in_three_lines_at_most():
    assert drawing.wrap("Groundwater level") == ("Groundwater level",)
    lines = drawing.wrap("Trust between the basin agency and the farmers' water user associations today")
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(len(line) <= drawing.LABEL_WIDTH for line in lines)


def test_boxes_are_shaped_by_side():
    picture = drawing.draw(
        [VariableIn(1, "Rainfall", "hydrological"), VariableIn(2, "Trust", "social"), VariableIn(3, "Other")],
        [LinkIn(9, 1, 2, 1)],
    )
    assert [node.side for node in picture.nodes] == ["water", "human", ""]
    assert [node.corner for node in picture.nodes] == [picture.nodes[0].half_height, 3.0, 3.0]


def test_bigger_maps_get_a_bigger_canvas():
    small = drawing.canvas(8)
    width, height = drawing.canvas(60)
    assert width > small[0] and height > small[1]


def test_links_to_unknown_or_same_variables_are_not_drawn():
    picture = drawing.draw([VariableIn(1, "A"), VariableIn(2, "B")], [LinkIn(1, 1, 3, 1), LinkIn(2, 1, 1, 1)])
    assert picture.arrows == []


def test_the_chart_puts_influence_up_and_dependence_across_with_median_lines():
    rows = [
        (1, "Irrigated area", 2.0, 2.0),
        (2, "Groundwater level", 2.0, 1.0),
        (3, "Pumping cost", 1.0, 1.0),
    ]
    rows += [(4, "Farm income", 1.0, 1.0)]
    chart = drawing.scatter(rows)
    assert chart.influence_median == 1.5 and chart.dependence_median == 1.0
    assert chart.left < chart.median_x < chart.right
    assert chart.top < chart.median_y < chart.bottom
    by_numbers = {dot.numbers: dot for dot in chart.dots}
    assert set(by_numbers) == {(1,), (2,), (3, 4)}  # two variables in the same place share one dot
    assert by_numbers[(3, 4)].labels == ("Pumping cost", "Farm income")
    assert by_numbers[(3, 4)].radius > by_numbers[(1,)].radius
    high, low = by_numbers[(1,)], by_numbers[(3, 4)]
    assert high.y < low.y  # more influence is higher up
    assert by_numbers[(2,)].x < high.x  # more dependence is further right
    assert chart.x_ticks[0] == (chart.left, 0.0) and chart.y_ticks[0] == (chart.bottom, 0.0)
    # The highest values stay clear of the edges, so their numbers are not cut off.
    assert all(dot.x <= chart.right - 20 and dot.y >= chart.top + 20 for dot in chart.dots)


def test_the_chart_of_an_empty_or_flat_map_does_not_divide_by_zero():
    assert drawing.scatter([]).dots == []
    flat = drawing.scatter([(1, "A", 0.0, 0.0), (2, "B", 0.0, 0.0)])
    assert flat.dots[0].x == flat.left and flat.dots[0].y == flat.bottom
    many = drawing.scatter([(n, str(n), float(n), float(n)) for n in range(1, 25)])
    assert len(many.x_ticks) <= 7
