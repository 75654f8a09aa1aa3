# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ZITADEL Action service emulator for /v2/actions and /v2beta/actions (ZITADEL's API reference,
https://zitadel.com/docs/apis/resources/action_service_v2, and ZITADEL's SDK, tests/e2e/zitadel_sdk.py): Bearer
tokens with permissions, targets and executions validated by the API's rules, search with filters and pagination,
protojson conventions and {code, message, details} errors.
A target's public keys (v2 only, AddPublicKey ... ListPublicKeys of the same reference): the JSON of the
bytes field publicKey is base64 of PEM text, one key content per target, one active key per target.
ZITADEL's calling side: executions call their targets around the Action service's own calls (request, response) and
on events raised with the emulator-only POST /_emulator/event, with the body of each condition kind, the
ZITADEL-Signature header and the target's payload type (JSON, a JWT signed with the instance's web key published at
/oauth/v2/keys, or that JWT encrypted to the target's active public key)."""

from __future__ import absolute_import, division, print_function

import base64
import binascii
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from urllib.parse import urlsplit

from emulators.base import Emulator, Response

ALL_PERMISSIONS = ['action.target.read', 'action.target.write', 'action.target.delete', 'action.execution.read', 'action.execution.write']
# What ListExecutionMethods, ListExecutionServices and ListExecutionFunctions answer: a realistic excerpt of ZITADEL
# 4.x's lists (methods with their leading slash, services without, the three function names of ZITADEL's Actions v2).
CATALOGUE = {
    'methods': ['/zitadel.session.v2.SessionService/CreateSession', '/zitadel.session.v2.SessionService/ListSessions',
                '/zitadel.session.v2.SessionService/SetSession', '/zitadel.user.v2.UserService/AddHumanUser',
                '/zitadel.user.v2.UserService/DeleteUser', '/zitadel.user.v2.UserService/GetUserByID',
                '/zitadel.user.v2.UserService/ListUsers', '/zitadel.user.v2.UserService/UpdateHumanUser'],
    'services': ['zitadel.action.v2.ActionService', 'zitadel.session.v2.SessionService', 'zitadel.user.v2.UserService'],
    'functions': ['preaccesstoken', 'presamlresponse', 'preuserinfo'],
    'events': ['user.human.added', 'user.human.changed', 'user.machine.added'],
}
KEY_ALGORITHMS = (b'\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01', b'\x06\x07\x2a\x86\x48\xce\x3d\x02\x01')  # RSA, EC
TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$')
GRPC_HTTP = {3: 400, 5: 404, 6: 409, 7: 403, 9: 400, 16: 401}
TEXT_METHODS = {
    'TEXT_FILTER_METHOD_EQUALS': lambda v, q: v == q,
    'TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE': lambda v, q: v.lower() == q.lower(),
    'TEXT_FILTER_METHOD_STARTS_WITH': lambda v, q: v.startswith(q),
    'TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE': lambda v, q: v.lower().startswith(q.lower()),
    'TEXT_FILTER_METHOD_CONTAINS': lambda v, q: q in v,
    'TEXT_FILTER_METHOD_CONTAINS_IGNORE_CASE': lambda v, q: q.lower() in v.lower(),
    'TEXT_FILTER_METHOD_ENDS_WITH': lambda v, q: v.endswith(q),
    'TEXT_FILTER_METHOD_ENDS_WITH_IGNORE_CASE': lambda v, q: v.lower().endswith(q.lower()),
}
KINDS = {'request': ('method', 'service', 'all'), 'response': ('method', 'service', 'all'), 'function': ('name',), 'event': ('event', 'group', 'all')}
TYPE_OF = {'request': 'EXECUTION_TYPE_REQUEST', 'response': 'EXECUTION_TYPE_RESPONSE', 'event': 'EXECUTION_TYPE_EVENT',
           'function': 'EXECUTION_TYPE_FUNCTION'}

# The Action service's RPC of each handler, for the method conditions of executions on API calls.
RPCS = {'create_target': 'CreateTarget', 'update_target': 'UpdateTarget', 'get_target': 'GetTarget', 'delete_target': 'DeleteTarget',
        'list_targets': 'ListTargets', 'set_execution': 'SetExecution', 'list_executions': 'ListExecutions',
        'list_functions': 'ListExecutionFunctions', 'list_methods': 'ListExecutionMethods', 'list_services': 'ListExecutionServices',
        'add_public_key': 'AddPublicKey', 'activate_public_key': 'ActivatePublicKey', 'deactivate_public_key': 'DeactivatePublicKey',
        'remove_public_key': 'RemovePublicKey', 'list_public_keys': 'ListPublicKeys'}


