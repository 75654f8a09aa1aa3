# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""saymon_object_info's main() against a scripted HTTP server: what it sends and what it returns."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.netops.bridge.plugins.modules import saymon_object_info
from .module_runner import run

STATES = (200, {}, json.dumps([{'id': 1, 'name': 'Normal'}, {'id': 3, 'name': 'Critical'}]))


def creds(server, **args):
    return dict(url=server.url, username='admin', password='admin-pass', **args)


def answer(value, status=200):
    return (status, {'Content-Type': 'application/json'}, json.dumps(value))


def test_object_and_link_with_state_name_and_last_change(server):
    server.answers = [
        STATES,
        answer({'id': 'O1', 'name': 'router', 'class_id': 1, 'state_id': 3, 'last_state_update': 1000}),
        answer({'id': 'L1', 'class_id': 35, 'state_id': '1', 'last_state_update': 2000, 'source': 'O1', 'target': 'O2',
                'source_name': 'router', 'target_name': 'switch'}),
    ]
    out = run(saymon_object_info, creds(server, objects=['O1'], links=['L1']))
    assert not out.failed and out.result['changed'] is False, out.result
    assert [(r['method'], r['path']) for r in server.received] == [
        ('GET', '/node/api/states'), ('GET', '/node/api/objects/O1'), ('GET', '/node/api/links/L1')]
    obj, = out.result['objects']
    assert (obj['name'], obj['class_id'], obj['state_id'], obj['state_name'], obj['last_state_change']) == ('router', 1, 3, 'Critical', 1000)
    link, = out.result['links']
    # A state ID given as a string names the same state as the number.
    assert (link['name'], link['state_name'], link['source'], link['target_name']) == ('router -> switch', 'Normal', 'O1', 'switch')
    assert 'history' not in link and out.result['missing'] == {'objects': [], 'links': []}


def test_history_pages_until_a_short_page_and_names_each_state(server):
    server.answers = [
        STATES,
        answer({'id': 'L1', 'state_id': 1}),
        answer([{'stateId': 3, 'timestamp': 10}, {'stateId': 1, 'timestamp': 20}]),
        answer([{'state_id': 3, 'timestamp': 30}]),
    ]
    out = run(saymon_object_info, creds(server, links=['L1'], history=True, since='5', until='40', page_size=2))
    assert not out.failed, out.result
    link, = out.result['links']
    assert [e['state_name'] for e in link['history']] == ['Critical', 'Normal', 'Critical']
    assert link['history_pages'] == 2 and link['history_truncated'] is False
    assert [r['path'] for r in server.received[2:]] == [
        '/node/api/links/L1/state-history?from=5&to=40&skip=0&limit=2',
        '/node/api/links/L1/state-history?from=5&to=40&skip=2&limit=2']
    assert out.result['window'] == {'since': 5, 'until': 40}


def test_history_stops_at_max_entries_and_says_so(server):
    server.answers = [STATES, answer({'id': 'O1'}), answer([{'stateId': 1}, {'stateId': 3}]), answer([{'stateId': 1}])]
    out = run(saymon_object_info, creds(server, objects=['O1'], history=True, since='0', until='9', page_size=2, max_entries=3))
    obj, = out.result['objects']
    assert len(obj['history']) == 3 and obj['history_truncated'] is True and obj['history_pages'] == 2
    assert server.received[-1]['path'].endswith('skip=2&limit=1')


def test_missing_ids_fail_together_with_saymons_words(server):
    not_found = {'code': 'NotFound', 'message': 'Object with id O9 does not exist.'}
    server.answers = [STATES, answer(not_found, 404), answer({'id': 'L1', 'state_id': 1}),
                      answer({'code': 'NotFound', 'message': 'Link with id L9 does not exist.'}, 404)]
    out = run(saymon_object_info, creds(server, objects=['O9'], links=['L1', 'L9']))
    assert out.failed
    assert 'object O9: ' in out.result['msg'] and 'HTTP 404 Not Found: NotFound: Object with id O9 does not exist.' in out.result['msg']
    assert 'link L9: ' in out.result['msg'] and 'Link with id L9 does not exist.' in out.result['msg']
    assert out.result['missing'] == {'objects': ['O9'], 'links': ['L9']}
    assert [link['id'] for link in out.result['links']] == ['L1']


def test_another_error_fails_at_once(server):
    server.answers = [STATES, answer({'code': 'Forbidden', 'message': 'Access denied.'}, 403)]
    out = run(saymon_object_info, creds(server, objects=['O1', 'O2']))
    assert out.failed and 'HTTP 403' in out.result['msg'] and 'Access denied.' in out.result['msg']
    assert len(server.received) == 2


def test_unknown_states_endpoint_warns_and_names_nothing(server, monkeypatch):
    warnings = []
    monkeypatch.setattr('ansible.module_utils.basic.AnsibleModule.warn', lambda self, text: warnings.append(text))
    server.answers = [answer({'code': 'NotFound', 'message': 'No route'}, 404), answer({'id': 'O1', 'state_id': 1})]
    out = run(saymon_object_info, creds(server, objects=['O1']))
    assert not out.failed and out.result['objects'][0]['state_name'] is None
    assert warnings == ['SAYMON answered HTTP 404 for GET /node/api/states: state names are unknown (state_name is null).']


def test_check_mode_reads(server):
    server.answers = [STATES, answer({'id': 'O1', 'state_id': 1})]
    out = run(saymon_object_info, creds(server, objects=['O1']), check_mode=True)
    assert not out.failed and out.result['changed'] is False and out.result['objects'][0]['state_name'] == 'Normal'


@pytest.mark.parametrize('args, message', [
    ({}, 'at least one ID'),
    ({'objects': [' ']}, 'objects must not hold an empty ID'),
    ({'links': ['L1'], 'history': True, 'since': 'last week'}, "since: 'last week' is not a time"),
    ({'links': ['L1'], 'history': True, 'until': '2026-02-30T00:00:00Z'}, 'until: ' + "'2026-02-30T00:00:00Z' is not a valid date"),
    ({'links': ['L1'], 'history': True, 'since': 'now', 'until': '-1h'}, 'since (now) is after until (-1h)'),
    ({'links': ['L1'], 'history': True, 'until': '0'}, 'since (-24h) is after until (0)'),
    ({'links': ['L1'], 'page_size': 0}, 'page_size must be at least 1'),
    ({'links': ['L1'], 'max_entries': -1}, 'max_entries must be at least 1'),
    ({'links': ['L1'], 'since': '-1h'}, 'since set, but history is false'),
])
def test_bad_input_fails_before_any_request(server, args, message):
    out = run(saymon_object_info, creds(server, **args))
    assert out.failed and message in out.result['msg'], out.result
    assert server.received == []


def test_a_404_on_the_history_of_a_known_entity_is_no_missing_id(server):
    server.answers = [STATES, answer({'id': 'L1', 'state_id': 1}), answer({'code': 'NotFound', 'message': 'No route'}, 404)]
    out = run(saymon_object_info, creds(server, links=['L1'], history=True))
    assert out.failed and out.result['msg'].startswith('SAYMON GET ') and '/node/api/links/L1/state-history' in out.result['msg']
    assert out.result['missing'] == {'objects': [], 'links': []}
