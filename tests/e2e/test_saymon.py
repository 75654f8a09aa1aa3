# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAYMON modules run by real ansible-playbook / ansible commands against the SAYMON emulator."""

from __future__ import absolute_import, division, print_function

import base64
import json
import time

from conftest import saymon_env
from emulators.saymon import (LINK_L1, OBJECT_O1, OP_FAIL, OP_PING, OP_RESTART_A, OP_RESTART_B,
                              OP_SET_MAINTENANCE)

SAVE = '''
    - name: Save results
      ansible.builtin.copy:
        content: >-
          {{ %s | to_json }}
        dest: "{{ results_file }}"
        mode: "0600"
      check_mode: false
      changed_when: false
'''


def play(tasks, save='{}'):
    return '- hosts: localhost\n  gather_facts: false\n  tasks:\n' + tasks + SAVE % save


def basic(user, password):
    return 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode()).decode()


def test_execute_link_operation_by_id_sends_exactly_one_request(saymon, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
      register: op
''' % (LINK_L1, OP_SET_MAINTENANCE), '{"op": op}'), env=saymon_env(saymon))
    assert run.rc == 0, run
    assert run.recap['localhost']['changed'] == 1
    sent = saymon.requests()
    assert [(r['method'], r['path']) for r in sent] == [
        ('POST', '/node/api/links/%s/operations/%s/execute' % (LINK_L1, OP_SET_MAINTENANCE))]
    assert sent[0]['headers']['authorization'] == basic('admin', 'admin-pass')
    assert sent[0]['body'] == ''
    job_id = run.results['op']['job_id']
    assert job_id in saymon.dump_state()['jobs'] and not job_id.startswith('"')
    assert 'netops.bridge/' in sent[0]['headers']['user-agent']


def test_object_operation_by_name_with_arguments_and_wait(saymon, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        object_id: %s
        operation_name: ping
        arguments: {host: example.com, count: 2}
        wait: true
        poll_interval: 0.5
      register: op
''' % OBJECT_O1, '{"op": op}'), env=saymon_env(saymon))
    assert run.rc == 0, run
    op = run.results['op']
    assert op['operation_id'] == OP_PING and op['exit_code'] == 0 and op['stdout'] == 'PING ok'
    execute = saymon.requests(route='execute_object_operation')
    assert len(execute) == 1
    assert json.loads(execute[0]['body']) == {'host': 'example.com', 'count': 2}
    assert execute[0]['headers']['content-type'].startswith('application/json')
    assert saymon.dump_state()['jobs'][op['job_id']]['arguments'] == {'host': 'example.com', 'count': 2}
    assert saymon.count(route='get_object') == 1
    assert saymon.count(route='get_job') == op['polls'] >= 1


def test_check_mode_validates_but_never_executes(saymon, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_name: set-maintenance
      register: op
''' % LINK_L1, '{"op": op}'), env=saymon_env(saymon), args=['--check'])
    assert run.rc == 0, run
    assert run.results['op']['changed'] is True and run.results['op']['operation_id'] == OP_SET_MAINTENANCE
    assert saymon.count(route='execute_link_operation') == 0
    assert saymon.count(route='get_link') == 1

    missing = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_name: no-such-operation
''' % LINK_L1), env=saymon_env(saymon), args=['--check'])
    assert missing.rc != 0 and 'has no operation named' in missing.stdout, missing
    assert saymon.count(route='execute_link_operation') == 0


