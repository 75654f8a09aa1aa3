# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a user sees of the in-worker run: the task result's keys, the warnings, the reasons given at -v for a module
process, and what the module's main() receives. Written against the mutants of _in_worker.py that the first
tests let through (issue 23); docs/testing.md lists the ones no test can see."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import json
import os
import sys
import traceback
from types import SimpleNamespace

import pytest
from ansible.module_utils import basic

from ansible_collections.netops.bridge.plugins.plugin_utils import _in_worker
from ansible_collections.netops.bridge.plugins.plugin_utils._in_worker import (
    ModuleInWorker, finish_result, printed_result, report_exception, run_main, same_interpreter)

from .test_in_worker import action, real_action, remove_hook


@pytest.fixture
def no_switch_in_environment(monkeypatch):
    monkeypatch.delenv('NETOPS_BRIDGE_EXECUTION', raising=False)


@pytest.fixture
def warnings_shown(monkeypatch):
    shown = []
    monkeypatch.setattr(_in_worker.display, 'warning', lambda message, *args, **kwargs: shown.append(message))
    return shown


@pytest.fixture
def said_at_verbosity(monkeypatch):
    """What the runner says at -v and -vvv, with the host each line names."""
    said = []
    monkeypatch.setattr(_in_worker.display, 'v', lambda message, host=None: said.append((message, host)))
    monkeypatch.setattr(_in_worker.display, 'vvv', lambda message, host=None: said.append((message, host)))
    return said


@pytest.fixture
def module_process(monkeypatch):
    """Core's normal action, as the fallback runs it: the task variables it is given."""
    calls = []

    def normal_run(self, tmp=None, task_vars=None):
        calls.append((tmp, task_vars))
        return {'ran': 'module process'}
    monkeypatch.setattr(_in_worker.NormalAction, 'run', normal_run)
    return calls


def fake_module(monkeypatch, main, expected_name='saymon_operation'):
    """The task's module, found only by its own name."""
    def import_module(name):
        if name != expected_name:
            raise ImportError('no module %r' % (name,))
        return SimpleNamespace(main=main)
    monkeypatch.setattr(ModuleInWorker, '_import_module', staticmethod(import_module))


# ansible-core 2.16 to 2.20: how the result of a module is finished.

def remove_internal_keys_of_old_cores(data):
    """ansible.vars.clean.remove_internal_keys of ansible-core 2.16 to 2.20: it warns about each internal key left."""
    for key in list(data):
        if key.startswith('_ansible_') and key != '_ansible_parsed' or key in ('add_host', 'add_group'):
            _in_worker.display.warning('Removed unexpected internal key in module return: %s = %s' % (key, data[key]))
            del data[key]
    for key in ('warnings', 'deprecations'):
        if key in data and not data[key]:
            del data[key]


@pytest.fixture
def old_core_cleaning(monkeypatch):
    """On ansible-core 2.21 and later, where finish_result is not used, the cleaning of the cores that use it."""
    from ansible.vars import clean
    monkeypatch.setattr(clean, 'remove_internal_keys', getattr(clean, 'remove_internal_keys', remove_internal_keys_of_old_cores), raising=False)


@pytest.mark.usefixtures('old_core_cleaning')
def test_finish_result_gives_the_keys_a_module_process_gives():
    data = finish_result({'changed': True, 'stdout': 'a\nb', 'stderr': 'c', '_ansible_no_log': False})
    assert data == {'changed': True, 'stdout': 'a\nb', 'stdout_lines': ['a', 'b'], 'stderr': 'c', 'stderr_lines': ['c']}


@pytest.mark.usefixtures('old_core_cleaning')
def test_finish_result_keeps_the_lines_a_module_returned_and_adds_none_it_did_not_print():
    data = finish_result({'stdout': 'a\nb', 'stdout_lines': ['the module says'], 'msg': 'no stream'})
    assert data == {'stdout': 'a\nb', 'stdout_lines': ['the module says'], 'msg': 'no stream'}
    assert finish_result({'changed': False}) == {'changed': False}
    assert finish_result({'stdout': '', 'stderr': None}) == {'stdout': '', 'stdout_lines': [], 'stderr': None, 'stderr_lines': []}


@pytest.mark.usefixtures('old_core_cleaning')
def test_finish_result_drops_the_tmpdir_flag_without_a_warning(warnings_shown):
    assert finish_result({'changed': True, '_ansible_suppress_tmpdir_delete': True}) == {'changed': True}
    assert warnings_shown == []


