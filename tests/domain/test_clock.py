from hypothesis import given
from hypothesis import strategies as st

from app.domain.clock import HlcStamp, HybridLogicalClock


def test_stamps_never_go_backwards_when_the_wall_clock_does():
    walls = iter([1000, 1000, 900, 900, 1001])
    clock = HybridLogicalClock("d", lambda: next(walls))
    stamps = [clock.tick() for _ in range(5)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 5


def test_after_observing_a_remote_stamp_the_next_local_one_is_later():
    clock = HybridLogicalClock("a", lambda: 100)
    remote = HlcStamp(5_000, 7, "b")
    clock.observe(remote)
    assert clock.tick() > remote


@given(st.lists(st.integers(min_value=0, max_value=10**15 - 1), min_size=1, max_size=30))
def test_encoded_stamps_sort_like_stamps(walls):
    source = iter(walls)
    clock = HybridLogicalClock("dev", lambda: next(source, walls[-1]))
    stamps = [clock.tick() for _ in walls]
    encoded = [s.encode() for s in stamps]
    assert encoded == sorted(encoded)
    assert [HlcStamp.decode(e) for e in encoded] == stamps
