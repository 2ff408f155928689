#!/bin/sh
# Restore a backup made by scripts/backup.sh into the database named by DATABASE_URL and
# into WILLKOMMEN_VAR_DIR. Replaces what is there. Stop gunicorn and the worker first,
# then run `manage.py migrate` (a backup of an older version is upgraded) and start them.
#
#   scripts/restore.sh /var/backups/willkommen/2026-11-24
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
SRC=${1:?usage: restore.sh BACKUP_DIRECTORY}
VAR_DIR=${WILLKOMMEN_VAR_DIR:-$ROOT/var}
DATABASE_URL=${DATABASE_URL:-sqlite:///$VAR_DIR/willkommen.sqlite3}

( cd "$SRC" && sha256sum --check --quiet SHA256SUMS )
mkdir -p "$VAR_DIR"
if [ -f "$SRC/var.tar.gz" ]; then
  tar -C "$VAR_DIR" -xzf "$SRC/var.tar.gz"
fi
case "$DATABASE_URL" in
  postgres://*|postgresql://*|pgsql://*)
    # --clean drops every object of the dump first, so the result equals the backup.
    pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
      --single-transaction \
      --dbname="$(echo "$DATABASE_URL" | sed 's#^pgsql://#postgres://#')" \
      "$SRC/database.pgdump"
    ;;
  sqlite://*)
    "$PYTHON" - "$SRC/database.sqlite3" "$DATABASE_URL" <<'PY'
import sqlite3, sys
target = sys.argv[2].removeprefix("sqlite:///")  # sqlite:////abs/path -> /abs/path
with sqlite3.connect(sys.argv[1]) as saved, sqlite3.connect(target) as live:
    saved.backup(live)
PY
    ;;
  *) echo "restore.sh: unsupported DATABASE_URL" >&2; exit 2 ;;
esac
echo "restored $SRC"
