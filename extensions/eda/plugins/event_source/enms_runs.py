# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

import asyncio
import os
import sys
from datetime import datetime, timedelta


def _import_collection():
    """ansible-rulebook runs a source file by its path: its collection is importable only if the directory that holds
    ansible_collections is on sys.path, so that directory (found from this file) is put there when it is not."""
    try:
        import ansible_collections.netops.bridge.plugins.module_utils.enms  # noqa: F401 pylint: disable=unused-import
    except ImportError:
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path.append(os.path.abspath(os.path.join(here, *(['..'] * 7))))


_import_collection()

from ansible_collections.netops.bridge.plugins.module_utils._auth import BasicAuth  # noqa: E402 pylint: disable=wrong-import-position
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient  # noqa: E402 pylint: disable=wrong-import-position
from ansible_collections.netops.bridge.plugins.module_utils.enms import PLATFORM, EnmsApi, run_outcome  # noqa: E402 pylint: disable=wrong-import-position
from ansible_collections.netops.bridge.plugins.plugin_utils._polling_source import (  # noqa: E402 pylint: disable=wrong-import-position
    SettingsError, as_bool, merged_settings, poll_forever, require_numbers)


DOCUMENTATION = r'''
name: enms_runs
short_description: An event for each eNMS run (service or workflow) that finishes
version_added: 1.3.0
author:
  - netops.bridge maintainers (@netops)
description:
  - Polls eNMS's runs (C(POST /rest/search) of type C(run), newest first) every O(interval) seconds and puts one
    event on the queue for each run that finished since the source started (or since O(since)), once each, in the
    order eNMS started them. A run still going is watched until it ends, however long it takes.
  - Each finished run's outcome is read with C(GET /rest/result/<service>/<runtime>), as
    M(netops.bridge.enms_service_run) reads it, before its event is put on the queue - eNMS 4.6 leaves the run
    table's C(success) column false whatever the outcome, so the event's C(success) and C(summary) come from there.
  - The connection takes the options and environment variables of the eNMS modules, and the same HTTP client (its
    checks, retries of reads, redaction of secrets). A failed poll is logged with eNMS's words and retried with
    back-off (O(interval) doubled after each failure, up to O(max_backoff)); no run is lost or sent twice by it.
  - Runs are told apart by their unique C(name); a run that a later poll shows with an earlier runtime than the
    last seen (eNMS wrote it late) is still caught, within O(settle) seconds.
requirements:
  - requests >= 2.25 and ansible-core in the Python that runs ansible-rulebook.
options:
  url:
    description: Base URL of the eNMS server (the API lives under C(/rest)). Default from E(ENMS_URL).
    type: str
    required: true
  username:
    description: eNMS user (HTTP Basic). Default from E(ENMS_USERNAME).
    type: str
    required: true
  password:
    description: Password of O(username), never logged. Default from E(ENMS_PASSWORD).
    type: str
    required: true
  validate_certs:
    description: Verify the server's TLS certificate. Default from E(ENMS_VALIDATE_CERTS), else true.
    type: bool
    default: true
  ca_path:
    description: A PEM file of CA certificates to verify the server with. Default from E(ENMS_CA_PATH).
    type: path
  request_timeout:
    description: Seconds to wait for each HTTP request. Default from E(ENMS_REQUEST_TIMEOUT), else 30.
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
      - Also the runs that finished before the source started, from this eNMS runtime on (for example
        V(2026-12-07 10:00:00.000000), eNMS's own format and clock). Without it, only the runs that finish after
        the first poll.
    type: str
  settle:
    description: Seconds of runtimes looked at again behind the newest run seen, for a run eNMS commits late.
    type: float
    default: 60
'''

EXAMPLES = r'''
- name: A failed eNMS run opens a follow-up
  hosts: localhost
  sources:
    - netops.bridge.enms_runs:
        url: https://enms.example.com
        username: automation
        password: "{{ enms_password }}"
        interval: 15
  rules:
    - name: A run failed
      condition: event.enms_run.success == false
      action:
        run_playbook:
          name: follow_up.yml
'''

SOURCE = 'netops.bridge.enms_runs'
RUNNING = 'Running'
COLUMNS = ['runtime', 'name', 'service_name', 'status', 'success', 'duration', 'trigger', 'creator']
PAGE_SIZE = 100
RUNTIME_FORMAT = '%Y-%m-%d %H:%M:%S.%f'
ENVIRONMENT = {'url': 'ENMS_URL', 'username': 'ENMS_USERNAME', 'password': 'ENMS_PASSWORD',
               'validate_certs': 'ENMS_VALIDATE_CERTS', 'ca_path': 'ENMS_CA_PATH', 'request_timeout': 'ENMS_REQUEST_TIMEOUT'}
DEFAULTS = {'validate_certs': True, 'request_timeout': 30.0, 'interval': 10.0, 'max_backoff': 300.0, 'settle': 60.0,
            'since': None, 'ca_path': None}


