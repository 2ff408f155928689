"""Fact refreshes run by the task worker, off the request that saved the source record.

A booking or a finished consultation then costs the client one queued row instead of a
dozen statistics queries; the worker reads the record's state when it runs, so a burst of
saves of one record converges on its final state.
"""

from django_tasks import task

from . import facts, release_facts

REFRESHERS = {
    "consultation": facts.refresh_consultation,
    "appointment": facts.refresh_appointment,
    "ticket": facts.refresh_ticket,
    "release_round": release_facts.refresh_release_round,
}


@task()
def refresh_fact(kind: str, source_id: int) -> None:
    REFRESHERS[kind](source_id)
