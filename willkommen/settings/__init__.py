"""Settings profiles: ``dev`` (default for manage.py), ``test`` and ``production``."""
