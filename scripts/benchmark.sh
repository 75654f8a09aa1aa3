#!/usr/bin/env bash
# The benchmark: netops.bridge against hand-written ansible.builtin.uri tasks on the embedded emulators.
# Not part of the test suite (these machines are noisy). Prints every figure and writes docs/benchmark.md.
#   bash scripts/benchmark.sh                      # every figure
#   bash scripts/benchmark.sh --only per_task      # some: per_task requests batch sessions waiting scale memory inventory devices
#                                                  eda phases enms_deletes (this one needs the ENMS_REAL_* of scripts/real-enms.sh)
# The collection's tasks run on both paths side by side: the default one (in the worker) and netops_bridge_execution=module.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

bin="$(main_venv)"
cd "$REPO_ROOT"
exec "$bin/python" tests/perf/benchmark.py "$@"
