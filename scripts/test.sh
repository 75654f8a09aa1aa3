#!/usr/bin/env bash
# The whole test suite of netops.bridge, in its own virtual environments:
#   bash scripts/test.sh                 # every stage
#   bash scripts/test.sh sanity units    # some stages: sanity, lint, docs, units, e2e
#   bash scripts/test.sh real-enms       # opt-in: the eNMS server tests against the real eNMS named by
#                                        # ENMS_REAL_URL, ENMS_REAL_USERNAME, ENMS_REAL_PASSWORD (scripts/real-enms.sh)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(sanity lint docs units e2e)

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

lint() {
  # ansible-lint's production profile over the roles and the showcase, in a collection tree of its own.
  local bin="$1" tree
  tree="$(collection_tree "$work/lint")"
  (cd "$tree" && NO_COLOR=1 ANSIBLE_COLLECTIONS_PATH="$work/lint" PATH="$bin:$PATH" \
    ansible-lint --profile production --offline roles/ playbooks/showcase.yml)
}

docs() {
  # antsibull-docs' docsite lint: semantic markup, references, schemas of every module, doc fragment and role spec.
  local bin="$1" tree
  tree="$(collection_tree "$work/docs")"
  lint_collection_docs "$bin" "$tree"
}

site() {
  # The HTML site as the README builds it (scripts/docs.sh), into a copy, so that the checkout stays clean.
  local tree
  tree="$(collection_tree "$work/site")"
  local html="$tree/build/docs/html" page
  bash "$tree/scripts/docs.sh" || return 1
  for page in index saymon_operation_module network_change_role docsite/getting-started docsite/guarantees; do
    test -s "$html/$page.html" || { echo "the site has no $page.html" >&2; return 1; }
  done
}

# Run by the docs stage, with the tools they need; the e2e stage leaves them out.
PACKAGING_TESTS=(tests/e2e/test_execution_environment.py tests/e2e/test_galaxy_importer.py)

packaging() {
  # The built tarball through ansible-builder create (and the build context's own introspection) and galaxy-importer.
  local bin="$1" builder importer
  builder="$(builder_venv)" && importer="$(importer_venv)" || return 1
  (cd "$REPO_ROOT" && NETOPS_BRIDGE_ANSIBLE_BUILDER="$builder/ansible-builder" NETOPS_BRIDGE_GALAXY_IMPORTER_PYTHON="$importer/python" \
    PATH="$bin:$PATH" "$bin/python" -m pytest "${PACKAGING_TESTS[@]}" -p no:cacheprovider -q -rs)
}

e2e() {
  local bin="$1" status=0 test ignore=()
  for test in "${PACKAGING_TESTS[@]}"; do ignore+=("--ignore=$test"); done
  (cd "$REPO_ROOT" && PATH="$bin:$PATH" "$bin/python" -m pytest tests/e2e "${ignore[@]}" -p no:cacheprovider -q -n 2) || status=$?
  [ "$status" -eq 5 ] && { echo "no integration tests collected"; return 0; }
  return "$status"
}

real_enms() {
  # The tests that furnish their own eNMS fixtures, against a real eNMS instead of the emulator.
  local bin="$1"
  (cd "$REPO_ROOT" && NETOPS_ENMS_SERVER=real PATH="$bin:$PATH" "$bin/python" -m pytest tests/e2e/test_enms_server.py -p no:cacheprovider -q -rs)
}

main_bin="$(main_venv)"
for stage in "${stages[@]}"; do
  case "$stage" in
    sanity)
      run_stage "sanity (ansible-core 2.16, Python 3.11)" sanity_with "$(oldest_venv)" 3.11
      run_stage "sanity (ansible-core 2.21, Python 3.12)" sanity_with "$main_bin" 3.12 ;;
    lint) run_stage "ansible-lint (production profile)" lint "$(lint_venv)" ;;
    docs)
      run_stage "docs (antsibull-docs lint)" docs "$(docs_venv)"
      run_stage "docs site (scripts/docs.sh)" site
      run_stage "packaging (ansible-builder, galaxy-importer)" packaging "$main_bin" ;;
    units) run_stage units units "$main_bin" ;;
    e2e) run_stage "integration (e2e)" e2e "$main_bin" ;;
    real-enms)
      if [ -z "${ENMS_REAL_URL:-}" ]; then
        echo "stage real-enms skipped: ENMS_REAL_URL is not set (start a real eNMS with: bash scripts/real-enms.sh start PATH_TO_ENMS_CHECKOUT)"
      else
        run_stage "real eNMS at $ENMS_REAL_URL" real_enms "$main_bin"
      fi ;;
    *) echo "unknown stage: $stage (sanity, lint, docs, units, e2e, real-enms)" >&2; exit 2 ;;
  esac
done

log "summary"
[ ${#failures[@]} -eq 0 ] || printf 'failed stage: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
