# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles, run by real ansible-playbook commands against the emulators: success, failure paths,
second runs, bad input refused before any request, and no secret in verbose output."""

from __future__ import absolute_import, division, print_function

import base64
import json
import os
import subprocess

import pytest
import yaml

from conftest import BIN, REPO_ROOT, enms_env, omn_env, saymon_env, zitadel_env
from emulators.saymon import LINK_L1, OBJECT_O1, OP_PING

ROLES = ['saymon_operations', 'enms_service', 'omn_project_peos', 'zitadel_actions', 'network_change', 'enms_inventory']

SAVE = '''
  post_tasks:
    - name: Save results
      ansible.builtin.copy:
        content: "{{ %s | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
      delegate_to: localhost
      run_once: true
      check_mode: false
      changed_when: false
'''


def role_play(role, role_vars, hosts='localhost', save=None):
    lines = ['- hosts: %s' % hosts, '  gather_facts: false', '  roles:', '    - role: netops.bridge.%s' % role, '      vars:']
    lines += ['        ' + line for line in role_vars.strip('\n').splitlines()]
    text = '\n'.join(lines) + '\n'
    return text + (SAVE % save if save else '')


def basic_credentials(user, password):
    return base64.b64encode(('%s:%s' % (user, password)).encode()).decode()


def both(env_a, env_b):
    merged = dict(env_a)
    merged.update(env_b)
    return merged


# -- saymon_operations -----------------------------------------------------------------------------

SAYMON_OPS = '''
saymon_operations_poll_interval: 0.3
saymon_operations_list:
  - {link_id: "%s", operation_name: set-maintenance}
  - {object_id: "%s", operation_id: "%s", arguments: {host: example.com, count: 2}, label: router ping}
''' % (LINK_L1, OBJECT_O1, OP_PING)


def test_saymon_operations_log_in_once_run_all_wait_and_log_out(saymon, ansible):
    run = ansible.playbook(role_play('saymon_operations', SAYMON_OPS, save='saymon_operations_summary'), env=saymon_env(saymon), args=['-vvv'])
    assert run.rc == 0, run
    assert saymon.count(route='create_session') == 1
    assert saymon.count(route='delete_session') == 1
    assert saymon.count(route='execute_link_operation') == 1
    assert saymon.count(route='execute_object_operation') == 1
    summary = run.results
    assert [row['status'] for row in summary] == ['ok', 'ok']
    assert summary[1]['label'] == 'router ping' and summary[1]['target'] == 'object %s' % OBJECT_O1
    assert all(row['exit_code'] == 0 and row['job_id'] for row in summary)
    # Every request after the login used the session, not the password.
    after_login = [r for r in saymon.requests() if r['route'] not in ('create_session',)]
    assert after_login and all('authorization' not in r['headers'] for r in after_login if r['route'] != 'verify_session')
    sessions = list(saymon.dump_state().get('sessions', {}))
    assert 'admin-pass' not in run.output
    for session_id in sessions:
        assert session_id not in run.output


def test_saymon_operations_failed_job_gives_a_table_stops_and_still_logs_out(saymon, ansible):
    role_vars = '''
saymon_operations_poll_interval: 0.3
saymon_operations_list:
  - {link_id: "%s", operation_name: fail, label: failing script}
  - {link_id: "%s", operation_name: set-maintenance}
''' % (LINK_L1, LINK_L1)
    run = ansible.playbook(role_play('saymon_operations', role_vars), env=saymon_env(saymon))
    assert run.rc != 0, run
    assert '2 requested, 0 succeeded, 1 failed, 1 not attempted' in run.stdout
    assert 'failing script' in run.stdout and 'exit code 2; stdout: boom' in run.stdout
    assert 'not attempted: an operation before it failed' in run.stdout
    assert saymon.count(route='execute_link_operation') == 1  # the job failed: the operation after it is not executed
    assert saymon.count(route='delete_session') == 1


def test_saymon_operations_checks_every_name_before_executing_any(saymon, ansible):
    role_vars = '''
saymon_operations_list:
  - {link_id: "%s", operation_name: set-maintenance}
  - {link_id: "%s", operation_name: no-such-operation}
''' % (LINK_L1, LINK_L1)
    run = ansible.playbook(role_play('saymon_operations', role_vars), env=saymon_env(saymon))
    assert run.rc != 0, run
    assert 'Nothing was executed' in run.stdout and "no operation named 'no-such-operation'" in run.stdout
    assert saymon.count(route='execute_link_operation') == 0
    assert saymon.count(route='delete_session') == 1


def test_saymon_operations_refused_login_stops_before_any_operation(saymon, ansible):
    run = ansible.playbook(role_play('saymon_operations', SAYMON_OPS), env=saymon_env(saymon, password='wrong-pass'), args=['-vvv'])
    assert run.rc != 0, run
    assert 'SAYMON login failed' in run.stdout and '401' in run.stdout
    # The final message names the cause once, beside the operations it left not attempted.
    assert 'stopped before executing anything: SAYMON login failed' in run.output
    assert 'SAYMON operations: 2 requested, 0 succeeded, 0 failed, 2 not attempted' in run.output
    assert saymon.count(route='execute_link_operation') == 0 and saymon.count(route='delete_session') == 0
    assert 'wrong-pass' not in run.output


def test_saymon_operations_bad_item_is_refused_before_any_request(saymon, ansible):
    role_vars = '''
saymon_operations_list:
  - {link_id: "%s", object_id: "%s", operation_name: ping}
''' % (LINK_L1, OBJECT_O1)
    run = ansible.playbook(role_play('saymon_operations', role_vars), env=saymon_env(saymon))
    assert run.rc != 0, run
    assert 'saymon_operations_list' in run.stdout and 'mutually exclusive' in run.stdout
    assert saymon.requests() == []


def test_saymon_operations_check_mode_executes_nothing(saymon, ansible):
    run = ansible.playbook(role_play('saymon_operations', SAYMON_OPS, save='saymon_operations_summary'), env=saymon_env(saymon),
                           args=['--check'])
    assert run.rc == 0, run
    assert [row['status'] for row in run.results] == ['would run', 'would run']
    assert saymon.count(route='execute_link_operation') == 0 and saymon.count(route='execute_object_operation') == 0
    assert saymon.count(route='create_session') == 0


# -- enms_service ----------------------------------------------------------------------------------

def inventory(tmp_path):
    path = tmp_path / 'routers.ini'
    path.write_text('[routers]\nWashington\nboston-rtr enms_device_name=Boston\nChicago\n\n[routers:vars]\nansible_connection=local\n')
    return str(path)


def test_enms_service_on_play_hosts_in_batches_stops_at_the_threshold(enms, ansible, tmp_path):
    role_vars = '''
enms_service_name: Configuration Backup
enms_service_play_hosts: true
enms_service_batch_size: 1
enms_service_poll_interval: 0.3
# Chicago is unknown to eNMS: without this the plan refuses the rollout before any run.
enms_service_ignore_invalid_targets: true
'''
    run = ansible.playbook(role_play('enms_service', role_vars, hosts='routers', save='enms_service_summary'), env=enms_env(enms),
                           args=['-i', inventory(tmp_path), '-vvv'])
    assert run.rc != 0, run
    assert 'admin-pass' not in run.output and basic_credentials('admin', 'admin-pass') not in run.output
    sent = [json.loads(r['body'])['devices'] for r in enms.requests(route='run_service')]
    assert sent == [['Washington'], ['Boston']]
    assert 'failed devices: Boston' in run.stdout and 'not run: Chicago' in run.stdout
    assert run.recap['Washington']['failed'] == 1


def test_enms_service_runs_all_targets_at_once_and_reports_success(enms, ansible):
    role_vars = '''
enms_service_name: Configuration Backup
enms_service_devices: [Washington, Atlanta]
enms_service_payload: {change_ticket: CHG-42}
enms_service_poll_interval: 0.3
'''
    run = ansible.playbook(role_play('enms_service', role_vars, save='enms_service_summary'), env=enms_env(enms), args=['-vvv'])
    assert run.rc == 0, run
    assert enms.count(route='run_service') == 1
    body = json.loads(enms.requests(route='run_service')[0]['body'])
    assert body['devices'] == ['Washington', 'Atlanta'] and body['change_ticket'] == 'CHG-42'
    assert sorted(run.results['succeeded']) == ['Atlanta', 'Washington'] and run.results['failed'] == []
    assert 'admin-pass' not in run.output


def test_enms_service_given_an_empty_group_runs_nothing_unless_told(enms, ansible):
    role_vars = '''
enms_service_name: "[Shared] Ping"
enms_service_devices: "{{ groups['nowhere'] | default([]) }}"
'''
    run = ansible.playbook(role_play('enms_service', role_vars), env=enms_env(enms))
    assert run.rc != 0 and 'No device, pool, IP address or play host' in run.stdout, run
    assert enms.requests() == []
    opted_in = ansible.playbook(role_play('enms_service', role_vars + 'enms_service_allow_empty_targets: true\nenms_service_poll_interval: 0.3\n',
                                          save='enms_service_summary'), env=enms_env(enms))
    assert opted_in.rc == 0, opted_in
    # The service's own targets ran, and the summary counts them from eNMS's own summary.
    assert 'devices' not in json.loads(enms.requests(route='run_service')[0]['body'])
    assert sorted(opted_in.results['succeeded']) == ['Atlanta', 'Washington']
    assert 'succeeded on 2 device(s)' in opted_in.stdout


def test_enms_service_on_pools_counts_what_enms_says_ran(enms, ansible):
    role_vars = '''
enms_service_name: Configuration Backup
enms_service_pools: [Core, Edge]
enms_service_fail_on_failure: false
enms_service_poll_interval: 0.3
'''
    run = ansible.playbook(role_play('enms_service', role_vars, save='enms_service_summary'), env=enms_env(enms))
    assert run.rc == 0, run
    assert sorted(run.results['succeeded']) == ['Atlanta', 'Washington'] and run.results['failed'] == ['Boston']
    assert 'succeeded on 2 device(s), failed on 1' in run.stdout


@pytest.mark.parametrize('uncountable', ['enms_service_pools: [core]', 'enms_service_ip_addresses: [192.0.2.1]',
                                         # Without waiting, every batch would start at once: the failure threshold could never stop one.
                                         'enms_service_devices: [Washington, Atlanta]\nenms_service_wait: false'])
def test_enms_service_refuses_batches_it_cannot_count_before_any_request(uncountable, enms, ansible):
    role_vars = '''
enms_service_name: Configuration Backup
enms_service_batch_size: 1
%s
''' % uncountable
    run = ansible.playbook(role_play('enms_service', role_vars), env=enms_env(enms))
    assert run.rc != 0, run
    assert 'batches need device names' in run.stdout and 'enms_service_wait=true' in run.stdout
    assert enms.requests() == []


def test_enms_service_wrong_type_names_the_input(enms, ansible):
    run = ansible.playbook(role_play('enms_service', 'enms_service_name: Configuration Backup\nenms_service_batch_size: many\n'),
                           env=enms_env(enms))
    assert run.rc != 0, run
    assert 'enms_service_batch_size' in run.stdout
    assert enms.requests() == []


# -- omn_project_peos ------------------------------------------------------------------------------

def test_omn_project_peos_exact_links_and_unlinks_in_one_request_each_then_changes_nothing(omn, ansible):
    role_vars = '''
omn_project_peos_project_tid: acc0000232
omn_project_peos_peo_tids: [peo-0002, peo-0004, peo-0005]
omn_project_peos_mode: exact
'''
    run = ansible.playbook(role_play('omn_project_peos', role_vars, save='omn_project_peos_summary'), env=omn_env(omn), args=['--diff', '-vvv'])
    assert run.rc == 0, run
    assert 'omn-token' not in run.output
    assert run.results['linked'] == ['peo-0004', 'peo-0005'] and run.results['unlinked'] == ['peo-0001']
    assert omn.count(route='links_perform') + omn.count(route='links_persist') == 2
    links = omn.dump_state()['links']
    assert sorted(peo for peo, project in links if project == 'acc0000232') == ['peo-0002', 'peo-0004', 'peo-0005']
    assert ['peo-0003', 'acc0000233'] in links  # a child project's link is not the project's own

    writes = omn.count(route='links_perform') + omn.count(route='links_persist')
    again = ansible.playbook(role_play('omn_project_peos', role_vars), env=omn_env(omn))
    assert again.rc == 0, again
    assert again.recap['localhost']['changed'] == 0
    assert omn.count(route='links_perform') + omn.count(route='links_persist') == writes


def test_omn_project_peos_from_extra_vars_alone(omn, ansible):
    play = '- hosts: localhost\n  gather_facts: false\n  roles:\n    - netops.bridge.omn_project_peos\n'
    extra = json.dumps({'omn_project_peos_project_tid': 'acc0000300', 'omn_project_peos_peo_tids': ['peo-0007', 'peo-0008'],
                        'omn_url': omn.url, 'omn_token': 'omn-token'})
    run = ansible.playbook(play, args=['-e', extra, '-v'])
    assert run.rc == 0, run
    assert sorted(peo for peo, project in omn.dump_state()['links'] if project == 'acc0000300') == ['peo-0007', 'peo-0008']
    assert 'omn-token' not in run.output


def test_omn_project_peos_exact_with_nothing_declared_needs_an_opt_in(omn, ansible):
    role_vars = '''
omn_project_peos_project_tid: acc0000232
omn_project_peos_mode: exact
'''
    before = omn.dump_state()['links']
    run = ansible.playbook(role_play('omn_project_peos', role_vars), env=omn_env(omn))
    assert run.rc != 0 and 'would unlink every PEO of project acc0000232' in run.stdout, run
    assert omn.requests() == [] and omn.dump_state()['links'] == before
    opted_in = ansible.playbook(role_play('omn_project_peos', role_vars + 'omn_project_peos_allow_empty: true\n'), env=omn_env(omn))
    assert opted_in.rc == 0, opted_in
    assert not [link for link in omn.dump_state()['links'] if link[1] == 'acc0000232']


def test_omn_project_peos_check_mode_sends_no_write(omn, ansible):
    role_vars = '''
omn_project_peos_project_tid: acc0000232
omn_project_peos_peo_tids: [peo-0001]
omn_project_peos_mode: remove
'''
    before = omn.dump_state()['links']
    run = ansible.playbook(role_play('omn_project_peos', role_vars, save='omn_project_peos_summary'), env=omn_env(omn), args=['--check'])
    assert run.rc == 0, run
    assert run.results['unlinked'] == ['peo-0001']
    assert omn.dump_state()['links'] == before
    assert omn.count(route='links_perform') + omn.count(route='links_persist') == 0


def test_omn_project_peos_refused_link_fails_with_omns_words_and_no_token(omn, ansible):
    role_vars = '''
omn_project_peos_project_tid: acc9999999
omn_project_peos_peo_tids: [peo-0001]
omn_project_peos_mode: exact
'''
    run = ansible.playbook(role_play('omn_project_peos', role_vars), env=omn_env(omn), args=['-vvv'])
    assert run.rc != 0, run
    assert 'OMN refused 1 of 1 links' in run.stdout and 'Project not found' in run.stdout and 'acc9999999' in run.stdout
    assert 'omn-token' not in run.output
    assert omn.count(route='links_persist') == 1 and omn.count(route='links_perform') == 0


def test_omn_project_peos_bad_mode_is_refused_before_any_request(omn, ansible):
    run = ansible.playbook(role_play('omn_project_peos', 'omn_project_peos_project_tid: acc0000232\nomn_project_peos_mode: sync\n'),
                           env=omn_env(omn))
    assert run.rc != 0, run
    assert 'omn_project_peos_mode' in run.stdout
    assert omn.requests() == []


# -- zitadel_actions -------------------------------------------------------------------------------

ZITADEL_DECLARED = '''
zitadel_actions_targets:
  - {name: user-checks, endpoint: "https://hooks.example.com/u", target_type: webhook, interrupt_on_error: true, timeout: 10s}
  - {name: audit-log, endpoint: "https://hooks.example.com/a", target_type: async, timeout: 5s}
zitadel_actions_executions:
  - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
    targets: [user-checks, audit-log]
  - condition: {event: {group: user.human}}
    targets: [audit-log]
zitadel_actions_prune: true
'''


def zitadel_writes(emulator):
    return [r['route'] for r in emulator.requests()
            if r['route'].split(' ')[-1] in ('create_target', 'update_target', 'delete_target', 'set_execution')]


def test_zitadel_actions_ensures_then_second_run_writes_nothing(zitadel, ansible):
    run = ansible.playbook(role_play('zitadel_actions', ZITADEL_DECLARED, save='zitadel_actions_summary'), env=zitadel_env(zitadel),
                           args=['-vvv', '--diff'])
    assert run.rc == 0, run
    assert run.results['targets_changed'] == ['user-checks', 'audit-log']
    assert len(run.results['executions_changed']) == 2
    assert len(zitadel.dump_state()['targets']) == 2
    assert 'signing-key-' not in run.output  # what the emulator returns as a created target's key
    assert 'admin-token' not in run.output
    writes = len(zitadel_writes(zitadel))

    again = ansible.playbook(role_play('zitadel_actions', ZITADEL_DECLARED), env=zitadel_env(zitadel))
    assert again.rc == 0, again
    assert again.recap['localhost']['changed'] == 0
    assert len(zitadel_writes(zitadel)) == writes


def test_zitadel_actions_check_mode_on_a_fresh_instance_writes_nothing_and_says_what_it_would_do(zitadel, ansible):
    run = ansible.playbook(role_play('zitadel_actions', ZITADEL_DECLARED, save='zitadel_actions_summary'), env=zitadel_env(zitadel),
                           args=['--check'])
    assert run.rc == 0, run
    assert run.results['targets_changed'] == ['user-checks', 'audit-log'] and len(run.results['executions_changed']) == 2
    assert zitadel_writes(zitadel) == []
    assert 'once its new targets exist' in run.stdout


def test_zitadel_actions_prunes_only_undeclared_executions_of_managed_targets(zitadel, ansible):
    setup = ZITADEL_DECLARED.replace('zitadel_actions_prune: true\n', '').replace('zitadel_actions_targets:\n', """zitadel_actions_targets:
  - {name: other-team, endpoint: "https://hooks.example.com/o", target_type: call, timeout: 5s}
