"""gunicorn settings for Willkommen (docs/deploy.md): ``gunicorn -c deploy/gunicorn.conf.py``.

Only what the application needs to be safe to log; the rest (bind address, workers,
timeouts) stays on the command line of the systemd unit.
"""

# Access log to stderr (journald), link tokens hidden (willkommen/observability/access_log.py).
accesslog = "-"
logger_class = "willkommen.observability.access_log.TokenRedactingLogger"
# The combined log format plus the request id that joins nginx's and Django's lines.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}i)s'
)
