# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The in-worker action's own logic: when it runs a module as a process, how it reads the switch, and that the
process state it lends a module is given back (the end-to-end proof is tests/e2e/test_execution_paths.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib
import json
import logging
import os
import sys
from types import SimpleNamespace

import pytest
from ansible.errors import AnsibleActionFail
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings

from ansible_collections.netops.bridge.plugins.module_utils import _client, omn_xml
from ansible_collections.netops.bridge.plugins.plugin_utils import _action, _in_worker
from ansible_collections.netops.bridge.plugins.plugin_utils._in_worker import (
    ModuleInWorker, finish_result, module_process_state, run_main, same_interpreter)


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


# Logging: the boundary of a module process (with ANSIBLE_LOG_PATH set, core's file handler is on the root logger).
class Recorder(logging.Handler):
    def __init__(self):
        logging.Handler.__init__(self)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def core_log_handlers():
    """Handlers as core installs them for ANSIBLE_LOG_PATH (the root logger, at INFO), and one on a named logger."""
    root, named = Recorder(), Recorder()
    root_level = logging.root.level
    logging.root.addHandler(root)
    logging.root.setLevel(logging.INFO)
    logging.getLogger('ansible').addHandler(named)
    yield root, named
    logging.root.removeHandler(root)
    logging.root.setLevel(root_level)
    logging.getLogger('ansible').removeHandler(named)


def test_nothing_a_module_logs_reaches_core_log_handlers(core_log_handlers):
    root, named = core_log_handlers
    library_null = logging.NullHandler()
    logging.getLogger('urllib3').addHandler(library_null)

    def main():
        logging.getLogger('urllib3.connectionpool').warning('Failed to parse headers (url=http://h/verify/sid-secret)')
        logging.getLogger('ansible.whatever').warning('sid-secret again')
        logging.getLogger('netops.test.new.logger').addHandler(logging.StreamHandler(sys.stderr))
        logging.basicConfig()  # a module that configures logging for itself
        logging.warning('sid-secret from the root logger')
        raise SystemExit(0)
    root_handlers = list(logging.root.handlers)
    with module_process_state(b'{"ANSIBLE_MODULE_ARGS": {}}', {}):
        rc, stdout, stderr = run_main(main)
    assert rc == 0
    assert root.messages == [] and named.messages == []
    # What found no handler went to the run's own stderr, as a module process's goes to its stderr.
    assert 'sid-secret from the root logger' in stderr
    # And everything is given back for the next run (the next item of a loop): the handlers, the level, and a
    # logger the module created does not keep writing to the run's stderr.
    assert root in logging.root.handlers and named in logging.getLogger('ansible').handlers
    assert library_null in logging.getLogger('urllib3').handlers
    logging.getLogger('urllib3').removeHandler(library_null)
    assert logging.root.level == logging.INFO
    assert logging.root.handlers == root_handlers  # not the module's basicConfig() handler
    assert not logging.getLogger('netops.test.new.logger').handlers
    logging.getLogger('urllib3.connectionpool').warning('after the run')
    assert root.messages == ['after the run']


# Core's private hooks: each one missing makes the task a module process, said at -v.

def remove_hook(monkeypatch, hook):
    module_name, _colon, path = hook.partition(':')
    owner = importlib.import_module(module_name)
    names = path.split('.')
    for name in names[:-1]:
        owner = getattr(owner, name)
    monkeypatch.delattr(owner, names[-1])


@pytest.fixture
def module_process_run(monkeypatch):
    """What the action runs when it falls back to core's normal action, and what it says at -v."""
    calls, said = [], []
    monkeypatch.setattr(_in_worker.NormalAction, 'run', lambda self, tmp=None, task_vars=None: calls.append(task_vars) or {'ran': 'module process'})
    monkeypatch.setattr(_in_worker.display, 'v', lambda message, host=None: said.append(message))
    monkeypatch.setattr(_action.display, 'v', lambda message, host=None: said.append(message))
    return SimpleNamespace(calls=calls, said=said)


def test_every_hook_the_runner_uses_is_in_the_list():
    hooks = _in_worker.core_hooks()
    assert 'ansible.module_utils.basic:_ANSIBLE_ARGS' in hooks
    assert 'ansible.plugins.action:ActionBase._parse_returned_data' in hooks
    assert ('ansible.module_utils._internal:is_controller' in hooks) is _in_worker.HAS_PROFILES
    assert ('ansible.module_utils._internal._ansiballz._loader:_handle_exception' in hooks) is _in_worker.HAS_PROFILES
    assert ('ansible.module_utils.basic:_ANSIBLE_PROFILE' in hooks) is _in_worker.HAS_PROFILES
    assert not _in_worker.missing_core_hooks(), 'this ansible-core lacks hooks the runner needs'


@pytest.mark.usefixtures('no_switch_in_environment')
@pytest.mark.parametrize('hook', _in_worker.core_hooks())
def test_a_missing_core_hook_runs_the_module_as_a_process(hook, monkeypatch, module_process_run):
    remove_hook(monkeypatch, hook)
    result = action().run(task_vars={'inventory_hostname': 'localhost'})
    assert result == {'ran': 'module process'} and len(module_process_run.calls) == 1
    assert module_process_run.said == [
        'netops.bridge: netops.bridge.saymon_operation runs as a module process: this ansible-core (%s) lacks %s, which the '
        'in-worker run needs.' % (_in_worker.CORE_VERSION, hook)]


def test_a_runner_that_cannot_be_imported_leaves_core_normal_action(monkeypatch, module_process_run):
    monkeypatch.setitem(sys.modules, _action.RUNNER, None)  # what an import that fails gives
    fallback = _action.action_class()
    assert fallback is not ModuleInWorker and issubclass(fallback, _in_worker.NormalAction)
    plugin = fallback.__new__(fallback)
    plugin._task = SimpleNamespace(action='netops.bridge.saymon_operation')
    assert plugin.run(task_vars={}) == {'ran': 'module process'}
    assert len(module_process_run.said) == 1
    assert module_process_run.said[0].startswith(
        'netops.bridge: netops.bridge.saymon_operation runs as a module process: the in-worker runner cannot be imported ('), module_process_run.said
    assert 'Error: import of %s halted' % _action.RUNNER in module_process_run.said[0]


def test_the_action_plugins_take_the_runner_when_it_imports():
    assert _action.action_class() is ModuleInWorker
    for name in ('saymon_operation', 'enms_service_run', 'zitadel_target'):
        assert importlib.import_module('ansible_collections.netops.bridge.plugins.action.%s' % name).ActionModule is ModuleInWorker


# The in-worker run of a fake module, through the real argument handling of core.

def real_action(args, check_mode=False, diff=False, no_log=False, environment=None):
    from ansible.parsing.dataloader import DataLoader
    from ansible.playbook.play_context import PlayContext
    from ansible.playbook.task import Task
    from ansible.plugins.loader import connection_loader
    from ansible.template import Templar
    task = Task()
    task.action = 'netops.bridge.saymon_operation'
    task._resolved_action = 'netops.bridge.saymon_operation'
    task.args = args
    task.check_mode, task.diff, task.no_log = check_mode, diff, no_log
    if environment:
        task.environment = [environment]
    play_context = PlayContext()
    loader = DataLoader()
    return ModuleInWorker(task, connection_loader.get('local', play_context, '/dev/null'), play_context, loader, Templar(loader=loader), None)


def fake_module(monkeypatch, main):
    monkeypatch.setattr(ModuleInWorker, '_import_module', staticmethod(lambda name: SimpleNamespace(main=main)))


def observing_main():
    """A module's main() that reports what AnsibleModule made of the _ansible_* arguments it was given."""
    module = basic.AnsibleModule(argument_spec=dict(url=dict(type='str'), password=dict(type='str', no_log=True)),
                                 supports_check_mode=True)
    module.exit_json(changed=False, check_mode=module.check_mode, diff=module._diff, verbosity=module._verbosity,
                     task_no_log=module.no_log, password_is_a_no_log_value='s3cret-pw' in module.no_log_values,
                     echoed='the password is s3cret-pw')


@pytest.mark.parametrize('check_mode, diff, no_log, verbosity', [(True, True, True, 3), (False, False, False, 0)])
def test_the_ansible_arguments_reach_main(check_mode, diff, no_log, verbosity, monkeypatch):
    from ansible.utils.display import Display
    monkeypatch.setattr(Display(), 'verbosity', verbosity)
    fake_module(monkeypatch, observing_main)
    plugin = real_action({'url': 'http://127.0.0.1:9', 'password': 's3cret-pw'}, check_mode=check_mode, diff=diff, no_log=no_log)
    result = plugin._execute_in_worker('saymon_operation', {})
    assert (result['check_mode'], result['diff'], result['verbosity'], result['task_no_log']) == (check_mode, diff, verbosity, no_log), result
    # The no_log option's value is one of the module's no_log values, so the module masks it in what it returns.
    assert result['password_is_a_no_log_value'] is True
    assert result['echoed'] == 'the password is ********'
    assert 's3cret-pw' not in json.dumps(result)


def operation_main():
    """Like saymon_operation: the operation is executed, then the module says so."""
    module = basic.AnsibleModule(argument_spec=dict(url=dict(type='str')))
    module.exit_json(changed=True, stdout='PING ok')


def test_a_failure_after_main_keeps_what_the_module_printed(monkeypatch):
    fake_module(monkeypatch, operation_main)

    def broken_parser(self, *args, **kwargs):
        raise TypeError('a changed ansible-core')
    monkeypatch.setattr(ModuleInWorker, '_parse_returned_data', broken_parser)
    result = real_action({'url': 'http://127.0.0.1:9'})._execute_in_worker('saymon_operation', {})
    assert result['changed'] is True and result['stdout'] == 'PING ok' and not result.get('failed'), result
    assert not [key for key in result if key.startswith('_ansible_')]


def test_a_failure_while_giving_the_process_state_back_keeps_what_the_module_printed(monkeypatch):
    fake_module(monkeypatch, operation_main)
    real_state = _in_worker.module_process_state

    class RestoreFails(object):
        def __init__(self, *args):
            self.state = real_state(*args)

        def __enter__(self):
            return self.state.__enter__()

        def __exit__(self, *exc_info):
            self.state.__exit__(*exc_info)
            raise AttributeError('is_controller')
    monkeypatch.setattr(_in_worker, 'module_process_state', RestoreFails)
    result = real_action({'url': 'http://127.0.0.1:9'})._execute_in_worker('saymon_operation', {})
    assert result['changed'] is True and not result.get('failed'), result


def test_a_module_that_printed_no_json_after_a_failure_is_a_failure(monkeypatch):
    fake_module(monkeypatch, lambda: sys.exit(print('not json') or 0))
    monkeypatch.setattr(ModuleInWorker, '_parse_returned_data', lambda self, *args: 1 / 0)
    result = real_action({})._execute_in_worker('saymon_operation', {})
    assert result['failed'] is True and result['module_stdout'] == 'not json\n', result


@pytest.mark.usefixtures('no_switch_in_environment')
def test_a_failure_before_main_runs_the_module_as_a_process(monkeypatch, module_process_run):
    ran = []
    fake_module(monkeypatch, lambda: ran.append('main'))

    def broken_environment(self, environment):
        raise KeyError('a changed ansible-core')
    monkeypatch.setattr(ModuleInWorker, '_compute_environment_string', broken_environment)
    monkeypatch.setattr(ModuleInWorker, '_interpreter_reason', lambda self, task_vars: None)
    monkeypatch.setattr(ModuleInWorker, '_module_process_reason', lambda self, name, task_vars: None)
    result = real_action({'url': 'http://127.0.0.1:9'}).run(task_vars={})
    assert result == {'ran': 'module process'} and ran == []
    assert module_process_run.said[-1] == ('netops.bridge: netops.bridge.saymon_operation runs as a module process: '
                                           'preparing the in-worker run failed (KeyError).'), module_process_run.said


# The task's interpreter: the controller's Python, or a module process.

@pytest.fixture
def two_venvs(tmp_path):
    """A base Python and two venvs made from it: each venv's python and python3 are links to the base's file."""
    base = tmp_path / 'base' / 'bin' / 'python3.12'
    base.parent.mkdir(parents=True)
    base.write_text('')
    venvs = []
    for name in ('controller', 'pinned'):
        bin_dir = tmp_path / name / 'bin'
        bin_dir.mkdir(parents=True)
        (bin_dir / 'python3.12').symlink_to(base)
        (bin_dir / 'python3').symlink_to('python3.12')
        (bin_dir / 'python').symlink_to('python3.12')
        venvs.append(bin_dir)
    return venvs


def test_one_venv_names_one_interpreter(two_venvs):
    controller, _pinned = two_venvs
    assert same_interpreter(str(controller / 'python3'), str(controller / 'python'))
    assert same_interpreter(str(controller / 'python3.12'), str(controller / 'python'))
    assert same_interpreter(str(controller / '..' / 'bin' / 'python'), str(controller / 'python'))


def test_another_venv_of_the_same_base_python_is_another_interpreter(two_venvs):
    controller, pinned = two_venvs
    # The same file in the end: a real-path comparison alone would take one for the other.
    assert os.path.realpath(str(pinned / 'python')) == os.path.realpath(str(controller / 'python'))
    assert not same_interpreter(str(pinned / 'python'), str(controller / 'python'))
    assert not same_interpreter(str(controller.parent.parent / 'base' / 'bin' / 'python3.12'), str(controller / 'python'))


def test_an_interpreter_named_without_a_path_is_looked_up_in_path(two_venvs, monkeypatch):
    controller, pinned = two_venvs
    for link in ('python', 'python3', 'python3.12'):
        os.chmod(str(controller / link), 0o755)
    monkeypatch.setenv('PATH', str(controller))
    assert same_interpreter('python3', str(controller / 'python'))
    assert not same_interpreter('python3', str(pinned / 'python'))
    assert not same_interpreter('no-such-python', str(controller / 'python'))


@pytest.mark.usefixtures('no_switch_in_environment')
@pytest.mark.parametrize('interpreter', [None, 'auto', 'auto_silent', 'auto_legacy', 'auto_legacy_silent', sys.executable])
def test_the_controller_python_and_discovery_run_in_the_worker(interpreter, monkeypatch):
    monkeypatch.delenv('ANSIBLE_PYTHON_INTERPRETER', raising=False)
    task_vars = {} if interpreter is None else {'ansible_python_interpreter': interpreter}
    assert action()._module_process_reason('saymon_operation', task_vars) is None


@pytest.mark.usefixtures('no_switch_in_environment')
def test_a_pinned_interpreter_runs_the_module_as_a_process(two_venvs, monkeypatch):
    monkeypatch.delenv('ANSIBLE_PYTHON_INTERPRETER', raising=False)
    pinned = str(two_venvs[1] / 'python')
    reason = action()._module_process_reason('saymon_operation', {'ansible_python_interpreter': pinned})
    assert reason == "its Python interpreter %s is not the controller's %s" % (pinned, sys.executable)
    # For a task delegated to localhost, the delegated host's variables count, as core resolves them.
    plugin = action()
    plugin._task.delegate_to = 'localhost'
    task_vars = {'ansible_python_interpreter': sys.executable,
                 'ansible_delegated_vars': {'localhost': {'ansible_python_interpreter': pinned}}}
    assert plugin._module_process_reason('saymon_operation', task_vars) == reason
    # The environment variable of core's configuration counts too, as core's INTERPRETER_PYTHON setting.
    monkeypatch.setenv('ANSIBLE_PYTHON_INTERPRETER', pinned)
    assert action()._module_process_reason('saymon_operation', {}) == reason