def test_session_login_reuse_and_logout(saymon, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_session:
      register: login
      no_log: true
    - module_defaults:
        group/netops.bridge.saymon:
          session_id: "{{ login.session_id }}"
          username: "{{ omit }}"
          password: "{{ omit }}"
      block:
        - netops.bridge.saymon_session:
          register: again
          no_log: true
        - netops.bridge.saymon_operation:
            link_id: %s
            operation_id: %s
          register: op
        - netops.bridge.saymon_session:
            state: absent
          register: logout
        - netops.bridge.saymon_session:
            state: absent
          register: logout_again
''' % (LINK_L1, OP_SET_MAINTENANCE),
        '{"login_changed": login.changed, "sid": login.session_id, "again": again, "logout": logout, "logout_again": logout_again}'),
        env=saymon_env(saymon))
    assert run.rc == 0, run
    res = run.results
    sid = res['sid']
    assert res['login_changed'] is True
    assert res['again']['changed'] is False and res['again']['session_id'] == sid
    assert res['logout']['changed'] is True and res['logout_again']['changed'] is False
    created = saymon.requests(route='create_session')
    assert len(created) == 1
    assert json.loads(created[0]['body']) == {'login': 'admin', 'password': 'admin-pass'}
    assert 'authorization' not in created[0]['headers']
    execute = saymon.requests(route='execute_link_operation')[0]
    assert execute['headers']['cookie'] == 'sid=%s' % sid and 'authorization' not in execute['headers']
    assert saymon.count(route='delete_session') == 1
    assert saymon.dump_state()['sessions'] == []
    assert sid not in run.stdout


def test_failed_job_fails_the_task_unless_told_otherwise(saymon, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
        wait: true
        poll_interval: 0.5
      register: failing
      ignore_errors: true
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
        wait: true
        fail_on_error: false
        poll_interval: 0.5
      register: tolerated
''' % (LINK_L1, OP_FAIL, LINK_L1, OP_FAIL), '{"failing": failing, "tolerated": tolerated}'), env=saymon_env(saymon))
    assert run.rc == 0, run
    assert run.results['failing']['failed'] is True
    assert 'exit code 2: boom' in run.results['failing']['msg']
    assert run.results['failing']['changed'] is True
    assert run.results['tolerated'].get('failed', False) is False and run.results['tolerated']['exit_code'] == 2
    assert saymon.count(route='execute_link_operation') == 2


def test_ambiguous_or_unknown_operation_name_fails_without_executing(saymon, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_name: restart
''' % LINK_L1), env=saymon_env(saymon))
    assert run.rc != 0
    assert OP_RESTART_A in run.stdout and OP_RESTART_B in run.stdout and 'give operation_id instead' in run.stdout
    assert saymon.count(route='execute_link_operation') == 0


def test_bad_input_fails_before_any_request(saymon, ansible):
    cases = [
        'link_id: %s\n        object_id: %s\n        operation_id: x' % (LINK_L1, OBJECT_O1),
        'operation_id: x',
        'link_id: %s' % LINK_L1,
        'link_id: "  "\n        operation_id: x',
        'link_id: %s\n        operation_id: x\n        wait_timeout: 0' % LINK_L1,
        'link_id: %s\n        operation_id: x\n        request_timeout: -1' % LINK_L1,
        'link_id: %s\n        operation_id: x\n        arguments: not-a-dict' % LINK_L1,
    ]
    for case in cases:
        run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        %s
''' % case), env=saymon_env(saymon))
        assert run.rc != 0 and 'Traceback' not in run.output, (case, run)
    no_credentials = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: x
''' % LINK_L1), env={'SAYMON_URL': saymon.url})
    assert no_credentials.rc != 0 and 'credentials are missing' in no_credentials.stdout
    assert saymon.requests() == []


def test_wrong_password_is_a_clear_failure(saymon, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
''' % (LINK_L1, OP_SET_MAINTENANCE)), env=saymon_env(saymon, password='wrong-password'))
    assert run.rc != 0
    assert 'HTTP 401 Unauthorized: InvalidCredentials: Invalid login or password.' in run.stdout, run
    assert 'Traceback' not in run.output and 'wrong-password' not in run.output


def test_missing_permission_and_unknown_link(saymon, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
''' % (LINK_L1, OP_SET_MAINTENANCE)), env=saymon_env(saymon, 'viewer', 'viewer-pass'))
    assert run.rc != 0 and 'HTTP 403' in run.stdout and 'execute-operations' in run.stdout, run
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: 000000000000000000000000
        operation_id: %s
''' % OP_SET_MAINTENANCE), env=saymon_env(saymon))
    assert run.rc != 0 and 'HTTP 404' in run.stdout and 'does not exist' in run.stdout, run


def test_execute_is_never_sent_twice(saymon, ansible):
    saymon.add_fault('after', route='execute_link_operation', then='drop')
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
''' % (LINK_L1, OP_SET_MAINTENANCE)), env=saymon_env(saymon))
    assert run.rc != 0
    assert saymon.count(route='execute_link_operation') == 1
    assert len(saymon.dump_state()['jobs']) == 1
    assert 'may have reached the server' in run.stdout and 'not re-sent' in run.stdout, run

    saymon.reset()
    saymon.add_fault('status', route='execute_link_operation', status=503, body='{"code":"Unavailable","message":"busy"}')
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
''' % (LINK_L1, OP_SET_MAINTENANCE)), env=saymon_env(saymon))
    assert run.rc != 0 and 'HTTP 503' in run.stdout and 'busy' in run.stdout
    assert saymon.count(route='execute_link_operation') == 1


