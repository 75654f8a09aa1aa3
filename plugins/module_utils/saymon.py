# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAYMON REST API access for the netops.bridge saymon_* modules.

Paths, auth and response shapes follow the SAYMON REST API documentation (/node/api/...): JSON
string literals for session and job IDs, ``Cookie: sid=<id>`` for sessions, and error bodies
``{"code", "message"}`` whose 401 ``message`` is itself a JSON-encoded object.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import json
import re
import time

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils._auth import BasicAuth, CookieSessionAuth, NoAuth
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient, path_segment, snippet
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils._module import PlatformModule, non_empty_env_fallback
from ansible_collections.netops.bridge.plugins.module_utils._wait import wait_argument_spec as generic_wait_argument_spec, wait_as_asked

PLATFORM = 'SAYMON'
ENTITY_KINDS = {'link': 'links', 'object': 'objects'}
# The state of an entity as SAYMON's history entries and entities spell it (UNCONFIRMED beyond state_id; both are read).
HISTORY_STATE_KEYS = ('stateId', 'state_id')
RELATIVE_UNITS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}
RELATIVE_TIME = re.compile(r'^-(\d+)([smhdw])$')
ISO_TIME = re.compile(r'^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$')
# Longer than eNMS's: SAYMON's docs leave open whether a job is readable before its script has finished.
DEFAULT_NOT_FOUND_TIMEOUT = 30


