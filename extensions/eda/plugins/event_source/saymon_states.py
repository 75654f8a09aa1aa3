# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""netops.bridge.saymon_states: one event per state change of a SAYMON object or link, for ansible-rulebook."""

from __future__ import annotations

DOCUMENTATION = r'''
name: saymon_states
short_description: An event for each state change of a SAYMON object or link
version_added: 1.3.0
author:
  - netops.bridge maintainers (@netops)
description:
  - Polls SAYMON's state history log (C(GET /node/api/state-history-log), from the last change emitted to now, oldest
    first, page by page with C(skip) and C(limit)) every O(interval) seconds and puts one event on the queue for each
    state change of an object or link, once each, in the order SAYMON recorded them.
  - Without O(since), the changes recorded after the source's first poll; with it, also the changes from that time on.
  - Resumes from the newest change emitted, that millisecond included, and skips the changes of that millisecond it
    has emitted already (told apart by their C(id)): several changes in one millisecond, a change recorded at the
    millisecond of the last poll, and a log longer than a page are all emitted once. A poll that fails records
    nothing, so the next one reads the same changes again.
  - State names come from C(GET /node/api/states), read once; an entity's name from C(GET /node/api/objects/<id>) or
    C(GET /node/api/links/<id>), read once per entity (null when SAYMON refuses it with 403 or 404).
  - The connection takes the options and environment variables of the SAYMON modules, and the same HTTP client (its
    checks, retries of reads, redaction of secrets). A failed poll is logged with SAYMON's words and retried with
    back-off (O(interval) doubled after each failure, up to O(max_backoff)).
requirements:
  - requests >= 2.25 and ansible-core in the Python that runs ansible-rulebook.
options:
  url:
    description: Base URL of the SAYMON server (the API lives under C(/node/api)). Default from E(SAYMON_URL).
    type: str
    required: true
  username:
    description: SAYMON login (HTTP Basic), with O(password). Default from E(SAYMON_USERNAME).
    type: str
  password:
    description: Password of O(username), never logged. Default from E(SAYMON_PASSWORD).
    type: str
  session_id:
    description:
      - A SAYMON session ID (sent as C(Cookie sid=...)) used instead of O(username) and O(password), never logged.
        Default from E(SAYMON_SESSION_ID).
    type: str
  validate_certs:
    description: Verify the server's TLS certificate. Default from E(SAYMON_VALIDATE_CERTS), else true.
    type: bool
    default: true
  ca_path:
    description: A PEM file of CA certificates to verify the server with. Default from E(SAYMON_CA_PATH).
    type: path
  request_timeout:
    description: Seconds to wait for each HTTP request. Default from E(SAYMON_REQUEST_TIMEOUT), else 30.
    type: float
    default: 30
  interval:
    description: Seconds between two polls.
    type: float
    default: 10
  max_backoff:
    description: The longest wait between polls after failures, in seconds.
    type: float
    default: 300
  since:
    description:
      - Also the changes recorded before the source started, from this time on (inclusive) - milliseconds since the
        epoch, an ISO 8601 time such as V(2026-12-07T14:00:00Z), or a time relative to the start such as V(-15m),
        V(-2h), V(-7d). Without it, only the changes recorded after the first poll.
    type: str
  objects:
    description: Only the changes of these objects (IDs), sent as the log's C(entityId) filter with O(links).
    type: list
    elements: str
  links:
    description: Only the changes of these links (IDs), sent as the log's C(entityId) filter with O(objects).
    type: list
    elements: str
  states:
    description:
      - Only the changes to these states, by ID or by name (V(Critical)), sent as the log's C(stateId) filter. A name
        is looked up in C(GET /node/api/states); one that SAYMON does not list stops the source before any poll.
    type: list
    elements: str
'''

EXAMPLES = r'''
- name: A SAYMON link going Critical runs a remediation
  hosts: localhost
  sources:
    - netops.bridge.saymon_states:
        url: https://saymon.example.com
        username: automation
        password: "{{ saymon_password }}"
        states: [Critical]
        interval: 15
  rules:
    - name: A link went Critical
      condition: event.saymon_state.kind == "link" and event.saymon_state.state_name == "Critical"
      action:
        run_playbook:
          name: remediate_link.yml
'''

# Imports come after the documentation, and the collection's after the path bootstrap.
# pylint: disable=wrong-import-position
import asyncio
import os
import sys
import time
import types
from datetime import datetime, timezone


