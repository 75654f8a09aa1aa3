#!/usr/bin/env bash
# The whole test suite of netops.bridge, in its own virtual environments:
#   bash scripts/test.sh                 # every stage
#   bash scripts/test.sh sanity units    # some stages: sanity, units, e2e
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(sanity units e2e)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
failures=()

run_stage() {
  local name="$1"; shift
  local start=$SECONDS
  log "stage $name"
  if "$@"; then
    passed=$((passed + 1)); log "stage $name passed in $((SECONDS - start))s"
  else
    failed=$((failed + 1)); failures+=("$name"); log "stage $name FAILED in $((SECONDS - start))s"
  fi
}

sanity_with() {
  local bin="$1" python="$2" tree
  install_get_pip_standins "$bin"
  ensure_shellcheck
  tree="$(collection_tree "$work/sanity-$python")"
  (cd "$tree" && PATH="$bin:$PATH" ansible-test sanity --venv --python "$python" --color no)
}

units() {
  local bin="$1" tree
  install_get_pip_standins "$bin"
  tree="$(collection_tree "$work/units")"
  (cd "$tree" && PATH="$bin:$PATH" ansible-test units --venv --python 3.12 --color no --requirements)
}

e2e() {
  local bin="$1" status=0
  (cd "$REPO_ROOT" && PATH="$bin:$PATH" "$bin/python" -m pytest tests/e2e -p no:cacheprovider -q -n 2) || status=$?
  [ "$status" -eq 5 ] && { echo "no integration tests collected"; return 0; }
  return "$status"
}

main_bin="$(main_venv)"
for stage in "${stages[@]}"; do
  case "$stage" in
    sanity)
      run_stage "sanity (ansible-core 2.16, Python 3.11)" sanity_with "$(oldest_venv)" 3.11
      run_stage "sanity (ansible-core 2.21, Python 3.12)" sanity_with "$main_bin" 3.12 ;;
    units) run_stage units units "$main_bin" ;;
    e2e) run_stage "integration (e2e)" e2e "$main_bin" ;;
    *) echo "unknown stage: $stage (sanity, units, e2e)" >&2; exit 2 ;;
  esac
done

log "summary"
[ ${#failures[@]} -eq 0 ] || printf 'failed stage: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
