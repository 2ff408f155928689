#!/bin/sh
# Back up Willkommen: the database (pg_dump custom format, or a consistent SQLite copy)
# and the var/ directory (everything in it except the SQLite file and collected static
# files, which collectstatic rebuilds). Usage:
#
#   scripts/backup.sh /var/backups/willkommen/$(date +%F)
#
# Reads DATABASE_URL and WILLKOMMEN_VAR_DIR like the application. Restore with
# scripts/restore.sh. The consultation keys (CONSULTATION_KEYS) are NOT in the backup:
# keep them separately, without them the encrypted notes cannot be read.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
DEST=${1:?usage: backup.sh DESTINATION_DIRECTORY}
VAR_DIR=${WILLKOMMEN_VAR_DIR:-$ROOT/var}
DATABASE_URL=${DATABASE_URL:-sqlite:///$VAR_DIR/willkommen.sqlite3}

mkdir -p "$DEST"
chmod 700 "$DEST"
case "$DATABASE_URL" in
  postgres://*|postgresql://*|pgsql://*)
    pg_dump --format=custom --no-owner --no-privileges \
      --dbname="$(echo "$DATABASE_URL" | sed 's#^pgsql://#postgres://#')" \
      --file="$DEST/database.pgdump"
    ;;
  sqlite://*)
    "$PYTHON" - "$DATABASE_URL" "$DEST/database.sqlite3" <<'PY'
import sqlite3, sys
source = sys.argv[1].removeprefix("sqlite:///")  # sqlite:////abs/path -> /abs/path
# The online backup API copies a consistent snapshot even while the site is writing.
with sqlite3.connect(source) as live, sqlite3.connect(sys.argv[2]) as copy:
    live.backup(copy)
PY
    ;;
  *) echo "backup.sh: unsupported DATABASE_URL" >&2; exit 2 ;;
esac

if [ -d "$VAR_DIR" ]; then
  tar -C "$VAR_DIR" -czf "$DEST/var.tar.gz" \
    --exclude='./willkommen.sqlite3*' --exclude='./static' .
fi
( cd "$DEST" && sha256sum ./* > SHA256SUMS )
echo "backup written to $DEST"