""") + """  - condition: {function: {name: preuserinfo}}
    targets: [user-checks]
  - condition: {event: {event: user.human.added}}
    targets: [other-team]
"""
    first = ansible.playbook(role_play('zitadel_actions', setup), env=zitadel_env(zitadel))
    assert first.rc == 0, first
    assert len(zitadel.dump_state()['executions']) == 4

    run = ansible.playbook(role_play('zitadel_actions', ZITADEL_DECLARED, save='zitadel_actions_summary'), env=zitadel_env(zitadel))
    assert run.rc == 0, run
    assert run.results['executions_pruned'] == [{'function': {'name': 'preuserinfo'}}]
    conditions = [e['condition'] for e in zitadel.dump_state()['executions']]
    assert {'function': {'name': 'preuserinfo'}} not in conditions
    assert {'event': {'event': 'user.human.added'}} in conditions  # calls only a target this role does not manage
    assert len(conditions) == 3


def test_zitadel_actions_unknown_target_name_fails_before_writing_the_execution(zitadel, ansible):
    role_vars = """
zitadel_actions_executions:
  - condition: {request: {service: zitadel.user.v2.UserService}}
    targets: [nobody]
"""
    run = ansible.playbook(role_play('zitadel_actions', role_vars), env=zitadel_env(zitadel), args=['-vvv'])
    assert run.rc != 0, run
    assert 'nobody' in run.stdout
    assert 'admin-token' not in run.output
    assert zitadel_writes(zitadel) == []


# -- network_change --------------------------------------------------------------------------------

NETWORK_CHANGE = """
network_change_name: CHG-7
network_change_before:
  - {link_id: "%s", operation_name: set-maintenance}
