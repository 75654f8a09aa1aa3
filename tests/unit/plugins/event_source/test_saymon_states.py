# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""netops.bridge.saymon_states on a scripted SAYMON: what it emits across polls and pages, for changes of one
millisecond, after a failed poll, with filters, its back-off, its settings, and main(queue, args) cancelled (the
end-to-end run is tests/e2e/test_saymon_states_source.py, on the emulator)."""

from __future__ import absolute_import, division, print_function

import asyncio

import pytest

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError

from .source_loader import ClosableClient, load_source

START = 1796637600000       # 2026-12-07T10:00:00Z
LINK = '62de902eb238aa0131bd3b02'
OBJECT = '5e9465cb00000000000000a1'


saymon_states = load_source('saymon_states')


class ScriptedSaymon(object):
    """The state history log, states and entities of a SAYMON, and the faults to raise."""

    def __init__(self):
        self.log = []
        self.client = ClosableClient()
        self.fail_log = 0
        self.fail_entities = {}
        self.log_requests = []
        self.entity_reads = []
        self.now = START

    def change(self, entity_id, state_id, previous, at, kind=2):
        self.log.append({'id': 'e%d' % len(self.log), 'entityId': entity_id, 'entityType': kind, 'stateId': state_id,
                         'prevStateId': previous, 'timestamp': at})
        return self.log[-1]['id']

    def state_history_log(self, since_ms, until_ms, skip, limit, filters=None, inverse=False):
        self.log_requests.append(dict(since=since_ms, until=until_ms, skip=skip, limit=limit, filters=filters, inverse=inverse))
        if self.fail_log:
            self.fail_log -= 1
            raise ApiError('SAYMON', None, method='GET', url='http://saymon/node/api/state-history-log', status=503)
        filters = filters or {}
        found = [entry for entry in self.log if since_ms <= entry['timestamp'] <= until_ms
                 and (not filters.get('entityId') or entry['entityId'] in filters['entityId'])
                 and (not filters.get('stateId') or str(entry['stateId']) in filters['stateId'])]
        found = sorted(found, key=lambda entry: entry['timestamp'], reverse=inverse)
        return found[skip:skip + limit]

    def states(self):
        return {'1': 'Normal', '3': 'Critical'}

    def get_entity(self, kind, entity_id):
        self.entity_reads.append(entity_id)
        if entity_id in self.fail_entities:
            raise ApiError('SAYMON', None, method='GET', url='http://saymon/node/api/%ss/%s' % (kind, entity_id),
                           status=self.fail_entities[entity_id])
        if kind == 'link':
            return {'id': entity_id, 'source_name': 'core-router-2', 'target_name': 'core-router-1'}
        return {'id': entity_id, 'name': 'core-router-1'}


def watcher_for(saymon, **kwargs):
    return saymon_states.StateWatcher(saymon, clock=lambda: saymon.now, **kwargs)


def ids(events):
    return [event['saymon_state']['entry_id'] for event in events]


def test_changes_before_the_first_poll_are_no_news_and_each_later_one_is_one_event():
    saymon = ScriptedSaymon()
    saymon.change(LINK, 3, 1, START - 5000)
    saymon.change(LINK, 1, 3, START - 1000)
    watcher = watcher_for(saymon)
    assert watcher.poll() == []
    assert watcher.poll() == []
    saymon.now = START + 2000
    critical = saymon.change(LINK, 3, 1, START + 1500)
    events = watcher.poll()
    assert ids(events) == [critical]
    assert events[0] == {'saymon_state': {
        'entry_id': critical, 'entity_id': LINK, 'kind': 'link', 'name': 'core-router-2 -> core-router-1',
        'state_id': 3, 'state_name': 'Critical', 'previous_state_id': 1, 'previous_state_name': 'Normal',
        'time': START + 1500, 'time_iso': '2026-12-07T10:00:01.500Z'}}
    assert watcher.poll() == []
    # The log is read from the last change emitted to now, as SAYMON's from/to take them (ms).
    assert saymon.log_requests[-1]['since'] == START + 1500 and saymon.log_requests[-1]['until'] == START + 2000


def test_changes_of_one_millisecond_are_each_emitted_once_even_when_recorded_after_a_poll():
    saymon = ScriptedSaymon()
    saymon.change(OBJECT, 1, None, START - 1000, kind=1)
    watcher = watcher_for(saymon)
    watcher.poll()
    saymon.now = START + 10
    first = saymon.change(LINK, 3, 1, START + 5)
    second = saymon.change(OBJECT, 3, 1, START + 5, kind=1)
    assert ids(watcher.poll()) == [first, second]
    late = saymon.change(LINK, 1, 3, START + 5)       # the same millisecond, recorded after that poll
    assert ids(watcher.poll()) == [late]
    assert watcher.poll() == []


def test_the_first_poll_takes_every_change_of_the_newest_millisecond_as_seen():
    saymon = ScriptedSaymon()
    saymon.change(LINK, 3, 1, START - 1000)
    saymon.change(OBJECT, 3, 1, START - 1000, kind=1)
    watcher = watcher_for(saymon)
    watcher.poll()
    assert watcher.poll() == []
    later = saymon.change(OBJECT, 1, 3, START - 1000, kind=1)
    assert ids(watcher.poll()) == [later]


def test_a_log_longer_than_a_page_is_read_page_by_page_with_no_gap_and_no_duplicate(monkeypatch):
    monkeypatch.setattr(saymon_states, 'PAGE_SIZE', 3)
    saymon = ScriptedSaymon()
    saymon.change(LINK, 1, None, START - 1000)
    watcher = watcher_for(saymon)
    watcher.poll()
    saymon.now = START + 100
    expected = [saymon.change(LINK, 3 if index % 2 == 0 else 1, 1 if index % 2 == 0 else 3, START + index // 3) for index in range(10)]
    assert ids(watcher.poll()) == expected
    skips = [request['skip'] for request in saymon.log_requests[-4:]]
    assert skips == [0, 3, 6, 9], saymon.log_requests
    assert watcher.poll() == []


def test_a_page_exactly_full_is_followed_by_one_more_read(monkeypatch):
    monkeypatch.setattr(saymon_states, 'PAGE_SIZE', 2)
    saymon = ScriptedSaymon()
    watcher = watcher_for(saymon, since=START)
    expected = [saymon.change(LINK, 3, 1, START + 1), saymon.change(LINK, 1, 3, START + 2)]
    saymon.now = START + 10
    assert ids(watcher.poll()) == expected
    assert [request['skip'] for request in saymon.log_requests] == [0, 2]


def test_a_failed_poll_records_nothing_and_the_next_one_loses_nothing():
    saymon = ScriptedSaymon()
    watcher = watcher_for(saymon)
    watcher.poll()
    saymon.now = START + 100
    first = saymon.change(LINK, 3, 1, START + 10)
    saymon.fail_log = 1
    with pytest.raises(ApiError):
        watcher.poll()
    saymon.fail_entities[OBJECT] = 500      # the name of a new entity cannot be read: the whole poll fails
    second = saymon.change(OBJECT, 3, 1, START + 20, kind=1)
    with pytest.raises(ApiError):
        watcher.poll()
    del saymon.fail_entities[OBJECT]
    assert ids(watcher.poll()) == [first, second]
    assert watcher.poll() == []


def test_an_entity_saymon_will_not_show_has_no_name_and_is_read_once():
    saymon = ScriptedSaymon()
    saymon.fail_entities[OBJECT] = 404
    watcher = watcher_for(saymon, since=START)
    saymon.change(OBJECT, 3, 1, START + 1, kind=1)
    saymon.change(OBJECT, 1, 3, START + 2, kind=1)
    saymon.now = START + 10
    events = watcher.poll()
    assert [event['saymon_state']['name'] for event in events] == [None, None]
    assert saymon.entity_reads == [OBJECT]


def test_since_gives_the_changes_from_that_time_and_filters_go_to_the_log():
    saymon = ScriptedSaymon()
    saymon.change(LINK, 3, 1, START - 2000)
    kept = saymon.change(LINK, 1, 3, START - 1000)
    saymon.change(OBJECT, 3, 1, START - 1000, kind=1)
    critical = saymon.change(LINK, 3, 1, START - 500)
    watcher = watcher_for(saymon, since=START - 1000, links=[LINK])
    assert ids(watcher.poll()) == [kept, critical]
    watcher = watcher_for(saymon, since=START - 1000, links=[LINK], states=['Critical'])
    assert ids(watcher.poll()) == [critical]
    assert saymon.log_requests[-1]['filters'] == {'entityId': [LINK], 'stateId': ['3']}


def test_a_state_name_saymon_does_not_list_stops_the_source_before_the_log_is_read():
    saymon = ScriptedSaymon()
    watcher = watcher_for(saymon, states=['Criticall'])
    with pytest.raises(saymon_states.SettingsError) as caught:
        watcher.poll()
    assert "no state named 'Criticall'" in str(caught.value) and 'Critical, Normal' in str(caught.value)
    assert saymon.log_requests == []


def test_settings_take_the_options_then_the_saymon_variables():
    environ = {'SAYMON_URL': 'https://saymon.example.com', 'SAYMON_USERNAME': 'env-user', 'SAYMON_PASSWORD': 'env-pass',
               'SAYMON_VALIDATE_CERTS': 'false', 'SAYMON_REQUEST_TIMEOUT': ' '}
    settings = saymon_states.settings_from({'username': 'automation', 'interval': '5', 'since': '-15m', 'links': LINK},
                                           environ, clock=lambda: START)
    assert settings['url'] == 'https://saymon.example.com' and settings['username'] == 'automation'
    assert settings['password'] == 'env-pass' and settings['validate_certs'] is False
    assert settings['interval'] == 5.0 and settings['request_timeout'] == 30.0
    assert settings['since'] == START - 15 * 60 * 1000 and settings['links'] == [LINK]
    assert saymon_states.settings_from({'since': '2026-12-07T10:00:00Z'}, environ)['since'] == START
    only_session = saymon_states.settings_from({'url': 'http://s', 'session_id': 'sid-1'}, {})
    assert only_session['session_id'] == 'sid-1'


@pytest.mark.parametrize('args, words', [
    ({'url': 'http://s', 'username': 'u'}, 'SAYMON credentials are missing'),
    ({'username': 'u', 'password': 'p'}, 'missing url (the option or SAYMON_URL)'),
    ({'url': 'http://s', 'username': 'u', 'password': 'p', 'intervall': 5}, 'intervall: not an option'),
    ({'url': 'http://s', 'username': 'u', 'password': 'p', 'interval': 0}, 'interval must be greater than 0'),
    ({'url': 'http://s', 'username': 'u', 'password': 'p', 'max_backoff': 'long'}, "max_backoff must be a number, got 'long'"),
    ({'url': 'http://s', 'username': 'u', 'password': 'p', 'since': 'yesterday'}, "since: 'yesterday' is not a time"),
    ({'url': 'http://s', 'username': 'u', 'password': 'p', 'validate_certs': 'maybe'}, 'validate_certs must be true or false'),
    ({'url': 'http://s', 'username': 'u', 'password': 'p', 'links': [{'id': 1}]}, 'links must be a list of IDs'),
])
def test_settings_refuse_what_cannot_work_before_any_request(args, words):
    with pytest.raises(saymon_states.SettingsError) as caught:
        saymon_states.settings_from(args, {})
    assert words in str(caught.value)
    assert 'p' not in str(caught.value).split() and "'p'" not in str(caught.value)


def test_the_client_authenticates_as_the_modules_do_and_knows_the_secrets():
    api = saymon_states.build_api(saymon_states.settings_from({'url': 'http://s', 'session_id': 'sid-secret'}, {}))
    assert type(api.client.auth).__name__ == 'CookieSessionAuth' and 'sid-secret' in api.client.secrets()
    api = saymon_states.build_api(saymon_states.settings_from({'url': 'http://s', 'username': 'u', 'password': 'pw-secret'}, {}))
    assert type(api.client.auth).__name__ == 'BasicAuth' and 'pw-secret' in api.client.secrets()
    api.client.close()


def test_main_backs_off_on_errors_puts_events_on_the_queue_and_closes_when_cancelled(monkeypatch):
    saymon = ScriptedSaymon()
    monkeypatch.setattr(saymon_states, 'build_api', lambda settings: saymon)
    monkeypatch.setattr(saymon_states, 'now_ms', lambda: saymon.now)
    delays = []
    real_sleep = asyncio.sleep
    critical = []

    async def recorded_sleep(seconds):
        delays.append(seconds)
        if len(delays) == 2:
            saymon.now = START + 100
            critical.append(saymon.change(LINK, 3, 1, START + 50))
            saymon.fail_log = 3
        await real_sleep(0)

    monkeypatch.setattr(saymon_states.asyncio, 'sleep', recorded_sleep)

    async def scenario():
        queue = asyncio.Queue()
        task = asyncio.create_task(saymon_states.main(queue, {'url': 'http://saymon', 'username': 'u', 'password': 'p',
                                                              'interval': 10, 'max_backoff': 50}))
        event = await asyncio.wait_for(queue.get(), timeout=5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return event

    event = asyncio.run(scenario())
    assert event['saymon_state']['entry_id'] == critical[0] and set(event) == set(['saymon_state'])
    # Two quiet polls, three failures (20, 40, then the ceiling of 50), then the poll that finds the change.
    assert delays[:5] == [10, 10, 20, 40, 50], delays
    assert saymon.client.closed
