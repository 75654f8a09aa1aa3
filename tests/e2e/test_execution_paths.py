# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two places a module's code runs (plugins/plugin_utils/_in_worker.py): in the controller's worker
(``netops_bridge_execution=auto``, the default on the ``local`` connection) and as a module process
(``module``, and the fallbacks). The same tasks run both ways, each against a fresh emulator, must give the same
results to the key (the differential test); each fallback must say why at -v and still work."""

from __future__ import absolute_import, division, print_function

import json
import os
import re
import socketserver
import subprocess
import sys
import sysconfig
import textwrap
import threading
from pathlib import Path

import pytest

from emulators.enms import EnmsEmulator
from emulators.omn import OmnEmulator
from emulators.saymon import SaymonEmulator
from emulators.zitadel import ZitadelEmulator
from conftest import saymon_env
from test_reliability import CASES

EMULATORS = {'saymon': SaymonEmulator, 'enms': EnmsEmulator, 'omn': OmnEmulator, 'zitadel': ZitadelEmulator}
URL_VARIABLE = {'saymon': 'SAYMON_URL', 'enms': 'ENMS_URL', 'omn': 'OMN_URL', 'zitadel': 'ZITADEL_URL'}
IN_WORKER = 'in the worker process (netops_bridge_execution=auto)'
AS_MODULE = 'runs as a module process: '

# Every kind of outcome a module has, each registered: a success, check mode with diff, core's argument checks (an
# unknown option, a wrong type, a bad choice), a failure before any request from a variable set with the task's
# environment keyword, and a loop whose first item warns (the warning must not reach the second item).
DIFFERENTIAL_TASKS = '''
    - name: Succeed
      netops.bridge.%(module)s:
        %(args)s
      register: succeed

    - name: Check mode with diff
      netops.bridge.%(module)s:
        %(args)s
      check_mode: true
      diff: true
      register: check_diff

    - name: Unknown option
      netops.bridge.%(module)s:
        %(args)s
        bogus_option: 1
      register: unknown_option
      ignore_errors: true

    - name: Wrong type
      netops.bridge.%(module)s:
        %(args)s
        request_timeout: soon
      register: wrong_type
      ignore_errors: true

    - name: Bad choice
      netops.bridge.%(module)s:
        %(args)s
        validate_certs: maybe
      register: bad_choice
      ignore_errors: true

    - name: Per item, a warning and then a url from the task's environment keyword
      netops.bridge.%(module)s:
        %(args)s
        validate_certs: "{{ item.validate_certs }}"
      environment: "{{ item.environment }}"
      loop:
        - {validate_certs: false, environment: {}}
        - {validate_certs: true, environment: {%(url_variable)s: "ftp://127.0.0.1/from-the-environment-keyword"}}
      register: per_item
      ignore_errors: true

    - name: Save results
      ansible.builtin.copy:
        content: "{{ {'succeed': succeed, 'check_diff': check_diff, 'unknown_option': unknown_option, 'wrong_type': wrong_type,
                      'bad_choice': bad_choice, 'per_item': per_item} | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
      check_mode: false
      changed_when: false
'''
MODULE_TASKS = 7  # of DIFFERENTIAL_TASKS, the loop counted once per item: what -vvv must report a path for
# What differs between two runs against two fresh emulators whatever the path: the emulator's port, IDs it makes up,
# clocks, and how often a wait polled before the job was done.
VOLATILE = [
    (re.compile(r'http://127\.0\.0\.1:\d+'), 'http://127.0.0.1:PORT'),
    (re.compile(r'\b[0-9a-f]{24,40}\b'), 'HEX'),
    (re.compile(r'\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b'), 'UUID'),
    (re.compile(r'\d{4}-\d\d-\d\d[T -]\d\d:\d\d:\d\d(\.\d+)?Z?'), 'TIME'),
    (re.compile(r'"(timestamp|polls|creationDate|changeDate|duration|since|until|last_state_change|last_state_update)": [0-9.]+'), r'"\1": "N"'),
    (re.compile(r'\b\d{12,}\b'), 'NUMBER'),
    (re.compile(r'/tmp/[^" ]+'), 'TMP'),
]


# Core lists the valid booleans from a set, in an order that changes from one Python process to the next.
BOOLEANS = re.compile(r"(Valid booleans include: )([^\"]*)")


def sorted_booleans(match):
    return match.group(1) + ', '.join(sorted(match.group(2).split(', ')))


def normalized_text(text):
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return BOOLEANS.sub(sorted_booleans, text)


def normalized(results):
    return json.loads(normalized_text(json.dumps(results, sort_keys=True)))


def differences(left, right, path=''):
    """Where two results differ, leaf by leaf: what a failing comparison prints."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right)):
            found += differences(left.get(key, '<absent>'), right.get(key, '<absent>'), '%s.%s' % (path, key))
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [item for index, pair in enumerate(zip(left, right)) for item in differences(pair[0], pair[1], '%s[%d]' % (path, index))]
    return [] if left == right else ['%s: %r != %r' % (path, left, right)]


