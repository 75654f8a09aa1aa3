#!/usr/bin/env bash
# The whole test suite of netops.bridge, in its own virtual environments:
#   bash scripts/test.sh                 # every stage
#   bash scripts/test.sh sanity units    # some stages: sanity, lint, docs, units, core219, e2e, rulebooks
#   bash scripts/test.sh mutation        # opt-in: mutmut over module_utils and plugin_utils with the unit tests
#                                        # (docs/testing.md; NETOPS_MUTATION_DIR keeps the run for `mutmut show`,
#                                        # NETOPS_MUTATION_FILES="_errors.py omn_xml.py" mutates only these,
#                                        # NETOPS_MUTATION_CHILDREN=1 runs one mutant at a time,
#                                        # NETOPS_MUTATION_E2E="tests/e2e/test_execution_paths.py" adds e2e files)
#   bash scripts/test.sh real-enms       # opt-in: the eNMS server tests against the real eNMS named by
#                                        # ENMS_REAL_URL, ENMS_REAL_USERNAME, ENMS_REAL_PASSWORD (scripts/real-enms.sh)
# It needs Python 3.12 (every stage) and 3.11 (sanity, core219, e2e), each able to make a virtual environment, git,
# openssl (units, core219), pandoc (docs; installed with apt when run as root) and PyPI (the venvs, the first time);
# it says at the start what of that is missing.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

ALL_STAGES=(sanity lint docs units core219 e2e rulebooks)
OPT_IN_STAGES=(real-enms mutation)
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=("${ALL_STAGES[@]}")
for stage in "${stages[@]}"; do
  case " ${ALL_STAGES[*]} ${OPT_IN_STAGES[*]} " in
    *" $stage "*) ;;
    *) echo "unknown stage: $stage (${ALL_STAGES[*]}; opt-in: ${OPT_IN_STAGES[*]})" >&2; exit 2 ;;
  esac
done

preflight() {
  # What the chosen stages need and this machine lacks, said once, before anything runs.
  local stage missing=() needs=" " version
  for stage in "${stages[@]}"; do
    case "$stage" in
      sanity) needs+="3.11 " ;;              # ansible-test sanity on ansible-core 2.16
      docs) needs+="pandoc " ;;              # the site's guides (scripts/docs.sh)
      units) needs+="openssl " ;;            # a certificate for the TLS unit tests
      core219) needs+="3.11 openssl " ;;     # ansible-core 2.19 on Python 3.11
      e2e) needs+="3.11 " ;;                 # the showcase on a system Python 3.11 alone (test_any_python.py)
      rulebooks) needs+="java " ;;           # ansible-rulebook's rule engine runs on Java 17
    esac
  done
  for version in 3.12 3.11; do
    if [ "$version" = 3.12 ] || [[ "$needs" == *" $version "* ]]; then
      find_python "$version" >/dev/null 2>&1 || missing+=("Python $version that can make a virtual environment: $(python_hint "$version")")
    fi
  done
  command -v git >/dev/null 2>&1 || missing+=("git: the collection trees the stages test are listed with git ls-files (apt-get install git)")
  command -v xargs >/dev/null 2>&1 || missing+=("xargs (apt-get install findutils)")
  if [[ "$needs" == *" openssl "* ]] && ! command -v openssl >/dev/null 2>&1; then
    missing+=("openssl: the TLS tests make their certificates with it (apt-get install openssl)")
  fi
  if [[ "$needs" == *" java "* ]] && [ -z "$(java_home)" ] && ! { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }; then
    missing+=("Java 17: ansible-rulebook needs it (apt-get install openjdk-17-jre-headless; this script does it when run as root)")
  fi
  if [[ "$needs" == *" pandoc "* ]] && ! command -v pandoc >/dev/null 2>&1 && ! { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }; then
    missing+=("pandoc: the docs site converts the guides with it (apt-get install pandoc; this script does it when run as root)")
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  {
    echo "scripts/test.sh ${stages[*]}: this machine lacks what these stages need:"
    printf '  - %s\n' "${missing[@]}"
    echo "Nothing was run. Install them, or choose stages that need less (scripts/test.sh STAGE...), and run again."
  } >&2
  exit 2
}
preflight

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
  local bin="$1" python="${2:-3.12}" tree
  install_get_pip_standins "$bin"
  tree="$(collection_tree "$work/units-$python")"
  (cd "$tree" && PATH="$bin:$PATH" ansible-test units --venv --python "$python" --color no --requirements)
}