def saymon_argument_spec():
    return dict(
        url=dict(type='str', required=True, fallback=(non_empty_env_fallback, ['SAYMON_URL'])),
        username=dict(type='str', fallback=(non_empty_env_fallback, ['SAYMON_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(non_empty_env_fallback, ['SAYMON_PASSWORD'])),
        session_id=dict(type='str', no_log=True, fallback=(non_empty_env_fallback, ['SAYMON_SESSION_ID'])),
        validate_certs=dict(type='bool', default=True, fallback=(non_empty_env_fallback, ['SAYMON_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(non_empty_env_fallback, ['SAYMON_CA_PATH'])),
        request_timeout=dict(type='float', default=30.0, fallback=(non_empty_env_fallback, ['SAYMON_REQUEST_TIMEOUT'])),
    )


def saymon_error_detail(response):
    """SAYMON's own words: ``<code>: <message>``, unwrapping the JSON-in-a-string 401 message."""
    try:
        body = json.loads(response.text)
    except ValueError:
        return snippet(response.text) or None
    if not isinstance(body, dict):
        return snippet(response.text) or None
    message = body.get('message')
    if isinstance(message, str):
        try:
            inner = json.loads(message)
        except ValueError:
            inner = None
        if isinstance(inner, dict) and inner.get('message'):
            message = inner['message']
    parts = [to_text(p) for p in (body.get('code'), message) if p]
    return ': '.join(parts) or snippet(response.text)


def job_finished(job):
    """SAYMON jobs have no status field: a script job is done once ``description.exitCode`` is
    present; an MQTT job (``topic``/``message``) is done at once."""
    if not isinstance(job, dict):
        return False
    description = job.get('description') or {}
    if not isinstance(description, dict):
        return False
    return 'exitCode' in description or 'topic' in description


class SaymonModule(PlatformModule):
    platform = PLATFORM
    api_prefixes = ('/node/api',)
    credential_options = 'username and password, or session_id'

    def __init__(self, argument_spec, auth_required=True, **kwargs):
        super(SaymonModule, self).__init__(argument_spec, **kwargs)
        self.api = SaymonApi(self)
        if auth_required and not self.params.get('session_id') and not (self.params.get('username') and self.params.get('password')):
            self.ansible.fail_json(msg='SAYMON credentials are missing: set session_id, or username and password '
                                       '(options or SAYMON_SESSION_ID, SAYMON_USERNAME, SAYMON_PASSWORD).')
        self.placeholder_given('session_id')

    @classmethod
    def connection_argument_spec(cls):
        return saymon_argument_spec()

    @property
    def session_placeholder(self):
        """Check mode, given the check-mode session of saymon_session: use the login if there is one, else read nothing."""
        return self.placeholder_given('session_id')

    @property
    def can_read(self):
        return not self.session_placeholder or bool(self.params.get('username') and self.params.get('password'))

    def default_auth(self):
        """Session cookie when a session ID is given, HTTP Basic otherwise."""
        return saymon_auth(self.params, session_usable=not self.session_placeholder)

    def build_client(self):
        return saymon_client(self.params, self.default_auth())


def saymon_auth(params, session_usable=True):
    """How a request proves who it is: the session cookie when a (usable) session ID is given, HTTP Basic otherwise."""
    if params.get('session_id') and session_usable:
        return CookieSessionAuth('sid', params['session_id'])
    if params.get('username') and params.get('password'):
        return BasicAuth(params['username'], params['password'])
    return NoAuth()


def saymon_client(params, auth):
    """The SAYMON client for the connection options in ``params`` (a module's, or an event source's settings)."""
    client = ApiClient(PLATFORM, params['url'], auth, validate_certs=params['validate_certs'], ca_path=params['ca_path'],
                       timeout=params['request_timeout'], error_detail=saymon_error_detail)
    client.extra_secrets = [params.get('password'), params.get('session_id')]
    return client


class SaymonApi(object):
    """The SAYMON endpoints netops.bridge uses."""

    def __init__(self, module):
        self.module = module

    @property
    def client(self):
        return self.module.client

    @staticmethod
    def _string_body(response, what):
        """The JSON string a write answers with. SAYMON answered it with success, so it acted on it: an unusable
        answer still leaves the login or execution done (maybe_applied), and the task reports changed."""
        value = response.json(maybe_applied=True)
        if not isinstance(value, str) or not value:
            raise ApiError(PLATFORM, 'expected %s as a JSON string, got %s' % (what, snippet(response.text)),
                           method=response.method, url=response.url, status=response.status, maybe_applied=True)
        return value

    def create_session(self, login, password):
        response = self.client.request('POST', '/node/api/users/session', json_body={'login': login, 'password': password},
                                       auth=NoAuth())
        session_id = self._string_body(response, 'a session ID')
        self.client.extra_secrets.append(session_id)
        return session_id

    def session_valid(self, session_id, auth):
        """True when SAYMON says the session is valid. Any answer but ``true`` means invalid (the docs
        give ``null`` or ``false``); a 401 while authenticating with that very session means expired."""
        self.client.extra_secrets.append(session_id)
        response = self.client.request('GET', '/node/api/users/session/verify/%s' % path_segment(session_id),
                                       auth=auth, accept_status=(401,))
        if response.status == 401:
            if isinstance(auth, CookieSessionAuth):
                return False
            raise self.client.http_error(response, auth)
        return response.json() is True

    def current_user(self, auth):
        """The user ``auth`` logs in as (GET /node/api/users/current): proves credentials without creating a session."""
        return self.client.request('GET', '/node/api/users/current', auth=auth).json_object('the current user')

    def delete_session(self, session_id):
        self.client.request('DELETE', '/node/api/users/session', auth=CookieSessionAuth('sid', session_id))

    def get_entity(self, kind, entity_id, fields=None):
        params = {'fields': ','.join(fields)} if fields else None
        response = self.client.request('GET', '/node/api/%s/%s' % (ENTITY_KINDS[kind], path_segment(entity_id)), params=params)
        return response.json_object('the %s' % kind)

    def operations(self, kind, entity_id):
        operations = self.get_entity(kind, entity_id, fields=['operations']).get('operations') or []
        if not isinstance(operations, list):
            raise ApiError(PLATFORM, "expected the %s's operations as a JSON list, got %s" % (kind, snippet(json.dumps(operations))))
        return [op for op in operations if isinstance(op, dict)]

    def execute(self, kind, entity_id, operation_id, arguments=None):
        """POST .../execute once (never retried once it may have reached SAYMON); return the job ID."""
        path = '/node/api/%s/%s/operations/%s/execute' % (ENTITY_KINDS[kind], path_segment(entity_id), path_segment(operation_id))
        if arguments is None:
            response = self.client.request('POST', path)
        else:
            response = self.client.request('POST', path, json_body=arguments)
        return self._string_body(response, 'the job ID')

    def states(self):
        """{state ID: name} from ``GET /node/api/states``, or None when this SAYMON answers 404 there (the path is
        UNCONFIRMED beyond the REST reference's "States" section): names are then unknown, never guessed."""
        response = self.client.request('GET', '/node/api/states', accept_status=(404,))
        if response.status == 404:
            return None
        states = response.json()
        if not isinstance(states, list):
            raise ApiError(PLATFORM, 'expected the states as a JSON list', method=response.method, url=response.url,
                           status=response.status, detail=snippet(response.text))
        return state_names(states)

    def state_history(self, kind, entity_id, since_ms, until_ms, page_size, max_entries):
        """The entity's state changes from ``since_ms`` to ``until_ms``, read page by page (``skip``/``limit``) until a
        page comes back short or ``max_entries`` are read. Returns (entries, pages, truncated)."""
        path = '/node/api/%s/%s/state-history' % (ENTITY_KINDS[kind], path_segment(entity_id))
        entries, pages = [], 0
        while len(entries) < max_entries:
            limit = min(page_size, max_entries - len(entries))
            response = self.client.request('GET', path, params={'from': since_ms, 'to': until_ms, 'skip': len(entries), 'limit': limit})
            page = response.json()
            pages += 1
            if not isinstance(page, list):
                raise ApiError(PLATFORM, 'expected the state history as a JSON list', method=response.method, url=response.url,
                               status=response.status, detail=snippet(response.text))
            entries.extend(page[:limit])
            if len(page) < limit:
                return entries, pages, False
        return entries, pages, True

    def state_history_log(self, since_ms, until_ms, skip, limit, filters=None, inverse=False):
        """One page of the instance-wide state changes (``GET /node/api/state-history-log``) from ``since_ms`` to
        ``until_ms``, oldest first (newest first with ``inverse``); ``filters`` maps the log's filters (``entityId``,
        ``stateId``, ...) to a list of values."""
        params = dict(filters or {})
        params.update({'from': since_ms, 'to': until_ms, 'skip': skip, 'limit': limit})
        if inverse:
            params['inverse'] = 'true'
        response = self.client.request('GET', '/node/api/state-history-log', params=params)
        page = response.json()
        if not isinstance(page, list):
            raise ApiError(PLATFORM, 'expected the state history log as a JSON list', method=response.method, url=response.url,
                           status=response.status, detail=snippet(response.text))
        return [entry for entry in page if isinstance(entry, dict)]

    def get_job(self, job_id, missing_ok=False):
        response = self.client.request('GET', '/node/api/jobs/%s' % path_segment(job_id), accept_status=(404,) if missing_ok else None)
        if response.status == 404:
            return None
        return response.json_object('the job')

    def wait_job(self, job_id, params):
        """Poll until the job has finished. A 404 right after execution is tolerated for ``not_found_timeout``,
        since the docs leave open whether a job exists before its script has finished."""
        return wait_as_asked(lambda: self.get_job(job_id, missing_ok=True), job_finished, 'SAYMON job %s' % job_id,
                             lambda job: job is None, params)


def time_ms(value, now_ms):
    """Milliseconds since the epoch, as SAYMON's ``from`` and ``to`` take them, for a time given as milliseconds,
    ``now``, a time relative to now (``-15m``, ``-2h``, ``-7d``; units s, m, h, d, w) or an ISO 8601 date or date and
    time (UTC unless it carries an offset). Raises ValueError naming the accepted forms."""
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    if text == 'now':
        return now_ms
    relative = RELATIVE_TIME.match(text)
    if relative:
        return now_ms - int(relative.group(1)) * RELATIVE_UNITS[relative.group(2)] * 1000
    iso = ISO_TIME.match(text)
    if iso:
        year, month, day, hour, minute, second, offset = iso.groups()
        try:
            seconds = calendar.timegm((int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)))
            time.strptime('%s-%s-%s %s:%s:%s' % (year, month, day, hour or 0, minute or 0, second or 0), '%Y-%m-%d %H:%M:%S')
        except ValueError:
            raise ValueError('%r is not a valid date and time' % text)
        if offset and offset != 'Z':
            sign = -1 if offset[0] == '-' else 1
            digits = offset[1:].replace(':', '')
            seconds -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
        return seconds * 1000
    raise ValueError('%r is not a time: give milliseconds since the epoch, now, a time relative to now such as -15m, -2h '
                     'or -7d, or an ISO 8601 date and time such as 2026-12-07T14:00:00Z' % text)


def state_names(states):
    """SAYMON's states (``GET /node/api/states``) as {state ID: name}; the IDs are compared as text, since SAYMON's
    entities give ``state_id`` as a number and its models type IDs as strings."""
    names = {}
    for state in states if isinstance(states, list) else []:
        if isinstance(state, dict) and state.get('id') is not None:
            names[to_text(state['id'])] = state.get('name')
    return names


def history_state_id(entry):
    for key in HISTORY_STATE_KEYS:
        if isinstance(entry, dict) and entry.get(key) is not None:
            return entry[key]
    return None


def entity_display_name(kind, entity):
    """An object's name; a link's own name, else ``<source_name> -> <target_name>``; None when SAYMON gives neither."""
    if entity.get('name') or kind == 'object':
        return entity.get('name')
    if entity.get('source_name') and entity.get('target_name'):
        return '%s -> %s' % (entity['source_name'], entity['target_name'])
    return None


def wait_argument_spec(default_wait):
    return generic_wait_argument_spec(default_wait, 300, DEFAULT_NOT_FOUND_TIMEOUT)


def job_summary(job):
    description = (job or {}).get('description') or {}
    if not isinstance(description, dict):
        description = {}
    return {
        'finished': job_finished(job),
        'exit_code': description.get('exitCode'),
        'stdout': description.get('stdout'),
    }
