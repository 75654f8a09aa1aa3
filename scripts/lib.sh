# shellcheck shell=bash
# Shared by scripts/test.sh and scripts/showcase.sh: virtual environments and a collection tree.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${NETOPS_BRIDGE_CACHE:-$HOME/.cache/netops-bridge}"
RUNTIME_REQUIREMENTS="requests>=2.25 lxml>=4.6"
TEST_REQUIREMENTS="pytest>=7 pytest-xdist>=3 hypothesis>=6 pyyaml>=5 ansible-runner>=2.3 zitadel-client>=4.1.9"
# What the event sources (extensions/eda) need beside the runtime requirements, in the Python of ansible-rulebook.
EDA_REQUIREMENTS="aiohttp>=3.9 jwcrypto>=1.5"

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

python_minor() {
  # python_minor PYTHON -> its version, e.g. 3.11, when it runs and can make a virtual environment (Debian and Ubuntu
  # ship the venv module's ensurepip apart, in python3.X-venv); fails otherwise
  "$1" -c 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

python_hint() {
  # python_hint VERSION -> how to get a Python VERSION that can make virtual environments
  echo "pyenv install $1, or apt-get install python$1-venv"
}

find_python() {
  # find_python 3.12 -> path of a python3.12 from pyenv or the system (or a python3 that is 3.12) that can make a
  # virtual environment
  local version="$1" candidate
  for candidate in "$HOME"/.pyenv/versions/"$version".*/bin/python "$(command -v "python$version" || true)" \
      "$(command -v python3 || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$(python_minor "$candidate")" = "$version" ]; then
      real_python "$candidate"; return 0
    fi
  done
  echo "Python $version is needed ($(python_hint "$version"))." >&2
  return 1
}

# The Pythons the showcase runs on, newest first, and the newest ansible-core for each (2.20 and later need 3.12).
SHOWCASE_PYTHONS="3.14 3.13 3.12 3.11"
showcase_core() {
  case "$1" in
    3.11) echo 2.19 ;;
    *) echo 2.21 ;;
  esac
}

