# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAYMON REST API emulator (/node/api), as SAYMON answers the requests the collection sends (docs/saymon.md).

Basic, session-cookie and X-Session-Id auth; sessions; links and objects with operations (their own, which the
entity lists, and their class's, which they execute but do not list);
execute returning the job ID as a JSON string literal; jobs that get an exit code after a delay;
error bodies {code, message} whose 401 message is itself a JSON-encoded string;
states, the entities' state (state_id, last_state_update), per-entity state history and the instance-wide
state-history-log. A state changes when an operation that sets one runs (at once, or after state_change_delay seconds)
or through the emulator-only POST /_emulator/entity-state (docs/emulators.md).
"""

from __future__ import absolute_import, division, print_function

import base64
import binascii
import json
import time
import uuid

from emulators.base import Emulator, Response

LINK_L1 = '62de902eb238aa0131bd3b01'
LINK_L2 = '62de902eb238aa0131bd3b02'
OBJECT_O1 = '5e9465cb00000000000000a1'
OBJECT_O2 = '5e9465cb00000000000000a2'
OP_SET_MAINTENANCE = '62de902eb238aa0131bd3c01'
OP_CLEAR_MAINTENANCE = '62de902eb238aa0131bd3c02'
OP_FAIL = '62de902eb238aa0131bd3c03'
OP_RESTART_A = '62de902eb238aa0131bd3c04'
OP_RESTART_B = '62de902eb238aa0131bd3c05'
OP_L2_SET_MAINTENANCE = '62de902eb238aa0131bd3c06'
OP_PING = '5e9465cb00000000000000c1'
OP_NOTIFY = '5e9465cb00000000000000c2'
OP_O2_PING = '5e9465cb00000000000000c3'
OP_L2_BRING_DOWN = '62de902eb238aa0131bd3c07'
OP_L2_BRING_UP = '62de902eb238aa0131bd3c08'
# An operation of the links' class: its members execute it, but SAYMON lists only a link's own operations.
OP_CLASS_RESET_COUNTERS = '62de902eb238aa0131bd3c35'

EXECUTE = 'execute-operations'
MANAGE = 'manage-operations'
# What an operation does in the emulator, never shown: its job's outcome, its run time, and the state it gives its entity.
BEHAVIOUR_KEYS = ('exitCode', 'stdout', 'duration', 'setsState')
STATE_NORMAL = 1
STATE_WARNING = 2
STATE_CRITICAL = 3
STATE_NO_DATA = 4
# 2025-12-07T00:00:00Z: the seeded entities' history is fixed, so that a test can ask for an exact window.
SEEDED_AT = 1765065600000
HOUR_MS = 3600 * 1000
ENTITY_TYPES = {'objects': 1, 'links': 2}
DEFAULT_HISTORY_LIMIT = 100


def _op(op_id, name, exit_code=0, stdout='', duration=0.2, op_type=2, **extra):
    op = {'id': op_id, 'name': name, 'type': op_type, 'description': '%s operation' % name,
          'exitCode': exit_code, 'stdout': stdout, 'duration': duration}
    op.update(extra)
    return op


def _history(entry_id, kind, entity_id, state_id, previous, timestamp):
    """A state-history entry. The field names are the emulator's choice (SAYMON's reference does not give them; the
    state-history-log's filters stateId and entityId suggest these)."""
    return {'id': entry_id, 'entityId': entity_id, 'entityType': ENTITY_TYPES[kind], 'stateId': state_id,
            'prevStateId': previous, 'timestamp': timestamp}


class BadParameter(ValueError):
    pass


def _int_param(request, name, default=None):
    values = request.query.get(name)
    if not values:
        return default
    try:
        return int(values[0])
    except ValueError:
        raise BadParameter('Invalid "%s" parameter: %s is not an integer.' % (name, values[0]))


def default_seed():
    return {
        'users': {
            'admin': {'id': 'u-admin', 'password': 'admin-pass', 'permissions': [EXECUTE, MANAGE], 'entities': '*'},
            'operator': {'id': 'u-operator', 'password': 'operator-pass', 'permissions': [EXECUTE], 'entities': [LINK_L1, OBJECT_O1]},
            'viewer': {'id': 'u-viewer', 'password': 'viewer-pass', 'permissions': [], 'entities': '*'},
            # The user of the README's and docs' examples.
            'automation': {'id': 'u-automation', 'password': 'automation-pass', 'permissions': [EXECUTE], 'entities': '*'},
        },
        'links': {
            LINK_L1: {'id': LINK_L1, 'class_id': 35, 'source': OBJECT_O1, 'target': OBJECT_O2,
                      'source_name': 'core-router-1', 'target_name': 'core-router-2', 'state_id': 1,
                      'last_state_update': SEEDED_AT - 2 * HOUR_MS,
                      'operations': [
                          _op(OP_SET_MAINTENANCE, 'set-maintenance', stdout='maintenance on'),
                          _op(OP_CLEAR_MAINTENANCE, 'clear-maintenance', stdout='maintenance off'),
                          _op(OP_FAIL, 'fail', exit_code=2, stdout='boom'),
                          _op(OP_RESTART_A, 'restart'),
                          _op(OP_RESTART_B, 'restart'),
                      ]},
            LINK_L2: {'id': LINK_L2, 'class_id': 35, 'source': OBJECT_O2, 'target': OBJECT_O1,
                      'source_name': 'core-router-2', 'target_name': 'core-router-1', 'state_id': 1,
                      'last_state_update': SEEDED_AT - 24 * HOUR_MS,
                      'operations': [_op(OP_L2_SET_MAINTENANCE, 'set-maintenance', stdout='maintenance on'),
                                     _op(OP_L2_BRING_DOWN, 'bring-down', stdout='link down', setsState=STATE_CRITICAL),
                                     _op(OP_L2_BRING_UP, 'bring-up', stdout='link up', setsState=STATE_NORMAL)]},
        },
        'objects': {
            OBJECT_O1: {'id': OBJECT_O1, 'name': 'core-router-1', 'class_id': 1, 'state_id': 1,
                        'last_state_update': SEEDED_AT - 24 * HOUR_MS,
                        'operations': [
                            _op(OP_PING, 'ping', stdout='PING ok'),
                            _op(OP_NOTIFY, 'notify', op_type=1, duration=0,
                                parameters={'topic': 'alerts/core', 'message': 'hello'}),
                        ]},
            OBJECT_O2: {'id': OBJECT_O2, 'name': 'core-router-2', 'class_id': 1, 'state_id': 1,
                        'last_state_update': SEEDED_AT - 24 * HOUR_MS,
                        'operations': [_op(OP_O2_PING, 'ping', stdout='PING ok')]},
        },
        # Class operations are inherited by the class's members; an entity's `operations` field lists only its own.
        'classes': {'35': {'operations': [_op(OP_CLASS_RESET_COUNTERS, 'reset-counters', stdout='counters reset')]}},
        'states': [{'id': STATE_NORMAL, 'name': 'Normal', 'color': '#00cc00'},
                   {'id': STATE_WARNING, 'name': 'Warning', 'color': '#ffcc00'},
                   {'id': STATE_CRITICAL, 'name': 'Critical', 'color': '#ff0000'},
                   {'id': STATE_NO_DATA, 'name': 'No data', 'color': '#999999'}],
        # Link L1 went Critical three hours before SEEDED_AT and came back two hours before it.
        'state_history': [
            _history('5e9465cb0000000000001001', 'objects', OBJECT_O1, STATE_NORMAL, None, SEEDED_AT - 24 * HOUR_MS),
            _history('5e9465cb0000000000001002', 'objects', OBJECT_O2, STATE_NORMAL, None, SEEDED_AT - 24 * HOUR_MS),
            _history('62de902eb238aa0131bd1001', 'links', LINK_L1, STATE_NORMAL, None, SEEDED_AT - 24 * HOUR_MS),
            _history('62de902eb238aa0131bd1002', 'links', LINK_L2, STATE_NORMAL, None, SEEDED_AT - 24 * HOUR_MS),
            _history('62de902eb238aa0131bd1003', 'links', LINK_L1, STATE_CRITICAL, STATE_NORMAL, SEEDED_AT - 3 * HOUR_MS),
            _history('62de902eb238aa0131bd1004', 'links', LINK_L1, STATE_NORMAL, STATE_CRITICAL, SEEDED_AT - 2 * HOUR_MS),
        ],
        'state_change_delay': None,
        'pending_state_changes': [],
        'sessions': {},
        'jobs': {},
        'job_delay': None,
        'pending_jobs_404': False,
        'verify_invalid_value': None,
    }


def _message(error_code, text):
    return json.dumps({'errorCode': error_code, 'message': text})


class AuthFailure(Exception):
    def __init__(self, code, text):
        super(AuthFailure, self).__init__(text)
        self.code = code
        self.text = text


class SaymonEmulator(Emulator):
    platform = 'saymon'

    default_seed = staticmethod(default_seed)

    def register_routes(self):
        self.route('POST', '/node/api/users/session', self.create_session, 'create_session')
        self.route('DELETE', '/node/api/users/session', self.delete_session, 'delete_session')
        self.route('GET', '/node/api/users/session/verify/<sid>', self.verify_session, 'verify_session')
        self.route('GET', '/node/api/users/current', self.current_user, 'current_user')
        self.route('GET', '/node/api/links/<entity_id>', self.get_link, 'get_link')
        self.route('GET', '/node/api/objects/<entity_id>', self.get_object, 'get_object')
        self.route('POST', '/node/api/links/<entity_id>/operations/<op_id>/execute', self.execute_link, 'execute_link_operation')
        self.route('POST', '/node/api/objects/<entity_id>/operations/<op_id>/execute', self.execute_object, 'execute_object_operation')
        self.route('GET', '/node/api/jobs/<job_id>', self.get_job, 'get_job')
        self.route('GET', '/node/api/states', self.get_states, 'get_states')
        self.route('GET', '/node/api/links/<entity_id>/state-history', self.link_state_history, 'link_state_history')
        self.route('GET', '/node/api/objects/<entity_id>/state-history', self.object_state_history, 'object_state_history')
        self.route('GET', '/node/api/state-history-log', self.state_history_log, 'state_history_log')

    def error_response(self, status, code, message):
        return Response.json({'code': code, 'message': message}, status)

    # -- auth -------------------------------------------------------------------------------------
    def authenticate(self, request):
        """The user a request authenticates as: Basic, Cookie sid or X-Session-Id."""
        authorization = request.header('authorization')
        if authorization and authorization.startswith('Basic '):
            try:
                login, password = base64.b64decode(authorization[6:]).decode('utf-8').split(':', 1)
            except (ValueError, binascii.Error, UnicodeDecodeError):
                raise AuthFailure('InvalidCredentials', 'Invalid login or password.')
            user = self.state['users'].get(login)
            if user is None or user['password'] != password:
                raise AuthFailure('InvalidCredentials', 'Invalid login or password.')
            return login
        sid = self.session_from(request)
        if sid is None:
            raise AuthFailure('Unauthorized', 'Not logged in.')
        login = self.state['sessions'].get(sid)
        if login is None:
            raise AuthFailure('Unauthorized', 'Session expired.')
        return login

    @staticmethod
    def session_from(request):
        for part in (request.header('cookie') or '').split(';'):
            name, separator, value = part.strip().partition('=')
            if name == 'sid' and separator and value:
                return value
        return request.header('x-session-id')

    def guarded(self, request, handler):
        try:
            login = self.authenticate(request)
        except AuthFailure as failure:
            return self.error_response(401, failure.code, _message(3, failure.text))
        return handler(login)

    def user(self, login):
        return self.state['users'][login]

    def may_see(self, login, entity_id):
        entities = self.user(login)['entities']
        return entities == '*' or entity_id in entities

    # -- sessions ---------------------------------------------------------------------------------
    def create_session(self, request):
        try:
            body = request.json()
        except ValueError as exc:
            return self.error_response(400, 'InvalidContent', 'Invalid JSON: %s' % exc)
        if not isinstance(body, dict):
            return self.error_response(400, 'InvalidContent', 'Invalid JSON: an object is expected')
        for field in ('login', 'password'):
            if not body.get(field):
                return self.error_response(400, 'BadRequest', 'Mandatory "%s" parameter is absent/empty.' % field)
        user = self.state['users'].get(body['login'])
        if user is None or user['password'] != body['password']:
            return self.error_response(401, 'InvalidCredentials', _message(3, 'Invalid login or password.'))
        sid = str(uuid.uuid4())
        self.state['sessions'][sid] = body['login']
        return Response.json(sid)

    def delete_session(self, request):
        def handler(_login):
            self.state['sessions'].pop(self.session_from(request), None)
            return Response(200, b'', 'text/plain')
        if self.session_from(request) is None:
            return self.error_response(401, 'Unauthorized', _message(3, 'Not logged in.'))
        return self.guarded(request, handler)

    def verify_session(self, request):
        def handler(_login):
            if request.params['sid'] in self.state['sessions']:
                return Response.json(True)
            return Response.json(self.state['verify_invalid_value'])
        return self.guarded(request, handler)

    def current_user(self, request):
        def handler(login):
            user = self.user(login)
            return Response.json({'id': user['id'], 'login': login, 'permissions': user['permissions']})
        return self.guarded(request, handler)

    # -- links and objects ------------------------------------------------------------------------
    def entity(self, kind, login, entity_id):
        """(entity, None) or (None, error response)."""
        item = self.state[kind].get(entity_id)
        label = 'Link' if kind == 'links' else 'Object'
        if item is None:
            return None, self.error_response(404, 'NotFound', '%s with id %s does not exist.' % (label, entity_id))
        if not self.may_see(login, entity_id):
            permission = 'linkPermissions' if kind == 'links' else 'objectPermissions'
            return None, self.error_response(403, 'Forbidden', 'Access denied: %s do not include %s.' % (permission, entity_id))
        return item, None

    def view(self, login, item, fields):
        manage = MANAGE in self.user(login)['permissions']
        shown = {}
        for key, value in item.items():
            if key == 'operations':
                value = [self.view_operation(op, manage) for op in value]
            shown[key] = value
        if fields:
            wanted = set(fields.split(',')) | {'id'}
            shown = dict((k, v) for k, v in shown.items() if k in wanted)
        return shown

    @staticmethod
    def view_operation(op, manage):
        if manage:
            return dict((k, v) for k, v in op.items() if k not in BEHAVIOUR_KEYS)
        return {'id': op['id'], 'name': op['name'], 'description': op['description']}

    def get_entity(self, kind, request):
        def handler(login):
            item, error = self.entity(kind, login, request.params['entity_id'])
            if error:
                return error
            return Response.json(self.view(login, item, (request.query.get('fields') or [''])[0]))
        return self.guarded(request, handler)

    def get_link(self, request):
        return self.get_entity('links', request)

    def get_object(self, request):
        return self.get_entity('objects', request)

    # -- operations and jobs ----------------------------------------------------------------------
    def execute(self, kind, request):
        def handler(login):
            if EXECUTE not in self.user(login)['permissions']:
                return self.error_response(403, 'Forbidden', 'Access denied: missing permission %s.' % EXECUTE)
            item, error = self.entity(kind, login, request.params['entity_id'])
            if error:
                return error
            inherited = self.state['classes'].get(str(item.get('class_id')), {}).get('operations', [])
            op = next((o for o in item['operations'] + inherited if o['id'] == request.params['op_id']), None)
            if op is None:
                return self.error_response(404, 'NotFound', 'Operation with id %s does not exist.' % request.params['op_id'])
            arguments = None
            if request.body:
                if not (request.header('content-type') or '').startswith('application/json'):
                    return self.error_response(400, 'InvalidContent', 'Invalid content type: application/json is expected.')
                try:
                    arguments = request.json()
                except ValueError as exc:
                    return self.error_response(400, 'InvalidContent', 'Invalid JSON: %s' % exc)
                if not isinstance(arguments, dict):
                    return self.error_response(400, 'BadRequest', 'Operation arguments must be an object.')
            if op.get('setsState') is not None:
                self.schedule_state_change(kind, item['id'], op['setsState'])
            job_id = uuid.uuid4().hex[:24]
            delay = self.state['job_delay'] if self.state['job_delay'] is not None else op['duration']
            self.state['jobs'][job_id] = {
                'id': job_id, 'operation_id': op['id'], 'owner_id': item['id'], 'owner_type': 2 if kind == 'links' else 1,
                'user_id': self.user(login)['id'], 'process_meta': None, 'timestamp': int(time.time() * 1000), 'results': [],
                'arguments': arguments, 'done_at': time.time() + (0 if op['type'] == 1 else delay), 'op': op,
            }
            return Response.json(job_id)
        return self.guarded(request, handler)

    def execute_link(self, request):
        return self.execute('links', request)

    def execute_object(self, request):
        return self.execute('objects', request)

    def get_job(self, request):
        def handler(_login):
            job = self.state['jobs'].get(request.params['job_id'])
            finished = job is not None and time.time() >= job['done_at']
            if job is None or (not finished and self.state['pending_jobs_404']):
                return self.error_response(404, 'NotFound', 'Job with id %s does not exist.' % request.params['job_id'])
            shown = dict((k, v) for k, v in job.items() if k not in ('arguments', 'done_at', 'op'))
            op = job['op']
            if not finished:
                shown['description'] = {}
            elif op['type'] == 1:
                shown['description'] = dict(op.get('parameters') or {})
            else:
                shown['description'] = {'exitCode': op['exitCode'], 'stdout': op['stdout']}
            return Response.json(shown)
        return self.guarded(request, handler)

    # -- states and their history ----------------------------------------------------------------
    def handle(self, method, raw_path, headers, body):
        with self.lock:
            self.apply_due_state_changes()
        return super(SaymonEmulator, self).handle(method, raw_path, headers, body)

    def schedule_state_change(self, kind, entity_id, state_id):
        """An operation's state change: at once, or after state_change_delay seconds (as a real device takes time)."""
        delay = self.state['state_change_delay']
        if not delay:
            self.set_entity_state(kind, entity_id, state_id)
            return
        self.state['pending_state_changes'].append({'kind': kind, 'id': entity_id, 'state_id': state_id,
                                                    'at': int((time.time() + delay) * 1000)})

    def apply_due_state_changes(self):
        now_ms = int(time.time() * 1000)
        due = [change for change in self.state['pending_state_changes'] if change['at'] <= now_ms]
        self.state['pending_state_changes'] = [change for change in self.state['pending_state_changes'] if change['at'] > now_ms]
        for change in sorted(due, key=lambda change: change['at']):
            self.set_entity_state(change['kind'], change['id'], change['state_id'], change['at'])

    def set_entity_state(self, kind, entity_id, state_id, timestamp=None):
        """Give the entity this state, recording the change in the history; the same state again records nothing,
        as SAYMON's history holds changes. Returns the new entry or None."""
        item = self.state[kind][entity_id]
        if item.get('state_id') == state_id:
            return None
        timestamp = timestamp if timestamp is not None else int(time.time() * 1000)
        entry = _history(uuid.uuid4().hex[:24], kind, entity_id, state_id, item.get('state_id'), timestamp)
        self.state['state_history'].append(entry)
        item['state_id'] = state_id
        item['last_state_update'] = timestamp
        return entry

    def get_states(self, request):
        return self.guarded(request, lambda _login: Response.json(self.state['states']))

    def history_window(self, request, entries):
        """Entries in [from, to] (milliseconds), oldest first (newest first with inverse=true), then skip and limit."""
        since = _int_param(request, 'from', 0)
        until = _int_param(request, 'to', int(time.time() * 1000))
        skip = _int_param(request, 'skip', 0)
        limit = _int_param(request, 'limit', DEFAULT_HISTORY_LIMIT)
        if skip < 0 or limit < 0:
            raise BadParameter('Invalid "%s" parameter: it must not be negative.' % ('skip' if skip < 0 else 'limit'))
        inverse = (request.query.get('inverse') or ['false'])[0] == 'true'
        # Changes at the same millisecond keep the order they were recorded in (reversed too with inverse).
        in_window = [(e['timestamp'], n, e) for n, e in enumerate(entries) if since <= e['timestamp'] <= until]
        found = [e for _ts, _n, e in sorted(in_window, key=lambda item: item[:2], reverse=inverse)]
        return found[skip:skip + limit]

    def entity_state_history(self, kind, request):
        def handler(login):
            item, error = self.entity(kind, login, request.params['entity_id'])
            if error:
                return error
            try:
                return Response.json(self.history_window(request, [e for e in self.state['state_history']
                                                                   if e['entityId'] == item['id']]))
            except BadParameter as exc:
                return self.error_response(400, 'BadRequest', str(exc))
        return self.guarded(request, handler)

    def link_state_history(self, request):
        return self.entity_state_history('links', request)

    def object_state_history(self, request):
        return self.entity_state_history('objects', request)

    def state_history_log(self, request):
        """The instance-wide log: the changes of every entity the user may see, filtered by stateId, classId, tagId
        and entityId (downsample is accepted and ignored: its meaning is not documented)."""
        def handler(login):
            try:
                _int_param(request, 'downsample')
                entries = [e for e in self.state['state_history'] if self.log_entry_matches(login, e, request.query)]
                return Response.json(self.history_window(request, entries))
            except BadParameter as exc:
                return self.error_response(400, 'BadRequest', str(exc))
        return self.guarded(request, handler)

    def log_entry_matches(self, login, entry, query):
        kind = 'objects' if entry['entityType'] == ENTITY_TYPES['objects'] else 'links'
        item = self.state[kind].get(entry['entityId']) or {}
        if not self.may_see(login, entry['entityId']):
            return False
        checks = (('stateId', entry['stateId']), ('classId', item.get('class_id')), ('entityId', entry['entityId']))
        for name, value in checks:
            if query.get(name) and str(value) not in query[name]:
                return False
        if query.get('tagId') and not set(query['tagId']) & set(str(tag) for tag in item.get('tags') or []):
            return False
        return True

    def control(self, method, action, body):
        """Emulator-only: POST /_emulator/entity-state {"kind": "link"|"object", "id", "state_id"} changes a state
        as SAYMON's monitoring would, recording it in the history."""
        if method == 'POST' and action == 'entity-state':
            try:
                spec = json.loads(body.decode('utf-8'))
                kind = {'link': 'links', 'object': 'objects'}[spec['kind']]
                entity_id, state_id = spec['id'], spec['state_id']
            except (ValueError, KeyError, TypeError, AttributeError):
                return Response.json({'error': 'expected {"kind": "link" or "object", "id": ..., "state_id": ...}'}, 400)
            with self.lock:
                if entity_id not in self.state[kind]:
                    return Response.json({'error': 'no %s %s' % (spec['kind'], entity_id)}, 404)
                if state_id not in [state['id'] for state in self.state['states']]:
                    return Response.json({'error': 'no state %s' % state_id}, 400)
                entry = self.set_entity_state(kind, entity_id, state_id)
            return Response.json({'changed': entry is not None, 'entry': entry})
        return super(SaymonEmulator, self).control(method, action, body)

    def entity_states(self):
        return dict((entity_id, item.get('state_id')) for kind in ('links', 'objects') for entity_id, item in self.state[kind].items())

    def dump_state(self):
        jobs = dict((k, dict((f, v) for f, v in job.items() if f != 'op')) for k, job in self.state['jobs'].items())
        return {'sessions': sorted(self.state['sessions']), 'jobs': jobs, 'job_delay': self.state['job_delay'],
                'pending_jobs_404': self.state['pending_jobs_404'], 'entity_states': self.entity_states(),
                'state_history': list(self.state['state_history'])}