@pytest.mark.usefixtures('old_core_cleaning')
@pytest.mark.parametrize('results', ['one text', {'a': 1}, 3])
def test_finish_result_renames_a_results_key_that_is_not_a_list(results, warnings_shown):
    assert finish_result({'changed': False, 'results': results}) == {'changed': False, 'ansible_module_results': results}
    assert warnings_shown == ["Found internal 'results' key in module return, renamed to 'ansible_module_results'."]


@pytest.mark.usefixtures('old_core_cleaning')
def test_finish_result_keeps_a_results_list(warnings_shown):
    assert finish_result({'changed': False, 'results': [1, 2]}) == {'changed': False, 'results': [1, 2]}
    assert warnings_shown == []


# After main() ran: the result when core's parsing failed.

def test_a_result_read_as_plain_json_drops_the_internal_keys(warnings_shown):
    output = {'rc': 0, 'stdout': json.dumps({'changed': True, '_ansible_no_log': True, '_ANSIBLE_kept': 1}), 'stderr': ''}
    assert printed_result(output, TypeError('a changed ansible-core')) == {'changed': True, '_ANSIBLE_kept': 1}
    assert warnings_shown == [
        'netops.bridge: the module ran, but ansible-core failed to parse its result (TypeError); the result is what the module '
        'printed, read as plain JSON.']


@pytest.mark.parametrize('stdout', ['not json', '[1, 2]', ''])
def test_a_module_that_printed_no_json_object_is_a_module_failure(stdout):
    output = {'rc': 3, 'stdout': stdout, 'stderr': 'Traceback ...'}
    assert printed_result(output, ValueError('x')) == {
        'failed': True, 'rc': 3, 'module_stdout': stdout, 'module_stderr': 'Traceback ...',
        'msg': 'MODULE FAILURE: the module printed no JSON result.'}


def test_a_failed_parse_is_named_in_the_warning(monkeypatch, warnings_shown):
    fake_module(monkeypatch, lambda: sys.exit(print('{"changed": true}') or 0))

    def broken_parser(self, *args, **kwargs):
        raise TypeError('a changed ansible-core')
    monkeypatch.setattr(ModuleInWorker, '_parse_returned_data', broken_parser)
    assert real_action({})._execute_in_worker('saymon_operation', {}) == {'changed': True}
    assert len(warnings_shown) == 1 and '(TypeError)' in warnings_shown[0], warnings_shown


# An exception that escapes main().

def test_an_escaped_exception_is_a_traceback_on_stderr_when_core_has_no_handler_for_it(monkeypatch, capsys):
    if _in_worker.HAS_PROFILES:
        from ansible.module_utils._internal._ansiballz import _loader

        def changed_handler(exc, profile):
            raise NotImplementedError('a changed ansible-core')
        monkeypatch.setattr(_loader, '_handle_exception', changed_handler)

    def failing():
        raise ValueError('broken on purpose')
    rc = traceback_of_python = None
    try:
        failing()
    except ValueError as exc:
        rc = report_exception(exc)
        traceback_of_python = ''.join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    assert rc == 1
    # As a module process prints it: the whole traceback, as Python prints one.
    assert capsys.readouterr().err == traceback_of_python
    assert traceback_of_python.startswith('Traceback (most recent call last):\n') and 'in failing\n' in traceback_of_python


def test_a_main_that_returns_says_so():
    rc, stdout, stderr = run_main(lambda: None)
    assert rc == 1
    if _in_worker.HAS_PROFILES:
        assert '"New-style module did not handle its own exit."' in stdout, stdout
    else:
        assert stderr.endswith('RuntimeError: New-style module did not handle its own exit.\n'), stderr


# The whole in-worker run: the result, the arguments main() receives, what is said and warned.

def echoing_main():
    """A module that returns what it was given and where it ran."""
    module = basic.AnsibleModule(argument_spec=dict(url=dict(type='str'), when=dict(type='str')), supports_check_mode=True)
    module.warn('a warning of the module')
    module.exit_json(changed=True, url=module.params['url'], when=module.params['when'],
                     environment=os.environ.get('NETOPS_TEST_TASK_ENVIRONMENT'))


