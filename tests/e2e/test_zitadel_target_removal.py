# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 31, item 2: deleting a target silently removes it from every execution (zitadel#9824), so zitadel_target
state=absent reads the executions that call it (ListExecutions with its target filter) and refuses while any does,
unless force=true; with force, the diff and the result name the executions that lose it and those left with none."""

from __future__ import absolute_import, division, print_function

import json

import pytest
import requests

import zitadel_sdk
from conftest import zitadel_env
from test_roles import role_play, zitadel_writes
from test_saymon import play
from test_zitadel import TARGETS, writes

ADD_HUMAN = {'request': {'method': '/zitadel.user.v2.UserService/AddHumanUser'}}
HUMAN_EVENTS = {'event': {'group': 'user.human'}}
USERINFO = {'function': {'name': 'preuserinfo'}}
EXECUTIONS = '''
    - netops.bridge.zitadel_execution:
        condition: %s
        targets: %s
''' % (json.dumps(ADD_HUMAN), '[user-checks, audit-log]') + '''
    - netops.bridge.zitadel_execution:
        condition: %s
        targets: [audit-log]
''' % json.dumps(HUMAN_EVENTS) + '''
    - netops.bridge.zitadel_execution:
        condition: %s
        targets: [user-checks]
''' % json.dumps(USERINFO)
REMOVAL = '''
    - netops.bridge.zitadel_target:
        name: audit-log
        state: absent
        force: %s
      register: removal
'''


def executions_by_condition(emulator):
    names = dict((t['id'], t['name']) for t in emulator.dump_state()['targets'].values())
    return dict((json.dumps(e['condition'], sort_keys=True), [names[i] for i in e['targets']]) for e in emulator.dump_state()['executions'])


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_a_target_still_called_is_refused_unless_forced_and_forcing_names_what_loses_it(zitadel, ansible, version):
    env = zitadel_env(zitadel, api_version=version)
    assert ansible.playbook(play(TARGETS + EXECUTIONS), env=env).rc == 0
    audit_id = [t['id'] for t in zitadel.dump_state()['targets'].values() if t['name'] == 'audit-log'][0]
    before = executions_by_condition(zitadel)
    zitadel.log.clear()

    for args in (['--check', '--diff'], []):
        refused = ansible.playbook(play(REMOVAL % 'false'), env=env, args=args)
        assert refused.rc != 0, refused
        message = refused.stdout
        assert "target 'audit-log' is still called by 2 execution(s)" in message, message
        for condition in (ADD_HUMAN, HUMAN_EVENTS):
            assert json.dumps(condition, sort_keys=True).replace('"', '\\"') in message, message
        assert 'preuserinfo' not in message and 'force=true' in message
    assert writes(zitadel) == [] and executions_by_condition(zitadel) == before
    searches = [json.loads(r['body']) for r in zitadel.requests() if r['route'] == '%s list_executions' % version]
    assert {'targetFilter': {'targetId': audit_id}} in [f for s in searches for f in s['filters']]

    expected_losing = [{'condition': ADD_HUMAN, 'targets': ['user-checks', 'audit-log'], 'targets_after': ['user-checks']},
                       {'condition': HUMAN_EVENTS, 'targets': ['audit-log'], 'targets_after': []}]
    preview = ansible.playbook(play(REMOVAL % 'true', "{'removal': removal}"), env=env, args=['--check', '--diff'])
    assert preview.rc == 0 and preview.results['removal']['changed'] is True, preview
    assert writes(zitadel) == []
    for run in (preview, ansible.playbook(play(REMOVAL % 'true', "{'removal': removal}"), env=env, args=['--diff'])):
        result = run.results['removal']
        assert result['executions_losing_target'] == expected_losing
        assert result['executions_left_without_target'] == [HUMAN_EVENTS]
        assert result['diff']['before']['executions'] == [{'condition': ADD_HUMAN, 'targets': ['user-checks', 'audit-log']},
                                                          {'condition': HUMAN_EVENTS, 'targets': ['audit-log']}]
        assert result['diff']['after']['executions'] == [{'condition': ADD_HUMAN, 'targets': ['user-checks']},
                                                         {'condition': HUMAN_EVENTS, 'targets': []}]
        assert 'leaves 1 execution(s) with no target' in run.output, run
    assert [r['route'] for r in writes(zitadel)] == ['%s delete_target' % version]
    # What ZITADEL does (zitadel#9824): the target is gone from every execution, and the one left without a target is gone.
    assert executions_by_condition(zitadel) == {json.dumps(ADD_HUMAN, sort_keys=True): ['user-checks'],
                                                json.dumps(USERINFO, sort_keys=True): ['user-checks']}
    again = ansible.playbook(play(REMOVAL % 'false'), env=env)
    assert again.rc == 0 and again.recap['localhost']['changed'] == 0, again


def test_a_target_no_execution_calls_is_deleted_without_force(zitadel, ansible):
    env = zitadel_env(zitadel)
    assert ansible.playbook(play(TARGETS + EXECUTIONS.split('    - netops.bridge.zitadel_execution:')[0]), env=env).rc == 0
    run = ansible.playbook(play(REMOVAL % 'false', "{'removal': removal}"), env=env)
    assert run.rc == 0 and run.results['removal']['changed'] is True, run
    assert run.results['removal']['executions_losing_target'] == [] and 'WARNING' not in run.output


def test_force_needs_state_absent(zitadel, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.zitadel_target:
        name: audit-log
        force: true
'''), env=zitadel_env(zitadel))
    assert run.rc != 0 and 'force needs state=absent' in run.stdout, run
    assert zitadel.requests() == []


# -- the zitadel_actions role: removals come after the executions that stop calling the target ----------------------

ROLE_INSTANCE = '''
zitadel_actions_targets:
  - {name: user-checks, endpoint: "https://hooks.example.com/u", target_type: webhook, timeout: 10s}
  - {name: audit-log, endpoint: "https://hooks.example.com/a", target_type: async, timeout: 5s}
zitadel_actions_executions:
  - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
    targets: [user-checks, audit-log]
  - condition: {event: {group: user.human}}
    targets: [audit-log]
'''
# audit-log is removed; AddHumanUser stops calling it in the same run, the event execution is left alone.
ROLE_REMOVAL = '''
zitadel_actions_targets:
  - {name: user-checks}
  - {name: audit-log, state: absent%s}
zitadel_actions_executions:
  - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
    targets: [user-checks]
%s'''
EVENT_ABSENT = '''  - condition: {event: {group: user.human}}
    state: absent
'''


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_the_role_refuses_to_remove_a_target_an_execution_it_leaves_alone_still_calls(zitadel, ansible, version):
    env = zitadel_env(zitadel, api_version=version)
    assert ansible.playbook(role_play('zitadel_actions', ROLE_INSTANCE), env=env).rc == 0
    before = executions_by_condition(zitadel)
    zitadel.log.clear()
    for args in (['--check'], []):
        run = ansible.playbook(role_play('zitadel_actions', ROLE_REMOVAL % ('', '')), env=env, args=args)
        assert run.rc != 0, run
        assert ("zitadel_actions_targets[1]: target 'audit-log' is still called by the execution %s, which this run does not change"
                % json.dumps(HUMAN_EVENTS, sort_keys=True)) in run.stdout.replace('\\"', '"'), run
    assert zitadel_writes(zitadel) == [] and executions_by_condition(zitadel) == before


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
@pytest.mark.parametrize('handled', ['declared absent', 'pruned', 'forced'])
def test_the_role_removes_a_target_after_the_executions_that_stop_calling_it(zitadel, ansible, version, handled):
    env = zitadel_env(zitadel, api_version=version)
    assert ansible.playbook(role_play('zitadel_actions', ROLE_INSTANCE), env=env).rc == 0
    role_vars = {'declared absent': ROLE_REMOVAL % ('', EVENT_ABSENT),
                 'pruned': ROLE_REMOVAL % ('', '') + 'zitadel_actions_prune: true\n',
                 'forced': ROLE_REMOVAL % (', force: true', '')}[handled]
    zitadel.log.clear()
    check = ansible.playbook(role_play('zitadel_actions', role_vars, save='zitadel_actions_summary'), env=env, args=['--check'])
    assert check.rc == 0 and zitadel_writes(zitadel) == [], check
    # --check is the plan: the executions set before the removal are not written, yet nothing says they lose the target.
    assert check.results['targets_removed'] == ['audit-log'] and 'removes it from' not in check.output, check
    zitadel.log.clear()
    run = ansible.playbook(role_play('zitadel_actions', role_vars, save='zitadel_actions_summary'), env=env)
    assert run.rc == 0, run
    assert run.results['targets_removed'] == ['audit-log']
    written = zitadel_writes(zitadel)
    assert written[-1] == '%s delete_target' % version and written.count('%s delete_target' % version) == 1
    assert written[:-1] == ['%s set_execution' % version] * (1 if handled == 'forced' else 2), written
    assert executions_by_condition(zitadel) == {json.dumps(ADD_HUMAN, sort_keys=True): ['user-checks']}
    again = ansible.playbook(role_play('zitadel_actions', role_vars), env=env)
    assert again.rc == 0 and again.recap['localhost']['changed'] == 0, again


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_the_sdk_judges_the_list_executions_target_filter(version):
    # The zitadel fixture judges every request the modules send (zitadel_sdk.judge); this shows the judge knows the
    # target filter's field names, so that a misspelt one would fail the tests above.
    request = zitadel_sdk.model(version, 'ListExecutions', 'Request')
    sent = {'pagination': {'offset': '0', 'limit': 100, 'asc': True}, 'filters': [{'targetFilter': {'targetId': '337246363446361001'}}]}
    assert zitadel_sdk.judge_message(request, sent, 'w') == []
    misspelt = {'filters': [{'targetFilter': {'target_id': '1'}}, {'targetIdFilter': {'targetId': '1'}}]}
    problems = zitadel_sdk.judge_message(request, misspelt, 'w')
    assert any('$.filters.targetFilter.target_id' in p for p in problems) and any('$.filters.targetIdFilter' in p for p in problems), problems


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_the_emulator_filters_executions_by_target_and_deletes_as_zitadel_does(zitadel, version):
    headers = {'Authorization': 'Bearer admin-token'}
    base = '%s/%s/actions' % (zitadel.url, version)
    ids = [requests.post(base + '/targets', json={'name': name, 'endpoint': 'https://h/' + name, 'restAsync': {}}, headers=headers,
                         timeout=10).json()['id'] for name in ('a', 'b')]
    for condition, targets in ((ADD_HUMAN, ids), (HUMAN_EVENTS, ids[:1]), (USERINFO, ids[1:])):
        assert requests.put(base + '/executions', json={'condition': condition, 'targets': targets}, headers=headers, timeout=10).ok

    def calling(target_filter, extra_headers=None):
        answer = requests.post(base + '/executions/search', json={'filters': [{'targetFilter': target_filter}]},
                               headers=dict(headers, **(extra_headers or {})), timeout=10)
        return answer.json()['executions'] if answer.ok else answer

    assert [e['condition'] for e in calling({'targetId': ids[0]})] == [ADD_HUMAN, HUMAN_EVENTS]
    assert [e['condition'] for e in calling({'target_id': ids[1]}, {zitadel_sdk.UNJUDGED: '1'})] == [ADD_HUMAN, USERINFO]
    refused = calling({'id': ids[0]}, {zitadel_sdk.UNJUDGED: '1'})
    assert refused.status_code == 400 and refused.json()['code'] == 3 and 'TargetFilter' in refused.json()['message']
    assert requests.delete('%s/targets/%s' % (base, ids[0]), headers=headers, timeout=10).ok
    assert calling({'targetId': ids[0]}) == []
    assert [(e['condition'], e['targets']) for e in calling({'targetId': ids[1]})] == [(ADD_HUMAN, ids[1:]), (USERINFO, ids[1:])]
