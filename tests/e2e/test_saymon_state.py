# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""saymon_object_info and the SAYMON emulator's states, state changes and state history, by real ansible-playbook runs."""

from __future__ import absolute_import, division, print_function

import json
import time
from urllib.request import Request, urlopen
from urllib.error import HTTPError

from conftest import saymon_env
from emulators.saymon import (HOUR_MS, LINK_L1, LINK_L2, OBJECT_O1, OBJECT_O2, OP_L2_BRING_DOWN, OP_L2_BRING_UP,
                              SEEDED_AT, STATE_CRITICAL, STATE_NORMAL, STATE_WARNING)
from test_saymon import basic, play

MISSING = '000000000000000000000000'
QUOTED_MISSING = '"%s"' % MISSING


def saymon_get(emulator, path, user='admin', password='admin-pass'):
    request = Request(emulator.url + path, headers={'Authorization': basic(user, password)})
    try:
        with urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read().decode())
    except HTTPError as exc:
        return exc.code, json.loads(exc.read().decode())


def set_state(emulator, kind, entity_id, state_id):
    body = json.dumps({'kind': kind, 'id': entity_id, 'state_id': state_id}).encode()
    with urlopen(Request(emulator.url + '/_emulator/entity-state', data=body, method='POST'), timeout=10) as response:
        return json.loads(response.read().decode())


def info(ansible, emulator, args, check=False, env=None):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_object_info:
%s
      register: info