def _import_collection():
    """ansible-rulebook runs a source file by its path: its collection is importable only if the directory that holds
    ansible_collections is on sys.path, so that directory (found from this file) is put there when it is not."""
    try:
        import ansible_collections.netops.bridge.plugins.module_utils.saymon  # noqa: F401 pylint: disable=unused-import
    except ImportError:
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path.append(os.path.abspath(os.path.join(here, *(['..'] * 7))))


_import_collection()

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError  # noqa: E402
from ansible_collections.netops.bridge.plugins.module_utils.saymon import (  # noqa: E402
    SaymonApi, entity_display_name, history_state_id, saymon_auth, saymon_client, time_ms)
from ansible_collections.netops.bridge.plugins.plugin_utils._polling_source import (  # noqa: E402
    SettingsError, as_bool, merged_settings, poll_forever, require_numbers)

SOURCE = 'netops.bridge.saymon_states'
PAGE_SIZE = 100
# The log's entityType, as SAYMON's entity types number them.
ENTITY_KINDS = {'1': 'object', '2': 'link'}
PREVIOUS_STATE_KEYS = ('prevStateId', 'prev_state_id', 'previousStateId')
ENVIRONMENT = {'url': 'SAYMON_URL', 'username': 'SAYMON_USERNAME', 'password': 'SAYMON_PASSWORD', 'session_id': 'SAYMON_SESSION_ID',
               'validate_certs': 'SAYMON_VALIDATE_CERTS', 'ca_path': 'SAYMON_CA_PATH', 'request_timeout': 'SAYMON_REQUEST_TIMEOUT'}
DEFAULTS = {'validate_certs': True, 'request_timeout': 30.0, 'interval': 10.0, 'max_backoff': 300.0, 'since': None,
            'ca_path': None, 'username': None, 'password': None, 'session_id': None, 'objects': [], 'links': [], 'states': []}


def now_ms():
    return int(time.time() * 1000)


def settings_from(args, environ=None, clock=None):
    """The source's settings: its arguments, then the SAYMON modules' environment variables, then the defaults."""
    settings = merged_settings(SOURCE, args, environ, DEFAULTS, ENVIRONMENT)
    if not settings.get('url'):
        raise SettingsError('missing url (the option or SAYMON_URL)')
    if not settings.get('session_id') and not (settings.get('username') and settings.get('password')):
        raise SettingsError('SAYMON credentials are missing: set session_id, or username and password '
                            '(options or SAYMON_SESSION_ID, SAYMON_USERNAME, SAYMON_PASSWORD)')
    require_numbers(settings, ('request_timeout', 'interval', 'max_backoff'))
    settings['validate_certs'] = as_bool('validate_certs', settings['validate_certs'])
    for name in ('objects', 'links', 'states'):
        settings[name] = as_list(name, settings[name])
    if settings['since'] is not None:
        try:
            settings['since'] = time_ms(settings['since'], (clock or now_ms)())
        except ValueError as exc:
            raise SettingsError('since: %s' % exc)
    return settings


def as_list(name, value):
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, (str, int)) and str(item).strip() for item in value):
        raise SettingsError('%s must be a list of IDs%s, got %r' % (name, ' or names' if name == 'states' else '', value))
    return [str(item).strip() for item in value]