find_newest_python() {
  # find_newest_python -> "PATH VERSION" of the Python the showcase runs on: $NETOPS_BRIDGE_PYTHON when set, else the
  # newest of python3.14 ... python3.11 on PATH or in pyenv, else plain python3 when it is 3.11 or later. Each must be
  # able to make a virtual environment. The path is the interpreter itself (symlinks resolved), so that a venv made from
  # it outlives the link it was found through.
  local version candidate found unusable=()
  if [ -n "${NETOPS_BRIDGE_PYTHON:-}" ]; then
    found="$(python_minor "$NETOPS_BRIDGE_PYTHON")" || {
      echo "NETOPS_BRIDGE_PYTHON=$NETOPS_BRIDGE_PYTHON does not run, or cannot make a virtual environment (the venv module)." >&2
      return 1
    }
    case " $SHOWCASE_PYTHONS " in
      *" $found "*) ;;
      *) echo "NETOPS_BRIDGE_PYTHON=$NETOPS_BRIDGE_PYTHON is Python $found; the showcase needs one of $SHOWCASE_PYTHONS." >&2; return 1 ;;
    esac
    echo "$(real_python "$NETOPS_BRIDGE_PYTHON") $found"; return 0
  fi
  for version in $SHOWCASE_PYTHONS; do
    for candidate in "$(command -v "python$version" || true)" "$HOME"/.pyenv/versions/"$version".*/bin/python; do
      if [ -z "$candidate" ] || [ ! -x "$candidate" ]; then continue; fi
      if [ "$(python_minor "$candidate")" = "$version" ]; then
        for found in "${unusable[@]}"; do
          echo "(skipped $found: it cannot make a virtual environment; apt-get install $(basename "$found")-venv)" >&2
        done
        echo "$(real_python "$candidate") $version"; return 0
      fi
      # A pyenv shim of a version that is not selected does not run: not worth a hint.
      case "$candidate" in */.pyenv/shims/*) ;; *) unusable+=("$candidate") ;; esac
    done
  done
  candidate="$(command -v python3 || true)"
  if [ -n "$candidate" ]; then
    found="$(python_minor "$candidate" || true)"
    case " $SHOWCASE_PYTHONS " in
      *" ${found:-none} "*) echo "$(real_python "$candidate") $found"; return 0 ;;
    esac
    [ -n "$found" ] && echo "python3 ($candidate) is Python $found, not one of $SHOWCASE_PYTHONS." >&2
  fi
  echo "The showcase needs Python 3.11 or later that can make a virtual environment, and found none." >&2
  for candidate in "${unusable[@]}"; do
    echo "  $candidate cannot make one: apt-get install $(basename "$candidate")-venv" >&2
  done
  echo "  Install one: apt-get install python3-venv (Debian 12 and Ubuntu 24.04 ship 3.11 and 3.12), or pyenv install 3.12;" >&2
  echo "  or name one with NETOPS_BRIDGE_PYTHON=/path/to/python3." >&2
  return 1
}

real_python() {
  # real_python PYTHON -> the interpreter behind PYTHON (pyenv shims and symlinks followed)
  "$1" -c 'import os, sys; print(os.path.realpath(sys.executable))'
}

venv_is_current() {
  # venv_is_current NAME REQUIREMENT...: whether $CACHE_DIR/NAME exists, runs, and holds exactly these requirements
  local name="$1"; shift
  venv_is_current_at "$CACHE_DIR/$name" "$@"
}

venv_is_current_at() {
  # venv_is_current_at VENV REQUIREMENT...: whether VENV runs and its build finished for exactly these requirements (the
  # marker is the last thing a build writes, so a venv whose build was killed has none)
  local venv="$1"; shift
  [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.netops-requirements" 2>/dev/null)" = "$(requirement_set "$@")" ]
}

requirement_set() {
  printf '%s\n' "$@" | sort | tr '\n' ' '
}

make_venv() {
  # make_venv NAME PYTHON REQUIREMENT... -> $CACHE_DIR/NAME holds these requirements on PYTHON; prints its bin
  local name="$1"; shift
  make_venv_at "$CACHE_DIR/$name" "$@"
}

make_venv_at() {
  # make_venv_at VENV PYTHON REQUIREMENT... -> (re)creates VENV from PYTHON with these requirements; prints its bin.
  # Runs may share the cache: one builds while holding VENV.lock, the others wait for it and then take what it built
  # when it is what they want.
  local venv="$1" python="$2"; shift 2
  mkdir -p "$(dirname "$venv")" || return 1
  (
    lock_exclusively 9 "$venv" "$python" || exit 1
    if venv_is_current_at "$venv" "$@"; then
      log "$venv was built by another run meanwhile"
      echo "$venv/bin"; exit 0
    fi
    build_venv "$venv" "$python" "$@"
  ) 9>>"$venv.lock"
}

with_venv_lock() {
  # with_venv_lock VENV COMMAND...: runs COMMAND holding VENV's lock, for what installs into a venv of the cache after
  # its build (two pip runs installing into one venv at once can break it)
  local venv="$1"; shift
  ( lock_exclusively 9 "$venv" "$venv/bin/python" && "$@" ) 9>>"$venv.lock"
}

lock_exclusively() {
  # lock_exclusively FD VENV PYTHON: an exclusive flock on FD, held until FD is closed, saying so when it has to wait.
  # flock(1) where there is one, else the same system call through PYTHON (macOS and minimal systems have no flock(1)).
  local fd="$1" venv="$2" python="$3"
  if command -v flock >/dev/null 2>&1; then
    flock -n "$fd" && return 0
    log "waiting for another run to finish with $venv"
    flock "$fd"
  else
    "$python" - "$fd" "$venv" <<'PY'
import fcntl, sys
fd = int(sys.argv[1])
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError:
    sys.stderr.write('\n== waiting for another run to finish with %s\n' % sys.argv[2])
    fcntl.flock(fd, fcntl.LOCK_EX)
PY
  fi
}

build_venv() {
  # build_venv VENV PYTHON REQUIREMENT...: called with VENV's lock held
  local venv="$1" python="$2"; shift 2
  local wanted
  wanted="$(requirement_set "$@")"
  log "creating $venv ($python): $wanted"
  # The marker goes first and comes back last: a run killed anywhere in between leaves a venv that is not current.
  rm -f "$venv/.netops-requirements"
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2 || { echo "$python could not make a virtual environment in $venv" >&2; return 1; }
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >&2 || return 1
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@" >&2 || {
    echo "pip could not install $wanted into $venv (is PyPI, or the index PIP_INDEX_URL names, reachable?)" >&2
    rm -rf "$venv"; return 1
  }
  printf '%s' "$wanted" > "$venv/.netops-requirements"
  echo "$venv/bin"
}

ensure_venv() {
  # ensure_venv NAME PYTHON_VERSION REQUIREMENT... -> prints the venv's bin directory
  local name="$1" version="$2" python; shift 2
  if venv_is_current "$name" "$@"; then echo "$CACHE_DIR/$name/bin"; return 0; fi
  python="$(find_python "$version")" || return 1
  make_venv "$name" "$python" "$@"
}

showcase_venv() {
  # The showcase's own venv, on the newest Python found (find_newest_python) with the newest ansible-core for it and
  # only what the modules need: e.g. showcase-core219-py311 (ansible-core 2.19) on Debian 12's Python 3.11.
  local found python version core name
  found="$(find_newest_python)" || return 1
  python="${found% *}"; version="${found##* }"; core="$(showcase_core "$version")"
  name="showcase-core${core/./}-py${version/./}"
  # shellcheck disable=SC2086
  set -- "ansible-core>=$core,<2.$((${core#2.} + 1))" $RUNTIME_REQUIREMENTS
  log "showcase: Python $version ($python), ansible-core $core"
  if venv_is_current "$name" "$@"; then echo "$CACHE_DIR/$name/bin"; return 0; fi
  make_venv "$name" "$python" "$@"
}

main_venv() {
  # The venv that runs the modules, the units, the integration tests and the showcase.
  # shellcheck disable=SC2086
  ensure_venv core221-py312 3.12 'ansible-core>=2.21,<2.22' $RUNTIME_REQUIREMENTS $TEST_REQUIREMENTS $EDA_REQUIREMENTS
}

rulebook_venv() {
  # ansible-rulebook (from PyPI; its rule engine runs on Java 17) with what the event sources and their tests need.
  # shellcheck disable=SC2086
  ensure_venv rulebook-py312 3.12 'ansible-rulebook>=1.1,<2' 'ansible-core>=2.21,<2.22' $RUNTIME_REQUIREMENTS $EDA_REQUIREMENTS $TEST_REQUIREMENTS
}

java_home() {
  # The JAVA_HOME of a Java 17 runtime, or nothing: JAVA_HOME if it is one, else Debian's usual place.
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64 /usr/lib/jvm/java-17-openjdk; do
    if [ -z "$candidate" ] || [ ! -x "$candidate/bin/java" ]; then continue; fi
    if [[ "$("$candidate/bin/java" -version 2>&1)" == *'version "17'* ]]; then
      echo "$candidate"; return 0
    fi
  done
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
  # ansible-core 2.16, the oldest the collection supports: sanity, and both execution paths (core219 stage).
  # shellcheck disable=SC2086
  ensure_venv core216-py311 3.11 'ansible-core>=2.16,<2.17' $RUNTIME_REQUIREMENTS $TEST_REQUIREMENTS
}

core219_venv() {
  # ansible-core 2.19, the newest on Python 3.11 (Debian 12's system Python): units and part of the integration tests.
  # shellcheck disable=SC2086
  ensure_venv core219-py311 3.11 'ansible-core>=2.19,<2.20' $RUNTIME_REQUIREMENTS $TEST_REQUIREMENTS
}

mutation_venv() {
  # mutmut for the opt-in mutation stage: it runs the unit tests in its own process, so it needs what they need.
  # shellcheck disable=SC2086
  ensure_venv mutation-py312 3.12 'ansible-core>=2.21,<2.22' 'mutmut>=3.3,<4' $RUNTIME_REQUIREMENTS pytest hypothesis pyyaml cryptography
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
    # Copied beside it and renamed, so that an ansible-test of another run never reads a half-copied one.
    cp "$REPO_ROOT/scripts/get_pip_standin.py" "$HOME/.ansible/test/cache/get_pip_${version//./_}.py.$$" &&
      mv -f "$HOME/.ansible/test/cache/get_pip_${version//./_}.py.$$" "$HOME/.ansible/test/cache/get_pip_${version//./_}.py"
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