def task_lines(output):
    """The callback's view of each task (status and warnings), without what -vvv adds about the path taken."""
    keep = re.compile(r'^(ok|changed|fatal|failed|skipping|\[WARNING\]|\[DEPRECATION)')
    return [line for line in (normalized_text(line) for line in output.splitlines()) if keep.match(line)]


# The info modules read a job or run that an earlier task started; waiting for it to end there makes what they read
# the same whatever the speed of the path (the faster path would otherwise read it while it still runs).
FINISHED_FIRST = {
    'saymon_job_info': ('wait: false', 'wait: true'),
    'enms_result_info': ('wait: false', 'wait: true\n        poll_interval: 0.2'),
}


def run_on_fresh_emulator(ansible, module, execution, args=()):
    task_args, prepare, _platform, _route, _path, fixture, env, _body = CASES[module]
    if module in FINISHED_FIRST:
        prepare = prepare.replace(*FINISHED_FIRST[module]) if FINISHED_FIRST[module][0] in prepare else \
            prepare.replace('      register: op', '        wait: true\n      register: op')
    with EMULATORS[fixture]() as emulator:
        play = '- hosts: localhost\n  gather_facts: false\n  tasks:\n' + prepare + DIFFERENTIAL_TASKS % {
            'module': module, 'args': task_args, 'url_variable': URL_VARIABLE[fixture]}
        run = ansible.playbook(play, env=env(emulator), args=['-vvv', '-e', 'netops_bridge_execution=%s' % execution] + list(args))
        return run, emulator.counts()


POLLED_ROUTES = ('get_job', 'get_result')


def counted_without_polls(counts):
    return dict((route, 'polled' if route in POLLED_ROUTES else count) for route, count in counts.items())


@pytest.mark.parametrize('module', sorted(CASES))
def test_both_paths_give_the_same_results_to_the_key(module, ansible):
    runs = {}
    for execution in ('auto', 'module'):
        run, counts = run_on_fresh_emulator(ansible, module, execution)
        assert run.rc == 0 and run.results, run
        runs[execution] = (run, counts)
    auto, module_run = runs['auto'][0], runs['module'][0]
    # Each run took the path it was meant to, for every task of the module.
    assert auto.output.count(IN_WORKER) >= MODULE_TASKS and AS_MODULE not in auto.output, auto
    assert module_run.output.count(AS_MODULE + 'netops_bridge_execution is module') >= MODULE_TASKS, module_run
    assert IN_WORKER not in module_run.output
    assert not differences(normalized(auto.results), normalized(module_run.results))
    assert task_lines(auto.output) == task_lines(module_run.output)
    # The same requests reached the server, as many times, but for the polls of a wait (as many as the job took).
    assert counted_without_polls(runs['auto'][1]) == counted_without_polls(runs['module'][1])
    # What is compared is not vacuous: each kind of outcome is there.
    results = auto.results
    assert not results['succeed'].get('failed') and results['check_diff'].get('failed') is not True, results
    assert 'bogus_option' in results['unknown_option']['msg'], results['unknown_option']
    assert 'request_timeout' in results['wrong_type']['msg'], results['wrong_type']
    assert 'validate_certs' in results['bad_choice']['msg'], results['bad_choice']
    first, second = results['per_item']['results']
    # The first item warned, the second did not (ansible-core 2.19 gathers the items' warnings at the top of the loop's
    # result, 2.21 keeps them per item too).
    assert 'validate_certs is false: the' in json.dumps(results['per_item']), results['per_item']
    assert 'validate_certs is false' not in json.dumps(second), second
    assert 'ftp://127.0.0.1/from-the-environment-keyword' in second['msg'], second