def iso_time(ms):
    moment = datetime.fromtimestamp(ms // 1000, timezone.utc)
    return '%s.%03dZ' % (moment.strftime('%Y-%m-%dT%H:%M:%S'), ms % 1000)


def entry_key(entry):
    """What tells one change from another: its ID, else (for a SAYMON that gives none) what it says."""
    if entry.get('id') is not None:
        return str(entry['id'])
    return '%s/%s/%s' % (entry.get('entityId'), history_state_id(entry), entry.get('timestamp'))


def entry_time(entry):
    try:
        return int(entry.get('timestamp'))
    except (TypeError, ValueError):
        return None


class StateWatcher(object):
    """What has been emitted of SAYMON's state changes, and the events of the changes recorded since.

    ``floor``: the time (ms) of the newest change emitted, where the next poll starts; ``emitted``: the keys of the
    changes at ``floor`` that were emitted (or were there at the first poll)."""

    def __init__(self, api, since=None, objects=(), links=(), states=(), clock=None):
        self.api = api
        self.clock = clock or now_ms
        self.floor = since
        self.started = since is not None
        self.emitted = set()
        self.entity_ids = list(objects) + list(links)
        self.wanted_states = list(states)
        self.state_names = None
        self.names = {}

    def poll(self):
        """The events of one poll (a list, oldest change first); nothing is recorded unless the poll succeeds whole."""
        filters = self.filters()
        if not self.started:
            self.baseline(filters)
            return []
        entries = self.since(self.floor, self.clock(), filters)
        events, floor, emitted = [], self.floor, set(self.emitted)
        for entry in entries:
            moment, key = entry_time(entry), entry_key(entry)
            if moment is None or moment < floor or (moment == floor and key in emitted):
                continue
            events.append(self.event(entry, moment))
            if moment > floor:
                floor, emitted = moment, set()
            emitted.add(key)
        self.floor, self.emitted = floor, emitted
        return events

    def baseline(self, filters):
        """The first poll without ``since``: the newest change recorded is the floor, and the changes at it are no news."""
        newest = self.api.state_history_log(0, self.clock(), 0, 1, filters, inverse=True)
        moment = entry_time(newest[0]) if newest else None
        if moment is None:
            self.floor, self.emitted = 0, set()
        else:
            self.floor = moment
            self.emitted = set(entry_key(entry) for entry in self.since(moment, moment, filters) if entry_time(entry) == moment)
        self.started = True

    def since(self, since_ms, until_ms, filters):
        """Every change from ``since_ms`` to ``until_ms``, oldest first, page after page until a short page."""
        found = []
        while True:
            page = self.api.state_history_log(since_ms, until_ms, len(found), PAGE_SIZE, filters)
            found.extend(page)
            if len(page) < PAGE_SIZE:
                # SAYMON gives the log oldest first; the sort (stable) only guards that order.
                return sorted(found, key=lambda entry: entry_time(entry) or 0)

    def filters(self):
        filters = {}
        if self.entity_ids:
            filters['entityId'] = self.entity_ids
        if self.wanted_states:
            filters['stateId'] = [self.state_id(state) for state in self.wanted_states]
        return filters

    def state_id(self, wanted):
        if wanted.isdigit():
            return wanted
        names = self.known_states()
        found = [state_id for state_id, name in names.items() if name == wanted]
        if not found:
            raise SettingsError('states: SAYMON has no state named %r (it has %s)' % (wanted, ', '.join(sorted(
                str(name) for name in names.values())) or 'no states list'))
        return found[0]

    def known_states(self):
        if self.state_names is None:
            self.state_names = self.api.states() or {}
        return self.state_names

    def entity_name(self, kind, entity_id):
        """The entity's name, read once; None when SAYMON will not show the entity (deleted, or not the user's)."""
        if kind is None or entity_id is None:
            return None
        if entity_id not in self.names:
            try:
                self.names[entity_id] = entity_display_name(kind, self.api.get_entity(kind, entity_id))
            except ApiError as exc:
                if exc.status not in (403, 404):
                    raise
                self.names[entity_id] = None
        return self.names[entity_id]

    def event(self, entry, moment):
        states = self.known_states()
        kind = ENTITY_KINDS.get(str(entry.get('entityType')))
        state_id = history_state_id(entry)
        previous = next((entry[key] for key in PREVIOUS_STATE_KEYS if entry.get(key) is not None), None)
        change = {
            'entry_id': entry.get('id'),
            'entity_id': entry.get('entityId'),
            'kind': kind,
            'name': self.entity_name(kind, entry.get('entityId')),
            'state_id': state_id,
            'state_name': None if state_id is None else states.get(str(state_id)),
            'previous_state_id': previous,
            'previous_state_name': None if previous is None else states.get(str(previous)),
            'time': moment,
            'time_iso': iso_time(moment),
        }
        # ansible-rulebook fills meta (source name and type, received time, uuid) itself.
        return {'saymon_state': change}


def build_api(settings):
    client = saymon_client(settings, saymon_auth(settings))
    # SaymonApi reads its client from a module; the source has none, only the client.
    return SaymonApi(types.SimpleNamespace(client=client))


async def main(queue, args):
    """ansible-rulebook's entry point: poll until cancelled."""
    settings = settings_from(args)
    api = build_api(settings)
    watcher = StateWatcher(api, since=settings['since'], objects=settings['objects'], links=settings['links'],
                           states=settings['states'])
    await poll_forever(SOURCE, queue, watcher.poll, settings, api.client)


if __name__ == '__main__':
    # Try it by hand: SAYMON_URL=... SAYMON_USERNAME=... SAYMON_PASSWORD=... python saymon_states.py
    class PrintQueue(object):
        async def put(self, event):
            print(event)

    asyncio.run(main(PrintQueue(), {'interval': 2}))
