#!/usr/bin/env bash
# The HTML documentation site of netops.bridge in build/docs/html: the module and role references antsibull-docs
# makes from the collection, and the Markdown guides of docs/ (converted with pandoc, installed with apt when missing).
#   bash scripts/docs.sh
# Offline, links into docs.ansible.com and docs.python.org stay plain text (NETOPS_BRIDGE_DOCS_OFFLINE=1 forces
# that, =0 forbids it); references inside the collection are checked either way.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

out="$REPO_ROOT/build/docs/html"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bin="$(docs_venv)"

log "collection tree"
tree="$(collection_tree "$work/collections")"
if ensure_pandoc; then
  "$bin/python" "$REPO_ROOT/scripts/docs_guides.py" "$tree"
else
  echo "pandoc is not installed and could not be: the site has no guides" >&2
fi

log "antsibull-docs lint (plugins, roles and extra docs)"
lint_collection_docs "$bin" "$tree" --check-extra-docs-refs

log "Sphinx project"
site="$work/site"
mkdir -m 700 "$site"
"$bin/antsibull-docs" sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir "$site" \
  --project netops.bridge --title 'netops.bridge' --copyright 'netops.bridge contributors' netops.bridge >/dev/null
with_venv_lock "$(dirname "$bin")" "$bin/python" -m pip install -q --disable-pip-version-check -r "$site/requirements.txt"

offline="${NETOPS_BRIDGE_DOCS_OFFLINE:-auto}"
if [ "$offline" = auto ]; then
  offline=1
  if "$bin/python" -c 'import urllib.request as r; r.urlopen("https://docs.ansible.com/projects/ansible/devel/objects.inv", timeout=10)' \
    >/dev/null 2>&1; then
    offline=0
  fi
fi
if [ "$offline" = 1 ]; then
  echo "docs.ansible.com cannot be reached: references outside netops.bridge stay plain text" >&2
  cat >> "$site/conf.py" <<'PY'

# Added by scripts/docs.sh, offline: no inventory to fetch, and only references outside this collection may dangle
# (ansible-core's own environment variables, such as the inventory cache's ANSIBLE_CACHE_PLUGIN, among them).
intersphinx_mapping = {}
nitpick_ignore_regex = [('std:ref', r'(?!ansible_collections\.netops\.bridge\.).*'), ('std:envvar', r'ANSIBLE_.*')]
PY
fi

log "build"
(cd "$site" && PATH="$bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$work/collections" ./build.sh)

rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -R "$site/build/html" "$out"
log "site: $out/index.html"
