# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""enms_service and network_change plan before they act (--check is the plan), always give the account, and fail
with it as lines (issue 22). Each playbook run covers several assertions: the suite runs twice in CI."""

from __future__ import absolute_import, division, print_function

import json

from conftest import enms_env, saymon_env
from emulators.saymon import LINK_L1, LINK_L2
from test_roles import NETWORK_CHANGE, both

# The role's fact is saved even when the role fails: that is the account a caller (or AWX) reads.
PLAY = '''- hosts: localhost
  gather_facts: false
  tasks:
    - name: Run the role
      block:
        - name: The role
          ansible.builtin.include_role:
            name: netops.bridge.%s
          vars:
%s
      always:
        - name: Save the account
          ansible.builtin.copy:
            content: "{{ %s | to_json }}"
            dest: "{{ results_file }}"
            mode: "0600"
          check_mode: false
'''


def role_play(role, role_vars, save=None):
    indented = '\n'.join('            ' + line for line in role_vars.strip('\n').splitlines())
    return PLAY % (role, indented, save or (role + '_summary'))


UNKNOWN_TARGETS = '''
enms_service_name: Configuration Backup
enms_service_devices: [Washington, Washingtn]
enms_service_pools: [Cor]
enms_service_poll_interval: 0.3
'''


def error_text(run):
    """The play's final error as the user reads it: ansible-core 2.19+ prints it on stderr after [ERROR], older cores
    print it on stdout as the JSON of the failed result (its message decoded here, so that lines stay lines)."""
    if '[ERROR]' in run.stderr:
        return run.stderr[run.stderr.index('[ERROR]'):]
    failures = [line for line in run.stdout.splitlines() if line.startswith('fatal: ') and ' => {' in line]
    if failures:
        return json.loads(failures[-1].split(' => ', 1)[1]).get('msg', '')
    return run.stdout


def test_enms_service_check_and_real_run_refuse_unknown_targets_in_one_bulk_read(enms, ansible):
    play = role_play('enms_service', UNKNOWN_TARGETS, save='enms_service_summary')
    for args in (['--check'], []):
        enms.reset()
        run = ansible.playbook(play, env=enms_env(enms), args=args)
        assert run.rc != 0, run
        # One read of the service, one of all devices, one of all pools: never one per target; nothing run.
        assert enms.count(route='run_service') == 0
        assert enms.count(route='search') == 2 and enms.count(route='query') == 0
        assert 'eNMS does not know devices Washingtn; pools Cor' in run.output
        assert 'refused before any run' in run.output and 'failed devices' not in run.output
        assert "(the service's own targets)" not in run.output
        # The account is kept, and the failure reads as lines, not as a Python list.
        assert run.results['refused_before_run'] and run.results['unknown_targets']['pools'] == ['Cor']
        assert "['eNMS service" not in error_text(run) and '\n' in error_text(run).strip()


def test_enms_service_unknown_service_is_a_refusal_not_failed_devices(enms, ansible):
    role_vars = 'enms_service_name: Configuration Backupp\nenms_service_devices: [Washington]\n'
    run = ansible.playbook(role_play('enms_service', role_vars, save='enms_service_summary'), env=enms_env(enms))
    assert run.rc != 0, run
    assert enms.count(route='run_service') == 0
    assert 'refused before any run' in run.output and 'failed devices' not in run.output
    assert run.results['failed'] == [] and run.results['runs'] == []


def test_enms_service_fault_on_the_second_run_gives_done_refused_not_attempted(enms, ansible):
    # A refusal (4xx): nothing ran. A 500 would be an unknown outcome (eNMS may have started the run), tested below.
    enms.add_fault('status', route='run_service', status=403, skip=1)
    role_vars = '''
enms_service_name: Configuration Backup
enms_service_devices: [Washington, Atlanta, Washington2]
enms_service_batch_size: 1
enms_service_poll_interval: 0.3
'''.replace(', Washington2', '')
    role_vars = role_vars.replace('[Washington, Atlanta]', '[Washington, Atlanta, Boston]')
    run = ansible.playbook(role_play('enms_service', role_vars, save='enms_service_summary'), env=enms_env(enms))
    assert run.rc != 0, run
    sent = enms.requests(route='run_service')
    assert len(sent) == 2 and json.loads(sent[0]['body'])['devices'] == ['Washington']  # nothing after the failed write
    assert run.results['succeeded'] == ['Washington']
    assert run.results['refused'] == ['Atlanta'] and run.results['not_run'] == ['Boston']
    assert 'refused by eNMS (not run): Atlanta' in run.output and 'not run: Boston' in run.output
    assert 'batch 2 (devices Atlanta)' in run.output
    assert run.recap['localhost']['changed'] >= 1, run.recap


def test_network_change_checks_the_enms_input_before_touching_saymon(saymon, enms, ansible):
    env = both(saymon_env(saymon), enms_env(enms))
    empty = (NETWORK_CHANGE % (LINK_L1, '[Washington]', LINK_L1)).replace(
        'network_change_service: Configuration Backup', 'network_change_service: ""')
    run = ansible.playbook(role_play('network_change', empty), env=env)
    assert run.rc != 0 and 'network_change_service must name' in run.output, run
    assert saymon.requests() == [] and enms.requests() == []
    for args in (['--check'], []):
        saymon.reset()
        enms.reset()
        typo = NETWORK_CHANGE % (LINK_L1, '[Washingtn]', LINK_L1)
        run = ansible.playbook(role_play('network_change', typo), env=env, args=args)
        assert run.rc != 0 and 'eNMS does not know devices Washingtn' in run.output, run
        assert saymon.requests() == [] and enms.count(route='run_service') == 0


def test_network_change_after_on_failure_false_keeps_maintenance_and_says_so(saymon, enms, ansible):
    role_vars = NETWORK_CHANGE % (LINK_L1, '[Washington, Boston]', LINK_L1) + 'network_change_after_on_failure: false\n'
    run = ansible.playbook(role_play('network_change', role_vars, save='network_change_summary'),
                           env=both(saymon_env(saymon), enms_env(enms)))
    assert run.rc != 0, run
    assert saymon.count(route='execute_link_operation') == 1  # set-maintenance only
    assert 'SAYMON left as the operations before the change left it (network_change_after_on_failure=false)' in run.output
    assert 'not run (maintenance kept on' in run.output and run.results['after'] == []
    assert "['CHG-7" not in error_text(run) and 'CHG-7: FAILED\n' in error_text(run)
    assert run.recap['localhost']['changed'] >= 1, run.recap


def test_network_change_plans_the_saymon_operations_of_both_sides_before_the_first_and_gives_the_account(saymon, enms, ansible):
    env = both(saymon_env(saymon), enms_env(enms))
    typo_after = (NETWORK_CHANGE % (LINK_L1, '[Washington]', LINK_L1)).replace('network_change_after:\n', '''network_change_after:
  - {link_id: "%s", operation_name: clear-maintenanse}
''' % LINK_L1, 1)
    for args in (['--check'], []):
        saymon.reset()
        run = ansible.playbook(role_play('network_change', typo_after, save='network_change_summary'), env=env, args=args)
        assert run.rc != 0, run
        assert "no operation named 'clear-maintenanse'" in run.output, run
        assert saymon.count(route='execute_link_operation') == 0 and enms.count(route='run_service') == 0
        assert 'CHG-7: FAILED' in error_text(run) and 'SAYMON left as it was (nothing was executed)' in error_text(run)
        assert run.recap['localhost']['changed'] == 1  # only the play's own save of the account
        assert run.results['refused_before_any_operation'] is True and run.results['before'] == []  # the fact is set, too


# -- the account is what the servers confirmed (issue 30) ------------------------------------------

def one_character_lines(text):
    return [line for line in text.splitlines() if len(line.strip()) == 1]


def test_network_change_refuses_an_operation_id_saymon_does_not_list_before_anything_also_in_check_mode(saymon, enms, ansible):
    env = both(saymon_env(saymon), enms_env(enms))
    unknown_id = (NETWORK_CHANGE % (LINK_L1, '[Washington]', LINK_L1)).replace(
        'operation_name: clear-maintenance', 'operation_id: "62de902eb238aa0131bd3cff"')
    for args in (['--check'], []):
        saymon.reset()
        enms.reset()
        run = ansible.playbook(role_play('network_change', unknown_id, save='network_change_summary'), env=env, args=args)
        assert run.rc != 0, run
        reason = 'link %s has no operation with ID 62de902eb238aa0131bd3cff (its operations: set-maintenance' % LINK_L1
        assert error_text(run).count(reason) == 1, error_text(run)
        assert one_character_lines(error_text(run)) == [], error_text(run)
        # Refused by the plan: no maintenance set, no change made, nothing left behind.
        assert saymon.count(route='execute_link_operation') == 0 and enms.count(route='run_service') == 0
        assert run.results['refused_before_any_operation'] is True and 'SAYMON left as it was' in error_text(run)


def test_network_change_wrong_saymon_password_ends_with_saymons_401_once(saymon, enms, ansible):
    env = both(saymon_env(saymon, password='wrong-pass'), enms_env(enms))
    run = ansible.playbook(role_play('network_change', NETWORK_CHANGE % (LINK_L1, '[Washington]', LINK_L1)), env=env)
    assert run.rc != 0, run
    final = error_text(run)
    assert final.count('SAYMON login failed') == 1 and '401' in final and 'Invalid login or password.' in final, final
    assert one_character_lines(final) == [], final
    assert saymon.count(route='execute_link_operation') == 0 and enms.count(route='run_service') == 0
    assert 'wrong-pass' not in run.output


def test_network_change_refused_before_operation_accounts_refused_and_not_attempted_then_runs_the_after(saymon, enms, ansible):
    role_vars = (NETWORK_CHANGE % (LINK_L1, '[Washington]', LINK_L1)).replace(
        '  - {link_id: "%s", operation_name: set-maintenance}\n' % LINK_L1,
        '  - {link_id: "%s", operation_name: set-maintenance}\n  - {link_id: "%s", operation_name: set-maintenance}\n' % (LINK_L1, LINK_L2))
    saymon.add_fault('status', route='execute_link_operation', status=400, times=1,
                     body='{"code": "BadRequest", "message": "Injected refusal."}')
    run = ansible.playbook(role_play('network_change', role_vars, save='network_change_summary'),
                           env=both(saymon_env(saymon), enms_env(enms)))
    assert run.rc != 0, run
    final = error_text(run)
    # SAYMON refused the first (nothing executed), the second was never sent, the change was not made, the after ran.
    assert [row['status'] for row in run.results['before']] == ['not executed', 'not attempted'], run.results['before']
    assert 'before: 2 operation(s), 0 succeeded, 1 failed, 1 not attempted' in final, final
    assert 'change: not made' in final and 'after: 1 operation(s), 1 succeeded, 0 failed' in final
    assert final.count('Injected refusal.') == 1 and one_character_lines(final) == [], final
    paths = [r['path'] for r in saymon.requests(route='execute_link_operation')]
    assert len(paths) == 2 and LINK_L2 not in ''.join(paths) and enms.count(route='run_service') == 0


def test_network_change_failed_after_operation_is_accounted_with_its_job_and_reason(saymon, enms, ansible):
    role_vars = (NETWORK_CHANGE % (LINK_L1, '[Washington]', LINK_L1)).replace('operation_name: clear-maintenance', 'operation_name: fail')
    run = ansible.playbook(role_play('network_change', role_vars, save='network_change_summary'),
                           env=both(saymon_env(saymon), enms_env(enms)))
    assert run.rc != 0, run
    final = error_text(run)
    assert 'before: 1 operation(s), 1 succeeded, 0 failed' in final and "change: eNMS service 'Configuration Backup' succeeded on 1" in final
    assert 'after: 1 operation(s), 0 succeeded, 1 failed, 0 not attempted' in final, final
    assert final.count('exit code 2; stdout: boom') == 1 and one_character_lines(final) == [], final
    assert [row['status'] for row in run.results['after']] == ['failed'] and run.results['after'][0]['job_id']
    assert saymon.count(route='execute_link_operation') == 2 and enms.count(route='run_service') == 1


def test_enms_service_run_request_dropped_after_enms_started_it_is_an_unknown_outcome_not_a_refusal(enms, ansible):
    enms.add_fault('after', route='run_service', times=1)  # eNMS starts the run, then the connection drops
    role_vars = 'enms_service_name: Configuration Backup\nenms_service_devices: [Washington]\nenms_service_poll_interval: 0.3\n'
    run = ansible.playbook(role_play('enms_service', role_vars, save='enms_service_summary'), env=enms_env(enms))
    assert run.rc != 0, run
    assert run.results['refused'] == [] and run.results['outcome_unknown'] == ['Washington'], run.results
    assert 'refused by eNMS' not in error_text(run) and 'outcome unknown (the run request may have reached eNMS' in error_text(run)
    assert enms.count(route='run_service') == 1
