# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""omn_project_peos and saymon_operations plan, then act: unknown inputs fail before any write (also in --check),
the account is whole when a write fails part-way, --check agrees with the real run, and read-only steps change nothing."""

from __future__ import absolute_import, division, print_function

from conftest import omn_env, saymon_env
from emulators.saymon import LINK_L1, OP_CLASS_RESET_COUNTERS
from test_roles import SAYMON_OPS, role_play
from test_roles_plan_enms_change import role_play as role_play_saving_the_account


def omn_writes(omn):
    return omn.count(route='links_perform') + omn.count(route='links_persist')


def test_omn_project_peos_unknown_peo_fails_before_any_write_also_in_check_mode(omn, ansible):
    role_vars = '''
omn_project_peos_project_tid: acc0000232
omn_project_peos_peo_tids: [peo-0001, peo-0005, peo-9999]
omn_project_peos_mode: exact
'''
    before = omn.dump_state()['links']
    check = ansible.playbook(role_play('omn_project_peos', role_vars), env=omn_env(omn), args=['--check', '--diff'])
    assert check.rc != 0, check
    assert 'failed: read peo-9999: PEO not found' in check.stdout and '+peo_tid=peo-9999' not in check.stdout
    real = ansible.playbook(role_play('omn_project_peos', role_vars), env=omn_env(omn))
    assert real.rc != 0, real
    assert 'failed: read peo-9999: PEO not found' in real.stdout
    assert "['OMN project" not in real.stdout  # the account is printed as lines, not as a Python list
    assert omn_writes(omn) == 0 and omn.dump_state()['links'] == before
    assert real.recap['localhost']['changed'] == 0


def test_omn_project_peos_failed_unlink_gives_the_account_and_counts_the_link_as_changed(omn, ansible):
    role_vars = '''
omn_project_peos_project_tid: acc0000232
omn_project_peos_peo_tids: [peo-0002, peo-0004]
omn_project_peos_mode: exact
'''
    omn.add_fault('status', route='links_perform', status=400, times=5)
    run = ansible.playbook(role_play('omn_project_peos', role_vars), env=omn_env(omn))
    assert run.rc != 0, run
    assert '1 PEO(s) linked, 0 unlinked, 1 already as declared, 1 failed' in run.stdout, run
    assert 'failed: unlink peo-0001' in run.stdout
    assert run.recap['localhost']['changed'] >= 1 and run.recap['localhost']['failed'] == 1
    assert omn.count(route='links_persist') == 1 and omn.count(route='links_perform') == 1


def test_omn_project_peos_check_mode_then_real_run_agree(omn, ansible):
    role_vars = '''
omn_project_peos_project_tid: acc0000232
omn_project_peos_peo_tids: [peo-0002, peo-0004, peo-0005]
omn_project_peos_mode: exact
'''
    check = ansible.playbook(role_play('omn_project_peos', role_vars, save='omn_project_peos_summary'), env=omn_env(omn), args=['--check'])
    assert check.rc == 0, check
    assert omn_writes(omn) == 0
    real = ansible.playbook(role_play('omn_project_peos', role_vars, save='omn_project_peos_summary'), env=omn_env(omn))
    assert real.rc == 0, real
    for key in ('linked', 'unlinked', 'unchanged', 'failed'):
        assert check.results[key] == real.results[key], key


def saymon_executions(saymon):
    return saymon.count(route='execute_link_operation') + saymon.count(route='execute_object_operation')


def test_saymon_operations_unknown_name_executes_nothing_changes_nothing_and_accounts_for_every_operation(saymon, ansible):
    role_vars = SAYMON_OPS + '  - {link_id: "%s", operation_name: no-such-operation}\n' % LINK_L1
    check = ansible.playbook(role_play('saymon_operations', role_vars), env=saymon_env(saymon), args=['--check'])
    assert check.rc != 0 and "no operation named 'no-such-operation'" in check.stdout, check
    run = ansible.playbook(role_play('saymon_operations', role_vars), env=saymon_env(saymon))
    assert run.rc != 0, run
    assert "['SAYMON operations" not in run.stdout  # the account is printed as lines, not as a Python list
    assert 'SAYMON operations: 3 requested, 0 succeeded, 1 failed, 2 not attempted' in run.stdout
    assert "no operation named 'no-such-operation'" in run.stdout and 'not attempted' in run.stdout
    assert run.recap['localhost']['changed'] == 0  # look-ups, login and logout change nothing
    assert saymon_executions(saymon) == 0 and saymon.count(route='delete_session') == 1  # check mode logs in to nothing


def test_saymon_operations_check_mode_labels_names_and_agrees_with_the_real_run(saymon, ansible):
    check = ansible.playbook(role_play('saymon_operations', SAYMON_OPS, save='saymon_operations_summary'), env=saymon_env(saymon),
                             args=['--check'])
    assert check.rc == 0, check
    assert 'item=netops.bridge-check-mode-placeholder' not in check.stdout and '(item=router ping)' in check.stdout
    assert saymon_executions(saymon) == 0
    real = ansible.playbook(role_play('saymon_operations', SAYMON_OPS, save='saymon_operations_summary'), env=saymon_env(saymon))
    assert real.rc == 0, real
    assert [row['label'] for row in check.results] == [row['label'] for row in real.results]
    assert [row['status'] for row in check.results] == ['would run'] * 2 and [row['status'] for row in real.results] == ['ok'] * 2


def test_saymon_operations_refused_execution_gives_the_account_and_counts_the_other_as_changed(saymon, ansible):
    saymon.add_fault('status', route='execute_object_operation', status=400, times=5)
    run = ansible.playbook(role_play('saymon_operations', SAYMON_OPS), env=saymon_env(saymon))
    assert run.rc != 0, run
    assert 'SAYMON operations: 2 requested, 1 succeeded, 1 failed, 0 not attempted' in run.stdout and 'router ping' in run.stdout
    assert run.recap['localhost']['changed'] >= 1
    assert saymon.count(route='execute_link_operation') == 1 and saymon.count(route='delete_session') == 1


def test_saymon_operations_stops_at_the_first_refused_operation_and_sends_nothing_after_it(saymon, ansible):
    saymon.add_fault('status', route='execute_link_operation', status=400, times=5)
    run = ansible.playbook(role_play('saymon_operations', SAYMON_OPS), env=saymon_env(saymon))
    assert run.rc != 0, run
    assert 'SAYMON operations: 2 requested, 0 succeeded, 1 failed, 1 not attempted' in run.stdout, run
    assert 'not attempted' in run.stdout and 'an operation before it failed' in run.stdout
    assert saymon.count(route='execute_object_operation') == 0  # the operation after the refused one was never sent
    assert saymon.count(route='execute_link_operation') == 1 and saymon.count(route='delete_session') == 1


def test_saymon_operations_plan_only_resolves_every_name_and_executes_nothing(saymon, ansible):
    role_vars = SAYMON_OPS + 'saymon_operations_plan_only: true\n'
    run = ansible.playbook(role_play('saymon_operations', role_vars, save='saymon_operations_summary'), env=saymon_env(saymon))
    assert run.rc == 0, run
    assert [row['status'] for row in run.results] == ['would run'] * 2
    assert run.results[0]['operation_id']  # the name was resolved on its link
    assert 'SAYMON operations: 2 requested, 0 succeeded, 0 failed, 0 not attempted (plan only: nothing executed)' in run.stdout
    assert saymon_executions(saymon) == 0 and saymon.count(route='get_link') == 1
    assert run.recap['localhost']['changed'] == 0


def test_omn_project_peos_finds_a_peo_without_a_modification_date(omn, ansible):
    # OMN documents no modification date as mandatory: the role reads the declared PEOs by tid, not by date.
    with omn.lock:
        omn.state['peos']['peo-0005']['modified'] = ''
    role_vars = '''
omn_project_peos_project_tid: acc0000232
omn_project_peos_peo_tids: [peo-0005]
'''
    run = ansible.playbook(role_play('omn_project_peos', role_vars, save='omn_project_peos_summary'), env=omn_env(omn))
    assert run.rc == 0, run
    assert run.results['linked'] == ['peo-0005'] and run.results['failed'] == []


def test_omn_project_peos_exact_refused_link_unlinks_nothing_and_accounts_the_unlink_as_not_attempted(omn, ansible):
    # peo-secret exists (the read finds it), but OMN refuses to link it with this token: a per-link ERROR in an HTTP 200.
    role_vars = '''
omn_project_peos_project_tid: acc0000232
omn_project_peos_peo_tids: [peo-0001, peo-secret]
omn_project_peos_mode: exact
'''
    run = ansible.playbook(role_play_saving_the_account('omn_project_peos', role_vars), env=omn_env(omn, token='restricted-token'))
    assert run.rc != 0, run
    assert omn.count(route='links_perform') == 0  # peo-0002 was not unlinked after the refused link
    assert ['peo-0002', 'acc0000232'] in omn.dump_state()['links']
    assert '0 PEO(s) linked, 0 unlinked, 1 already as declared, 1 failed, 1 not attempted' in run.stdout, run
    assert run.results['failed'] == [{'peo_tid': 'peo-secret', 'action': 'link', 'reason': 'PEO is not available by access rights'}]
    assert run.results['not_attempted'] == ['unlink peo-0002'] and run.results['unlinked'] == []


def test_saymon_operations_refuses_an_id_saymon_does_not_list_and_runs_one_declared_inherited(saymon, ansible):
    role_vars = 'saymon_operations_poll_interval: 0.3\nsaymon_operations_list:\n  - {link_id: "%s", operation_id: "%s"%s}\n'
    refused = ansible.playbook(role_play('saymon_operations', role_vars % (LINK_L1, OP_CLASS_RESET_COUNTERS, '')), env=saymon_env(saymon))
    assert refused.rc != 0, refused
    assert 'link %s has no operation with ID %s (its operations: set-maintenance' % (LINK_L1, OP_CLASS_RESET_COUNTERS) in refused.stdout
    assert saymon_executions(saymon) == 0
    # A class operation is executed by its members but listed by none: declared inherited, it runs unread.
    inherited = ansible.playbook(role_play('saymon_operations', role_vars % (LINK_L1, OP_CLASS_RESET_COUNTERS, ', inherited: true')),
                                 env=saymon_env(saymon))
    assert inherited.rc == 0, inherited
    assert saymon.count(route='execute_link_operation') == 1


def test_saymon_operations_dropped_after_saymon_executed_is_an_unknown_outcome_not_a_refusal(saymon, ansible):
    saymon.add_fault('after', route='execute_link_operation', times=1)  # SAYMON executes, then the connection drops
    run = ansible.playbook(role_play_saving_the_account('saymon_operations', SAYMON_OPS), env=saymon_env(saymon))
    assert run.rc != 0, run
    assert [row['status'] for row in run.results] == ['outcome unknown', 'not attempted'], run.results
    assert len(saymon.dump_state()['jobs']) == 1 and saymon.count(route='execute_object_operation') == 0


def test_omn_project_peos_link_without_an_answer_is_not_counted_linked_and_stops_the_unlinks(omn, ansible):
    role_vars = '''
omn_project_peos_project_tid: acc0000232
omn_project_peos_peo_tids: [peo-0002, peo-0004]
omn_project_peos_mode: exact
'''
    omn.add_fault('after', route='links_persist', times=1)  # OMN links, then the connection drops
    run = ansible.playbook(role_play_saving_the_account('omn_project_peos', role_vars), env=omn_env(omn))
    assert run.rc != 0, run
    assert run.results['linked'] == [] and run.results['not_attempted'] == ['unlink peo-0001'], run.results
    assert [(row['peo_tid'], row['action']) for row in run.results['failed']] == [('peo-0004', 'link')]
    assert 'OMN may have applied it' in run.results['failed'][0]['reason']
    assert ['peo-0004', 'acc0000232'] in omn.dump_state()['links'] and omn.count(route='links_perform') == 0