''' % '\n'.join('        ' + line for line in args.strip().splitlines()), '{"info": info}'),
        env=env or saymon_env(emulator), args=['--check'] if check else [])
    return run


def test_objects_and_links_with_state_name_class_and_last_change(saymon, ansible):
    set_state(saymon, 'link', LINK_L2, STATE_WARNING)
    run = info(ansible, saymon, 'objects: [%s, %s]\nlinks: [%s, %s]' % (OBJECT_O2, OBJECT_O1, LINK_L1, LINK_L2))
    assert run.rc == 0, run
    assert run.recap['localhost']['changed'] == 0
    found = run.results['info']
    assert [(o['id'], o['name'], o['class_id'], o['state_id'], o['state_name'], o['last_state_change']) for o in found['objects']] == [
        (OBJECT_O2, 'core-router-2', 1, STATE_NORMAL, 'Normal', SEEDED_AT - 24 * HOUR_MS),
        (OBJECT_O1, 'core-router-1', 1, STATE_NORMAL, 'Normal', SEEDED_AT - 24 * HOUR_MS)]
    l1, l2 = found['links']
    assert (l1['id'], l1['name'], l1['class_id'], l1['state_name'], l1['last_state_change']) == (
        LINK_L1, 'core-router-1 -> core-router-2', 35, 'Normal', SEEDED_AT - 2 * HOUR_MS)
    assert (l1['source'], l1['target']) == (OBJECT_O1, OBJECT_O2)
    assert (l2['state_id'], l2['state_name']) == (STATE_WARNING, 'Warning') and l2['last_state_change'] > SEEDED_AT
    assert 'history' not in l1 and found['missing'] == {'objects': [], 'links': []}
    assert saymon.count(route='get_states') == 1
    assert saymon.count(route='link_state_history') == saymon.count(route='object_state_history') == 0


def test_check_mode_reads_the_same_and_changes_nothing(saymon, ansible):
    run = info(ansible, saymon, 'links: [%s]\nhistory: true\nsince: "%d"\nuntil: "%d"' % (LINK_L1, SEEDED_AT - 4 * HOUR_MS, SEEDED_AT),
               check=True)
    assert run.rc == 0, run
    assert run.recap['localhost']['changed'] == 0
    link = run.results['info']['links'][0]
    assert link['state_name'] == 'Normal' and [e['state_name'] for e in link['history']] == ['Critical', 'Normal']
    assert all(r['method'] == 'GET' for r in saymon.requests())


def test_history_window_names_each_state_and_sends_the_window(saymon, ansible):
    run = info(ansible, saymon, 'links: [%s]\nhistory: true\nsince: "%d"\nuntil: "2025-12-06T22:30:00Z"'
               % (LINK_L1, SEEDED_AT - 4 * HOUR_MS))
    assert run.rc == 0, run
    link = run.results['info']['links'][0]
    # The window ends half an hour after L1 came back: both changes of the outage, not the seeded first one.
    assert [(e['stateId'], e['prevStateId'], e['state_name'], e['timestamp']) for e in link['history']] == [
        (STATE_CRITICAL, STATE_NORMAL, 'Critical', SEEDED_AT - 3 * HOUR_MS),
        (STATE_NORMAL, STATE_CRITICAL, 'Normal', SEEDED_AT - 2 * HOUR_MS)]
    assert link['history_truncated'] is False and link['history_pages'] == 1
    until = SEEDED_AT - 90 * 60 * 1000
    assert run.results['info']['window'] == {'since': SEEDED_AT - 4 * HOUR_MS, 'until': until}
    sent = saymon.requests(route='link_state_history')
    assert [r['path'] for r in sent] == ['/node/api/links/%s/state-history' % LINK_L1]
    assert dict(p.split('=') for p in sent[0]['query'].split('&')) == {
        'from': str(SEEDED_AT - 4 * HOUR_MS), 'to': str(until), 'skip': '0', 'limit': '100'}


def test_history_is_read_page_by_page_up_to_max_entries(saymon, ansible):
    run = info(ansible, saymon, 'links: [%s]\nhistory: true\nsince: "0"\nuntil: "%d"\npage_size: 1' % (LINK_L1, SEEDED_AT))
    assert run.rc == 0, run
    link = run.results['info']['links'][0]
    assert [e['stateId'] for e in link['history']] == [STATE_NORMAL, STATE_CRITICAL, STATE_NORMAL]
    assert link['history_pages'] == 4 and link['history_truncated'] is False
    queries = [r['query'] for r in saymon.requests(route='link_state_history')]
    assert ['skip=%d&limit=1' % n in q for n, q in enumerate(queries)] == [True] * 4
    saymon.reset()
    run = info(ansible, saymon, 'links: [%s]\nhistory: true\nsince: "0"\nuntil: "%d"\npage_size: 2\nmax_entries: 2' % (LINK_L1, SEEDED_AT))
    link = run.results['info']['links'][0]
    assert len(link['history']) == 2 and link['history_truncated'] is True and link['history_pages'] == 1


def test_a_missing_id_fails_naming_it_with_saymons_words_after_reading_the_rest(saymon, ansible):
    run = info(ansible, saymon, 'objects: [%s]\nlinks: [%s, %s]' % (OBJECT_O1, QUOTED_MISSING, LINK_L1))
    assert run.rc != 0
    assert 'link %s: ' % MISSING in run.stdout and 'HTTP 404' in run.stdout, run
    assert 'NotFound: Link with id %s does not exist.' % MISSING in run.stdout
    assert 'Traceback' not in run.output
    assert saymon.count(route='get_link') == 2 and saymon.count(route='get_object') == 1


def test_bad_window_fails_before_any_request(saymon, ansible):
    run = info(ansible, saymon, 'links: [%s]\nhistory: true\nsince: yesterday' % LINK_L1)
    assert run.rc != 0 and "since: 'yesterday' is not a time" in run.stdout, run
    run = info(ansible, saymon, 'links: [%s]\nhistory: true\nsince: now\nuntil: -1h' % LINK_L1)
    assert run.rc != 0 and 'since (now) is after until (-1h)' in run.stdout, run
    assert saymon.requests() == []


def test_an_operation_changes_the_state_and_the_history_records_it(saymon, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
        wait: true
        poll_interval: 0.2
    - netops.bridge.saymon_object_info:
        links: [%s]
        history: true
        since: -1h
      register: down
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
    - netops.bridge.saymon_object_info:
        links: [%s]
        history: true
        since: -1h
      register: up
''' % (LINK_L2, OP_L2_BRING_DOWN, LINK_L2, LINK_L2, OP_L2_BRING_UP, LINK_L2), '{"down": down, "up": up}'), env=saymon_env(saymon))
    assert run.rc == 0, run
    down, up = run.results['down']['links'][0], run.results['up']['links'][0]
    assert down['state_name'] == 'Critical' and [e['state_name'] for e in down['history']] == ['Critical']
    assert up['state_name'] == 'Normal' and [(e['prevStateId'], e['stateId']) for e in up['history']] == [
        (STATE_NORMAL, STATE_CRITICAL), (STATE_CRITICAL, STATE_NORMAL)]
    assert up['last_state_change'] == up['history'][-1]['timestamp']


def test_state_change_delay_makes_an_operation_change_the_state_later(saymon):
    saymon.patch_state({'state_change_delay': 0.5})
    body = b''
    urlopen(Request(saymon.url + '/node/api/links/%s/operations/%s/execute' % (LINK_L2, OP_L2_BRING_DOWN), data=body,
                    method='POST', headers={'Authorization': basic('admin', 'admin-pass')}), timeout=10).read()
    assert saymon_get(saymon, '/node/api/links/%s' % LINK_L2)[1]['state_id'] == STATE_NORMAL
    time.sleep(0.6)
    assert saymon_get(saymon, '/node/api/links/%s' % LINK_L2)[1]['state_id'] == STATE_CRITICAL


