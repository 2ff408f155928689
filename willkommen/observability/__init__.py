"""Operations: structured logs, request ids, Prometheus metrics, a clean 503 on outages.

Not a Django app (no models): settings point at the middleware, the log formatter and the
metrics view directly. See docs/deploy.md ("Logs and metrics").
"""
