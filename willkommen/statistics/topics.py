"""The topic masks' bit numbering, shared by the facts, the rollups and the queries."""

from willkommen.organisations.models import Topic

_topic_bits_cache: dict[int, int] = {}


def topic_bits() -> dict[int, int]:
    """Topic id -> its bit in the topic masks (``Topic.statistics_bit``, at most 62).

    Cached per process; ``receivers`` clears the cache when a topic is saved."""
    if not _topic_bits_cache:
        _topic_bits_cache.update(
            Topic.objects.filter(statistics_bit__isnull=False).values_list("pk", "statistics_bit")
        )
    return _topic_bits_cache


def forget_topic_bits(**kwargs) -> None:
    _topic_bits_cache.clear()