def test_module_defaults_groups_environment_and_no_log_on_both_paths(ansible, saymon):
    """module_defaults by action group, a no_log option, a registered session ID and the environment keyword: the
    same results, and no secret in any output at -vvv on either path. (A secret put in a task's ``environment:`` is
    not used here: core itself prints that environment at -vvv when it starts a module process.)"""
    play = textwrap.dedent('''
    - hosts: localhost
      gather_facts: false
      vars:
        saymon_password: admin-pass
      module_defaults:
        group/netops.bridge.saymon:
          url: %s
          password: "{{ saymon_password }}"
      tasks:
        - netops.bridge.saymon_operation:
            object_id: 5e9465cb00000000000000a1
            operation_name: ping
            wait: true
          environment:
            SAYMON_USERNAME: admin
          register: ran
        - netops.bridge.saymon_session:
            username: admin
          register: login
          no_log: true
        - netops.bridge.saymon_job_info:
            job_id: "{{ ran.job_id }}"
            session_id: "{{ login.session_id }}"
            password: "{{ omit }}"
          register: job
        - ansible.builtin.copy:
            content: "{{ {'ran': ran, 'job': job} | to_json }}"
            dest: "{{ results_file }}"
            mode: "0600"
    ''' % saymon.url)
    outcomes = {}
    for execution in ('auto', 'module'):
        run = ansible.playbook(play, args=['-vvv', '-e', 'netops_bridge_execution=%s' % execution])
        assert run.rc == 0, run
        outcomes[execution] = normalized(run.results)
        sessions = list(saymon.dump_state()['sessions'])
        assert sessions
        for secret in ['admin-pass'] + sessions:
            assert secret not in run.output + json.dumps(run.results), (execution, secret)
    assert not differences(outcomes['auto'], outcomes['module'])
    assert outcomes['auto']['ran']['stdout'] == 'PING ok'
    assert outcomes['auto']['job']['finished'] is True


FALLBACK_PLUGINS = {
    # A connection that is the local one under another name: not "the controller" for the action.
    'connection_plugins/elsewhere.py': '''
        from ansible.plugins.connection.local import Connection as LocalConnection

        DOCUMENTATION = """
        name: elsewhere
        short_description: the local connection under another name (netops.bridge tests)
        description: [Runs commands on the controller, as ansible.builtin.local does.]
        author: netops.bridge tests
        """


        class Connection(LocalConnection):
            transport = 'elsewhere'
        ''',
    # A become method that runs the command as it is: become is set, nothing else changes.
    'become_plugins/as_is.py': '''
        from ansible.plugins.become import BecomeBase

        DOCUMENTATION = """
        name: as_is
        short_description: become that changes nothing (netops.bridge tests)
        description: [Runs the command unchanged.]
        author: netops.bridge tests
        """


        class BecomeModule(BecomeBase):
            name = 'as_is'

            def build_become_command(self, cmd, shell):
                return cmd
        ''',
}
FALLBACK_CASES = {
    'connection': ('vars: {ansible_connection: elsewhere}', 'the connection is elsewhere, not local (the controller)'),
    # An absolute async_dir: the test's HOME is not the one core's async_status expands ~ with.
    'async': ('async: 30\n      poll: 1\n      vars: {ansible_async_dir: "{{ playbook_dir }}/async"}', 'the task is async'),
    'become': ('become: true\n      become_method: as_is', 'become is set'),
}


# One SAYMON operation with the keywords of a case, and its registered result saved (on the local connection).
PING_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - netops.bridge.saymon_operation:
        object_id: 5e9465cb00000000000000a1
        operation_name: ping
        wait: true
      %s
      register: ran
    - ansible.builtin.copy:
        content: "{{ ran | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
      vars: {ansible_connection: local}
