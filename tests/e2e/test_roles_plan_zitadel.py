# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zitadel_actions plans, then writes: every problem of the input (condition shapes, the catalogue, unresolved targets,
duplicates) fails before the first write, also in --check, in one message of lines; a write that fails part-way ends with
the whole account (done, failed and why, not attempted) and nothing after it is sent; --check agrees with the real run."""

from __future__ import absolute_import, division, print_function

import json

from conftest import zitadel_env
from test_roles import ZITADEL_DECLARED, zitadel_writes

# The role in a block whose always: saves its summary, so that the fact is read also when the role fails.
PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: The role, its summary saved whatever happens
      block:
        - name: Run the role
          ansible.builtin.include_role:
            name: netops.bridge.zitadel_actions
          vars:
%s
      always:
        - name: Save the summary
          ansible.builtin.copy:
            content: "{{ zitadel_actions_summary | to_json }}"
            dest: "{{ results_file }}"
            mode: "0600"
          check_mode: false
          changed_when: false
'''


def play(role_vars):
    return PLAY % '\n'.join('            ' + line for line in role_vars.strip('\n').splitlines())


def summary(run):
    return json.loads(run.results) if isinstance(run.results, str) else run.results


# Issue 22, item 1 (a misspelt condition kind with targets not created yet), and more problems beside it.
BAD_INPUT = '''
zitadel_actions_targets:
  - {name: user-checks, endpoint: "https://hooks.example.com/u", target_type: webhook, timeout: 10s}
  - {name: audit-log, endpoint: "https://hooks.example.com/a", target_type: async, timeout: 5s}
  - {name: no-endpoint, target_type: webhook}
zitadel_actions_executions:
  - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
    targets: [user-checks, audit-log]
  - condition: {evnt: {group: user.human}}
    targets: [audit-log]
  - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUsr}}
    targets: [nobody]
  - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
    targets: [audit-log]
'''


def test_every_problem_fails_before_the_first_write_also_in_check_mode_as_lines(zitadel, ansible):
    check = ansible.playbook(play(BAD_INPUT), env=zitadel_env(zitadel), args=['--check'])
    real = ansible.playbook(play(BAD_INPUT), env=zitadel_env(zitadel))
    for run in (check, real):
        assert run.rc != 0, run
        assert '2 target(s) created' not in run.stdout and 'execution(s) set' not in run.stdout, run
        for problem in ("zitadel_actions_executions[1]: condition must have exactly one of request, response, function or event, got evnt",
                        "zitadel_actions_executions[2]: condition.request.method '/zitadel.user.v2.UserService/AddHumanUsr' is not among the methods",
                        "zitadel_actions_executions[2]: target 'nobody' is neither on ZITADEL nor declared in zitadel_actions_targets",
                        "zitadel_actions_executions[3]: the condition",
                        "zitadel_actions_targets[2]: target 'no-endpoint' does not exist on ZITADEL; creating it needs endpoint"):
            assert problem in run.stdout, (problem, run.stdout)
        assert "['zitadel_actions" not in run.stdout  # lines, not a Python list
        assert run.recap['localhost']['changed'] == 0
        assert summary(run)['refused'] and summary(run)['changed'] is False
    assert zitadel_writes(zitadel) == []
    # The catalogue is read once per run (three lists), not once per condition; a refusal reads it once more for each
    # condition it does not list, for zitadel_execution to word it ("did you mean"): 2 runs x (1 + 1).
    assert zitadel.count(route='v2 list_methods') == 4


ON_A_FAULT = '''
zitadel_actions_targets:
  - {name: user-checks, endpoint: "https://hooks.example.com/u", target_type: webhook, interrupt_on_error: true, timeout: 10s}
  - {name: audit-log, endpoint: "https://hooks.example.com/a", target_type: async, timeout: 5s}
  - {name: retired, state: absent}
zitadel_actions_executions:
  - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
    targets: [user-checks, audit-log]
  - condition: {event: {group: user.human}}
    targets: [audit-log]
  - condition: {function: {name: preuserinfo}}
    targets: [user-checks]
'''


def test_check_then_a_fault_on_the_second_execution_gives_the_account_and_sends_nothing_after_it(zitadel, ansible):
    check = ansible.playbook(play(ON_A_FAULT), env=zitadel_env(zitadel), args=['--check'])
    assert check.rc == 0, check
    assert zitadel_writes(zitadel) == []
    planned = summary(check)
    assert planned['targets_changed'] == ['user-checks', 'audit-log'] and len(planned['executions_changed']) == 3

    # The fifth write (two targets, then the executions) fails: a refusal, which no client retries.
    zitadel.add_fault('status', route='v2 set_execution', skip=1, times=5, status=400,
                      body='{"code": 9, "message": "Errors.Injected (TEST-fault)"}')
    real = ansible.playbook(play(ON_A_FAULT), env=zitadel_env(zitadel))
    assert real.rc != 0, real
    account = summary(real)
    assert account['targets_changed'] == planned['targets_changed']  # --check said so
    assert account['executions_changed'] == [{'request': {'method': '/zitadel.user.v2.UserService/AddHumanUser'}}]
    assert account['failed']['step'] == 'execution {"event": {"group": "user.human"}}' and 'Errors.Injected' in account['failed']['reason']
    assert account['not_attempted'] == ['execution {"function": {"name": "preuserinfo"}}', 'removal of target retired']
    assert account['changed'] is True and real.recap['localhost']['changed'] >= 1 and real.recap['localhost']['failed'] == 1
    for line in ('ZITADEL actions: 2 target(s) created or updated', 'failed: execution {"event": {"group": "user.human"}}: ',
                 'not attempted: execution {"function": {"name": "preuserinfo"}}', 'not attempted: removal of target retired'):
        assert line in real.stdout.replace('\\"', '"'), (line, real.stdout)  # ansible-core before 2.19 shows \" in the output
    routes = [r['route'] for r in zitadel.requests()]
    failed_at = max(i for i, route in enumerate(routes) if route == 'v2 set_execution')
    assert [r for r in routes[failed_at + 1:] if r in zitadel_writes(zitadel)] == []  # nothing written after the failure
    assert routes.count('v2 set_execution') == 2
    # The catalogue is read once per run, by the plan: the execution writes do not read it again.
    assert zitadel.count(route='v2 list_methods') == 2


def test_check_mode_then_the_real_run_agree(zitadel, ansible):
    check = ansible.playbook(play(ZITADEL_DECLARED), env=zitadel_env(zitadel), args=['--check'])
    real = ansible.playbook(play(ZITADEL_DECLARED), env=zitadel_env(zitadel))
    assert check.rc == 0 and real.rc == 0, (check, real)
    for key in ('targets_changed', 'executions_changed', 'executions_pruned', 'targets_removed', 'changed'):
        assert summary(check)[key] == summary(real)[key], key
    assert 'check mode: would set' in check.stdout and 'AddHumanUser' in check.stdout and 'once its new targets exist' in check.stdout


# -- the account is what ZITADEL confirmed (issue 30) ----------------------------------------------

ALL_STEPS = ['target user-checks', 'target audit-log', 'target no-endpoint',
             'execution {"request": {"method": "/zitadel.user.v2.UserService/AddHumanUser"}}',
             'execution {"evnt": {"group": "user.human"}}',
             'execution {"request": {"method": "/zitadel.user.v2.UserService/AddHumanUsr"}}',
             'execution {"request": {"method": "/zitadel.user.v2.UserService/AddHumanUser"}}']


def test_a_refused_input_fails_once_with_did_you_mean_and_every_planned_step_not_attempted(zitadel, ansible):
    run = ansible.playbook(play(BAD_INPUT), env=zitadel_env(zitadel))
    assert run.rc != 0, run
    assert summary(run)['not_attempted'] == ALL_STEPS
    refusal = summary(run)['refused']
    assert "condition.request.method '/zitadel.user.v2.UserService/AddHumanUsr' is not among the methods" in refusal
    assert 'did you mean /zitadel.user.v2.UserService/AddHumanUser or' in refusal, refusal
    # One failed task (the account), not a rescued refusal before it; the refusal is in it once.
    assert run.stdout.count('fatal: [localhost]') == 1, run.stdout
    final = [line for line in run.stdout.splitlines() if line.startswith('fatal: [localhost]')][0]
    assert final.count('did you mean') == 1 and final.count("got evnt") == 1, final
    assert zitadel_writes(zitadel) == []


def test_a_refused_read_lists_every_declared_step_as_not_attempted(zitadel, ansible):
    run = ansible.playbook(play(BAD_INPUT.replace('  - {name: no-endpoint, target_type: webhook}\n', '') + 'zitadel_actions_prune: true\n'),
                           env=zitadel_env(zitadel, token='wrong-token'))
    assert run.rc != 0, run
    account = summary(run)
    assert '401' in account['refused'], account
    assert account['not_attempted'] == [step for step in ALL_STEPS if step != 'target no-endpoint'] + [
        'pruning of the undeclared executions (not read)'], account
    assert zitadel_writes(zitadel) == [] and 'wrong-token' not in run.output


def test_only_a_key_zitadel_rotated_is_reported_rotated(zitadel, ansible):
    targets = '''
zitadel_actions_targets:
  - {name: user-checks, endpoint: "https://hooks.example.com/u", target_type: webhook, timeout: 10s, rotate_signing_key: "false"}
  - {name: audit-log, endpoint: "https://hooks.example.com/a", target_type: async, timeout: 5s, rotate_signing_key: true}
'''
    created = ansible.playbook(play(targets), env=zitadel_env(zitadel))
    assert created.rc == 0, created
    assert summary(created)['targets_changed'] == ['user-checks', 'audit-log']
    assert summary(created)['signing_keys_rotated'] == [], summary(created)  # a first key is no rotation; "false" is false
    assert '0 signing key(s) rotated' in created.stdout
    again = ansible.playbook(play(targets), env=zitadel_env(zitadel))
    assert again.rc == 0, again
    assert summary(again)['signing_keys_rotated'] == ['audit-log'] and '1 signing key(s) rotated (audit-log)' in again.stdout
    rotations = [json.loads(r['body']) for r in zitadel.requests() if r['route'].endswith('update_target')]
    assert len(rotations) == 1 and rotations[0].get('expirationSigningKey') == '0s'
