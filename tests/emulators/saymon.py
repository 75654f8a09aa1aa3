# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAYMON REST API emulator (/node/api), as SAYMON answers the requests the collection sends (docs/saymon.md).

Basic, session-cookie and X-Session-Id auth; sessions; links and objects with operations (their own, which the
entity lists, and their class's, which they execute but do not list);
execute returning the job ID as a JSON string literal; jobs that get an exit code after a delay;
error bodies {code, message} whose 401 message is itself a JSON-encoded string.
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
# An operation of the links' class: its members execute it, but SAYMON lists only a link's own operations.
OP_CLASS_RESET_COUNTERS = '62de902eb238aa0131bd3c35'

EXECUTE = 'execute-operations'
MANAGE = 'manage-operations'
BEHAVIOUR_KEYS = ('exitCode', 'stdout', 'duration')


def _op(op_id, name, exit_code=0, stdout='', duration=0.2, op_type=2, **extra):
    op = {'id': op_id, 'name': name, 'type': op_type, 'description': '%s operation' % name,
          'exitCode': exit_code, 'stdout': stdout, 'duration': duration}
    op.update(extra)
    return op


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
                      'operations': [
                          _op(OP_SET_MAINTENANCE, 'set-maintenance', stdout='maintenance on'),
                          _op(OP_CLEAR_MAINTENANCE, 'clear-maintenance', stdout='maintenance off'),
                          _op(OP_FAIL, 'fail', exit_code=2, stdout='boom'),
                          _op(OP_RESTART_A, 'restart'),
                          _op(OP_RESTART_B, 'restart'),
                      ]},
            LINK_L2: {'id': LINK_L2, 'class_id': 35, 'source': OBJECT_O2, 'target': OBJECT_O1,
                      'source_name': 'core-router-2', 'target_name': 'core-router-1', 'state_id': 1,
                      'operations': [_op(OP_L2_SET_MAINTENANCE, 'set-maintenance', stdout='maintenance on')]},
        },
        'objects': {
            OBJECT_O1: {'id': OBJECT_O1, 'name': 'core-router-1', 'class_id': 1, 'state_id': 1,
                        'operations': [
                            _op(OP_PING, 'ping', stdout='PING ok'),
                            _op(OP_NOTIFY, 'notify', op_type=1, duration=0,
                                parameters={'topic': 'alerts/core', 'message': 'hello'}),
                        ]},
            OBJECT_O2: {'id': OBJECT_O2, 'name': 'core-router-2', 'class_id': 1, 'state_id': 1,
                        'operations': [_op(OP_O2_PING, 'ping', stdout='PING ok')]},
        },
        # Class operations are inherited by the class's members; an entity's `operations` field lists only its own.
        'classes': {'35': {'operations': [_op(OP_CLASS_RESET_COUNTERS, 'reset-counters', stdout='counters reset')]}},
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

    def dump_state(self):
        jobs = dict((k, dict((f, v) for f, v in job.items() if f != 'op')) for k, job in self.state['jobs'].items())
        return {'sessions': sorted(self.state['sessions']), 'jobs': jobs, 'job_delay': self.state['job_delay'],
                'pending_jobs_404': self.state['pending_jobs_404']}
