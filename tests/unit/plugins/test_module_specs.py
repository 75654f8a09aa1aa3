# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each module's options as it parses them are the options its documentation (with its doc fragments) gives: the same
names, types, elements, required flags, defaults, choices, aliases and suboptions, secrets hidden, and check mode
supported as its check_mode attribute says. validate-modules compares them only in sanity; this holds them in the
units, where the mutation stage can see them (docs/testing.md). test_connection_specs.py holds the connection options
to their environment variables."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib
import os

import pytest
import yaml

from ansible_collections.netops.bridge.plugins.module_utils import _module

MODULES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'plugins', 'modules')
MODULES = sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith('.py') and not name.startswith('_'))
COLLECTION = 'netops.bridge.'
SECRETS = ('password', 'token', 'refresh_token', 'session_id')
# What an option states, and the default ansible-doc reads when it does not.
STATED = {'type': 'str', 'elements': None, 'required': False, 'default': None, 'choices': None, 'aliases': None}
# The keys of an option AnsibleModule reads; it ignores any other, so a misspelt one would silently change nothing.
SPEC_KEYS = set(STATED) | set(['no_log', 'options', 'fallback', 'apply_defaults', 'mutually_exclusive', 'required_one_of',
                               'required_together', 'required_if', 'required_by'])


class Declared(Exception):
    """Raised in place of building the module: main() stops at the declaration the test wants."""


def merged(into, extra):
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merged(into[key], value)
        else:
            into.setdefault(key, value)
    return into


def documentation(name):
    """The module's DOCUMENTATION with its doc fragments merged in, as ansible-doc shows it."""
    doc = yaml.safe_load(importlib.import_module('ansible_collections.netops.bridge.plugins.modules.%s' % name).DOCUMENTATION)
    for fragment in doc.get('extends_documentation_fragment', []):
        assert fragment.startswith(COLLECTION), fragment
        parts = fragment[len(COLLECTION):].split('.')
        source = importlib.import_module('ansible_collections.netops.bridge.plugins.doc_fragments.%s' % parts[0])
        text = getattr(source.ModuleDocFragment, parts[1].upper() if len(parts) > 1 else 'DOCUMENTATION')
        merged(doc, dict((key, value) for key, value in yaml.safe_load(text).items() if key in ('options', 'attributes')))
    return doc


def declaration(name, monkeypatch):
    """The keyword arguments the module builds its AnsibleModule with (connection options included)."""
    def declare(**kwargs):
        raise Declared(kwargs)

    monkeypatch.setattr(_module, 'ExplainedAnsibleModule', declare)
    with pytest.raises(Declared) as declared:
        importlib.import_module('ansible_collections.netops.bridge.plugins.modules.%s' % name).main()
    return declared.value.args[0]


def assert_options_as_documented(spec, documented, where):
    assert sorted(spec) == sorted(documented), where
    for name, option in documented.items():
        parsed, here = spec[name], '%s.%s' % (where, name)
        assert set(parsed) <= SPEC_KEYS, (here, sorted(set(parsed) - SPEC_KEYS))
        for key, default in STATED.items():
            assert parsed.get(key, default) == option.get(key, default), (here, key)
        assert parsed.get('required', False) is option.get('required', False), here
        assert parsed.get('no_log', False) is (name in SECRETS), here
        if 'suboptions' in option or 'options' in parsed:
            assert_options_as_documented(parsed.get('options') or {}, option.get('suboptions') or {}, here)


@pytest.mark.parametrize('name', MODULES)
def test_each_option_is_parsed_as_documented(name, monkeypatch):
    declared = declaration(name, monkeypatch)
    assert_options_as_documented(declared['argument_spec'], documentation(name).get('options') or {}, name)


@pytest.mark.parametrize('name', MODULES)
def test_check_mode_is_supported_as_documented(name, monkeypatch):
    support = documentation(name)['attributes']['check_mode']['support']
    assert support in ('full', 'partial', 'none'), support
    assert declaration(name, monkeypatch).get('supports_check_mode', False) is (support != 'none')