network_change_service: Configuration Backup
network_change_devices: %s
network_change_after:
  - {link_id: "%s", operation_name: clear-maintenance}
network_change_poll_interval: 0.3
"""


def test_network_change_succeeds_step_by_step(saymon, enms, ansible):
    role_vars = NETWORK_CHANGE % (LINK_L1, '[Washington, Atlanta]', LINK_L1)
    run = ansible.playbook(role_play('network_change', role_vars, save='network_change_summary'), env=both(saymon_env(saymon), enms_env(enms)))
    assert run.rc == 0, run
    assert run.results['failed'] is False and run.results['failures'] == []
    assert [row['operation'] for row in run.results['before']] == ['set-maintenance']
    assert [row['operation'] for row in run.results['after']] == ['clear-maintenance']
    assert sorted(run.results['change']['succeeded']) == ['Atlanta', 'Washington']
    # One session plans the operations of both sides, one runs those before, one those after.
    assert saymon.count(route='create_session') == 3 and saymon.count(route='delete_session') == 3


def test_network_change_failed_device_still_runs_the_after_operations(saymon, enms, ansible):
    role_vars = NETWORK_CHANGE % (LINK_L1, '[Washington, Boston]', LINK_L1)
    run = ansible.playbook(role_play('network_change', role_vars), env=both(saymon_env(saymon), enms_env(enms)), args=['-vvv'])
    assert run.rc != 0, run
    paths = [r['path'] for r in saymon.requests(route='execute_link_operation')]
    assert len(paths) == 2  # set-maintenance before, clear-maintenance after
    assert 'CHG-7: FAILED' in run.stdout
    assert 'failed on 1 (Boston)' in run.stdout
    assert 'after: 1 operation(s), 1 succeeded, 0 failed' in run.stdout
    assert 'admin-pass' not in run.output


def test_network_change_recap_marks_the_host_whose_device_failed(saymon, enms, ansible, tmp_path):
    hosts = tmp_path / 'change.ini'
    hosts.write_text('[routers]\nWashington\nboston-rtr enms_device_name=Boston\natlanta-rtr enms_device_name=Atlanta\n\n'
                     '[routers:vars]\nansible_connection=local\n')
    role_vars = (NETWORK_CHANGE % (LINK_L1, '[]', LINK_L1)) + 'network_change_play_hosts: true\n'
    run = ansible.playbook(role_play('network_change', role_vars, hosts='routers'), env=both(saymon_env(saymon), enms_env(enms)),
                           args=['-i', str(hosts)])
    assert run.rc != 0, run
    assert run.recap['boston-rtr']['failed'] == 1, run.recap
    assert run.recap['Washington']['failed'] == 0 and run.recap['atlanta-rtr']['failed'] == 0, run.recap
    assert 'failed on 1 (Boston)' in run.stdout


def test_network_change_failed_before_operation_skips_the_change_but_not_the_after(saymon, enms, ansible):
    role_vars = (NETWORK_CHANGE % (LINK_L1, '[Washington]', LINK_L1)).replace('operation_name: set-maintenance', 'operation_name: fail')
    run = ansible.playbook(role_play('network_change', role_vars), env=both(saymon_env(saymon), enms_env(enms)))
    assert run.rc != 0, run
    assert enms.count(route='run_service') == 0
    assert 'change: not made' in run.stdout and 'failed before the change' in run.stdout
    assert saymon.count(route='execute_link_operation') == 2


def test_network_change_without_a_service_is_refused_before_any_request(saymon, enms, ansible):
    run = ansible.playbook(role_play('network_change', 'network_change_name: CHG-0\n'), env=both(saymon_env(saymon), enms_env(enms)))
    assert run.rc != 0, run
    assert 'network_change_service' in run.stdout
    assert saymon.requests() == [] and enms.requests() == []


# -- documentation ---------------------------------------------------------------------------------

@pytest.mark.parametrize('role', ROLES)
def test_ansible_doc_shows_every_input_of_the_role(role, collections_path, tmp_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_path), HOME=str(tmp_path), ANSIBLE_NOCOLOR='1')
    proc = subprocess.run([str(BIN / 'ansible-doc'), '-t', 'role', 'netops.bridge.%s' % role], env=env, capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    spec = yaml.safe_load((REPO_ROOT / 'roles' / role / 'meta' / 'argument_specs.yml').read_text())['argument_specs']['main']
    for option in spec['options']:
        assert option in proc.stdout, option
    defaults = yaml.safe_load((REPO_ROOT / 'roles' / role / 'defaults' / 'main.yml').read_text()) or {}
    for name, value in defaults.items():
        assert name in spec['options'], '%s is in defaults/main.yml but not in the argument spec' % name
        assert spec['options'][name].get('default') == value, '%s: defaults/main.yml and the argument spec disagree' % name
    # An input that is a boolean is declared one, so that "false" (a string from a survey or -e) is validated as false.
    for name, option in flattened_options(spec['options']):
        if isinstance(option.get('default'), bool):
            assert option.get('type') == 'bool', '%s has a boolean default but is declared %s' % (name, option.get('type'))


def flattened_options(options, prefix=''):
    for name, option in options.items():
        yield prefix + name, option
        yield from flattened_options(option.get('options') or {}, prefix + name + '[].')


JWE_KEY = ('-----BEGIN PUBLIC KEY-----\n'
           'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEoBuEc8SPaGiJh/sbvJt69GcEXnfI\n'
           'EPIAg/aNRoTGPs5UoOj2NWLVtHYHyWMdUGM5eBRj/Q77OYRB244WqVd0WQ==\n'
           '-----END PUBLIC KEY-----\n')


def test_zitadel_actions_declares_a_targets_public_key(zitadel, ansible):
    declared = """
zitadel_actions_targets:
  - name: jwe-hook
    endpoint: "https://hooks.example.com/j"
    target_type: webhook
    payload_type: jwe
    public_key_expiration_date: "2027-01-31T00:00:00Z"
    public_key: |
""" + ''.join('      %s\n' % line for line in JWE_KEY.splitlines())
    run = ansible.playbook(role_play('zitadel_actions', declared, save='zitadel_actions_summary'), env=zitadel_env(zitadel))
    assert run.rc == 0, run
    assert run.results['keys_changed'] == ['jwe-hook'] and run.results['changed'] is True
    (keys,) = zitadel.dump_state()['public_keys'].values()
    assert len(keys) == 1 and keys[0]['active'] is True and keys[0]['expirationDate'] == '2027-01-31T00:00:00Z'
    again = ansible.playbook(role_play('zitadel_actions', declared, save='zitadel_actions_summary'), env=zitadel_env(zitadel))
    assert again.rc == 0 and again.recap['localhost']['changed'] == 0 and again.results['keys_changed'] == [], again
    assert zitadel.count(route='v2 add_public_key') == 1 and zitadel.count(route='v2 activate_public_key') == 1
