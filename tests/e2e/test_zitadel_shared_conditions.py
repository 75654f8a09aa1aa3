# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zitadel_execution on conditions that matter beyond one playbook (issue 31): a catch-all condition is refused with a
target that interrupts on error unless allowed (the emulator shows the lockout it prevents), and targets_mode lets
several playbooks share a condition."""

from __future__ import absolute_import, division, print_function

import json

import pytest

from conftest import zitadel_env
from test_saymon import play
from test_zitadel import writes

STAMP = '2026-01-02T03:04:05.000000Z'
DOWN = 'https://hooks.example.com/typo'


def seed_target(emulator, name, kind, interrupt=False, endpoint=None):
    emulator.state['next_id'] += 1
    target_id = str(emulator.state['next_id'])
    member = {} if kind == 'restAsync' else {'interruptOnError': interrupt}
    emulator.state['targets'][target_id] = {'id': target_id, 'name': name, 'endpoint': endpoint or 'https://hooks.example.com/' + name,
                                            'timeout': '5s', kind: member, 'payloadType': 'PAYLOAD_TYPE_JSON',
                                            'creationDate': STAMP, 'changeDate': STAMP}
    return target_id


def seed_execution(emulator, condition, target_ids):
    emulator.state['executions'][json.dumps(condition, sort_keys=True)] = {
        'condition': condition, 'targets': list(target_ids), 'creationDate': STAMP, 'changeDate': STAMP}


def execution_task(condition, targets, register, extra=''):
    return '''
    - netops.bridge.zitadel_execution:
        condition: %s
        targets: %s%s
      register: %s
      ignore_errors: true
''' % (json.dumps(condition), json.dumps(targets), ''.join('\n        ' + line for line in extra.splitlines() if line), register)


# -- item 1: a catch-all condition with a target that interrupts on error ------------------------------------------

CATCH_ALLS = [{'request': {'all': True}}, {'response': {'all': True}}, {'request': {'service': 'zitadel.user.v2.UserService'}},
              {'response': {'service': 'zitadel.session.v2.SessionService'}}]


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_a_catch_all_with_an_interrupting_target_is_refused_before_any_write_also_in_check_mode(zitadel, ansible, version):
    seed_target(zitadel, 'gate', 'restWebhook', interrupt=True)
    seed_target(zitadel, 'enricher', 'restCall', interrupt=True)
    seed_target(zitadel, 'logger', 'restWebhook', interrupt=False)
    seed_target(zitadel, 'audit', 'restAsync')
    tasks = ''.join(execution_task(c, ['logger', 'gate', 'audit', 'enricher'], 'refused%d' % i) for i, c in enumerate(CATCH_ALLS))
    save = '{%s}' % ', '.join("'refused%d': refused%d" % (i, i) for i in range(len(CATCH_ALLS)))
    for args in (['--check'], []):
        run = ansible.playbook(play(tasks, save), env=zitadel_env(zitadel, api_version=version), args=args)
        for index, condition in enumerate(CATCH_ALLS):
            result = run.results['refused%d' % index]
            assert result.get('failed') is True and result['changed'] is False, (args, result)
            message = result['msg']
            assert json.dumps(condition, sort_keys=True) in message and 'gate, enricher interrupt on error' in message, message
            assert 'zitadel#8205' in message and 'allow_interrupting_catch_all: true' in message and 'Nothing was written' in message
            assert 'logger' not in message and 'audit' not in message  # only the targets that interrupt are named
    assert writes(zitadel) == [] and zitadel.dump_state()['executions'] == []

    # Only the catch-alls of requests and responses, and only the targets that interrupt: the rest is set as asked.
    tasks = (execution_task({'request': {'all': True}}, ['logger', 'audit'], 'quiet')
             + execution_task({'request': {'method': '/zitadel.user.v2.UserService/AddHumanUser'}}, ['gate'], 'method')
             + execution_task({'event': {'all': True}}, ['gate'], 'events'))
    run = ansible.playbook(play(tasks, "{'quiet': quiet, 'method': method, 'events': events}"), env=zitadel_env(zitadel, api_version=version))
    assert all(run.results[name]['changed'] is True and not run.results[name].get('failed') for name in ('quiet', 'method', 'events')), run
    assert zitadel.count(route='%s set_execution' % version) == 3


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_allowed_catch_all_whose_target_does_not_answer_fails_every_later_api_call(zitadel, ansible, version):
    """The lockout the refusal prevents (zitadel#8205): allowed, set, then the endpoint stops answering."""
    seed_target(zitadel, 'gate', 'restWebhook', interrupt=True, endpoint=DOWN)
    condition = {'request': {'all': True}}
    allowed = ansible.playbook(play(execution_task(condition, ['gate'], 'allowed', 'allow_interrupting_catch_all: true'),
                                    "{'allowed': allowed}"), env=zitadel_env(zitadel, api_version=version))
    assert allowed.results['allowed']['changed'] is True and not allowed.results['allowed'].get('failed'), allowed
    assert zitadel.dump_state()['executions'][0]['condition'] == condition

    zitadel.state['unreachable_endpoints'] = [DOWN]
    zitadel.log.clear()
    undo = ansible.playbook(play('''
    - netops.bridge.zitadel_target_info:
      register: read
      ignore_errors: true
    - netops.bridge.zitadel_execution:
        condition: {request: {all: true}}
        state: absent
      register: undo
      ignore_errors: true
''', "{'read': read, 'undo': undo}"), env=zitadel_env(zitadel, api_version=version))
    for name in ('read', 'undo'):
        assert undo.results[name].get('failed') is True and 'Errors.Execution.Failed' in undo.results[name]['msg'], undo.results[name]
    assert zitadel.dump_state()['executions'][0]['condition'] == condition  # it could not be removed through the API
    assert zitadel.requests() and all(r['status'] == 500 for r in zitadel.requests())


# -- item 4: targets_mode ------------------------------------------------------------------------------------------

SHARED = {'event': {'group': 'user.human'}}


def mode_task(targets, mode, register='shared'):
    return execution_task(SHARED, targets, register, 'targets_mode: %s' % mode)


def run_mode(ansible, zitadel, version, targets, mode, args=()):
    run = ansible.playbook(play(mode_task(targets, mode), "{'shared': shared}"), env=zitadel_env(zitadel, api_version=version), args=list(args))
    assert not run.results['shared'].get('failed'), run.results['shared']
    return run.results['shared']


def current_targets(zitadel):
    return [e['targets'] for e in zitadel.dump_state()['executions'] if e['condition'] == SHARED]


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_append_keeps_the_others_targets_in_order_and_is_idempotent(zitadel, ansible, version):
    other, mine, also = (seed_target(zitadel, name, 'restAsync') for name in ('other-team', 'mine', 'also-mine'))
    seed_execution(zitadel, SHARED, [other])

    preview = run_mode(ansible, zitadel, version, ['mine', 'other-team', 'also-mine', 'mine'], 'append', ['--check', '--diff'])
    assert preview['changed'] is True and writes(zitadel) == []
    assert preview['diff'] == {'before': {'condition': SHARED, 'targets': ['other-team']},
                               'after': {'condition': SHARED, 'targets': ['other-team', 'mine', 'also-mine']}}
    first = run_mode(ansible, zitadel, version, ['mine', 'other-team', 'also-mine', 'mine'], 'append')
    assert first['changed'] is True and first['execution']['target_names'] == ['other-team', 'mine', 'also-mine']
    sent = [json.loads(r['body']) for r in zitadel.requests(route='%s set_execution' % version)]
    assert sent == [{'condition': SHARED, 'targets': [other, mine, also]}]
    zitadel.log.clear()
    again = run_mode(ansible, zitadel, version, ['mine', 'also-mine'], 'append')
    assert again['changed'] is False and writes(zitadel) == [] and current_targets(zitadel) == [[other, mine, also]]


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_remove_keeps_the_others_and_removing_the_last_target_removes_the_execution(zitadel, ansible, version):
    other, mine = (seed_target(zitadel, name, 'restAsync') for name in ('other-team', 'mine'))
    seed_execution(zitadel, SHARED, [mine, other])

    preview = run_mode(ansible, zitadel, version, ['mine', 'never-created'], 'remove', ['--check', '--diff'])
    assert preview['changed'] is True and writes(zitadel) == []
    assert preview['diff']['after'] == {'condition': SHARED, 'targets': ['other-team']} and preview['execution_removed'] is False
    first = run_mode(ansible, zitadel, version, ['mine', 'never-created'], 'remove')
    assert first['changed'] is True and current_targets(zitadel) == [[other]]
    zitadel.log.clear()
    assert run_mode(ansible, zitadel, version, ['mine'], 'remove')['changed'] is False and writes(zitadel) == []

    # SetExecution with no targets removes the execution: the module says so.
    check_last = run_mode(ansible, zitadel, version, ['other-team'], 'remove', ['--check'])
    assert check_last['changed'] is True and check_last['execution_removed'] is True and writes(zitadel) == []
    last = run_mode(ansible, zitadel, version, ['other-team'], 'remove')
    assert last['changed'] is True and last['execution_removed'] is True and last['execution'] is None
    assert any('ZITADEL removes an execution set with no targets' in w for w in last.get('warnings', [])), last
    assert [json.loads(r['body']) for r in zitadel.requests(route='%s set_execution' % version)] == [{'condition': SHARED, 'targets': []}]
    assert current_targets(zitadel) == []
    zitadel.log.clear()
    gone = run_mode(ansible, zitadel, version, ['other-team'], 'remove')
    assert gone['changed'] is False and gone['execution_removed'] is False and writes(zitadel) == []


def test_exact_stays_the_default_and_a_mode_with_state_absent_is_refused(zitadel, ansible):
    other, mine = (seed_target(zitadel, name, 'restAsync') for name in ('other-team', 'mine'))
    seed_execution(zitadel, SHARED, [other])
    exact = ansible.playbook(play(execution_task(SHARED, ['mine'], 'exact'), "{'exact': exact}"), env=zitadel_env(zitadel))
    assert exact.results['exact']['changed'] is True and current_targets(zitadel) == [[mine]]
    zitadel.log.clear()
    absent = ansible.playbook(play('''
    - netops.bridge.zitadel_execution:
        condition: {event: {group: user.human}}
        state: absent
        targets_mode: remove
      register: absent
      ignore_errors: true
''', "{'absent': absent}"), env=zitadel_env(zitadel))
    assert 'targets_mode=remove applies to state=present' in absent.results['absent']['msg'] and zitadel.requests() == []


# -- the role: its plan refuses the same, per entry; entries take targets_mode ----------------------------------------

ROLE_CATCH_ALLS = '''
zitadel_actions_targets:
  - {name: gate, endpoint: "https://hooks.example.com/gate", target_type: webhook, interrupt_on_error: true, timeout: 10s}
  - {name: audit, endpoint: "https://hooks.example.com/audit", target_type: async, timeout: 5s}
zitadel_actions_executions:
  - condition: {request: {all: true}}
    targets: [audit, gate]
  - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
    targets: [gate]
  - condition: {response: {service: zitadel.user.v2.UserService}}
    targets: [old-gate, audit]
  - condition: {response: {all: true}}
    targets: [gate]
    allow_interrupting_catch_all: true
  - condition: {request: {service: zitadel.session.v2.SessionService}}
    targets: [gate]
    targets_mode: remove
'''


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_the_role_plan_refuses_a_catch_all_entry_with_an_interrupting_target_naming_it(zitadel, ansible, version):
    from test_roles_plan_zitadel import play as role_play, summary  # pylint: disable=import-outside-toplevel
    seed_target(zitadel, 'old-gate', 'restCall', interrupt=True)  # not declared: its setting is read from ZITADEL
    for args in (['--check'], []):
        run = ansible.playbook(role_play(ROLE_CATCH_ALLS), env=zitadel_env(zitadel, api_version=version), args=args)
        assert run.rc != 0 and summary(run).get('refused'), run.output
        refusal = summary(run)['refused']
        lines = [line for line in refusal.splitlines() if 'interrupt on error' in line]
        assert len(lines) == 2, refusal
        assert lines[0].startswith('zitadel_actions_executions[0]: condition {"request": {"all": true}} is a catch-all (every API call) '
                                   'and its target(s) gate interrupt on error'), lines
        assert lines[1].startswith('zitadel_actions_executions[2]: condition {"response": {"service": "zitadel.user.v2.UserService"}} '
                                   'is a catch-all (every call of zitadel.user.v2.UserService) and its target(s) old-gate interrupt'), lines
        assert all('zitadel#8205' in line and 'allow_interrupting_catch_all: true' in line for line in lines)
        assert summary(run)['changed'] is False
    assert writes(zitadel) == []


ROLE_SHARED = '''
zitadel_actions_targets:
  - %s
  - {name: gate, endpoint: "https://hooks.example.com/gate", target_type: webhook, interrupt_on_error: true, timeout: 10s}
zitadel_actions_executions:
  - condition: {event: {group: user.human}}
    targets: [mine]
    targets_mode: %s
  - condition: {request: {all: true}}
    targets: [gate]
    allow_interrupting_catch_all: true
zitadel_actions_prune: true
'''


MINE = '{name: mine, endpoint: "https://hooks.example.com/mine", target_type: async, timeout: 5s}'
MINE_GONE = '{name: mine, state: absent}'


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_the_role_appends_and_removes_its_targets_on_a_shared_condition_and_allows_a_catch_all_per_entry(zitadel, ansible, version):
    from test_roles_plan_zitadel import play as role_play, summary  # pylint: disable=import-outside-toplevel
    other = seed_target(zitadel, 'other-team', 'restAsync')
    seed_execution(zitadel, SHARED, [other])
    env = zitadel_env(zitadel, api_version=version)
    check = ansible.playbook(role_play(ROLE_SHARED % (MINE, 'append')), env=env, args=['--check'])
    assert check.rc == 0 and writes(zitadel) == [], check
    appended = ansible.playbook(role_play(ROLE_SHARED % (MINE, 'append')), env=env)
    assert appended.rc == 0, appended
    mine = [t['id'] for t in zitadel.dump_state()['targets'].values() if t['name'] == 'mine'][0]
    assert current_targets(zitadel) == [[other, mine]]
    assert summary(appended)['executions_changed'] == [SHARED, {'request': {'all': True}}] == summary(check)['executions_changed']
    zitadel.log.clear()
    again = ansible.playbook(role_play(ROLE_SHARED % (MINE, 'append')), env=env)
    assert again.rc == 0 and summary(again)['changed'] is False and writes(zitadel) == [], again
    # Taken off the shared condition and removed in the same run: the plan lets a removal name a target it removes.
    removed = ansible.playbook(role_play(ROLE_SHARED % (MINE_GONE, 'remove')), env=env)
    assert removed.rc == 0 and summary(removed)['executions_changed'] == [SHARED], removed
    assert summary(removed)['targets_removed'] == ['mine'] and current_targets(zitadel) == [[other]]
    zitadel.log.clear()
    still = ansible.playbook(role_play(ROLE_SHARED % (MINE_GONE, 'remove')), env=env)
    assert still.rc == 0 and summary(still)['changed'] is False and writes(zitadel) == [], still
