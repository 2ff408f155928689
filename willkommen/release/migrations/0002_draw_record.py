"""The draw's input moves out of the round's row into ``DrawRecord``; the pool's size at
the draw is kept on the round; the draw order gets an index for reading it page by page."""

import django.db.models.deletion
from django.db import migrations, models


def move_draw_input(apps, schema_editor):
    ReleaseRound = apps.get_model("release", "ReleaseRound")
    DrawRecord = apps.get_model("release", "DrawRecord")
    for release_round in ReleaseRound.objects.exclude(draw_input=None).iterator():
        DrawRecord.objects.create(round=release_round, data=release_round.draw_input)
        release_round.drawn_slots = slots_in(release_round.draw_input["pool"])
        release_round.save(update_fields=["drawn_slots"])


def slots_in(pool):
    """The count the public page showed before: whole slots of the shortest concern on the
    booking page's grid (the rule of ``booking.availability.grid_starts``, frozen here)."""
    durations = list(pool["durations"].values())
    if not durations:
        return 0
    shortest, earliest, count = min(durations), pool["earliest"], 0
    for _desk, _day, pieces in pool["free"]:
        for start, end in pieces:
            slot_start = start
            while slot_start + shortest <= end:
                count += slot_start >= earliest
                slot_start += shortest
    return count


def move_back(apps, schema_editor):
    DrawRecord = apps.get_model("release", "DrawRecord")
    for record in DrawRecord.objects.select_related("round").iterator():
        record.round.draw_input = record.data
        record.round.save(update_fields=["draw_input"])


class Migration(migrations.Migration):
    dependencies = [
        ("release", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="releaseround",
            name="drawn_slots",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.CreateModel(
            name="DrawRecord",
            fields=[
                (
                    "round",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="draw_record",
                        serialize=False,
                        to="release.releaseround",
                    ),
                ),
                ("data", models.JSONField()),
            ],
        ),
        migrations.RunPython(move_draw_input, move_back),
        migrations.RemoveField(model_name="releaseround", name="draw_input"),
        migrations.AddIndex(
            model_name="releaserequest",
            index=models.Index(fields=["round", "draw_position"], name="release_draw_position"),
        ),
    ]
