"""Outbound pacing: send no faster than Slack allows, instead of running into 429s.

Slack limits ``chat.postMessage`` to about one message per second per channel
(short bursts tolerated) and caps the whole workspace at a few hundred messages
a minute. The :class:`Pacer` hands out send *slots* with the generic cell rate
algorithm (GCRA, a token bucket expressed as a "theoretical arrival time"): one
bucket for the workspace and one per channel. A caller reserves a slot, sleeps
until it, then sends. Because slots are reserved in order, concurrent senders
never exceed either limit, and a channel that is busy never holds up the others.

Time here is real (monotonic) time: Slack's limits are physical, whatever the
injected business clock says.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

JITTER_MARGIN = 0.05  # seconds added to a channel's gap measured from an actual send


@dataclass
class _Bucket:
    interval: float  # seconds per token
    tolerance: float  # how far ahead of schedule a burst may run
    tat: float = 0.0  # theoretical arrival time of the next conforming send
    paused_until: float = 0.0

    def earliest(self, now: float) -> float:
        return max(now, self.tat - self.tolerance, self.paused_until)

    def take(self, slot: float) -> None:
        self.tat = max(self.tat, slot) + self.interval


class Pacer:
    """Thread-safe slot reservation against a workspace rate and per-channel gaps."""

    def __init__(
        self,
        *,
        rate: float,
        channel_gap: float = 1.0,
        channel_burst: int = 1,
        burst: int | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._now = monotonic
        self._lock = threading.Lock()
        # A quarter second of workspace burst lets reservations catch up after a stall (a slow
        # commit, GC); admit() still holds every trailing second to ``rate`` sends.
        burst = max(1, int(rate / 4)) if burst is None else max(1, burst)
        self._workspace = _Bucket(interval=1.0 / rate, tolerance=(burst - 1) / rate)
        self._gap = channel_gap
        self._channel_tolerance = (max(1, channel_burst) - 1) * channel_gap
        self._channels: dict[str, _Bucket] = {}
        self._recent: deque[float] = deque()  # actual send starts in the trailing second
        self._per_second = max(1, int(rate))
        self.rate = rate

    def _channel(self, channel: str) -> _Bucket:
        bucket = self._channels.get(channel)
        if bucket is None:
            bucket = _Bucket(interval=self._gap, tolerance=self._channel_tolerance)
            self._channels[channel] = bucket
        return bucket

    def reserve(
        self,
        channel: str | None,
        *,
        paced: bool = True,
        horizon: float | None = None,
        channel_horizon: float | None = None,
    ) -> float | None:
        """Reserve the next slot for ``channel``; None (nothing reserved) when it is too far off.

        Every send counts against the workspace cap and waits out a channel's pause
        (a Retry-After); only ``paced`` sends (posting messages) also keep the channel gap.
        ``horizon`` bounds how far ahead a slot may be; ``channel_horizon`` how long the
        channel itself may make us wait — a caller that defers busy channels passes a small
        one, so a channel waiting out its gap never holds a workspace slot (and everyone
        else) back. Returns the monotonic time at which the caller may send.
        """
        with self._lock:
            now = self._now()
            bucket = self._channel(channel) if channel else None
            ready = now
            if bucket is not None:
                ready = max(ready, bucket.paused_until)
                if paced and self._gap > 0:
                    ready = max(ready, bucket.earliest(now))
            if channel_horizon is not None and ready > now + channel_horizon:
                return None
            slot = max(self._workspace.earliest(now), ready)
            if horizon is not None and slot > now + horizon:
                return None
            self._workspace.take(slot)
            if bucket is not None and paced and self._gap > 0:
                bucket.take(slot)
            self._prune(now)
            return slot

    def ready_in(self, channel: str, *, paced: bool = True) -> float:
        """Seconds until ``channel`` may send again (its gap or pause), ignoring the workspace."""
        with self._lock:
            now = self._now()
            bucket = self._channels.get(channel)
            if bucket is None:
                return 0.0
            ready = bucket.paused_until
            if paced and self._gap > 0:
                ready = max(ready, bucket.earliest(now))
            return max(0.0, ready - now)

    def blocked(self, within: float) -> tuple[dict[str, float], dict[str, float]]:
        """Channels that may not send within ``within`` seconds, with the seconds until they may:
        (paused by a Retry-After: no method may go, waiting out the gap: no paced post may go).

        The dispatcher leaves their rows out of its ledger pass instead of reading and
        skipping them on every pass (a backlog of review-channel posts drains at 1/s)."""
        paused: dict[str, float] = {}
        gapped: dict[str, float] = {}
        with self._lock:
            now = self._now()
            for key, bucket in self._channels.items():
                if bucket.paused_until > now + within:
                    paused[key] = bucket.paused_until - now
                elif self._gap > 0 and (ready := bucket.earliest(now)) > now + within:
                    gapped[key] = ready - now
        return paused, gapped

    def sent(self, channel: str, started: float) -> None:
        """Re-anchor a channel's gap on when a send really started (threads and I/O add jitter)."""
        if self._gap <= 0:
            return
        with self._lock:
            bucket = self._channel(channel)
            bucket.tat = max(bucket.tat, started + self._gap + JITTER_MARGIN)

    def pause(self, channel: str | None, seconds: float) -> None:
        """Honour a Retry-After: nothing more goes to ``channel`` (or anywhere, if None) for a while."""
        with self._lock:
            until = self._now() + max(0.0, seconds)
            bucket = self._channel(channel) if channel else self._workspace
            bucket.paused_until = max(bucket.paused_until, until)

    def admit(self, stop: threading.Event | None = None) -> bool:
        """Block until one more send fits in the trailing one-second window, then count it.

        Reserved slots spread sends evenly, but a stalled thread (GC, a slow commit)
        would otherwise catch up in a burst; this is the same sliding-window check
        Slack applies, so bursts never reach it. False if ``stop`` was set meanwhile.
        """
        while True:
            with self._lock:
                now = self._now()
                while self._recent and now - self._recent[0] >= 1.0:
                    self._recent.popleft()
                if len(self._recent) < self._per_second:
                    self._recent.append(now)
                    return True
                delay = 1.0 - (now - self._recent[0]) + 0.001
            if stop is not None:
                if stop.wait(delay):
                    return False
            else:
                time.sleep(delay)

    def wait(self, slot: float, stop: threading.Event | None = None) -> bool:
        """Sleep until ``slot``; False if ``stop`` was set meanwhile."""
        delay = slot - self._now()
        if delay <= 0:
            return True
        if stop is not None:
            return not stop.wait(delay)
        time.sleep(delay)
        return True

    def _prune(self, now: float) -> None:
        # Forget idle channels so a 10,000-recipient fan-out does not keep 10,000 buckets.
        if len(self._channels) > 4096:
            idle = [k for k, b in self._channels.items() if b.tat < now and b.paused_until < now]
            for key in idle:
                del self._channels[key]
