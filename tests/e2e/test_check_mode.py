# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check mode across tasks: what a login or a run returns in check mode lets the tasks after it run in check mode
too, and the placeholder it returns is refused outside check mode before any request."""

from __future__ import absolute_import, division, print_function

import pytest

from conftest import enms_env, saymon_env, zitadel_env
from emulators.saymon import LINK_L1
from test_saymon import play

PLACEHOLDER = 'netops.bridge-check-mode-placeholder'

SAYMON_CHAIN = '''
    - netops.bridge.saymon_session:
        username: admin
        password: "%s"
      register: login
    - module_defaults:
        group/netops.bridge.saymon:
          session_id: "{{ login.session_id }}"
          username: "{{ omit }}"
          password: "{{ omit }}"
      block:
        - netops.bridge.saymon_operation:
            link_id: %s
            operation_name: set-maintenance
          register: op
        - netops.bridge.saymon_job_info:
            job_id: "{{ op.job_id }}"
            wait: true
          register: job
      always:
        - netops.bridge.saymon_session:
            state: absent
          register: logout
'''


@pytest.mark.parametrize('diff', [False, True])
def test_saymon_login_operation_job_and_logout_run_in_check_mode(saymon, ansible, diff):
    env = {'SAYMON_URL': saymon.url}
    run = ansible.playbook(play(SAYMON_CHAIN % ('admin-pass', LINK_L1), "{'login': login, 'op': op, 'job': job, 'logout': logout}"),
                           env=env, args=['--check'] + (['--diff'] if diff else []))
    assert run.rc == 0, run
    assert run.results['login']['session_id'] == PLACEHOLDER and run.results['login']['changed'] is True
    assert run.results['op']['job_id'] == PLACEHOLDER and run.results['job']['finished'] is False
    assert run.results['logout']['changed'] is True
    # The login was proven with one read and no session was made; nothing else could be read without one.
    assert [r['route'] for r in saymon.requests()] == ['current_user']
    assert saymon.state['sessions'] == {} and saymon.count(route='execute_link_operation') == 0


def test_a_wrong_password_fails_in_check_mode_too(saymon, ansible):
    run = ansible.playbook(play(SAYMON_CHAIN % ('wrong', LINK_L1)), env={'SAYMON_URL': saymon.url}, args=['--check'])
    assert run.rc != 0 and 'HTTP 401' in run.stdout, run


def test_with_a_login_at_hand_check_mode_still_looks_the_operation_up(saymon, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_name: no-such-operation
        session_id: "%s"
      register: op
      ignore_errors: true
''' % (LINK_L1, PLACEHOLDER), "{'op': op}"), env=saymon_env(saymon), args=['--check'])
    assert run.results['op']['failed'] is True and "no operation named 'no-such-operation'" in run.results['op']['msg']


@pytest.mark.parametrize('module,options,env_of', [
    ('netops.bridge.saymon_operation', 'link_id: %s\n        operation_id: x\n        session_id: "%s"' % (LINK_L1, PLACEHOLDER), saymon_env),
    ('netops.bridge.saymon_job_info', 'job_id: "%s"' % PLACEHOLDER, saymon_env),
    ('netops.bridge.enms_result_info', 'name: Configuration Backup\n        runtime: "%s"' % PLACEHOLDER, enms_env),
])
def test_the_placeholder_is_refused_outside_check_mode_before_any_request(request, ansible, module, options, env_of):
    emulator = request.getfixturevalue('saymon' if 'saymon' in module else 'enms')
    run = ansible.playbook(play('''
    - %s:
        %s
      register: out
      ignore_errors: true
''' % (module, options), "{'out': out}"), env=env_of(emulator))
    out = run.results['out']
    assert out['failed'] is True and 'placeholder that netops.bridge modules return in check mode' in out['msg'], out
    assert emulator.requests() == []


def test_enms_run_without_wait_then_result_info_in_check_mode(enms, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.enms_service_run:
        name: "[Shared] Ping"
        wait: false
      register: started
    - netops.bridge.enms_result_info:
        name: "[Shared] Ping"
        runtime: "{{ started.runtime }}"
        wait: true
      register: result
''', "{'started': started, 'result': result}"), env=enms_env(enms), args=['--check', '--diff'])
    assert run.rc == 0, run
    assert run.results['started']['runtime'] == PLACEHOLDER and run.results['result']['found'] is False
    assert [r['route'] for r in enms.requests()] == ['get_instance', 'get_instance']
    assert enms.dump_state()['runs'] == {}


def test_enms_check_mode_finds_an_unknown_service(enms, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.enms_service_run:
        name: No Such Service
      register: started
      ignore_errors: true
''', "{'started': started}"), env=enms_env(enms), args=['--check'])
    assert run.results['started']['failed'] is True and 'HTTP 403' in run.results['started']['msg']


def test_zitadel_targets_created_in_the_same_check_run_are_accepted(zitadel, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.zitadel_target:
        name: brand-new
        endpoint: https://hooks.example.com/new
        target_type: webhook
        timeout: 5s
      register: target
    - netops.bridge.zitadel_execution:
        condition: {event: {group: user.human}}
        targets: [brand-new]
      register: execution
''', "{'target': target, 'execution': execution}"), env=zitadel_env(zitadel), args=['--check', '--diff'])
    assert run.rc == 0, run
    assert run.results['execution']['changed'] is True
    assert run.results['execution']['diff']['after']['targets'] == ['brand-new']
    assert 'no target is named brand-new yet' in run.output
    assert all(r['method'] != 'PUT' and not r['path'].endswith('/targets') or 'search' in r['path'] for r in zitadel.requests())
    missing = ansible.playbook(play('''
    - netops.bridge.zitadel_execution:
        condition: {event: {group: user.human}}
        targets: [brand-new]
      register: execution
      ignore_errors: true
''', "{'execution': execution}"), env=zitadel_env(zitadel))
    assert 'unknown target(s): brand-new' in missing.results['execution']['msg']
