"""Interval arithmetic in UTC, and local wall-clock windows turned into UTC.

Aware-datetime arithmetic in a local zone is wall-clock arithmetic and would make an
interval across a DST change an hour too long or short, so the engine computes in UTC, in
whole seconds since 1970 in its inner loops. ``wall_window_utc`` is what keeps every
instant of a slot inside the opening hours as read on the wall clock, also on the days the
clocks change.
"""

import math
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from willkommen.clock import LOCAL_ZONE, local_datetime


def utc(day: date, wall_time) -> datetime:
    return local_datetime(day, wall_time).astimezone(UTC)


@lru_cache(maxsize=4096)
def day_segments(day: date):
    """The local day as UTC segments of constant UTC offset: one segment, or two on the
    days the clocks change. Returns ((start, end, offset), ...)."""
    start = utc(day, time(0))
    end = utc(day + timedelta(days=1), time(0))

    def offset(moment):
        return moment.astimezone(LOCAL_ZONE).utcoffset()

    first, last = offset(start), offset(end - timedelta(microseconds=1))
    if first == last:
        return ((start, end, first),)
    low, high = 0, int((end - start).total_seconds() // 60)  # minutes; offset(high) == last
    while high - low > 1:
        middle = (low + high) // 2
        if offset(start + timedelta(minutes=middle)) == last:
            high = middle
        else:
            low = middle
    change = start + timedelta(minutes=high)
    return ((start, change, first), (change, end, last))


def wall_window_utc(day: date, opens, closes):
    """The UTC intervals during which the wall clock at the location shows a time in
    [opens, closes) on ``day``. Normally one interval; on the day the clocks go back an
    opening time inside the repeated hour gives two, and a time inside the skipped hour in
    spring simply starts or ends at the change. This is what keeps every instant of every
    slot within the opening hours as read on the wall clock."""
    pieces = []
    for segment_start, segment_end, offset in day_segments(day):
        wall_open = datetime.combine(day, opens, tzinfo=UTC) - offset
        wall_close = datetime.combine(day, closes, tzinfo=UTC) - offset
        piece_start, piece_end = max(segment_start, wall_open), min(segment_end, wall_close)
        if piece_start < piece_end:
            pieces.append((piece_start, piece_end))
    return pieces


def merge(intervals):
    """Sorted, non-overlapping union of (start, end) pairs."""
    if isinstance(intervals, list) and len(intervals) < 2:
        return intervals
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(free, busy):
    """``free`` intervals minus sorted merged ``busy`` intervals."""
    result = []
    for start, end in free:
        cursor = start
        for busy_start, busy_end in busy:
            if busy_end <= cursor:
                continue
            if busy_start >= end:
                break
            if busy_start > cursor:
                result.append((cursor, busy_start))
            cursor = max(cursor, busy_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def epoch_not_before(moment: datetime) -> int:
    """A lower bound in whole seconds that never lets a slot start before ``moment``
    (``now`` carries microseconds; flooring would admit a slot just short of the notice)."""
    return math.ceil(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
