# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every option whose name says it holds a secret is marked as one (issue 23): ``no_log`` in each module's argument
spec and each role's meta/argument_specs.yml (ansible-core's role argument validation honours it), ``secret`` in the
inventory plugin's DOCUMENTATION (ansible-core 2.22 and later register such a value as a secret; see SELF_MASKED).
The specs are read as ansible-core reads them: a module's from the AnsibleModule its main() builds, without running it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import yaml
from ansible.module_utils import basic

from ansible_collections.netops.bridge.plugins import modules as modules_package
from ansible_collections.netops.bridge.plugins.inventory import enms as enms_inventory

COLLECTION = Path(__file__).resolve().parents[3]
SECRET_NAMES = ('password', 'token', 'refresh_token', 'session_id', 'client_secret', 'secret')
# An option whose name looks secret but whose value is not, with the reason (none today).
NOT_SECRET = {}
# A plugin option's ``secret`` is honoured by ansible-core 2.22 and later, and accepted by ansible-test's validate-modules
# from 2.19 on; 2.16's refuses it (extra keys not allowed), and the collection supports 2.16. Until requires_ansible
# leaves 2.16 behind, the inventory plugin keeps these out of every output and its cache itself, as the tests named prove.
SECRET_MARKER_FROM = (2, 19)
SELF_MASKED = {'password': ('tests/e2e/test_enms_inventory.py::test_wrong_credentials_fail_with_enms_words_and_no_password',
                            'tests/e2e/test_enms_inventory.py::test_the_cache_answers_the_second_run_without_a_request')}
MODULES = sorted(name for _finder, name, _pkg in pkgutil.iter_modules(modules_package.__path__))
ROLES = sorted(path.parents[1].name for path in COLLECTION.glob('roles/*/meta/argument_specs.yml'))


def secret_like(name):
    return any(name == secret or name.endswith('_' + secret) for secret in SECRET_NAMES)


def unmarked_secrets(options, marker, where=''):
    """``where.name`` of every secret-like option (by its name or an alias) not marked with ``marker``, suboptions too."""
    found = []
    for name, spec in sorted((options or {}).items()):
        spec = spec or {}
        path = where + name
        names = [name] + list(spec.get('aliases') or [])
        if any(secret_like(n) for n in names) and spec.get(marker) is not True and path not in NOT_SECRET:
            found.append(path)
        found.extend(unmarked_secrets(spec.get('options') or spec.get('suboptions'), marker, path + '.'))
    return found


def secret_options(options, where=''):
    found = []
    for name, spec in sorted((options or {}).items()):
        spec = spec or {}
        if any(secret_like(n) for n in [name] + list(spec.get('aliases') or [])):
            found.append(where + name)
        found.extend(secret_options(spec.get('options') or spec.get('suboptions'), where + name + '.'))
    return found


class Built(Exception):
    """Raised instead of building the AnsibleModule: it carries the argument spec main() gave it."""

    def __init__(self, argument_spec):
        super(Built, self).__init__('AnsibleModule built')
        self.argument_spec = argument_spec


def module_argument_spec(name, monkeypatch):
    def capture(self, argument_spec, **kwargs):
        raise Built(argument_spec)

    monkeypatch.setattr(basic.AnsibleModule, '__init__', capture)
    module = importlib.import_module('%s.%s' % (modules_package.__name__, name))
    with pytest.raises(Built) as built:
        module.main()
    return built.value.argument_spec


def role_entry_points(role):
    specs = yaml.safe_load((COLLECTION / 'roles' / role / 'meta' / 'argument_specs.yml').read_text())['argument_specs']
    return sorted(specs.items())


def test_the_walk_sees_every_module_and_role():
    assert len(MODULES) >= 12 and 'saymon_session' in MODULES and 'zitadel_target_public_key' in MODULES
    assert ROLES == sorted(path.name for path in (COLLECTION / 'roles').iterdir() if path.is_dir())


@pytest.mark.parametrize('module', MODULES)
def test_module_secret_options_are_no_log(module, monkeypatch):
    spec = module_argument_spec(module, monkeypatch)
    # Every module takes its platform's credentials: a walk that found none would prove nothing.
    assert secret_options(spec), sorted(spec)
    assert unmarked_secrets(spec, 'no_log') == []


@pytest.mark.parametrize('role', ROLES)
def test_role_secret_options_are_no_log(role):
    for entry_point, spec in role_entry_points(role):
        assert unmarked_secrets(spec.get('options'), 'no_log') == [], '%s entry point %s' % (role, entry_point)


def test_roles_take_credentials_and_the_walk_finds_them():
    found = [option for role in ROLES for _entry, spec in role_entry_points(role) for option in secret_options(spec.get('options'))]
    assert {'saymon_password', 'enms_password', 'omn_token', 'omn_refresh_token', 'zitadel_token'} <= set(found)


def oldest_supported_core():
    requirement = yaml.safe_load((COLLECTION / 'meta' / 'runtime.yml').read_text())['requires_ansible']
    return tuple(int(part) for part in re.match(r'>=\s*(\d+)\.(\d+)', requirement).groups())


def test_inventory_plugin_secret_options_are_secret():
    options = yaml.safe_load(enms_inventory.DOCUMENTATION)['options']
    assert secret_options(options) == ['password']
    unmarked = unmarked_secrets(options, 'secret')
    if oldest_supported_core() >= SECRET_MARKER_FROM:
        assert unmarked == [], 'mark them with secret: true, which every supported ansible-test now accepts'
        return
    assert set(unmarked) <= set(SELF_MASKED), 'a secret option the plugin does not mask itself: %s' % unmarked
    for option in unmarked:
        for test in SELF_MASKED[option]:
            path, name = test.split('::')
            assert 'def %s(' % name in (COLLECTION / path).read_text(), 'the test that proves %s is masked is gone: %s' % (option, test)


@pytest.mark.parametrize('options, marker, expected', [
    ({'password': {'type': 'str'}}, 'no_log', ['password']),
    ({'enms_password': {'type': 'str', 'no_log': False}}, 'no_log', ['enms_password']),
    ({'login': {'type': 'str', 'aliases': ['session_id']}}, 'no_log', ['login']),
    ({'auth': {'type': 'dict', 'options': {'client_secret': {'type': 'str'}}}}, 'no_log', ['auth.client_secret']),
    ({'auth': {'type': 'dict', 'suboptions': {'api_token': {'type': 'str'}}}}, 'secret', ['auth.api_token']),
    ({'token': {'type': 'str', 'no_log': True}, 'token_url': {'type': 'str', 'no_log': False}, 'username': {}}, 'no_log', []),
    ({'password': {'type': 'str', 'no_log': True}}, 'secret', ['password']),
])
def test_the_walk_flags_what_it_should(options, marker, expected):
    assert unmarked_secrets(options, marker) == expected
