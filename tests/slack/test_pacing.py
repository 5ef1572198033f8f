"""The pacer's slot arithmetic, with a hand-driven monotonic clock."""

from __future__ import annotations

import threading

import pytest

from bot.slack.pacing import Pacer


class Tick:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_workspace_rate_spaces_sends_evenly() -> None:
    tick = Tick()
    pacer = Pacer(rate=10, channel_gap=0, burst=1, monotonic=tick)
    slots = [pacer.reserve(f"C{i}") for i in range(5)]
    assert slots == pytest.approx([100.0, 100.1, 100.2, 100.3, 100.4])


def test_workspace_burst_lets_a_stalled_sender_catch_up() -> None:
    tick = Tick()
    pacer = Pacer(rate=100, channel_gap=0, monotonic=tick)  # default burst: a quarter second
    slots = [pacer.reserve(f"C{i}") for i in range(30)]
    assert slots[:25] == pytest.approx([100.0] * 25)
    assert slots[25:] == pytest.approx([100.01, 100.02, 100.03, 100.04, 100.05])


def test_admit_holds_every_trailing_second_to_the_rate() -> None:
    tick = Tick()
    pacer = Pacer(rate=3, channel_gap=0, monotonic=tick)
    assert [pacer.admit() for _ in range(3)] == [True, True, True]
    stop = threading.Event()
    stop.set()  # a fourth send now would have to wait: with stop set, admit gives up instead
    assert pacer.admit(stop) is False
    tick.now += 1.0
    assert pacer.admit(stop) is True


def test_one_channel_waits_its_gap_while_others_go_ahead() -> None:
    tick = Tick()
    pacer = Pacer(rate=100, channel_gap=1.0, channel_burst=1, burst=1, monotonic=tick)
    assert pacer.reserve("C1") == pytest.approx(100.0)
    # A caller deferring busy channels does not queue behind C1's gap...
    assert pacer.reserve("C1", channel_horizon=0.05) is None
    assert pacer.ready_in("C1") == pytest.approx(1.0)
    # ...so another channel only waits for the workspace spacing.
    assert pacer.reserve("C2", channel_horizon=0.05) == pytest.approx(100.01)
    # Without a channel horizon the caller gets C1's next slot, a gap later.
    assert pacer.reserve("C1") == pytest.approx(101.0)


def test_a_channel_gap_is_re_anchored_on_the_actual_send() -> None:
    tick = Tick()
    pacer = Pacer(rate=100, channel_gap=1.0, monotonic=tick)
    pacer.reserve("C1")
    pacer.sent("C1", 100.3)  # the send started late (a slow thread)
    assert pacer.ready_in("C1") == pytest.approx(1.35)  # the gap plus a jitter margin


def test_a_channel_burst_goes_at_once_then_one_per_gap() -> None:
    tick = Tick()
    pacer = Pacer(rate=1000, channel_gap=1.0, channel_burst=3, burst=1, monotonic=tick)
    slots = [pacer.reserve("C1") for _ in range(5)]
    assert slots == pytest.approx([100.0, 100.001, 100.002, 101.0, 102.0])


def test_horizon_refuses_without_reserving() -> None:
    tick = Tick()
    pacer = Pacer(rate=100, channel_gap=1.0, monotonic=tick)
    assert pacer.reserve("C1", horizon=2) == pytest.approx(100.0)
    assert pacer.reserve("C1", horizon=0.5) is None
    assert pacer.reserve("C1", horizon=2) == pytest.approx(101.0)  # the refused call took no slot


def test_unpaced_methods_skip_the_channel_gap_but_honour_a_pause() -> None:
    tick = Tick()
    pacer = Pacer(rate=100, channel_gap=1.0, burst=1, monotonic=tick)
    pacer.reserve("C1")
    assert pacer.reserve("C1", paced=False) == pytest.approx(100.01)
    pacer.pause("C1", 5)
    assert pacer.reserve("C1", paced=False) == pytest.approx(105.0)
    assert pacer.reserve("C2") == pytest.approx(105.01)  # the workspace slot was taken too
    tick.now = 200.0
    assert pacer.reserve("C1") == pytest.approx(200.0)


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Pacer(rate=0)


def test_blocked_lists_channels_waiting_out_their_gap_or_a_pause() -> None:
    tick = Tick()
    pacer = Pacer(rate=100, channel_gap=1.0, monotonic=tick)
    pacer.reserve("C0POSTED")
    pacer.pause("C0LIMITED", 30)
    pacer.reserve("C0UPDATED", paced=False)  # an edit keeps no gap
    paused, gapped = pacer.blocked(0.05)
    assert paused == {"C0LIMITED": pytest.approx(30)}
    assert gapped == {"C0POSTED": pytest.approx(1.0)}
    tick.now += 1.0
    assert pacer.blocked(0.05) == ({"C0LIMITED": pytest.approx(29)}, {})