lint() {
  # ansible-lint's production profile over the roles and the showcase, in a collection tree of its own.
  local bin="$1" tree
  tree="$(collection_tree "$work/lint")"
  (cd "$tree" && NO_COLOR=1 ANSIBLE_COLLECTIONS_PATH="$work/lint" PATH="$bin:$PATH" \
    ansible-lint --profile production --offline roles/ playbooks/ extensions/eda/rulebooks/)
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
  for page in index saymon_operation_module enms_inventory network_change_role docsite/getting-started docsite/guarantees; do
    test -s "$html/$page.html" || { echo "the site has no $page.html" >&2; return 1; }
  done
}

# Run by the docs stage, with the tools they need; the e2e stage leaves them out.
PACKAGING_TESTS=(tests/e2e/test_execution_environment.py tests/e2e/test_galaxy_importer.py)
# Run by the rulebooks stage, in the venv that has ansible-rulebook: tests/e2e/test_rulebooks*.py, one file per loop.
RULEBOOK_TESTS=()
for test in "$REPO_ROOT"/tests/e2e/test_rulebooks*.py; do RULEBOOK_TESTS+=("tests/e2e/${test##*/}"); done

rulebooks() {
  # The example rulebooks run by the real ansible-rulebook against the emulators, each loop once.
  local bin="$1" java
  java="$(java_home)"
  if [ -z "$java" ]; then
    log "installing openjdk-17-jre-headless (ansible-rulebook needs Java 17)"
    apt-get install -y -qq openjdk-17-jre-headless >/dev/null || { apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }
    java="$(java_home)"
  fi
  (cd "$REPO_ROOT" && JAVA_HOME="$java" PATH="$bin:$PATH" "$bin/python" -m pytest "${RULEBOOK_TESTS[@]}" -p no:cacheprovider -q -rs)
}


packaging() {
  # The built tarball through ansible-builder create (and the build context's own introspection) and galaxy-importer.
  local bin="$1" builder importer
  builder="$(builder_venv)" && importer="$(importer_venv)" || return 1
  (cd "$REPO_ROOT" && NETOPS_BRIDGE_ANSIBLE_BUILDER="$builder/ansible-builder" NETOPS_BRIDGE_GALAXY_IMPORTER_PYTHON="$importer/python" \
    PATH="$bin:$PATH" "$bin/python" -m pytest "${PACKAGING_TESTS[@]}" -p no:cacheprovider -q -rs)
}

# Run again with every module as a module process: what depends on the path (the differential test of every module,
# secrets at -vvv, check mode, actions that must not be re-sent); the rest gives the same result on both paths.
# test_reliability is not here: retries and at-most-once live in the HTTP client both paths share, and its fault cases
# are the slowest e2e tests; the differential test (test_execution_paths) proves the paths give the same results.
MODULE_PATH_E2E=(tests/e2e/test_execution_paths.py tests/e2e/test_secrets.py tests/e2e/test_secret_whitespace.py
  tests/e2e/test_check_mode.py tests/e2e/test_zitadel_rotation_catalogue.py)

e2e() {
  # e2e BIN [EXECUTION]: the integration tests; EXECUTION=module runs the path-specific ones with every module task as
  # a module process.
  local bin="$1" execution="${2:-}" status=0 test ignore=() targets=(tests/e2e)
  for test in "${PACKAGING_TESTS[@]}" "${RULEBOOK_TESTS[@]}"; do ignore+=("--ignore=$test"); done
  [ "$execution" = module ] && targets=("${MODULE_PATH_E2E[@]}")
  (cd "$REPO_ROOT" && NETOPS_BRIDGE_EXECUTION="$execution" PATH="$bin:$PATH" "$bin/python" -m pytest "${targets[@]}" "${ignore[@]}" -p no:cacheprovider -q -n 2 --durations=30) || status=$?
  [ "$status" -eq 5 ] && { echo "no integration tests collected"; return 0; }
  return "$status"
}

real_enms() {
  # The tests that furnish their own eNMS fixtures, against a real eNMS instead of the emulator.
  local bin="$1"
  (cd "$REPO_ROOT" && NETOPS_ENMS_SERVER=real PATH="$bin:$PATH" "$bin/python" -m pytest tests/e2e/test_enms_server.py tests/e2e/test_enms_inventory_server.py \
    tests/e2e/test_enms_devices_server.py tests/e2e/test_enms_pools_server.py tests/e2e/test_roles_enms_server.py tests/e2e/test_enms_runs_source.py -p no:cacheprovider -q -rs)
}

