# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""netops.bridge.enms_runs on a scripted eNMS: what it emits across polls and pages, after a failed poll and a late
commit, its back-off, its settings, and main(queue, args) cancelled (the end-to-end run is
tests/e2e/test_enms_runs_source.py, on the emulator and a real eNMS)."""

from __future__ import absolute_import, division, print_function

import asyncio

import pytest

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError

from .source_loader import ClosableClient, load_source

enms_runs = load_source('enms_runs')


def stamp(second, micro=0):
    return '2026-12-07 10:00:%02d.%06d' % (second, micro)


class ScriptedEnms(object):
    """The run table and results of an eNMS, and the faults to raise."""

    def __init__(self):
        self.runs = {}
        self.client = ClosableClient()
        self.fail_results = 0
        self.fail_searches = 0
        self.result_reads = []

    def add(self, name, runtime, status='Completed', service='backup', success=True):
        self.runs[name] = {'name': name, 'runtime': runtime, 'service_name': service, 'status': status, 'success': False,
                           'duration': '0:00:01', 'trigger': 'REST API', 'creator': 'admin', 'outcome': success}

    def finish(self, name, success=True):
        self.runs[name].update(status='Completed', outcome=success)

    def search_page(self, model, columns, criteria, start, size, descending=False):
        assert model == 'run' and descending and criteria == {}
        if self.fail_searches:
            self.fail_searches -= 1
            raise ApiError('eNMS', 'connection failed', method='POST', url='http://enms/rest/search')
        ordered = sorted(self.runs.values(), key=lambda run: run['runtime'], reverse=True)
        return [dict((key, run[key]) for key in columns) for run in ordered[start:start + size]]

    def search(self, model, columns, criteria, order):
        assert criteria == {'status': 'Running', 'status_filter': 'equality'} and order == 'runtime'
        return [dict((key, run[key]) for key in columns) for run in self.runs.values() if run['status'] == 'Running']

    def result(self, service, runtime):
        if self.fail_results:
            self.fail_results -= 1
            raise ApiError('eNMS', 'HTTP 500', method='GET', url='http://enms/rest/result', status=500)
        run = next(run for run in self.runs.values() if run['runtime'] == runtime and run['service_name'] == service)
        self.result_reads.append(run['name'])
        target = 'leaf-%s' % run['name']
        summary = {'success': [target] if run['outcome'] else [], 'failure': [] if run['outcome'] else [target], 'discard': []}
        return {'status': run['status'], 'result': {'success': run['outcome'], 'duration': '0:00:01', 'summary': summary}}


def names(events):
    return [event['enms_run']['name'] for event in events]


def test_runs_finished_before_the_first_poll_are_no_news_and_a_run_going_then_is():
    enms = ScriptedEnms()
    enms.add('old', stamp(1))
    enms.add('newest', stamp(5))
    enms.add('going', stamp(3), status='Running')
    watcher = enms_runs.RunWatcher(enms)
    assert watcher.poll() == []
    assert watcher.poll() == []
    enms.finish('going', success=False)
    enms.add('new', stamp(6))
    events = watcher.poll()
    assert names(events) == ['going', 'new']
    going = events[0]['enms_run']
    assert going['success'] is False and going['summary']['failure'] == ['leaf-going'] and going['devices'] == ['leaf-going']
    assert going['service'] == 'backup' and going['status'] == 'Completed' and 'service_name' not in going
    assert events[1]['enms_run']['success'] is True and set(events[1]) == set(['enms_run'])
    assert watcher.poll() == []


def test_each_run_once_across_pages_and_runs_of_the_same_microsecond(monkeypatch):
    monkeypatch.setattr(enms_runs, 'PAGE_SIZE', 2)
    enms = ScriptedEnms()
    enms.add('before', stamp(1))
    watcher = enms_runs.RunWatcher(enms)
    watcher.poll()
    for index in range(7):
        enms.add('same-%d' % index, stamp(2, 5))
    enms.add('later', stamp(3))
    assert sorted(names(watcher.poll())) == sorted(['same-%d' % index for index in range(7)] + ['later'])
    enms.add('last', stamp(4))
    assert names(watcher.poll()) == ['last']
    assert watcher.poll() == []


def test_a_failed_poll_loses_nothing_and_sends_nothing_twice():
    enms = ScriptedEnms()
    enms.add('before', stamp(1))
    watcher = enms_runs.RunWatcher(enms)
    watcher.poll()
    enms.add('a', stamp(2))
    enms.add('b', stamp(3))
    enms.fail_results = 1
    with pytest.raises(ApiError):
        watcher.poll()
    enms.fail_searches = 1
    with pytest.raises(ApiError):
        watcher.poll()
    assert names(watcher.poll()) == ['a', 'b']
    assert watcher.poll() == []


def test_a_run_committed_late_within_settle_is_caught_and_the_floor_moves_on():
    enms = ScriptedEnms()
    enms.add('before', stamp(1))
    watcher = enms_runs.RunWatcher(enms, settle=30)
    watcher.poll()
    enms.add('b', stamp(40))
    assert names(watcher.poll()) == ['b']
    enms.add('late', stamp(20))           # started before b, visible only now
    assert names(watcher.poll()) == ['late']
    assert watcher.floor == stamp(10)     # 30 s behind the newest run seen
    assert watcher.emitted == set(['b', 'late'])


def test_since_gives_the_runs_already_finished_from_that_runtime():
    enms = ScriptedEnms()
    enms.add('too-old', stamp(1))
    enms.add('kept', stamp(2))
    enms.add('going', stamp(3), status='Running')
    watcher = enms_runs.RunWatcher(enms, since=stamp(2))
    assert names(watcher.poll()) == ['kept']
    enms.finish('going')
    assert names(watcher.poll()) == ['going']


def test_settings_take_the_options_then_the_enms_variables():
    environ = {'ENMS_URL': 'https://enms.example.com', 'ENMS_USERNAME': 'env-user', 'ENMS_PASSWORD': 'env-pass',
               'ENMS_VALIDATE_CERTS': 'false', 'ENMS_REQUEST_TIMEOUT': ' '}
    settings = enms_runs.settings_from({'username': 'automation', 'interval': '5'}, environ)
    assert settings['url'] == 'https://enms.example.com' and settings['username'] == 'automation'
    assert settings['password'] == 'env-pass' and settings['validate_certs'] is False
    assert settings['interval'] == 5.0 and settings['request_timeout'] == 30.0


@pytest.mark.parametrize('args, words', [
    ({'url': 'http://e', 'username': 'u'}, 'missing password (the option or ENMS_PASSWORD)'),
    ({'url': 'http://e', 'username': 'u', 'password': 'p', 'intervall': 5}, 'intervall: not an option'),
    ({'url': 'http://e', 'username': 'u', 'password': 'p', 'interval': 0}, 'interval must be greater than 0'),
    ({'url': 'http://e', 'username': 'u', 'password': 'p', 'interval': 'often'}, "interval must be a number, got 'often'"),
    ({'url': 'http://e', 'username': 'u', 'password': 'p', 'since': '2026-12-07'}, 'since must be an eNMS runtime'),
    ({'url': 'http://e', 'username': 'u', 'password': 'p', 'validate_certs': 'maybe'}, 'validate_certs must be true or false'),
])
def test_settings_refuse_what_cannot_work_before_any_request(args, words):
    with pytest.raises(enms_runs.SettingsError) as caught:
        enms_runs.settings_from(args, {})
    assert words in str(caught.value)
    assert 'p' not in str(caught.value).split() and "'p'" not in str(caught.value)


def test_main_backs_off_on_errors_puts_events_on_the_queue_and_closes_when_cancelled(monkeypatch):
    enms = ScriptedEnms()
    enms.add('before', stamp(1))
    monkeypatch.setattr(enms_runs, 'build_api', lambda settings: enms)
    delays = []
    real_sleep = asyncio.sleep

    async def recorded_sleep(seconds):
        delays.append(seconds)
        if len(delays) == 2:
            enms.add('a', stamp(2))
            enms.fail_searches = 3
        await real_sleep(0)

    monkeypatch.setattr(enms_runs.asyncio, 'sleep', recorded_sleep)

    async def scenario():
        queue = asyncio.Queue()
        task = asyncio.create_task(enms_runs.main(queue, {'url': 'http://enms', 'username': 'u', 'password': 'p',
                                                          'interval': 10, 'max_backoff': 50}))
        event = await asyncio.wait_for(queue.get(), timeout=5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return event

    event = asyncio.run(scenario())
    assert event['enms_run']['name'] == 'a'
    # Two quiet polls, three failures (20, 40, then the ceiling of 50), then the poll that finds the run.
    assert delays[:5] == [10, 10, 20, 40, 50], delays
    assert enms.client.closed
