# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each platform's connection options as the modules parse them are the options ansible-doc documents: the same
names, types, required flags, defaults and choices, and each read from the environment variable its description
names. validate-modules compares a module's spec with its documentation only in sanity; this holds it in the units,
where the mutation stage can see it (docs/testing.md)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.netops.bridge.plugins.doc_fragments import enms as enms_doc
from ansible_collections.netops.bridge.plugins.doc_fragments import omn as omn_doc
from ansible_collections.netops.bridge.plugins.doc_fragments import saymon as saymon_doc
from ansible_collections.netops.bridge.plugins.doc_fragments import zitadel as zitadel_doc
from ansible_collections.netops.bridge.plugins.module_utils._module import non_empty_env_fallback
from ansible_collections.netops.bridge.plugins.module_utils.enms import enms_argument_spec
from ansible_collections.netops.bridge.plugins.module_utils.omn import omn_argument_spec
from ansible_collections.netops.bridge.plugins.module_utils.saymon import saymon_argument_spec
from ansible_collections.netops.bridge.plugins.module_utils.zitadel import zitadel_argument_spec

PLATFORMS = {
    'saymon': (saymon_argument_spec, saymon_doc),
    'enms': (enms_argument_spec, enms_doc),
    'omn': (omn_argument_spec, omn_doc),
    'zitadel': (zitadel_argument_spec, zitadel_doc),
}
SECRETS = ('password', 'token', 'refresh_token', 'session_id')
# A value of each type, as an environment variable gives it, and what the module then holds.
FROM_ENVIRONMENT = {'str': ('from-env', 'from-env'), 'path': ('/tmp/from-env', '/tmp/from-env'), 'bool': ('false', False),
                    'float': ('7.5', 7.5)}


def documented(fragment):
    return yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)['options']


def variable_of(option):
    found = re.findall(r'E\(([A-Z_]+)\)', ' '.join(option['description']))
    assert len(found) == 1, option['description']
    return found[0]


@pytest.mark.parametrize('platform', sorted(PLATFORMS))
def test_each_connection_option_is_parsed_as_documented(platform):
    spec_of, fragment = PLATFORMS[platform]
    spec, doc = spec_of(), documented(fragment)
    assert sorted(spec) == sorted(doc)
    for name, option in doc.items():
        parsed = spec[name]
        assert sorted(parsed) == sorted(set(parsed) & {'type', 'required', 'default', 'choices', 'no_log', 'fallback'}), name
        assert parsed['type'] == option['type'], name
        assert parsed.get('required', False) is option.get('required', False), name
        assert parsed.get('default') == option.get('default'), name
        assert parsed.get('choices') == option.get('choices'), name
        assert parsed['fallback'] == (non_empty_env_fallback, [variable_of(option)]), name
        assert parsed.get('no_log', False) is (name in SECRETS), name


@pytest.mark.parametrize('platform', sorted(PLATFORMS))
def test_an_option_not_given_comes_from_its_variable_and_else_from_its_default(platform, monkeypatch):
    spec_of, fragment = PLATFORMS[platform]
    doc = documented(fragment)
    required = dict((name, 'given') for name, option in doc.items() if option.get('required'))
    for name, option in doc.items():
        monkeypatch.delenv(variable_of(option), raising=False)
    unset = ArgumentSpecValidator(spec_of()).validate(dict(required))
    assert not unset.error_messages, unset.error_messages
    for name, option in doc.items():
        if name not in required:
            assert unset.validated_parameters[name] == option.get('default'), name
    for name, option in doc.items():
        raw, parsed = FROM_ENVIRONMENT[option['type']]
        if option.get('choices'):
            raw = parsed = option['choices'][-1]
        monkeypatch.setenv(variable_of(option), raw)
        found = ArgumentSpecValidator(spec_of()).validate(dict((key, value) for key, value in required.items() if key != name))
        assert not found.error_messages, (name, found.error_messages)
        assert found.validated_parameters[name] == parsed, name
        monkeypatch.delenv(variable_of(option))
    for name in required:
        missing = ArgumentSpecValidator(spec_of()).validate(dict((key, value) for key, value in required.items() if key != name))
        assert 'missing required arguments: %s' % name in ' '.join(missing.error_messages), name