mutation() {
  # mutmut in a tree where the mutated files keep their import path (tests/mutation/setup.cfg), then the score per file
  # and every mutant the unit tests did not catch (tests/mutation/report.py).
  local bin="$1" run="${NETOPS_MUTATION_DIR:-$work/mutation}" status=0
  rm -rf "$run" && mkdir -p "$run"
  collection_tree "$run" >/dev/null
  cp "$REPO_ROOT/tests/mutation/setup.cfg" "$run/setup.cfg"
  if [ -n "${NETOPS_MUTATION_FILES:-}" ]; then
    # A part of the run, e.g. NETOPS_MUTATION_FILES="_errors.py omn_xml.py": only these of setup.cfg's files.
    # shellcheck disable=SC2086 # a list of file names, split on purpose
    "$bin/python" "$REPO_ROOT/tests/mutation/report.py" --only "$run/setup.cfg" $NETOPS_MUTATION_FILES || return 1
  fi
  local hits_plugin=""
  if [ -n "${NETOPS_MUTATION_E2E:-}" ]; then
    # e2e files where the units alone cannot see a behaviour, e.g. NETOPS_MUTATION_E2E="tests/e2e/test_execution_paths.py":
    # they run against the mutated tree (its conftest makes that tree the collection of ANSIBLE_COLLECTIONS_PATH, and
    # the ansible-playbook children inherit mutmut's MUTANT_UNDER_TEST), and the plugin on this PYTHONPATH tells
    # mutmut which mutated functions their children reached.
    # shellcheck disable=SC2086 # a list of file names, split on purpose
    "$bin/python" "$REPO_ROOT/tests/mutation/report.py" --e2e "$run/setup.cfg" $NETOPS_MUTATION_E2E || return 1
    hits_plugin="$run/ansible_collections/netops/bridge/tests/mutation/e2e"
  fi
  # The property-based tests run a few examples per mutant; the units stage runs them in full.
  # NETOPS_MUTATION_CHILDREN: how many mutants at once (default: one per core; 1 on a machine shared with others).
  (cd "$run" && NETOPS_HOSTILE_EXAMPLES="${NETOPS_HOSTILE_EXAMPLES:-5}" PATH="$bin:$PATH" PYTHONPATH="$hits_plugin${PYTHONPATH:+:$PYTHONPATH}" \
    "$bin/mutmut" run --max-children "${NETOPS_MUTATION_CHILDREN:-$(nproc 2>/dev/null || echo 2)}" >"$run/mutmut.log" 2>&1) || status=$?
  "$bin/python" "$REPO_ROOT/tests/mutation/report.py" "$run" || status=1
  [ "$status" -eq 0 ] || tail -n 40 "$run/mutmut.log" >&2
  return "$status"
}

# Run by the core219 stage on ansible-core 2.19 (the newest on Python 3.11): a representative part of the integration tests
# (the differential test runs every module, eNMS's included, on both execution paths).
CORE219_E2E=(tests/e2e/test_saymon.py tests/e2e/test_execution_paths.py)
# Run on ansible-core 2.16, the oldest the collection supports: both execution paths side by side, and the eNMS
# inventory and lookup tests that show what a server says is never a template (core before 2.19 would render it).
CORE216_E2E=(tests/e2e/test_execution_paths.py tests/e2e/test_enms_inventory_trust.py tests/e2e/test_enms_inventory_server.py
             tests/e2e/test_lookups.py)

e2e_part() {
  local bin="$1"; shift
  (cd "$REPO_ROOT" && PATH="$bin:$PATH" "$bin/python" -m pytest "$@" -p no:cacheprovider -q -n 2)
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
    core219)
      core219_bin="$(core219_venv)"
      run_stage "units (ansible-core 2.19, Python 3.11)" units "$core219_bin" 3.11
      run_stage "integration, SAYMON, eNMS and both execution paths (ansible-core 2.19, Python 3.11)" e2e_part "$core219_bin" "${CORE219_E2E[@]}"
      run_stage "integration, both execution paths (ansible-core 2.16, Python 3.11)" e2e_part "$(oldest_venv)" "${CORE216_E2E[@]}" ;;
    e2e)
      run_stage "integration (e2e), modules in the worker where they can (the default)" e2e "$main_bin"
      run_stage "integration (e2e), the path-specific tests with every module as a module process (NETOPS_BRIDGE_EXECUTION=module)" e2e "$main_bin" module ;;
    rulebooks) run_stage "rulebooks (the real ansible-rulebook against the emulators)" rulebooks "$(rulebook_venv)" ;;
    mutation) run_stage "mutation testing (mutmut, unit tests)" mutation "$(mutation_venv)" ;;
    real-enms)
      if [ -z "${ENMS_REAL_URL:-}" ]; then
        echo "stage real-enms skipped: ENMS_REAL_URL is not set (start a real eNMS with: bash scripts/real-enms.sh start PATH_TO_ENMS_CHECKOUT)"
      else
        run_stage "real eNMS at $ENMS_REAL_URL" real_enms "$main_bin"
      fi ;;
  esac
done

log "summary"
[ ${#failures[@]} -eq 0 ] || printf 'failed stage: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
