# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The in-worker action's own logic: when it runs a module as a process, how it reads the switch, and that the
process state it lends a module is given back (the end-to-end proof is tests/e2e/test_execution_paths.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
from types import SimpleNamespace

import pytest
from ansible.errors import AnsibleActionFail
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings

from ansible_collections.netops.bridge.plugins.module_utils import _client, omn_xml
from ansible_collections.netops.bridge.plugins.plugin_utils import _in_worker
from ansible_collections.netops.bridge.plugins.plugin_utils._in_worker import (
    ModuleInWorker, finish_result, module_process_state, run_main)


def action(transport='local', async_val=0, become=False, action_name='netops.bridge.saymon_operation'):
    """A ModuleInWorker with only what its decisions read."""
    plugin = ModuleInWorker.__new__(ModuleInWorker)
    plugin._connection = SimpleNamespace(transport=transport)
    plugin._task = SimpleNamespace(async_val=async_val, action=action_name, resolved_action=action_name)
    plugin._play_context = SimpleNamespace(become=become)
    plugin._templar = SimpleNamespace(template=lambda value: value)
    return plugin


@pytest.fixture
def no_switch_in_environment(monkeypatch):
    monkeypatch.delenv('NETOPS_BRIDGE_EXECUTION', raising=False)


@pytest.mark.usefixtures('no_switch_in_environment')
def test_the_local_connection_runs_in_the_worker():
    assert action()._module_process_reason('saymon_operation', {}) is None


@pytest.mark.usefixtures('no_switch_in_environment')
@pytest.mark.parametrize('changes, reason', [
    ({'transport': 'ssh'}, 'the connection is ssh, not local (the controller)'),
    ({'async_val': 30}, 'the task is async'),
    ({'become': True}, 'become is set'),
    ({'action_name': 'other.collection.saymon_operation'}, 'the action other.collection.saymon_operation is not a netops.bridge module'),
])
def test_what_runs_as_a_module_process(changes, reason):
    plugin = action(**changes)
    assert plugin._module_process_reason(plugin._module_name(), {}) == reason


@pytest.mark.usefixtures('no_switch_in_environment')
def test_a_missing_requirement_runs_as_a_module_process(monkeypatch):
    from ansible_collections.netops.bridge.plugins.module_utils.omn import OmnModule
    monkeypatch.setattr(OmnModule, 'requirements', (('requests', True, None), ('lxml', False, 'no lxml')))
    reason = action(action_name='netops.bridge.omn_peo_info')._module_process_reason('omn_peo_info', {})
    assert reason.startswith("lxml cannot be imported in the controller's Python"), reason
    # The other platforms need no lxml.
    assert action()._module_process_reason('saymon_operation', {}) is None


def test_the_requirements_are_the_ones_the_modules_fail_on():
    from ansible_collections.netops.bridge.plugins.module_utils.omn import OmnModule
    from ansible_collections.netops.bridge.plugins.module_utils.saymon import SaymonModule
    assert [name for name, imported, error in SaymonModule.requirements] == ['requests']
    assert [(name, imported) for name, imported, error in OmnModule.requirements] == [('requests', _client.HAS_REQUESTS), ('lxml', omn_xml.HAS_LXML)]


@pytest.mark.parametrize('task_vars, environment, expected', [
    ({}, None, 'auto'),
    ({'netops_bridge_execution': 'module'}, None, 'module'),
    ({'netops_bridge_execution': ' Module '}, None, 'module'),
    ({}, 'module', 'module'),
    ({'netops_bridge_execution': 'auto'}, 'module', 'auto'),  # the variable wins over the environment
    ({}, '', 'auto'),  # empty is unset
])
def test_the_switch(task_vars, environment, expected, monkeypatch):
    if environment is None:
        monkeypatch.delenv('NETOPS_BRIDGE_EXECUTION', raising=False)
    else:
        monkeypatch.setenv('NETOPS_BRIDGE_EXECUTION', environment)
    assert action()._execution(task_vars) == expected


@pytest.mark.parametrize('task_vars, environment, source', [
    ({'netops_bridge_execution': 'turbo'}, None, 'the variable netops_bridge_execution'),
    ({}, 'turbo', 'the environment variable NETOPS_BRIDGE_EXECUTION'),
])
def test_a_wrong_switch_names_its_source(task_vars, environment, source, monkeypatch):
    monkeypatch.delenv('NETOPS_BRIDGE_EXECUTION', raising=False)
    if environment:
        monkeypatch.setenv('NETOPS_BRIDGE_EXECUTION', environment)
    with pytest.raises(AnsibleActionFail) as error:
        action()._execution(task_vars)
    assert str(error.value) == "netops_bridge_execution must be one of auto, module, got 'turbo' (set by %s)." % source


def test_the_process_state_is_given_back_even_after_a_failure(monkeypatch):
    monkeypatch.setenv('NETOPS_TEST_KEPT', 'before')
    monkeypatch.delenv('NETOPS_TEST_ADDED', raising=False)
    module_warnings.warn('a warning of the worker itself')
    warnings_before = type(module_warnings._global_warnings)(module_warnings._global_warnings)
    arguments_before = basic._ANSIBLE_ARGS
    with pytest.raises(RuntimeError):
        with module_process_state(b'{"ANSIBLE_MODULE_ARGS": {}}', {'NETOPS_TEST_KEPT': 'during', 'NETOPS_TEST_ADDED': 1}):
            assert os.environ['NETOPS_TEST_KEPT'] == 'during' and os.environ['NETOPS_TEST_ADDED'] == '1'
            assert basic._ANSIBLE_ARGS == b'{"ANSIBLE_MODULE_ARGS": {}}'
            # A module starts with no warnings, and what it warns is its own.
            assert not module_warnings._global_warnings
            module_warnings.warn('a warning of the module')
            raise RuntimeError('the module broke')
    assert os.environ['NETOPS_TEST_KEPT'] == 'before' and 'NETOPS_TEST_ADDED' not in os.environ
    assert basic._ANSIBLE_ARGS == arguments_before
    assert module_warnings._global_warnings == warnings_before


@pytest.mark.parametrize('exit_with, rc', [(None, 0), (0, 0), (1, 1), ('a message', 1)])
def test_run_main_returns_the_exit_status_and_what_was_printed(exit_with, rc):
    def main():
        print('{"changed": false}')
        raise SystemExit(exit_with)
    assert run_main(main) == (rc, '{"changed": false}\n', '')


def test_an_exception_that_escapes_main_is_a_failure_not_a_crash():
    def main():
        raise ValueError('broken on purpose')
    rc, stdout, stderr = run_main(main)
    assert rc == 1
    if _in_worker.HAS_PROFILES:
        assert json.loads(stdout)['failed'] is True
    else:
        assert 'ValueError: broken on purpose' in stderr


def test_a_main_that_returns_is_a_failure():
    rc, stdout, stderr = run_main(lambda: None)
    assert rc == 1
    assert 'did not handle its own exit' in stdout + stderr


@pytest.mark.skipif(not hasattr(__import__('ansible.vars.clean', fromlist=['x']), 'remove_internal_keys'),
                    reason='ansible-core 2.21 and later finish a result with their own UnifiedTaskResult')
def test_finish_result_drops_internal_keys_and_splits_lines():
    data = finish_result({'changed': True, 'stdout': 'a\nb', '_ansible_suppress_tmpdir_delete': True, '_ansible_no_log': False})
    assert data == {'changed': True, 'stdout': 'a\nb', 'stdout_lines': ['a', 'b']}
