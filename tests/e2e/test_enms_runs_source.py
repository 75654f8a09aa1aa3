# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The netops.bridge.enms_runs event source against an eNMS server (the emulator, or a real eNMS 4.6 with
``bash scripts/test.sh real-enms``): loaded as ansible-rulebook loads it (runpy.run_path of the file in an installed
collection tree), its main(queue, args) gives one event per run that finished after it started, once each, with the
run's outcome read from its result (eNMS 4.6 leaves the run table's success false); a run already finished when it
started is no news."""

from __future__ import absolute_import, division, print_function

import asyncio
import runpy
import time

import pytest
import requests

from enms_servers import server

SOURCE = ('ansible_collections', 'netops', 'bridge', 'extensions', 'eda', 'plugins', 'event_source', 'enms_runs.py')


@pytest.fixture(scope='module')
def enms_server():
    with server() as found:
        found.device = found.prefix + 'runs-device'
        found.add_device(found.device, '192.0.2.20')
        found.quick = found.prefix + 'runs-quick'
        found.add_service(found.quick, found.quick, seconds=0)
        found.failing = found.prefix + 'runs-failing'
        found.add_service(found.failing, found.failing, seconds=1, succeeds=False)
        yield found


def start_run(enms_server, name):
    answer = requests.post('%s/rest/run_service' % enms_server.url, auth=(enms_server.username, enms_server.password), timeout=30,
                           json={'name': name, 'devices': [enms_server.device], 'async': True})
    answer.raise_for_status()
    assert 'runtime' in answer.json(), answer.text
    return answer.json()['runtime']


def wait_finished(enms_server, name, runtime):
    deadline = time.time() + 120
    while time.time() < deadline:
        answer = requests.get('%s/rest/result/%s/%s' % (enms_server.url, name, runtime), timeout=30,
                              auth=(enms_server.username, enms_server.password)).json()
        if answer.get('status') not in (None, 'Running') and 'error' not in answer:
            return
        time.sleep(0.5)
    raise AssertionError('the run %s of %s never ended' % (runtime, name))


async def events_while(source, args, action, count, timeout=120):
    """Runs the source's main() while ``action`` (a function run in a thread) starts runs; the first ``count`` events
    and whatever came in the next two polls."""
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


def test_one_event_per_finished_run_once_each_with_its_targets(enms_server, collections_path):
    before = start_run(enms_server, enms_server.quick)
    wait_finished(enms_server, enms_server.quick, before)
    source = runpy.run_path(str(collections_path.joinpath(*SOURCE)))
    args = {'url': enms_server.url, 'username': enms_server.username, 'password': enms_server.password, 'interval': 0.5}
    started = []

    def two_runs():
        started.append((enms_server.quick, start_run(enms_server, enms_server.quick)))
        started.append((enms_server.failing, start_run(enms_server, enms_server.failing)))
        for name, runtime in started:
            wait_finished(enms_server, name, runtime)

    events = asyncio.run(events_while(source, args, two_runs, count=2))
    runs = [event['enms_run'] for event in events]
    assert sorted((run['service'], run['runtime']) for run in runs) == sorted(started), events
    by_service = dict((run['service'], run) for run in runs)
    assert by_service[enms_server.quick]['success'] is True and by_service[enms_server.failing]['success'] is False, runs
    assert by_service[enms_server.quick]['summary']['success'] == [enms_server.device], runs
    assert by_service[enms_server.failing]['summary']['failure'] == [enms_server.device], runs
    for run in runs:
        assert run['status'] == 'Completed' and run['devices'] == [enms_server.device], run
        assert run['name'] and run['creator'] == enms_server.username, run
    assert all(set(event) == set(['enms_run']) for event in events), events


def test_since_gives_the_runs_that_finished_before_the_source_started(enms_server, collections_path):
    runtime = start_run(enms_server, enms_server.quick)
    wait_finished(enms_server, enms_server.quick, runtime)
    source = runpy.run_path(str(collections_path.joinpath(*SOURCE)))
    args = {'url': enms_server.url, 'username': enms_server.username, 'password': enms_server.password, 'interval': 0.5,
            'since': runtime}
    events = asyncio.run(events_while(source, args, lambda: None, count=1, timeout=10))
    assert [(event['enms_run']['service'], event['enms_run']['runtime']) for event in events] == [(enms_server.quick, runtime)], events
    assert events[0]['enms_run']['success'] is True, events