# What an emulated call to a target carries besides its body: the instance, organisation and user of the call.
INSTANCE_ID = '312909075211813272'
ORG_ID = '312909075211878808'
CALLER_ID = '312909075211944000'
JWKS_PATH = '/oauth/v2/keys'
SIGNATURE_HEADER = 'ZITADEL-Signature'
WEB_KEY_ID = 'emulator-web-key-1'
# The key management ZITADEL encrypts a JWE body with, by the target's public key type; the content is A256GCM.
JWE_KEY_ALGORITHM = {'RSA': 'RSA-OAEP-256', 'EC': 'ECDH-ES+A256KW'}


class Refused(Exception):
    def __init__(self, code, message):
        super(Refused, self).__init__(message)
        self.code = code
        self.message = message


def now():
    return datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def default_seed():
    return {
        'tokens': {'admin-token': ALL_PERMISSIONS, 'reader-token': ['action.target.read', 'action.execution.read'], 'no-actions-token': []},
        'targets': {}, 'executions': {}, 'public_keys': {}, 'next_id': 337246363446361000, 'max_limit': 1000,
        'signing_keys': {}, 'key_serial': 0,
        # Endpoints of targets that do not answer ZITADEL (a typo, a host that is down): a test lists them.
        'unreachable_endpoints': [],
        # The hosts the emulator really calls when an execution fires; a target elsewhere (hooks.example.com in the
        # tests) is taken as answering 200 without a call, so that no test reaches out of the machine.
        'reachable_hosts': ['127.0.0.1', 'localhost', '::1'],
        # The instance's web key (a private JWK), made on the first JWT or JWE call: it signs those bodies and its public
        # half is served at /oauth/v2/keys.
        'web_key': None,
    }


def seconds(duration):
    return float(duration.rstrip('s') or 0)


# The JSON names of path parameters in the request messages ZITADEL puts in the body of a request or response call.
PATH_FIELDS = {'target_id': 'targetId', 'key_id': 'keyId'}


