"""Who could hold a consultation, from the duty plan alone: the public answer "a
consultation fits before or after this office slot", and the counsellors on duty for it.

Built from configuration only (shifts, absences, closing days, who speaks what, who knows
which topics), never from booked consultations. That is the point: the public answer must
be the same whether or not anybody booked a consultation, or the office could see who
sought counselling by watching it change (docs/security.md, "Public consultation
answers"). Which counsellor takes a booked consultation is decided privately by
``booking.assignment``, which asks ``duty_candidates`` and then looks at what is booked.
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from willkommen import clock
from willkommen.accounts.models import StaffMember

from . import config_cache
from .calendar import booking_window, closed_days, schedule_for
from .intervals import epoch, epoch_not_before, from_epoch
from .shifts import duty_intervals

BEFORE = "before"


AFTER = "after"


# A consultation after the office appointment is preferred: office appointments often run
# late, and a consultation after it is not squeezed by that.
POSITION_PREFERENCE = (AFTER, BEFORE)


@dataclass(frozen=True)
class ConsultationOption:
    """Where a consultation would sit around an office slot: the public answer, and the
    time a client who books it is promised. It names no counsellor: see ``DutyIndex``."""

    start: datetime
    end: datetime
    position: str
    language_code: str | None
    interpreter: bool


@dataclass(frozen=True)
class DutyCandidate:
    """A counsellor whose duty holds a consultation's whole time, with the room of that
    duty, and how well they fit the request (lower is better)."""

    counsellor_id: int
    room_id: int | None
    preference: tuple


def memoised_duty_intervals(location, first_day, last_day):
    """``shifts.duty_intervals`` through the configuration memo: building the weekly
    pattern into ~1,000 intervals was a quarter of an eight-week availability query."""
    return config_cache.memoised(
        ("duty", location.pk, first_day, last_day),
        lambda: tuple(duty_intervals(location, first_day, last_day)),
    )


def speakers_of(language: str) -> frozenset[int]:
    """Ids of staff who speak ``language`` (memoised, read-only)."""
    return config_cache.memoised(
        ("speakers", language),
        lambda: frozenset(
            StaffMember.languages.through.objects.filter(language__code=language).values_list(
                "staffmember_id", flat=True
            )
        ),
    )


def topic_experts(topic: str) -> frozenset[int]:
    """Ids of staff who know ``topic`` (memoised, read-only)."""
    return config_cache.memoised(
        ("topic-experts", topic),
        lambda: frozenset(
            StaffMember.topics.through.objects.filter(topic__slug=topic).values_list(
                "staffmember_id", flat=True
            )
        ),
    )


def eligible_counsellors(counsellor_ids, language, interpreter):
    """Who may hold a consultation in ``language``: its speakers, or anyone on duty when
    an interpreter comes along."""
    if language and not interpreter:
        return set(counsellor_ids) & speakers_of(language)
    return set(counsellor_ids)


class DutyIndex:
    """When a counsellor who could hold the requested consultation is on duty, per local
    day, in seconds since 1970.

    Built from configuration only: shifts, absences, closing days and who speaks what.
    It never looks at booked consultations. That is the point: the public answer "a
    consultation fits after this slot" must be the same whether or not anybody booked one,
    or the office could see who sought counselling by watching it change (docs/security.md,
    "Public consultation answers"). Which counsellor takes a booked consultation is decided
    privately by ``booking.assignment``."""

    def __init__(self, location, first_day, last_day, closed, language, interpreter):
        intervals = [
            interval
            for interval in memoised_duty_intervals(location, first_day, last_day)
            if clock.local_day(interval.start) not in closed
        ]
        eligible = eligible_counsellors(
            {i.counsellor_id for i in intervals}, language, interpreter
        )
        per_day = defaultdict(list)
        for interval in intervals:
            if interval.counsellor_id in eligible:
                day = clock.local_day(interval.start)
                per_day[day].append((epoch(interval.start), epoch(interval.end)))
        # One duty interval must hold the whole consultation (it does not change rooms
        # halfway), so the intervals stay apart, sorted by start for bisecting.
        self.per_day = {}
        for day, pieces in per_day.items():
            pieces.sort()
            self.per_day[day] = ([piece[0] for piece in pieces], pieces)
        self.language = language
        self.interpreter = interpreter

    def covers(self, day, start, end) -> bool:
        """Whether one eligible duty interval on ``day`` holds [start, end) whole."""
        starts, pieces = self.per_day.get(day, ((), ()))
        last = bisect_right(starts, start)
        return any(end <= piece_end for _piece_start, piece_end in pieces[:last])

    def options(self, day, start, end, consultation_length, buffer, earliest, limit=None):
        """The places, in order of preference, where a consultation could sit around an
        office appointment [start, end) on ``day``; all times in seconds since 1970."""
        candidates = {
            AFTER: (end + buffer, end + buffer + consultation_length),
            BEFORE: (start - buffer - consultation_length, start - buffer),
        }
        found = []
        for position in POSITION_PREFERENCE:
            cons_start, cons_end = candidates[position]
            if cons_start < earliest or not self.covers(day, cons_start, cons_end):
                continue
            found.append(
                ConsultationOption(
                    start=from_epoch(cons_start),
                    end=from_epoch(cons_end),
                    position=position,
                    language_code=self.language,
                    interpreter=self.interpreter,
                )
            )
            if limit and len(found) >= limit:
                break
        return found


def normalise_language(language):
    if language is None or language == "":
        return None
    return getattr(language, "code", language)


def normalise_topics(topics):
    return tuple(sorted({getattr(topic, "slug", topic) for topic in topics or ()}))


def consultation_options(
    location,
    start: datetime,
    end: datetime,
    *,
    language=None,
    interpreter=False,
    now=None,
    limit=None,
) -> list[ConsultationOption]:
    """The places, preferred first, where a consultation can sit directly before or after
    an office appointment [start, end) at ``location``: the public answer for one slot
    (configuration only, see ``DutyIndex``)."""
    now = now or timezone.now()
    schedule = schedule_for(location)
    window = booking_window(schedule, now)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    day = clock.local_day(start)
    closed = closed_days(location, day - timedelta(days=1), day + timedelta(days=1))
    if day in closed:
        return []
    index = DutyIndex(location, day, day, closed, normalise_language(language), interpreter)
    return index.options(
        day,
        epoch(start),
        epoch(end),
        schedule.consultation_minutes * 60,
        schedule.buffer_minutes * 60,
        epoch_not_before(window.earliest_start),
        limit=limit,
    )


def duty_candidates(
    location, start: datetime, end: datetime, *, language=None, topics=(), interpreter=False
) -> list[DutyCandidate]:
    """Every counsellor who could hold a consultation [start, end) at ``location`` by their
    duty alone: on duty for the whole time in one interval (not closed, not absent), and
    speaking ``language`` unless an interpreter comes along. Best fit first: more of the
    ``topics`` known, then speaking the language (it matters with an interpreter too).
    Whether they are free is ``booking.assignment``'s question."""
    language = normalise_language(language)
    topics = normalise_topics(topics)
    day = clock.local_day(start)
    if day in closed_days(location, day, day):
        return []
    intervals = [
        interval
        for interval in memoised_duty_intervals(location, day, day)
        if interval.start <= start and end <= interval.end
    ]
    eligible = eligible_counsellors({i.counsellor_id for i in intervals}, language, interpreter)
    speakers = speakers_of(language) if language else frozenset()
    experts = [topic_experts(topic) for topic in topics]
    found = {}
    for interval in intervals:
        counsellor_id = interval.counsellor_id
        if counsellor_id not in eligible or counsellor_id in found:
            continue
        topic_score = sum(counsellor_id in known for known in experts)
        found[counsellor_id] = DutyCandidate(
            counsellor_id=counsellor_id,
            room_id=interval.room_id,
            preference=(-topic_score, counsellor_id not in speakers),
        )
    return sorted(found.values(), key=lambda c: (c.preference, c.counsellor_id))


def find_consultation_around(
    location, start: datetime, end: datetime, *, language=None, interpreter=False
) -> ConsultationOption | None:
    """The preferred consultation directly before or after an appointment booked
    elsewhere."""
    options = consultation_options(
        location, start, end, language=language, interpreter=interpreter, limit=1
    )
    return options[0] if options else None
