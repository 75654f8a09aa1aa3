#!/usr/bin/env bash
# A real eNMS 4.6 on loopback, for `bash scripts/test.sh real-enms` (developers only; CI cannot reach eNMS).
#
#   bash scripts/real-enms.sh start PATH_TO_ENMS_CHECKOUT   # prints the ENMS_REAL_* variables to export
#   bash scripts/real-enms.sh stop
#   bash scripts/real-enms.sh status
#
# PATH_TO_ENMS_CHECKOUT is a checkout of the public repository eNMS-automation/eNMS (version 4.6); the two
# largest spreadsheets under files/spreadsheets/ are not needed. The script keeps its state outside the
# checkout (ENMS_STATE_DIR, default ~/.cache/netops-bridge/real-enms): a Python 3.11 venv with eNMS's own
# requirements, a copy of its setup/ (no git repository, the default migration), the SQLite database, the log.
# eNMS listens on 127.0.0.1:${ENMS_PORT:-5001} only; its admin user is admin/admin (HTTP Basic).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

STATE_DIR="${ENMS_STATE_DIR:-$CACHE_DIR/real-enms}"
PORT="${ENMS_PORT:-5001}"
PID_FILE="$STATE_DIR/enms.pid"
LOG_FILE="$STATE_DIR/enms.log"

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

running() {
  [ -s "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

enms_venv() {
  # eNMS 4.6 pins nothing; these bounds are what made it start (flask/werkzeug 2.3 dropped what it imports).
  local checkout="$1" venv="$STATE_DIR/venv" python
  set -- -r "$checkout/build/requirements/requirements.txt" 'flask<2.3' 'werkzeug<2.3' ruamel.yaml.clib
  if ! venv_is_current_at "$venv" "$@"; then
    python="$(find_python 3.11)" || return 1
    make_venv_at "$venv" "$python" "$@" >/dev/null || return 1
  fi
  echo "$venv/bin/python"
}

setup_copy() {
  # eNMS reads its settings from SETUP_DIR: no git repository to clone, and the default migration (admin/admin).
  local checkout="$1" python="$2" setup="$STATE_DIR/setup"
  rm -rf "$setup" && cp -r "$checkout/setup" "$setup"
  "$python" - "$setup/settings.json" <<'PY'
import json, sys
path = sys.argv[1]
with open(path) as handle:
    settings = json.load(handle)
settings['app']['git_repository'] = ''
settings['app']['startup_migration'] = 'default'
with open(path, 'w') as handle:
    json.dump(settings, handle, indent=2)
PY
  echo "$setup"
}

start() {
  local checkout python setup attempt
  [ $# -eq 1 ] || usage
  checkout="$(cd "$1" && pwd)"
  if [ ! -f "$checkout/app.py" ] || [ ! -d "$checkout/setup" ]; then
    echo "$checkout is not an eNMS checkout (no app.py and setup/)" >&2; exit 2
  fi
  # eNMS reads its own commit at start (GitPython) and stops without one.
  git -C "$checkout" rev-parse HEAD >/dev/null 2>&1 || { echo "$checkout is not a git checkout with a commit: eNMS reads its commit at start" >&2; exit 2; }
  if running; then echo "eNMS is already running (pid $(cat "$PID_FILE")); log: $LOG_FILE" >&2; print_env; return 0; fi
  mkdir -p "$STATE_DIR"
  python="$(enms_venv "$checkout")"
  setup="$(setup_copy "$checkout" "$python")"
  rm -f "$STATE_DIR/database.db"
  log "starting eNMS from $checkout on http://127.0.0.1:$PORT (log: $LOG_FILE)"
  (cd "$checkout" && FLASK_APP=app.py SETUP_DIR="$setup" DATABASE_URL="sqlite:///$STATE_DIR/database.db" \
    SCHEDULER_ADDR=http://127.0.0.1:1 SERVER_ADDR=127.0.0.1 \
    exec "$python" -m flask run --host 127.0.0.1 --port "$PORT" --no-reload) >"$LOG_FILE" 2>&1 &
  echo "$!" > "$PID_FILE"
  for attempt in $(seq 1 120); do
    if curl -fsS -u admin:admin "http://127.0.0.1:$PORT/rest/is_alive" >/dev/null 2>&1; then
      log "eNMS answers after ${attempt}x0.5 s"
      print_env
      return 0
    fi
    running || break
    sleep 0.5
  done
  echo "eNMS did not start; the end of its log ($LOG_FILE):" >&2
  tail -n 30 "$LOG_FILE" >&2
  stop
  return 1
}

print_env() {
  printf 'export ENMS_REAL_URL=http://127.0.0.1:%s ENMS_REAL_USERNAME=admin ENMS_REAL_PASSWORD=admin\n' "$PORT"
}

stop() {
  if running; then
    kill "$(cat "$PID_FILE")" && echo "eNMS stopped; its log stays at $LOG_FILE" >&2
  else
    echo "eNMS is not running; log: $LOG_FILE" >&2
  fi
  rm -f "$PID_FILE"
}

status() {
  if running; then echo "eNMS is running (pid $(cat "$PID_FILE")) on http://127.0.0.1:$PORT; log: $LOG_FILE"
  else echo "eNMS is not running; log: $LOG_FILE"; return 1; fi
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