@pytest.mark.usefixtures('no_switch_in_environment')
def test_the_in_worker_run_gives_the_module_result_and_no_warning_of_its_own(monkeypatch, warnings_shown, said_at_verbosity, module_process):
    fake_module(monkeypatch, echoing_main)
    monkeypatch.setattr(ModuleInWorker, '_module_process_reason', lambda self, name, task_vars: None)
    monkeypatch.delenv('NETOPS_TEST_TASK_ENVIRONMENT', raising=False)
    plugin = real_action({'url': 'http://127.0.0.1:9', 'when': datetime.date(2026, 12, 3)},
                         environment={'NETOPS_TEST_TASK_ENVIRONMENT': 'from the task'})
    result = plugin.run(task_vars={'inventory_hostname': 'controller'})
    assert module_process == []
    assert warnings_shown == []
    assert result['changed'] is True and result['url'] == 'http://127.0.0.1:9' and not result.get('failed'), result
    # A date, as YAML reads an unquoted one, reaches main() as core's module serializer writes it.
    assert result['when'] == '2026-12-03'
    assert result['environment'] == 'from the task'
    assert [str(warning) for warning in result['warnings']] != [] and 'a warning of the module' in json.dumps(result['warnings'], default=str)
    assert said_at_verbosity == [('netops.bridge: running netops.bridge.saymon_operation in the worker process (netops_bridge_execution=auto)',
                                  'controller')]


