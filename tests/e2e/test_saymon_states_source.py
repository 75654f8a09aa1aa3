# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The netops.bridge.saymon_states event source against the SAYMON emulator, loaded as ansible-rulebook loads it
(runpy.run_path of the file in an installed collection tree): its main(queue, args) gives one event per state change
recorded after it started (by SAYMON's monitoring, played with the emulator-only entity-state, or by an operation
that sets a state), once each, with the entity's and the states' names; with since, the changes already recorded."""

from __future__ import absolute_import, division, print_function

import asyncio
import runpy
import time

import pytest
import requests

from emulators.saymon import LINK_L1, LINK_L2, OBJECT_O1, OP_L2_BRING_DOWN, OP_L2_BRING_UP, SEEDED_AT, STATE_CRITICAL, STATE_NORMAL

SOURCE = ('ansible_collections', 'netops', 'bridge', 'extensions', 'eda', 'plugins', 'event_source', 'saymon_states.py')


def set_state(saymon, kind, entity_id, state_id):
    answer = requests.post('%s/_emulator/entity-state' % saymon.url, json={'kind': kind, 'id': entity_id, 'state_id': state_id}, timeout=10)
    assert answer.status_code == 200 and answer.json()['changed'], answer.text
    return answer.json()['entry']


def execute(saymon, link_id, operation_id):
    answer = requests.post('%s/node/api/links/%s/operations/%s/execute' % (saymon.url, link_id, operation_id),
                           auth=('admin', 'admin-pass'), timeout=10)
    assert answer.status_code == 200, answer.text


async def events_while(source, args, action, count, timeout=30):
    """Runs the source's main() while ``action`` (a function run in a thread) changes states; the first ``count``
    events and whatever came in the next two polls."""
    queue = asyncio.Queue()
    task = asyncio.create_task(source['main'](queue, args))
    try:
        await asyncio.sleep(args['interval'] * 2)   # the source's first poll, its baseline
        await asyncio.to_thread(action)
        events = []
        deadline = time.monotonic() + timeout
        while len(events) < count and time.monotonic() < deadline:
            try:
                events.append(await asyncio.wait_for(queue.get(), timeout=1))
            except asyncio.TimeoutError:
                pass
        await asyncio.sleep(args['interval'] * 2)
        while not queue.empty():
            events.append(queue.get_nowait())
        return events
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def test_one_event_per_state_change_after_the_start_once_each_with_names(saymon, collections_path):
    set_state(saymon, 'object', OBJECT_O1, STATE_CRITICAL)     # before the start: no news
    source = runpy.run_path(str(collections_path.joinpath(*SOURCE)))
    args = {'url': saymon.url, 'username': 'admin', 'password': 'admin-pass', 'interval': 0.3}
    entries = []

    def changes():
        entries.append(set_state(saymon, 'link', LINK_L1, STATE_CRITICAL))
        execute(saymon, LINK_L2, OP_L2_BRING_DOWN)
        time.sleep(0.5)             # past a poll: the next changes are read from where the last one stopped
        execute(saymon, LINK_L2, OP_L2_BRING_UP)
        entries.append(set_state(saymon, 'object', OBJECT_O1, STATE_NORMAL))

    events = asyncio.run(events_while(source, args, changes, count=4))
    changes_seen = [event['saymon_state'] for event in events]
    assert [(change['entity_id'], change['state_name']) for change in changes_seen] == [
        (LINK_L1, 'Critical'), (LINK_L2, 'Critical'), (LINK_L2, 'Normal'), (OBJECT_O1, 'Normal')], events
    assert all(set(event) == set(['saymon_state']) for event in events), events
    first, down, up, last = changes_seen
    assert first['entry_id'] == entries[0]['id'] and first['time'] == entries[0]['timestamp'], first
    assert first['kind'] == 'link' and first['name'] == 'core-router-1 -> core-router-2', first
    assert (first['previous_state_id'], first['previous_state_name']) == (STATE_NORMAL, 'Normal'), first
    assert down['name'] == 'core-router-2 -> core-router-1' and down['previous_state_name'] == 'Normal', down
    assert up['previous_state_name'] == 'Critical' and up['time'] >= down['time'], up
    assert last['kind'] == 'object' and last['name'] == 'core-router-1' and last['previous_state_name'] == 'Critical', last
    assert last['time_iso'].endswith('Z') and last['time_iso'][:4] == time.strftime('%Y', time.gmtime()), last
    # Names were read once per entity, the states once.
    assert saymon.count('get_link') == 2 and saymon.count('get_object') == 1 and saymon.count('get_states') == 1


def test_since_and_filters_give_the_changes_already_recorded_of_the_entities_and_states_asked(saymon, collections_path):
    source = runpy.run_path(str(collections_path.joinpath(*SOURCE)))
    args = {'url': saymon.url, 'username': 'admin', 'password': 'admin-pass', 'interval': 0.3,
            'since': str(SEEDED_AT - 25 * 3600 * 1000), 'links': [LINK_L1], 'states': ['Critical']}
    events = asyncio.run(events_while(source, args, lambda: set_state(saymon, 'link', LINK_L2, STATE_CRITICAL), count=1, timeout=5))
    assert [(event['saymon_state']['entity_id'], event['saymon_state']['time']) for event in events] == [
        (LINK_L1, SEEDED_AT - 3 * 3600 * 1000)], events
    asked = saymon.requests('state_history_log')[-1]['query']
    assert 'entityId=%s' % LINK_L1 in asked and 'stateId=%d' % STATE_CRITICAL in asked, asked


def test_a_failed_poll_is_retried_and_loses_nothing(saymon, collections_path):
    source = runpy.run_path(str(collections_path.joinpath(*SOURCE)))
    args = {'url': saymon.url, 'username': 'admin', 'password': 'admin-pass', 'interval': 0.3, 'max_backoff': 0.6}

    def change_while_saymon_fails():
        saymon.add_fault('status', status=500, route='state_history_log', times=4)
        set_state(saymon, 'link', LINK_L1, STATE_CRITICAL)

    events = asyncio.run(events_while(source, args, change_while_saymon_fails, count=1))
    assert [(event['saymon_state']['entity_id'], event['saymon_state']['state_id']) for event in events] == [(LINK_L1, STATE_CRITICAL)]
    assert len([request for request in saymon.requests('state_history_log') if request.get('fault')]) == 4