def settings_from(args, environ=None):
    """The source's settings: its arguments, then the eNMS modules' environment variables, then the defaults."""
    settings = merged_settings(SOURCE, args, environ, DEFAULTS, ENVIRONMENT)
    missing = [name for name in ('url', 'username', 'password') if not settings.get(name)]
    if missing:
        raise SettingsError('missing %s (the option or %s)' % (', '.join(missing), ', '.join(ENVIRONMENT[name] for name in missing)))
    require_numbers(settings, ('request_timeout', 'interval', 'max_backoff', 'settle'), at_least_zero=('settle',))
    settings['validate_certs'] = as_bool('validate_certs', settings['validate_certs'])
    if settings['since'] is not None:
        parse_runtime(settings['since'], 'since')
    return settings


def parse_runtime(text, what='runtime'):
    try:
        return datetime.strptime(text, RUNTIME_FORMAT)
    except (TypeError, ValueError):
        raise SettingsError('%s must be an eNMS runtime such as 2026-12-07 10:00:00.000000, got %r' % (what, text))


def settled_floor(newest, settle):
    """The runtime ``settle`` seconds before ``newest``, in eNMS's format (which sorts as it reads)."""
    return (parse_runtime(newest) - timedelta(seconds=settle)).strftime(RUNTIME_FORMAT)


class RunWatcher(object):
    """What has been seen of eNMS's runs, and the events of the runs that finished since.

    ``floor``: runs that started before it and are not being watched are settled; ``emitted`` holds the names of the
    runs at or above it that were emitted (or finished before the source started); ``running`` the runs seen going."""

    def __init__(self, api, since=None, settle=60.0):
        self.api = api
        self.settle = settle
        self.floor = since
        self.started = since is not None
        self.emitted = set()
        self.running = {}

    def poll(self):
        """The events of one poll (a list, oldest run first); nothing is recorded unless the poll succeeds whole."""
        if not self.started:
            self.baseline()
            return []
        floor = min([self.floor] + sorted(self.running.values()))
        records = self.since(floor)
        events, emitted, running = [], set(self.emitted), dict(self.running)
        for record in sorted(records, key=lambda found: (found['runtime'], found['name'])):
            name = record['name']
            if record.get('status') == RUNNING:
                running[name] = record['runtime']
                continue
            if name in emitted or (record['runtime'] < self.floor and name not in running):
                continue
            events.append(self.event(record))
            emitted.add(name)
            running.pop(name, None)
        self.emitted, self.running = emitted, running
        self.advance(records)
        return events

    def baseline(self):
        """The first poll: the newest runtime is the floor; the runs finished at it are not news, the runs going are."""
        newest = self.api.search_page('run', COLUMNS, {}, 0, 1, descending=True)
        self.floor = newest[0]['runtime'] if newest else ''
        for record in self.since(self.floor) if newest else []:
            if record.get('status') != RUNNING:
                self.emitted.add(record['name'])
        for record in self.api.search('run', COLUMNS, {'status': RUNNING, 'status_filter': 'equality'}, order='runtime'):
            self.running[record['name']] = record['runtime']
        self.started = True

    def since(self, floor):
        """Every run whose runtime is ``floor`` or later, newest first, page after page."""
        found, start = [], 0
        while True:
            page = self.api.search_page('run', COLUMNS, {}, start, PAGE_SIZE, descending=True)
            found.extend(record for record in page if record.get('runtime', '') >= floor)
            if len(page) < PAGE_SIZE or (page and page[-1].get('runtime', '') < floor):
                return found
            start += len(page)

    def advance(self, records):
        """Move the floor up to ``settle`` seconds behind the newest run, and forget what is below it."""
        if not records:
            return
        newest = max(record['runtime'] for record in records)
        floor = settled_floor(newest, self.settle)
        if floor > self.floor:
            self.floor = floor
            self.emitted = set(name for name in self.emitted if any(
                record['name'] == name and record['runtime'] >= floor for record in records))

    def event(self, record):
        run = dict((key, record.get(key)) for key in COLUMNS if key != 'success')
        run['service'] = run.pop('service_name')
        answer = self.api.result(record['service_name'], record['runtime'])
        outcome = run_outcome(answer) if answer else {'success': None, 'summary': {'success': [], 'failure': [], 'discard': []}}
        run.update(success=outcome['success'], summary=outcome['summary'],
                   devices=sorted(set(name for names in outcome['summary'].values() for name in names)))
        # ansible-rulebook fills meta (source name and type, received time, uuid) itself.
        return {'enms_run': run}


def build_api(settings):
    client = ApiClient(PLATFORM, settings['url'], BasicAuth(settings['username'], settings['password']),
                       validate_certs=settings['validate_certs'], ca_path=settings['ca_path'], timeout=settings['request_timeout'])
    return EnmsApi(client=client)


async def main(queue, args):
    """ansible-rulebook's entry point: poll until cancelled."""
    settings = settings_from(args)
    api = build_api(settings)
    watcher = RunWatcher(api, since=settings['since'], settle=settings['settle'])
    await poll_forever(SOURCE, queue, watcher.poll, settings, api.client)


if __name__ == '__main__':
    # Try it by hand: ENMS_URL=... ENMS_USERNAME=... ENMS_PASSWORD=... python enms_runs.py
    class PrintQueue(object):
        async def put(self, event):
            print(event)

    asyncio.run(main(PrintQueue(), {'interval': 2}))