def test_job_polling_survives_faults_and_pending_404(saymon, ansible):
    saymon.patch_state({'pending_jobs_404': True, 'job_delay': 1.0})
    saymon.add_fault('status', route='get_job', status=503, times=1)
    saymon.add_fault('status', route='get_job', status=429, headers={'Retry-After': '0'}, times=1)
    saymon.add_fault('drop', route='get_job', times=1)
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
        wait: true
        poll_interval: 0.5
      register: op
''' % (LINK_L1, OP_SET_MAINTENANCE), '{"op": op}'), env=saymon_env(saymon))
    assert run.rc == 0, run
    assert run.results['op']['exit_code'] == 0 and run.results['op']['stdout'] == 'maintenance on'
    assert saymon.count(route='execute_link_operation') == 1


def test_job_info_with_and_without_wait(saymon, ansible):
    saymon.patch_state({'job_delay': 6.0})  # long enough to be read unfinished on a busy machine
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
      register: op
    - netops.bridge.saymon_job_info:
        job_id: "{{ op.job_id }}"
      register: early
    - netops.bridge.saymon_job_info:
        job_id: "{{ op.job_id }}"
        wait: true
        poll_interval: 0.5
      register: late
      check_mode: true
    - netops.bridge.saymon_job_info:
        job_id: 000000000000000000000000
      register: unknown
      ignore_errors: true
''' % (LINK_L1, OP_SET_MAINTENANCE), '{"early": early, "late": late, "unknown": unknown}'), env=saymon_env(saymon))
    assert run.rc == 0, run
    res = run.results
    assert res['early']['finished'] is False and res['early']['exit_code'] is None and res['early']['changed'] is False
    assert res['late']['finished'] is True and res['late']['exit_code'] == 0 and res['late']['changed'] is False
    assert res['unknown']['failed'] is True and 'HTTP 404' in res['unknown']['msg']


def test_waiting_for_a_job_that_does_not_exist_ends_with_never_found(saymon, ansible):
    started = time.monotonic()
    run = ansible.playbook(play('''
    - netops.bridge.saymon_job_info:
        job_id: 00000000000000000000typo
        wait: true
        not_found_timeout: 2
      register: typo
      ignore_errors: true
''', '{"typo": typo}'), env=saymon_env(saymon))
    elapsed = time.monotonic() - started
    typo = run.results['typo']
    assert typo['failed'] is True and typo['changed'] is False, typo
    assert 'SAYMON job 00000000000000000000typo was never found' in typo['msg'] and 'not_found_timeout=2.0s' in typo['msg']
    # Before, it polled until wait_timeout (300 s by default) and said "did not finish".
    assert 2 <= typo['polls'] <= 8 and elapsed < 40, (typo['polls'], elapsed)
    assert saymon.count(route='get_job') == typo['polls']


def test_adhoc_execute(saymon, ansible):
    run = ansible.adhoc('netops.bridge.saymon_operation', 'link_id=%s operation_name=set-maintenance wait=true poll_interval=0.5' % LINK_L1,
                        env=saymon_env(saymon))
    assert run.rc == 0, run
    assert '"stdout": "maintenance on"' in run.stdout and 'CHANGED' in run.stdout
    assert saymon.count(route='execute_link_operation') == 1


def test_secrets_never_in_output_even_with_vvv(saymon, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_session:
      register: login
      no_log: true
    - netops.bridge.saymon_operation:
        session_id: "{{ login.session_id }}"
        link_id: %s
        operation_id: %s
    - netops.bridge.saymon_operation:
        password: wrong-but-secret-password
        link_id: %s
        operation_id: %s
      ignore_errors: true
''' % (LINK_L1, OP_SET_MAINTENANCE, LINK_L1, OP_SET_MAINTENANCE)), env=saymon_env(saymon), args=['-vvv'])
    assert run.rc == 0, run
    sid = saymon.dump_state()['sessions'][0]
    for secret in ('admin-pass', sid, 'wrong-but-secret-password', basic('admin', 'admin-pass')[6:]):
        assert secret not in run.output
