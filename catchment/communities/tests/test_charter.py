from catchment.communities.charter import compare, completeness, missing_sections
from catchment.communities.tests.factories import FULL_CHARTER


def test_completeness_counts_filled_elements_out_of_seven():
    # domain.md CH1: six sections, code of conduct empty -> 6/7 = 0.857
    six = {**FULL_CHARTER, "code_of_conduct": "   "}
    assert round(completeness(six), 3) == 0.857
    assert missing_sections(six) == ["code_of_conduct"]
    assert completeness(FULL_CHARTER) == 1
    assert completeness({}) == 0


def test_compare_aligns_changed_added_and_removed_lines():
    pairs = compare("a\nb\nc", "a\nB\nc\nd")
    assert [(p.left, p.right, p.change) for p in pairs] == [
        ("a", "a", "same"),
        ("b", "B", "changed"),
        ("c", "c", "same"),
        ("", "d", "added"),
    ]
    assert [p.change for p in compare("x\ny", "x")] == ["same", "removed"]
