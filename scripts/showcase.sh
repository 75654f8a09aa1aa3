#!/usr/bin/env bash
# The main job: the showcase playbook against the embedded emulators, which this script starts
# on ephemeral 127.0.0.1 ports and stops again. Runs the playbook twice (the second run shows
# what is idempotent). Extra arguments go to ansible-playbook, e.g. -v or --check.
# Runs on the newest Python 3.11+ it finds (python3.14 ... python3.11 on PATH or in pyenv, else python3; or the one
# NETOPS_BRIDGE_PYTHON names) with the newest ansible-core for it (2.21 on 3.12+, 2.19 on 3.11), in a venv of its own
# under ${NETOPS_BRIDGE_CACHE:-~/.cache/netops-bridge} holding only ansible-core, requests and lxml.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

bin="$(showcase_venv)"
log "$("$bin/python" -c 'import sys; from ansible.release import __version__ as core
print("ansible-core %s on Python %s (%s)" % (core, sys.version.split()[0], getattr(sys, "_base_executable", sys.executable)))')"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_emulator() {
  # start_emulator PLATFORM: starts it in the background; emulator_url PLATFORM prints its URL
  local platform="$1"
  PYTHONPATH="$REPO_ROOT/tests" "$bin/python" -m emulators "$platform" --url-file "$work/$platform.url" \
    >"$work/$platform.log" 2>&1 &
  pids+=("$!")
}

emulator_url() {
  local platform="$1" attempt
  for attempt in $(seq 1 100); do
    [ -s "$work/$platform.url" ] && { cat "$work/$platform.url"; return 0; }
    sleep 0.1
  done
  echo "the $platform emulator did not start after $attempt checks:" >&2
  cat "$work/$platform.log" >&2
  return 1
}

mkdir -p "$work/collections/ansible_collections/netops"
ln -s "$REPO_ROOT" "$work/collections/ansible_collections/netops/bridge"
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False
export ANSIBLE_PYTHON_INTERPRETER="$bin/python"

start_emulator saymon
start_emulator enms
start_emulator omn
start_emulator zitadel
SAYMON_URL="$(emulator_url saymon)"
ENMS_URL="$(emulator_url enms)"
OMN_URL="$(emulator_url omn)"
ZITADEL_URL="$(emulator_url zitadel)"
export SAYMON_URL SAYMON_USERNAME=admin SAYMON_PASSWORD=admin-pass
export ENMS_URL ENMS_USERNAME=admin ENMS_PASSWORD=admin-pass
export OMN_URL OMN_TOKEN=omn-token
export ZITADEL_URL ZITADEL_TOKEN=admin-token
export SHOWCASE_SAYMON_LINK_ID=62de902eb238aa0131bd3b01 SHOWCASE_SAYMON_OBJECT_ID=5e9465cb00000000000000a1 \
  SHOWCASE_SAYMON_BACKUP_LINK_ID=62de902eb238aa0131bd3b02

for pass in first second; do
  log "showcase, $pass run"
  "$bin/ansible-playbook" -i localhost, -c local "$REPO_ROOT/playbooks/showcase.yml" "$@"
done