@pytest.fixture
def vaulted_password(monkeypatch):
    """A task argument as a vault-encrypted variable gives it (the vault's secret loaded, as with --vault-id)."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.parsing.vault import VaultLib, VaultSecret
    secret = [('default', VaultSecret(b'the-vault-password'))]
    try:  # ansible-core 2.19 and later decrypt with the secrets of the process
        from ansible.parsing.vault import VaultSecretsContext
        monkeypatch.setattr(VaultSecretsContext, '_current', VaultSecretsContext(secrets=secret))
    except ImportError:
        pass
    loader = DataLoader()
    loader.set_vault_secrets(secret)
    ciphertext = VaultLib(secret).encrypt('s3cret-pw').decode()
    return loader.load('password: !vault |\n' + ''.join('  %s\n' % line for line in ciphertext.splitlines()))['password']


def password_checking_main():
    module = basic.AnsibleModule(argument_spec=dict(password=dict(type='str', no_log=True)))
    module.exit_json(changed=False, password_is_the_plain_text=module.params['password'] == 's3cret-pw')


def test_a_vaulted_argument_reaches_main_as_its_plain_text(monkeypatch, vaulted_password):
    fake_module(monkeypatch, password_checking_main)
    result = real_action({'password': vaulted_password})._execute_in_worker('saymon_operation', {})
    assert result['password_is_the_plain_text'] is True, result
    assert 's3cret-pw' not in json.dumps(result)


def rejecting_main():
    basic.AnsibleModule(argument_spec=dict(url=dict(type='str')))


def test_core_argument_errors_name_the_module_as_the_task_did(monkeypatch):
    fake_module(monkeypatch, rejecting_main)
    result = real_action({'url': 'http://127.0.0.1:9', 'bogus': 1})._execute_in_worker('saymon_operation', {})
    assert result['failed'] is True
    assert result['msg'] == 'Unsupported parameters for (netops.bridge.saymon_operation) module: bogus. Supported parameters include: url.', result


# The fallback to a module process, and the reasons given at -v.

@pytest.mark.usefixtures('no_switch_in_environment')
def test_a_wrong_switch_fails_the_task():
    result = action().run(task_vars={'netops_bridge_execution': 'turbo'})
    assert result == {'failed': True,
                      'msg': "netops_bridge_execution must be one of auto, module, got 'turbo' (set by the variable netops_bridge_execution)."}


@pytest.mark.usefixtures('no_switch_in_environment')
def test_the_switch_set_to_module_runs_a_module_process_and_says_so_for_the_host(said_at_verbosity, module_process):
    task_vars = {'netops_bridge_execution': 'module', 'inventory_hostname': 'controller'}
    assert action().run(task_vars=task_vars) == {'ran': 'module process'}
    assert module_process == [(None, task_vars)]
    assert said_at_verbosity == [('netops.bridge: netops.bridge.saymon_operation runs as a module process: netops_bridge_execution is module.',
                                  'controller')]


@pytest.mark.usefixtures('no_switch_in_environment')
def test_a_short_action_name_is_the_collection_module_it_resolves_to():
    plugin = action(action_name='saymon_operation')
    plugin._task.resolved_action = 'netops.bridge.saymon_operation'
    assert plugin._module_name() == 'saymon_operation'
    assert plugin._module_process_reason('saymon_operation', {}) is None


@pytest.mark.usefixtures('no_switch_in_environment')
def test_every_missing_core_hook_is_named(monkeypatch):
    hooks = _in_worker.core_hooks()[:2]
    for hook in hooks:
        remove_hook(monkeypatch, hook)
    assert action()._module_process_reason('saymon_operation', {}) == (
        'this ansible-core (%s) lacks %s, %s, which the in-worker run needs' % (_in_worker.CORE_VERSION, hooks[0], hooks[1]))


def test_a_hook_in_a_module_that_does_not_import_is_missing():
    assert _in_worker.has_hook('ansible.no_such_module:anything') is False
    assert _in_worker.has_hook('ansible.module_utils.basic:no_such_attribute') is False
    assert _in_worker.has_hook('ansible.module_utils.basic:AnsibleModule.exit_json') is True


def test_the_hooks_of_older_cores_are_checked_with_the_common_ones(monkeypatch):
    monkeypatch.setattr(_in_worker, 'HAS_PROFILES', False)
    monkeypatch.setattr(_in_worker, 'UnifiedTaskResult', None)
    hooks = _in_worker.core_hooks()
    assert 'ansible.module_utils.basic:_ANSIBLE_ARGS' in hooks and 'ansible.plugins.action:ActionBase._parse_returned_data' in hooks
    assert 'ansible.parsing.ajson:AnsibleJSONEncoder' in hooks and 'ansible.vars.clean:remove_internal_keys' in hooks
    assert not [hook for hook in hooks if '._internal' in hook]


@pytest.mark.usefixtures('no_switch_in_environment')
def test_a_module_without_a_platform_base_runs_as_a_module_process(monkeypatch):
    monkeypatch.setattr(ModuleInWorker, '_import_module', staticmethod(lambda name: SimpleNamespace(main=None)))
    assert action()._module_process_reason('saymon_operation', {}) == (
        "the netops.bridge platform base cannot be imported in the controller's Python %s" % sys.executable)


@pytest.mark.usefixtures('no_switch_in_environment')
def test_every_missing_requirement_is_named(monkeypatch):
    from ansible_collections.netops.bridge.plugins.module_utils.omn import OmnModule
    monkeypatch.setattr(OmnModule, 'requirements', (('requests', False, 'no requests'), ('lxml', False, 'no lxml')))
    reason = action(action_name='netops.bridge.omn_peo_info')._module_process_reason('omn_peo_info', {})
    assert reason == "requests and lxml cannot be imported in the controller's Python %s" % sys.executable


@pytest.mark.usefixtures('no_switch_in_environment')
def test_a_delegated_task_without_delegated_variables_keeps_the_task_interpreter(monkeypatch):
    monkeypatch.delenv('ANSIBLE_PYTHON_INTERPRETER', raising=False)
    plugin = action()
    plugin._task.delegate_to = 'localhost'
    reason = plugin._module_process_reason('saymon_operation', {'ansible_python_interpreter': '/opt/pinned/bin/python'})
    assert reason == "its Python interpreter /opt/pinned/bin/python is not the controller's %s" % sys.executable


@pytest.mark.usefixtures('no_switch_in_environment')
def test_an_empty_interpreter_is_the_controller_python(monkeypatch):
    monkeypatch.delenv('ANSIBLE_PYTHON_INTERPRETER', raising=False)
    assert action()._module_process_reason('saymon_operation', {'ansible_python_interpreter': ''}) is None


@pytest.mark.usefixtures('no_switch_in_environment')
def test_an_interpreter_that_cannot_be_templated_runs_as_a_module_process():
    from ansible.errors import AnsibleUndefinedVariable
    plugin = action()

    def undefined(value):
        raise AnsibleUndefinedVariable("'pinned_python' is undefined")
    plugin._templar = SimpleNamespace(template=undefined)
    assert plugin._module_process_reason('saymon_operation', {}) == 'its Python interpreter could not be resolved here (AnsibleUndefinedVariable)'


@pytest.mark.parametrize('interpreter, controller', [('', sys.executable), (None, sys.executable), (sys.executable, ''), (sys.executable, None)])
def test_no_interpreter_is_not_the_controller_python(interpreter, controller):
    assert same_interpreter(interpreter, controller) is False
