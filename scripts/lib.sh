# shellcheck shell=bash
# Shared by scripts/test.sh and scripts/showcase.sh: virtual environments and a collection tree.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${NETOPS_BRIDGE_CACHE:-$HOME/.cache/netops-bridge}"
RUNTIME_REQUIREMENTS="requests>=2.25 lxml>=4.6"
TEST_REQUIREMENTS="pytest>=7 pytest-xdist>=3 hypothesis>=6 pyyaml>=5 ansible-runner>=2.3"

log() { printf '\n== %s\n' "$*" >&2; }

ensure_shellcheck() {
  # ansible-test's shellcheck sanity test is skipped without it; install it where we may (root with apt).
  command -v shellcheck >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get install -y -qq shellcheck || { apt-get update -qq && apt-get install -y -qq shellcheck; }) >/dev/null 2>&1 || true
  fi
  command -v shellcheck >/dev/null 2>&1 || echo "shellcheck is not installed: ansible-test skips its shellcheck test" >&2
}

ensure_pandoc() {
  # scripts/docs.sh converts the Markdown guides with pandoc; install it where we may (root with apt).
  command -v pandoc >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get install -y -qq pandoc || { apt-get update -qq && apt-get install -y -qq pandoc; }) >/dev/null 2>&1 || true
  fi
  command -v pandoc >/dev/null 2>&1
}

find_python() {
  # find_python 3.12 -> path of a python3.12 from pyenv or the system
  local version="$1" candidate
  for candidate in "$HOME"/.pyenv/versions/"$version".*/bin/python "$(command -v "python$version" || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  echo "Python $version is needed (pyenv install $version, or apt-get install python$version-venv)." >&2
  return 1
}

ensure_venv() {
  # ensure_venv NAME PYTHON_VERSION REQUIREMENT... -> prints the venv's bin directory
  local name="$1" version="$2"; shift 2
  local venv="$CACHE_DIR/$name" stamp wanted python
  wanted="$(printf '%s\n' "$@" | sort | tr '\n' ' ')"
  stamp="$venv/.netops-requirements"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    echo "$venv/bin"; return 0
  fi
  python="$(find_python "$version")" || return 1
  log "creating $venv (Python $version): $wanted"
  rm -rf "$venv"
  mkdir -p "$CACHE_DIR"
  "$python" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >&2
  # shellcheck disable=SC2068
  "$venv/bin/python" -m pip install -q --disable-pip-version-check $@ >&2
  printf '%s' "$wanted" > "$stamp"
  echo "$venv/bin"
}

main_venv() {
  # The venv that runs the modules, the units, the integration tests and the showcase.
  # shellcheck disable=SC2086
  ensure_venv core221-py312 3.12 'ansible-core>=2.21,<2.22' $RUNTIME_REQUIREMENTS $TEST_REQUIREMENTS
}

lint_venv() {
  # ansible-lint brings its own ansible-core; kept apart from the venvs that run the tests.
  ensure_venv lint-py312 3.12 'ansible-lint>=25,<27' 'ansible-core>=2.21,<2.22'
}

docs_venv() {
  # antsibull-docs (the lint and the site; scripts/docs.sh adds the Sphinx theme that sphinx-init asks for).
  ensure_venv docs-py312 3.12 'antsibull-docs>=2,<3' 'ansible-core>=2.21,<2.22'
}

builder_venv() {
  ensure_venv builder-py312 3.12 'ansible-builder>=3,<4'
}

importer_venv() {
  # galaxy-importer brings ansible-core and ansible-lint of its own choosing, as Galaxy and Automation Hub run them.
  ensure_venv importer-py312 3.12 'galaxy-importer>=0.4.30,<0.5'
}

lint_collection_docs() {
  # lint_collection_docs BIN COLLECTION_DIR [OPTION...]: antsibull-docs' docsite lint of the plugin and role docs, with
  # every reference checked (this collection depends on none, so any other collection it names is an error).
  local bin="$1" tree="$2"; shift 2
  (cd "$tree" && PATH="$bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$(cd ../../.. && pwd)" \
    antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all --disallow-unknown-collection-refs "$@" .)
}

oldest_venv() {
  ensure_venv core216-py311 3.11 'ansible-core>=2.16,<2.17'
}

install_get_pip_standins() {
  # ansible-test looks here before it tries to download get-pip-<version>.py.
  local bin="$1" version
  mkdir -p "$HOME/.ansible/test/cache"
  for version in $("$bin/python" - <<'PY'
import os, re
import ansible_test
path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
with open(path) as handle:
    print(' '.join(sorted(set(re.findall(r"pip=['\"]([0-9.]+)['\"]", handle.read())))))
PY
); do
    cp "$REPO_ROOT/scripts/get_pip_standin.py" "$HOME/.ansible/test/cache/get_pip_${version//./_}.py"
  done
}

collection_tree() {
  # A copy of the working tree (tracked and untracked-but-not-ignored files) at
  # <tmp>/ansible_collections/netops/bridge, as ansible-test requires; prints that path.
  local dest="$1/ansible_collections/netops/bridge"
  mkdir -p "$dest"
  (cd "$REPO_ROOT" && git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} "$dest/")
  # ansible-test lists a collection's files through git when it can: give the copy its own repository.
  if ! (cd "$dest" && git init -q && git add -A && git -c user.email=ci@localhost -c user.name=ci commit -qm tree) >/dev/null 2>&1; then
    echo "could not make a git repository in $dest; ansible-test will walk the files instead" >&2
  fi
  echo "$dest"
}
