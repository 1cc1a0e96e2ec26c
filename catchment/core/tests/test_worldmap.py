import xml.etree.ElementTree as ET

from catchment.core.worldmap import SHADES, load_shapes, render_choropleth, shade_for


def test_boundaries_cover_the_countries_of_the_world():
    codes = {shape.code for shape in load_shapes()}
    assert len(codes) > 160
    assert {"KE", "PE", "KZ", "SE", "BD", "BR", "RU"} <= codes


def test_shade_is_lightest_for_none_and_darkest_for_the_busiest_country():
    assert shade_for(0, 10) == SHADES[0]
    assert shade_for(10, 10) == SHADES[-1]
    # sqrt(1/100) * 4 + 0.5 = 0.9 -> level 1; sqrt(25/100) * 4 + 0.5 = 2.5 -> level 3
    assert shade_for(1, 100) == SHADES[1]
    assert shade_for(25, 100) == SHADES[3]


def test_choropleth_is_well_formed_svg_naming_each_country_and_count():
    svg = render_choropleth(
        {"KE": 12, "PE": 3}, title="Members & friends", label_for={"KE": "Kenya", "PE": "Peru"}
    )
    root = ET.fromstring(svg)
    titles = [element.text for element in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "Members & friends" in titles
    assert "Kenya: 12" in titles
    assert "Peru: 3" in titles
    assert "<script" not in svg


def test_no_outline_draws_a_line_across_the_world():
    import re

    for shape in load_shapes():
        jumps = [abs(int(dx)) for dx in re.findall(r"l(-?\d+) -?\d+", shape.path)]
        assert max(jumps, default=0) < 480, shape.code


def test_legend_names_the_busiest_count():
    svg = render_choropleth({"KE": 7}, title="t", label_for={}, legend_labels=("none", "most:"))
    assert "most: 7" in svg