'''


def run_ping(ansible, saymon, keywords='', env=None):
    """The play on the default path (whatever the suite's run sets), at -v, which names the path a fallback took."""
    env = dict(saymon_env(saymon), **(env or {}))
    run = ansible.playbook(PING_PLAY % keywords, env=env, args=['-v', '-e', 'netops_bridge_execution=auto'])
    assert run.rc == 0, run
    assert run.results['stdout'] == 'PING ok', run.results
    return run


@pytest.mark.parametrize('case', sorted(FALLBACK_CASES))
def test_fallbacks_say_why_at_v_and_still_run(case, ansible, saymon, tmp_path):
    for path, text in FALLBACK_PLUGINS.items():
        (tmp_path / path).parent.mkdir(exist_ok=True)
        (tmp_path / path).write_text(textwrap.dedent(text))
    keyword, reason = FALLBACK_CASES[case]
    run = run_ping(ansible, saymon, keyword)
    assert 'netops.bridge: netops.bridge.saymon_operation runs as a module process: %s.' % reason in run.output, run
    assert saymon.count(route='execute_object_operation') == 1


def test_a_controller_without_requests_runs_the_module_as_a_process(ansible, saymon, tmp_path):
    """The controller's Python cannot import requests (a meta path finder refuses it in the controller only); the
    module process, a new interpreter, can: the task falls back, says so at -v, and works."""
    blocker = tmp_path / 'controller-without-requests'
    blocker.mkdir()
    (blocker / 'sitecustomize.py').write_text(textwrap.dedent('''
        import os
        import sys

        class RefuseRequests(object):
            def find_spec(self, name, path=None, target=None):
                if name == 'requests' or name.startswith('requests.'):
                    raise ImportError('requests is refused in this controller (netops.bridge tests)')
                return None

        # Only in the controller's commands: the module process inherits PYTHONPATH, but it is AnsiballZ_*.py.
        if os.path.basename(sys.argv[0]).startswith('ansible'):
            sys.meta_path.insert(0, RefuseRequests())
    '''))
    run = run_ping(ansible, saymon, env={'PYTHONPATH': str(blocker)})
    assert "runs as a module process: requests cannot be imported in the controller's Python" in run.output, run


@pytest.mark.parametrize('where', ['extra vars', 'play vars', 'host vars', 'environment'])
def test_the_switch_is_an_ordinary_variable_with_an_environment_fallback(where, ansible, saymon, tmp_path):
    play_vars, args, env = '', [], {}
    if where == 'extra vars':
        args = ['-e', 'netops_bridge_execution=module']
    elif where == 'play vars':
        play_vars = '  vars:\n    netops_bridge_execution: module\n'
    elif where == 'host vars':
        inventory = tmp_path / 'hosts.yml'
        inventory.write_text('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      netops_bridge_execution: module\n')
        args = ['-i', str(inventory)]
    else:
        env = {'NETOPS_BRIDGE_EXECUTION': 'module'}
    if where != 'environment':
        # What the suite's own run may set (the e2e stage runs once with NETOPS_BRIDGE_EXECUTION=module) is not the
        # fallback under test here.
        env['NETOPS_BRIDGE_EXECUTION'] = 'auto'
    env.update(saymon_env(saymon))
    run = ansible.playbook('- hosts: localhost\n  gather_facts: false\n' + play_vars + '''  tasks:
    - netops.bridge.saymon_job_info:
        job_id: 5e9465cb00000000000000f1
      ignore_errors: true
