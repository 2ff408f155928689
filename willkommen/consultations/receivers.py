"""Walk-in consultations open and close a consultation record (signals of the walk-ins
app, sent after commit)."""

from . import services


def on_walk_in_started(sender, ticket, counsellor, **kwargs):
    services.open_for_walk_in(ticket, counsellor)


def on_walk_in_finished(sender, ticket, counsellor, **kwargs):
    services.close_for_walk_in(ticket, counsellor)


def connect():
    try:
        from willkommen.walkins.signals import (
            walk_in_consultation_finished,
            walk_in_consultation_started,
        )
    except ImportError:  # the walk-ins app is optional
        return
    walk_in_consultation_started.connect(on_walk_in_started, dispatch_uid="consultation_open")
    walk_in_consultation_finished.connect(on_walk_in_finished, dispatch_uid="consultation_close")
