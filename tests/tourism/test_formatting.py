import pytest

from tourism.templatetags.gebrak import rupiah


@pytest.mark.parametrize("value, shown", [
    (175000, "Rp 175.000"), (0, "Rp 0"), (1500000000, "Rp 1.500.000.000"), ("25000", "Rp 25.000"),
    (None, ""), ("abc", ""), (-5000, "-Rp 5.000"),
])
def test_rupiah_is_written_the_indonesian_way(value, shown):
    assert rupiah(value) == shown
