"""The database back-end's counters (without Redis): one row per window of one limit and
one (hashed) identity, or per running total (no expiry). Written only by
``store.DatabaseStore``, each time with one atomic upsert."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    key = models.CharField(_("key"), max_length=200, primary_key=True)
    # Big: a running total of microseconds (the metrics' latency sum) outgrows 2^31.
    count = models.PositiveBigIntegerField(_("count"))
    # The end of the window, set by its first attempt; expired rows are reused by the next
    # attempt or deleted by the daily retention run (``limiter.expired_windows``). None
    # for a running total (``totals``).
    expires_at = models.DateTimeField(_("expires"), null=True, db_index=True)

    class Meta:
        db_table = "ratelimit_counter"  # named in store.UPSERT
        verbose_name = _("rate-limit window")
        verbose_name_plural = _("rate-limit windows")

    def __str__(self):
        return self.key