class ZitadelEmulator(Emulator):
    platform = 'zitadel'

    default_seed = staticmethod(default_seed)

    def __init__(self, tls=None, seed=None):
        # The calls made to targets (GET /_emulator/calls), newest last: what a test asserts on.
        self.calls = []
        super(ZitadelEmulator, self).__init__(tls=tls, seed=seed)

    def reset(self):
        super(ZitadelEmulator, self).reset()
        del self.calls[:]

    def register_routes(self):
        for version in ('v2', 'v2beta'):
            prefix = '/%s/actions' % version
            self.route('POST', prefix + '/targets', self.guard(version, 'action.target.write', self.create_target), '%s create_target' % version)
            self.route('POST', prefix + '/targets/search', self.guard(version, 'action.target.read', self.list_targets), '%s list_targets' % version)
            self.route('POST', prefix + '/targets/<id>', self.guard(version, 'action.target.write', self.update_target), '%s update_target' % version)
            self.route('GET', prefix + '/targets/<id>', self.guard(version, 'action.target.read', self.get_target), '%s get_target' % version)
            self.route('DELETE', prefix + '/targets/<id>', self.guard(version, 'action.target.delete', self.delete_target), '%s delete_target' % version)
            self.route('PUT', prefix + '/executions', self.guard(version, 'action.execution.write', self.set_execution), '%s set_execution' % version)
            self.route('POST', prefix + '/executions/search', self.guard(version, 'action.execution.read', self.list_executions),
                       '%s list_executions' % version)
            if version == 'v2':
                keys = prefix + '/targets/<target_id>/publickeys'
                self.route('POST', keys, self.guard(version, 'action.target.write', self.add_public_key), 'v2 add_public_key')
                self.route('POST', keys + '/search', self.guard(version, 'action.target.read', self.list_public_keys), 'v2 list_public_keys')
                self.route('POST', keys + '/<key_id>/activate', self.guard(version, 'action.target.write', self.activate_public_key),
                           'v2 activate_public_key')
                self.route('POST', keys + '/<key_id>/deactivate', self.guard(version, 'action.target.write', self.deactivate_public_key),
                           'v2 deactivate_public_key')
                self.route('DELETE', keys + '/<key_id>', self.guard(version, 'action.target.write', self.remove_public_key),
                           'v2 remove_public_key')
            for what in ('functions', 'methods', 'services'):
                self.route('GET', prefix + '/executions/' + what, self.guard(version, None, self.catalogue(what)), '%s list_%s' % (version, what))

    def error_response(self, status, code, message):
        grpc = {404: 5, 401: 16, 403: 7}.get(status, 3)
        return self.refusal(Refused(grpc, message))

    @staticmethod
    def refusal(refused):
        body = {'code': refused.code, 'message': refused.message,
                'details': [{'@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', 'id': 'EMU-0001', 'message': refused.message}]}
        return Response.json(body, GRPC_HTTP.get(refused.code, 500))

    def guard(self, version, permission, handler):
        def guarded(request):
            authorization = request.header('authorization') or ''
            permissions = self.state['tokens'].get(authorization[7:]) if authorization.startswith('Bearer ') else None
            if permissions is None:
                return self.refusal(Refused(16, 'Errors.Token.Invalid (AUTH-7fs1e)'))
            if permission and permission not in permissions:
                return self.refusal(Refused(7, 'No matching permissions found (AUTH-5mWD2)'))
            try:
                body = request.json() if request.body else {}
                if not isinstance(body, dict):
                    raise Refused(3, 'invalid request body')
                message = dict(body, **dict((PATH_FIELDS.get(name, name), value) for name, value in request.params.items()))
                self.call_targets('request', version, handler.__name__, {'request': message})
                answer = handler(version, request, body)
                self.call_targets('response', version, handler.__name__, {'request': message, 'response': answer})
                return Response.json(answer)
            except ValueError:
                return self.refusal(Refused(3, 'invalid character in request body'))
            except Refused as refused:
                return self.refusal(refused)
        return guarded

    # -- executions on API calls ------------------------------------------------------------------
    def call_targets(self, kind, version, handler_name, messages):
        """What ZITADEL does around each API call: the request (before the call) or response (after it) execution of the
        best-matching condition (the method, else its service, else all) calls its targets in order, with the body
        ZITADEL sends for that kind (fullMethod, instanceID, orgID, projectID, userID, request, and response after the
        call). A webhook or call target that fails (no answer, a status outside 2xx, past its timeout) fails the API
        call when it interrupts on error (the console shows ``Errors.Execution.Failed``, zitadel#8177), and is skipped
        otherwise; async targets are never waited for. A response execution fails the call after the handler has
        written: what it wrote stays (zitadel#8205)."""
        service = 'zitadel.action.%s.ActionService' % version
        method = '/%s/%s' % (service, RPCS[handler_name])
        execution = self.execution_for(kind, ({'method': method}, {'service': service}, {'all': True}))
        if execution is None:
            return
        content = dict({'fullMethod': method, 'instanceID': INSTANCE_ID, 'orgID': ORG_ID, 'userID': CALLER_ID}, **messages)
        failure = self.call_execution(execution, kind, method, content)
        if failure is not None:
            raise Refused(13, failure)

    def execution_for(self, kind, conditions):
        for condition in conditions:
            execution = self.state['executions'].get(json.dumps({kind: condition}, sort_keys=True))
            if execution is not None:
                return execution
        return None

    # -- events (emulator-only trigger) ------------------------------------------------------------
    def raise_event(self, spec):
        """An event stored in the instance, as POST /_emulator/event raises it: the event execution of the best-matching
        condition (the event type, else its groups from the narrowest, else all) calls its targets with the body
        ZITADEL's event worker sends (aggregateID ... event_payload). Answers the event's body and the calls made."""
        if not isinstance(spec, dict) or not isinstance(spec.get('event_type'), str) or not spec['event_type']:
            raise ValueError('expected {"event_type": "user.human.added", ...} (aggregateID, aggregateType, '
                             'resourceOwner, userID, sequence, event_payload optional)')
        event_type = spec['event_type']
        parts = event_type.split('.')
        groups = ['.'.join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]
        content = {
            'aggregateID': str(spec.get('aggregateID', CALLER_ID)), 'aggregateType': spec.get('aggregateType', parts[0]),
            'resourceOwner': spec.get('resourceOwner', ORG_ID), 'instanceID': INSTANCE_ID, 'version': spec.get('version', 'v2'),
            'sequence': int(spec.get('sequence', 1)), 'event_type': event_type, 'created_at': now(),
            'userID': str(spec.get('userID', CALLER_ID)), 'event_payload': spec.get('event_payload', {}),
        }
        with self.lock:
            execution = self.execution_for('event', [{'event': event_type}] + [{'group': g} for g in groups] + [{'all': True}])
        calls_before = len(self.calls)
        if execution is not None:
            self.call_execution(execution, 'event', event_type, content)
        return {'event': content, 'calls': self.calls[calls_before:]}

    def control(self, method, action, body):
        if method == 'POST' and action == 'event':
            try:
                return Response.json(self.raise_event(json.loads(body.decode('utf-8') or 'null')))
            except (ValueError, TypeError) as exc:
                return Response.json({'error': str(exc)}, 400)
        if method == 'GET' and action == 'calls':
            return Response.json(list(self.calls))
        return super(ZitadelEmulator, self).control(method, action, body)

    # -- calling the targets -----------------------------------------------------------------------
    def call_execution(self, execution, kind, name, content):
        """Calls the execution's targets in order; the failure message of the first interrupting target that failed,
        or None. Async targets are called in a thread nobody waits for. The calls are made without the lock when the
        caller does not hold it (an event), so that a target may call the emulator back (its JWKS)."""
        with self.lock:
            targets = [self.state['targets'][t] for t in execution['targets'] if t in self.state['targets']]
            calls = [(target, self.prepared_call(target, kind, name, content)) for target in targets]
        for target, call in calls:
            target_id = target['id']
            if 'restAsync' in target:
                threading.Thread(target=self.post, args=(call,), daemon=True).start()
                continue
            error = self.post(call)
            if error is not None and (target.get('restWebhook') or target.get('restCall') or {}).get('interruptOnError'):
                return 'Errors.Execution.Failed (EXEC-dra6yamk98): calling target %s: %s' % (target_id, error)
        return None

    def prepared_call(self, target, kind, name, content):
        """The call of one target as ZITADEL makes it: the body in the target's payload type, signed with its key."""
        call = {'target_id': target['id'], 'endpoint': target['endpoint'], 'kind': kind, 'name': name,
                'payload_type': target.get('payloadType', 'PAYLOAD_TYPE_JSON'), 'timeout': seconds(target.get('timeout', '10s')),
                'content': content, 'error': None}
        try:
            call['body'] = self.encoded_body(target, content)
        except Refused as refused:
            call['body'], call['error'] = None, refused.message
            return call
        timestamp = int(time.time())
        key = self.state.get('signing_keys', {}).get(target['id'], '').encode('utf-8')
        digest = hmac.new(key, str(timestamp).encode('ascii') + b'.' + call['body'], hashlib.sha256).hexdigest()
        call['headers'] = {'Content-Type': 'application/json', SIGNATURE_HEADER: 't=%d,v1=%s' % (timestamp, digest)}
        return call

    def encoded_body(self, target, content):
        payload = json.dumps(content, separators=(',', ':')).encode('utf-8')
        payload_type = target.get('payloadType', 'PAYLOAD_TYPE_JSON')
        if payload_type in ('PAYLOAD_TYPE_JSON', 'PAYLOAD_TYPE_UNSPECIFIED'):
            return payload
        from jwcrypto import jwe, jwk, jws  # only the JWT and JWE payload types need it
        token = jws.JWS(payload)
        token.add_signature(self.web_key(), alg='RS256', protected={'alg': 'RS256', 'kid': WEB_KEY_ID, 'typ': 'JWT'})
        signed = token.serialize(compact=True).encode('ascii')
        if payload_type == 'PAYLOAD_TYPE_JWT':
            return signed
        active = [k for k in self.state['public_keys'].get(target['id'], []) if k['active']]
        if not active:
            raise Refused(9, 'Errors.Target.PublicKey.NoActive: the target has no active public key to encrypt to')
        public = jwk.JWK.from_pem(base64.b64decode(active[0]['publicKey']))
        header = {'alg': JWE_KEY_ALGORITHM[public['kty']], 'enc': 'A256GCM', 'kid': active[0]['keyId'], 'cty': 'JWT'}
        envelope = jwe.JWE(signed, protected=header)
        envelope.add_recipient(public)
        return envelope.serialize(compact=True).encode('ascii')

    def web_key(self):
        from jwcrypto import jwk
        if self.state.get('web_key') is None:
            key = jwk.JWK.generate(kty='RSA', size=2048, kid=WEB_KEY_ID, use='sig', alg='RS256')
            self.state['web_key'] = json.loads(key.export_private())
        return jwk.JWK(**self.state['web_key'])

    def jwks(self):
        web_key = self.state.get('web_key')
        public = dict((k, v) for k, v in (web_key or {}).items() if k in ('kty', 'kid', 'use', 'alg', 'n', 'e'))
        return {'keys': [public] if public else []}

    def post(self, call):
        """POSTs one call and records it in self.calls; the error (None when the target answered 2xx)."""
        started = time.time()
        status = None
        if call['error'] is None:
            if call['endpoint'] in self.state.get('unreachable_endpoints', []):
                call['error'] = 'Post "%s": dial tcp: connection refused' % call['endpoint']
            elif urlsplit(call['endpoint']).hostname not in self.state.get('reachable_hosts', []):
                status = 200  # a host the emulator does not reach out to: taken as answering
            else:
                status, call['error'] = self.send(call)
        record = dict((k, v) for k, v in call.items() if k not in ('body', 'headers'))
        record.update(status=status, seconds=round(time.time() - started, 3),
                      signature=(call.get('headers') or {}).get(SIGNATURE_HEADER),
                      body=call['body'].decode('ascii', 'replace') if call.get('body') else None)
        self.calls.append(record)
        return call['error']

    @staticmethod
    def send(call):
        request = urllib.request.Request(call['endpoint'], data=call['body'], headers=call['headers'], method='POST')
        try:
            with urllib.request.urlopen(request, timeout=call['timeout'] or 0.001) as answer:  # noqa: S310 (loopback only)
                answer.read()
                return answer.status, None
        except urllib.error.HTTPError as exc:
            return exc.code, 'the target answered HTTP %d: %s' % (exc.code, exc.read().decode('utf-8', 'replace')[:200])
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, 'reason', exc)
            return None, 'Post "%s": %s' % (call['endpoint'], 'context deadline exceeded' if 'timed out' in str(reason) else reason)

    def handle(self, method, raw_path, headers, body):
        if method == 'GET' and urlsplit(raw_path).path == JWKS_PATH:
            # Served without the emulator's lock: a target verifying a JWT fetches the keys while the call that sent it
            # holds the lock.
            self.log.append({'method': method, 'path': JWKS_PATH, 'query': '', 'headers': dict(headers), 'body': '',
                             'route': 'jwks', 'time': time.time(), 'status': 200})
            return Response.json(self.jwks())
        return super(ZitadelEmulator, self).handle(method, raw_path, headers, body)

    # -- validation --------------------------------------------------------------------------------
    @staticmethod
    def text(value, field, limit):
        if not isinstance(value, str) or not 1 <= len(value) <= limit:
            raise Refused(3, 'invalid %s: value length must be between 1 and %d runes' % (field, limit))

    @staticmethod
    def duration(value):
        match = re.match(r'^(\d+(?:\.\d+)?)s$', value or '')
        if not match or float(match.group(1)) > 270:
            raise Refused(3, 'invalid CreateTargetRequest.Timeout: value must be less than or equal to 270s')

    def check_target(self, version, body, creating):
        allowed = {'name', 'restWebhook', 'restCall', 'restAsync', 'timeout', 'endpoint', 'payloadType', 'id', 'expirationSigningKey'}
        if set(body) - allowed or (version == 'v2beta' and 'payloadType' in body):
            raise Refused(3, 'unknown field in request: %s' % ', '.join(sorted(set(body) - allowed) or ['payloadType']))
        if creating or 'name' in body:
            self.text(body.get('name'), 'name', 1000)
        if creating or 'endpoint' in body:
            self.text(body.get('endpoint'), 'endpoint', 2048 if version == 'v2' else 1000)
        kinds = [k for k in ('restWebhook', 'restCall', 'restAsync') if k in body]
        if len(kinds) > 1 or (creating and not kinds):
            raise Refused(3, 'invalid target_type: exactly one field is required in oneof')
        if 'restAsync' in body and body['restAsync']:
            raise Refused(3, 'unknown field in restAsync')
        if 'timeout' in body:
            self.duration(body['timeout'])
        if body.get('payloadType') not in (None, 'PAYLOAD_TYPE_UNSPECIFIED', 'PAYLOAD_TYPE_JSON', 'PAYLOAD_TYPE_JWT', 'PAYLOAD_TYPE_JWE'):
            raise Refused(3, 'invalid payloadType')
        return kinds

    def check_condition(self, condition):
        if not isinstance(condition, dict) or len(condition) != 1 or next(iter(condition)) not in KINDS:
            raise Refused(3, 'invalid SetExecutionRequest.Condition: exactly one field is required in oneof')
        kind, spec = next(iter(condition.items()))
        if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in KINDS[kind]:
            raise Refused(3, 'invalid Condition.%s: exactly one field is required in oneof' % kind)
        field, value = next(iter(spec.items()))
        if field == 'all':
            if value is not True:
                raise Refused(3, 'invalid %s.all: value must equal true' % kind)
            return
        self.text(value, '%s.%s' % (kind, field), 1000)
        known = {('request', 'method'): 'methods', ('response', 'method'): 'methods', ('request', 'service'): 'services',
                 ('response', 'service'): 'services', ('function', 'name'): 'functions', ('event', 'event'): 'events'}
        if (kind, field) in known and value not in CATALOGUE[known[(kind, field)]]:
            raise Refused(3, 'Errors.Execution.%s.NotExisting (COMMAND-%s)' % (kind.capitalize(), field))
        if (kind, field) == ('event', 'group') and not any(e.startswith(value + '.') for e in CATALOGUE['events']):
            raise Refused(3, 'Errors.Execution.Event.NotExisting (COMMAND-group)')

    # -- targets -----------------------------------------------------------------------------------
    def create_target(self, version, request, body):
        kinds = self.check_target(version, body, creating=True)
        if any(t['name'] == body['name'] for t in self.state['targets'].values()):
            raise Refused(6, 'Errors.Target.AlreadyExists (COMMAND-ohb7eph)')
        self.state['next_id'] += 1
        target_id = str(self.state['next_id'])
        target = {'id': target_id, 'name': body['name'], 'endpoint': body['endpoint'], 'timeout': body.get('timeout', '10s'),
                  kinds[0]: body[kinds[0]], 'creationDate': now(), 'changeDate': now()}
        if version == 'v2':
            target['payloadType'] = body.get('payloadType', 'PAYLOAD_TYPE_JSON')
        self.state['targets'][target_id] = target
        return {'id': target_id, 'creationDate': target['creationDate'], 'signingKey': self.new_signing_key(target_id)}

    def new_signing_key(self, target_id):
        # ZITADEL generates a fresh random key on creation and on each rotation; a counter makes each one differ here.
        self.state['key_serial'] = self.state.get('key_serial', 0) + 1
        key = 'signing-key-%s-%d' % (target_id, self.state['key_serial'])
        self.state.setdefault('signing_keys', {})[target_id] = key
        return key

    def target(self, request):
        target = self.state['targets'].get(request.params['id'])
        if target is None:
            raise Refused(5, 'Errors.Target.NotFound (QUERY-xJ4kZ)')
        return target

    @staticmethod
    def shown(version, target):
        # v2beta (ZITADEL 3.x) has no payload type: a target created through v2 does not show it there.
        return dict((k, v) for k, v in target.items() if version == 'v2' or k != 'payloadType')

    def get_target(self, version, request, body):
        return {'target': self.shown(version, self.target(request))}

    def update_target(self, version, request, body):
        self.text(request.params['id'], 'id', 200)
        kinds = self.check_target(version, body, creating=False)
        target = self.target(request)
        if kinds:
            for kind in ('restWebhook', 'restCall', 'restAsync'):
                target.pop(kind, None)
            target[kinds[0]] = body[kinds[0]]
        if 'expirationSigningKey' in body and body['expirationSigningKey'] != '0s':
            raise Refused(3, 'invalid UpdateTargetRequest.ExpirationSigningKey: value must equal 0s')
        for field in ('name', 'endpoint', 'timeout', 'payloadType'):
            if field in body:
                target[field] = body[field]
        target['changeDate'] = now()
        answer = {'changeDate': target['changeDate']}
        if 'expirationSigningKey' in body:
            answer['signingKey'] = self.new_signing_key(target['id'])
        return answer

    def delete_target(self, version, request, body):
        self.text(request.params['id'], 'id', 200)
        if self.state['targets'].pop(request.params['id'], None) is None:
            return {}
        self.state['public_keys'].pop(request.params['id'], None)
        # ZITADEL removes a deleted target from every execution that calls it, silently (zitadel#9824); an execution left
        # with no target is a noop that ListExecutions no longer returns.
        for key, execution in list(self.state['executions'].items()):
            execution['targets'] = [t for t in execution['targets'] if t != request.params['id']]
            if not execution['targets']:
                del self.state['executions'][key]
        return {'deletionDate': now()}

    def page(self, body, items, what):
        pagination = body.get('pagination') or {}
        offset = int(pagination.get('offset') or 0)
        limit = int(pagination.get('limit') or 100)
        if limit > self.state['max_limit']:
            raise Refused(3, 'Errors.Query.LimitExceeded (QUERY-4M0fs)')
        if pagination.get('asc') is False:
            items = list(reversed(items))
        return {'pagination': {'totalResult': str(len(items)), 'appliedLimit': str(limit)}, what: items[offset:offset + limit]}

    def list_targets(self, version, request, body):
        items = sorted(self.state['targets'].values(), key=lambda t: int(t['id']))
        for search in body.get('filters') or []:
            if 'targetNameFilter' in search:
                name_filter = search['targetNameFilter']
                if len(name_filter.get('targetName', '')) > 200:
                    raise Refused(3, 'invalid TargetNameFilter.TargetName: value length must be at most 200 runes')
                match = TEXT_METHODS.get(name_filter.get('method', 'TEXT_FILTER_METHOD_EQUALS'))
                if match is None:
                    raise Refused(3, 'invalid TargetNameFilter.Method: value must be one of the defined enum values')
                items = [t for t in items if match(t['name'], name_filter.get('targetName', ''))]
            elif 'inTargetIdsFilter' in search:
                items = [t for t in items if t['id'] in search['inTargetIdsFilter'].get('targetIds', [])]
            else:
                raise Refused(3, 'invalid TargetSearchFilter: exactly one field is required in oneof')
        return self.page(body, [self.shown(version, t) for t in items], 'targets')

    # -- public keys (v2) ------------------------------------------------------------------------------
    @staticmethod
    def public_key_der(value):
        """DER of the PEM public key in the JSON value of the bytes field publicKey; Refused as ZITADEL would."""
        if not isinstance(value, str):
            raise Refused(3, 'proto: invalid value for bytes field publicKey')
        try:
            # protojson reads bytes as standard or URL-safe base64, padded or not; raw PEM text is none of them.
            pem = base64.b64decode(value.replace('-', '+').replace('_', '/') + '=' * (-len(value) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise Refused(3, 'proto: (line 1:14): invalid value for bytes field publicKey: illegal base64 data')
        if not 1 <= len(pem) <= 8192:
            raise Refused(3, 'invalid AddPublicKeyRequest.PublicKey: value length must be between 1 and 8192 bytes')
        match = re.match(br'^\s*-----BEGIN PUBLIC KEY-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----\s*$', pem)
        try:
            der = base64.b64decode(re.sub(br'\s+', b'', match.group(1)), validate=True) if match else b''
        except (binascii.Error, ValueError):
            der = b''
        if not der.startswith(b'\x30') or not any(oid in der[:24] for oid in KEY_ALGORITHMS):
            raise Refused(3, 'Errors.Target.PublicKey.Invalid: must be a PEM encoded RSA or EC public key (COMMAND-Ea5ex)')
        return der

    def target_keys(self, request):
        self.text(request.params['target_id'], 'target_id', 200)
        if request.params['target_id'] not in self.state['targets']:
            raise Refused(5, 'Errors.Target.NotFound (COMMAND-Mae3ax)')
        return self.state['public_keys'].setdefault(request.params['target_id'], [])

    def public_key(self, request):
        keys = self.target_keys(request)
        self.text(request.params['key_id'], 'key_id', 200)
        for key in keys:
            if key['keyId'] == request.params['key_id']:
                return keys, key
        raise Refused(5, 'Errors.Target.PublicKey.NotFound (COMMAND-ohj3Fa)')

    def add_public_key(self, version, request, body):
        unknown = set(body) - {'targetId', 'publicKey', 'expirationDate'}
        if unknown:
            raise Refused(3, 'unknown field in request: %s' % ', '.join(sorted(unknown)))
        keys = self.target_keys(request)
        if 'publicKey' not in body:
            raise Refused(3, 'invalid AddPublicKeyRequest.PublicKey: value length must be between 1 and 8192 bytes')
        der = self.public_key_der(body['publicKey'])
        if 'expirationDate' in body and not TIMESTAMP.match(body['expirationDate'] if isinstance(body['expirationDate'], str) else ''):
            raise Refused(3, 'proto: invalid google.protobuf.Timestamp value for expirationDate')
        if any(self.public_key_der(key['publicKey']) == der for key in keys):
            raise Refused(6, 'Errors.Target.PublicKey.AlreadyExists (COMMAND-Aeth4o)')
        self.state['next_id'] += 1
        key = {'keyId': str(self.state['next_id']), 'active': False, 'publicKey': body['publicKey'],
               'fingerprint': 'SHA256:' + base64.b64encode(hashlib.sha256(der).digest()).decode('ascii').rstrip('='),
               'creationDate': now(), 'changeDate': now()}
        if body.get('expirationDate'):
            key['expirationDate'] = body['expirationDate']
        keys.append(key)
        return {'keyId': key['keyId'], 'creationDate': key['creationDate']}

    def activate_public_key(self, version, request, body):
        keys, key = self.public_key(request)
        if key['active']:
            raise Refused(9, 'Errors.Target.PublicKey.AlreadyActive (COMMAND-Ieb4qu)')
        for other in keys:
            if other['active']:
                other['active'], other['changeDate'] = False, now()
        key['active'], key['changeDate'] = True, now()
        return {'changeDate': key['changeDate']}

    def deactivate_public_key(self, version, request, body):
        _keys, key = self.public_key(request)
        if not key['active']:
            raise Refused(9, 'Errors.Target.PublicKey.NotActive (COMMAND-Eeng9o)')
        key['active'], key['changeDate'] = False, now()
        return {'changeDate': key['changeDate']}

    def remove_public_key(self, version, request, body):
        keys, key = self.public_key(request)
        keys.remove(key)
        return {'deletionDate': now()}

    def list_public_keys(self, version, request, body):
        unknown = set(body) - {'targetId', 'pagination', 'sortingColumn', 'filters'}
        if unknown:
            raise Refused(3, 'unknown field in request: %s' % ', '.join(sorted(unknown)))
        items = list(self.target_keys(request))
        for search in body.get('filters') or []:
            if 'keyIdsFilter' in search:
                items = [k for k in items if k['keyId'] in (search['keyIdsFilter'].get('ids') or [])]
            elif 'activeFilter' in search:
                items = [k for k in items if k['active'] is bool(search['activeFilter'])]
            elif 'expirationDateFilter' not in search:
                raise Refused(3, 'invalid PublicKeySearchFilter: exactly one field is required in oneof')
        return self.page(body, items, 'publicKeys')

    # -- executions --------------------------------------------------------------------------------
    def set_execution(self, version, request, body):
        condition = body.get('condition')
        self.check_condition(condition)
        key = json.dumps(condition, sort_keys=True)
        targets = body.get('targets') or []
        for target in targets:
            if not isinstance(target, str):
                raise Refused(3, 'invalid SetExecutionRequest.Targets: value must be a string')
            if target not in self.state['targets']:
                raise Refused(9, 'Errors.Target.NotFound (COMMAND-17e8fq1ggk)')
        if not targets:
            self.state['executions'].pop(key, None)
        else:
            existing = self.state['executions'].get(key)
            self.state['executions'][key] = {'condition': condition, 'targets': list(targets),
                                             'creationDate': existing['creationDate'] if existing else now(), 'changeDate': now()}
        return {'setDate': now()}

    def list_executions(self, version, request, body):
        items = sorted(self.state['executions'].values(), key=lambda e: e['creationDate'])
        for search in body.get('filters') or []:
            if 'inConditionsFilter' in search:
                wanted = [json.dumps(c, sort_keys=True) for c in search['inConditionsFilter'].get('conditions', [])]
                items = [e for e in items if json.dumps(e['condition'], sort_keys=True) in wanted]
            elif 'executionTypeFilter' in search:
                items = [e for e in items if TYPE_OF[next(iter(e['condition']))] == search['executionTypeFilter'].get('executionType')]
            elif 'targetFilter' in search:
                # TargetFilter has one field, target_id (JSON targetId; protojson also reads the proto name). An
                # execution matches when the target is among its targets.
                target_filter = search['targetFilter']
                unknown = set(target_filter if isinstance(target_filter, dict) else {'?'}) - {'targetId', 'target_id'}
                if unknown:
                    raise Refused(3, 'proto: unknown field %s in TargetFilter' % ', '.join(sorted(unknown)))
                wanted_id = target_filter.get('targetId', target_filter.get('target_id'))
                items = [e for e in items if wanted_id in e['targets']]
            else:
                raise Refused(3, 'invalid ExecutionSearchFilter: exactly one field is required in oneof')
        return self.page(body, items, 'executions')

    @staticmethod
    def catalogue(what):
        def handler(version, request, body):
            return {what: list(CATALOGUE[what])}
        handler.__name__ = 'list_%s' % what
        return handler

    def dump_state(self):
        return {'targets': self.state['targets'], 'executions': list(self.state['executions'].values()),
                'public_keys': self.state['public_keys']}
