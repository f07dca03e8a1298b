"""A render's timeout counts the time it was allowed to run, not the time it spent paused."""

from __future__ import annotations

from mkdocs_gradviz.core.pausing import RenderClock


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_paused_time_does_not_count_against_the_timeout() -> None:
    """10 s running, 50 s paused, 5 s running: 15 s active, 45 s left of a 60 s timeout."""
    time = FakeTime()
    clock = RenderClock(time)
    time.now += 10
    clock.pause()
    time.now += 30
    assert clock.active() == 10 and clock.paused  # while paused, the clock stands still
    time.now += 20
    clock.resume()
    time.now += 5
    assert clock.active() == 15
    assert clock.remaining(60) == 45


def test_pausing_twice_or_resuming_a_running_render_changes_nothing() -> None:
    """A second pause keeps the first pause's start; resuming a render that runs adds no paused time."""
    time = FakeTime()
    clock = RenderClock(time)
    clock.resume()
    time.now += 4
    clock.pause()
    time.now += 3
    clock.pause()
    time.now += 3
    clock.resume()
    clock.resume()
    assert clock.active() == 4


def test_a_render_past_its_timeout_has_nothing_left() -> None:
    """Once the active time reaches the timeout, nothing remains (never a negative wait)."""
    time = FakeTime()
    clock = RenderClock(time)
    time.now += 75
    assert clock.remaining(60) == 0