''', env=env, args=['-v'] + args)
    assert 'runs as a module process: netops_bridge_execution is module.' in run.output, run


def test_a_wrong_switch_value_fails_before_any_request(ansible, saymon):
    run = ansible.playbook(PING_PLAY % 'vars: {netops_bridge_execution: turbo}', env=saymon_env(saymon))
    assert run.rc != 0
    assert "netops_bridge_execution must be one of auto, module, got 'turbo' (set by the variable netops_bridge_execution)." in run.output, run
    assert saymon.requests() == []


class MalformedHeaderServer(object):
    """An HTTP server that answers every request with ``true`` and one header line that is no header: urllib3 logs
    "Failed to parse headers (url=...)", the URL in full, as a warning of its own."""

    ANSWER = (b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4\r\nConnection: close\r\n'
              b'this line is not a header\r\n\r\ntrue')

    def __enter__(self):
        answer, self.paths = self.ANSWER, []
        paths = self.paths

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                request_line = self.rfile.readline().decode('latin-1')
                while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                    pass
                paths.append(request_line.split(' ')[1] if ' ' in request_line else request_line)
                self.wfile.write(answer)

        self.server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.01}, daemon=True).start()
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize('execution', ['auto', 'module'])
def test_what_a_module_library_logs_never_reaches_the_ansible_log(execution, ansible, tmp_path):
    """With ANSIBLE_LOG_PATH set, core logs to a file through a handler on the root logger. A module process has no
    such handler; in the worker, urllib3's own warning about a malformed answer would reach it, and with it the URL
    that holds the no_log session ID being verified."""
    session_id = 'sid-never-logged-4711'
    log = tmp_path / 'ansible.log'
    with MalformedHeaderServer() as server:
        run = ansible.playbook('''
        - hosts: localhost
          gather_facts: false
          tasks:
            - netops.bridge.saymon_session:
                url: %s
                session_id: %s
                username: admin
                password: admin-pass
              register: login
              no_log: true
        ''' % (server.url, session_id), env={'ANSIBLE_LOG_PATH': str(log)},
            args=['-e', 'netops_bridge_execution=%s' % execution])
    assert run.rc == 0, run
    # The request that carries the session ID was made, and core did log the run to the file.
    assert server.paths == ['/node/api/users/session/verify/%s' % session_id], server.paths
    assert 'PLAY RECAP' in log.read_text()
    assert session_id not in log.read_text() and 'admin-pass' not in log.read_text(), log.read_text()


@pytest.fixture(scope='module')
def second_venv(tmp_path_factory):
    """Another venv made from the controller's base Python: its python is the same file in the end, but not the
    controller's interpreter. A .pth file lends it the controller's site-packages (requests), so the module works."""
    venv = tmp_path_factory.mktemp('pinned') / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--system-site-packages', '--without-pip', str(venv)], check=True, timeout=120)
    site_packages = subprocess.run([str(venv / 'bin' / 'python'), '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                                   check=True, capture_output=True, text=True).stdout.strip()
    (Path(site_packages) / 'controller.pth').write_text(sysconfig.get_paths()['purelib'] + '\n')
    return venv / 'bin' / 'python'


def test_a_pinned_interpreter_runs_the_module_as_a_process(ansible, saymon, second_venv):
    assert os.path.realpath(str(second_venv)) == os.path.realpath(sys.executable)  # what a real-path comparison sees
    run = run_ping(ansible, saymon, 'vars: {ansible_python_interpreter: %s}' % second_venv)
    assert "runs as a module process: its Python interpreter %s is not the controller's " % second_venv in run.output, run
    assert IN_WORKER not in run.output


def test_the_controller_python_under_its_other_name_runs_in_the_worker(ansible, saymon):
    """The suite sets ANSIBLE_PYTHON_INTERPRETER to its own sys.executable; a task names the controller's venv's
    other name for it (python3 for python, or back): the same interpreter, so the fast path."""
    executable = Path(sys.executable)
    alias = executable.parent / ('python3' if executable.name != 'python3' else 'python')
    assert alias.exists() and alias != executable
    env = dict(saymon_env(saymon), NETOPS_BRIDGE_EXECUTION='auto')
    for keywords in ('', 'vars: {ansible_python_interpreter: %s}' % alias):
        run = ansible.playbook(PING_PLAY % keywords, env=env, args=['-vvv'])
        assert run.rc == 0 and run.results['stdout'] == 'PING ok', run
        assert IN_WORKER in run.output and AS_MODULE not in run.output, run


def test_a_runner_that_cannot_be_imported_runs_every_module_as_a_process(ansible, saymon, tmp_path):
    """A core change that breaks the in-worker runner's import (an audit hook refuses it, in the controller only:
    core's collection finder comes before any other) leaves every module working as a module process, saying why
    at -v."""
    blocker = tmp_path / 'controller-without-runner'
    blocker.mkdir()
    (blocker / 'sitecustomize.py').write_text(textwrap.dedent('''
        import os
        import sys

        def refuse_runner(event, args):
            if event == 'import' and args[0] == 'ansible_collections.netops.bridge.plugins.plugin_utils._in_worker':
                raise ImportError('the runner is refused in this controller (netops.bridge tests)')

        if os.path.basename(sys.argv[0]).startswith('ansible'):
            sys.addaudithook(refuse_runner)
    '''))
    run = run_ping(ansible, saymon, env={'PYTHONPATH': str(blocker)})
    assert ('runs as a module process: the in-worker runner cannot be imported (ImportError: the runner is refused in this '
            'controller (netops.bridge tests)).') in run.output, run
    assert saymon.count(route='execute_object_operation') == 1