def test_emulator_only_entity_state_endpoint(saymon):
    first = set_state(saymon, 'object', OBJECT_O1, STATE_CRITICAL)
    assert first['changed'] is True and first['entry']['prevStateId'] == STATE_NORMAL
    assert set_state(saymon, 'object', OBJECT_O1, STATE_CRITICAL)['changed'] is False
    assert saymon.dump_state()['entity_states'][OBJECT_O1] == STATE_CRITICAL
    for spec, status in (({'kind': 'object', 'id': MISSING, 'state_id': 1}, 404), ({'kind': 'object', 'id': OBJECT_O1, 'state_id': 99}, 400),
                         ({'kind': 'router', 'id': OBJECT_O1, 'state_id': 1}, 400)):
        try:
            urlopen(Request(saymon.url + '/_emulator/entity-state', data=json.dumps(spec).encode(), method='POST'), timeout=10)
            raise AssertionError('accepted %s' % spec)
        except HTTPError as exc:
            assert exc.code == status


def test_state_history_log_filters_pages_and_respects_permissions(saymon):
    path = '/node/api/state-history-log?from=0&to=%d' % SEEDED_AT
    status, entries = saymon_get(saymon, path)
    assert status == 200 and len(entries) == 6
    assert [e['timestamp'] for e in entries] == sorted(e['timestamp'] for e in entries)
    assert [e['id'] for e in saymon_get(saymon, path + '&inverse=true')[1]] == [e['id'] for e in reversed(entries)]
    assert saymon_get(saymon, path + '&stateId=%d' % STATE_CRITICAL)[1] == [entries[4]]
    assert {e['entityId'] for e in saymon_get(saymon, path + '&classId=35')[1]} == {LINK_L1, LINK_L2}
    assert saymon_get(saymon, path + '&entityId=%s' % OBJECT_O2)[1] == [entries[1]]
    assert saymon_get(saymon, path + '&skip=2&limit=3')[1] == entries[2:5]
    assert saymon_get(saymon, path + '&tagId=core')[1] == []
    operator = saymon_get(saymon, path, 'operator', 'operator-pass')[1]
    assert {e['entityId'] for e in operator} == {LINK_L1, OBJECT_O1}
    status, body = saymon_get(saymon, path + '&limit=ten')
    assert status == 400 and body['code'] == 'BadRequest' and 'limit' in body['message']
    assert saymon_get(saymon, path, 'admin', 'wrong')[0] == 401


def test_entity_state_history_endpoints_window_and_errors(saymon):
    status, entries = saymon_get(saymon, '/node/api/objects/%s/state-history?from=0&to=%d' % (OBJECT_O1, SEEDED_AT))
    assert status == 200 and [e['entityId'] for e in entries] == [OBJECT_O1]
    assert saymon_get(saymon, '/node/api/links/%s/state-history?from=%d&to=%d' % (LINK_L1, SEEDED_AT - 3 * HOUR_MS, SEEDED_AT - 3 * HOUR_MS))[1] == [
        {'id': '62de902eb238aa0131bd1003', 'entityId': LINK_L1, 'entityType': 2, 'stateId': STATE_CRITICAL, 'prevStateId': STATE_NORMAL,
         'timestamp': SEEDED_AT - 3 * HOUR_MS}]
    status, body = saymon_get(saymon, '/node/api/links/%s/state-history' % MISSING)
    assert status == 404 and body == {'code': 'NotFound', 'message': 'Link with id %s does not exist.' % MISSING}
    assert saymon_get(saymon, '/node/api/links/%s/state-history' % LINK_L2, 'operator', 'operator-pass')[0] == 403
    status, states = saymon_get(saymon, '/node/api/states')
    assert status == 200 and [(s['id'], s['name']) for s in states] == [(1, 'Normal'), (2, 'Warning'), (3, 'Critical'), (4, 'No data')]


def test_names_read_from_saymon_are_data_never_templates(saymon, ansible, tmp_path):
    marker = tmp_path / 'templated'
    template = "{{ lookup('pipe', 'touch %s') }}" % marker
    saymon.state['objects'][OBJECT_O1]['name'] = template
    saymon.state['states'][0]['name'] = template
    run = ansible.playbook(play('''
    - netops.bridge.saymon_object_info:
        objects: [%s]
      register: info
    - ansible.builtin.debug:
        msg: "{{ info.objects[0].name }} is {{ info.objects[0].state_name }}"
      register: shown
''' % OBJECT_O1, '{"msg": shown.msg}'), env=saymon_env(saymon))
    assert run.rc == 0, run
    assert run.results['msg'] == '%s is %s' % (template, template)
    assert not marker.exists()
