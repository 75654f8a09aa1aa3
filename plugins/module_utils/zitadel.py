# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ZITADEL Actions v2 (and v2beta) access for the netops.bridge zitadel_* modules.

Targets and executions are instance-level resources under /v2/actions (ZITADEL 4.x) or
/v2beta/actions (3.x). Executions are identified by their condition; setting one with no targets
deletes it. A target's public keys (for JWE payloads, v2 only) live under /v2/actions/targets/{id}/publickeys;
their ``publicKey`` is protobuf ``bytes``, so JSON carries the PEM text base64-encoded. Errors come as
{code, message, details} with a gRPC code.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import binascii
import difflib
import hashlib
import json
import re
from datetime import datetime, timedelta

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils._auth import BearerAuth
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient, path_segment, snippet
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils._module import PlatformModule, non_empty_env_fallback

PLATFORM = 'ZITADEL'
PAGE_SIZE = 100
MAX_TEXT = 1000
MAX_TIMEOUT = 270.0
GRPC_CODES = {1: 'CANCELLED', 2: 'UNKNOWN', 3: 'INVALID_ARGUMENT', 4: 'DEADLINE_EXCEEDED', 5: 'NOT_FOUND', 6: 'ALREADY_EXISTS',
              7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 9: 'FAILED_PRECONDITION', 10: 'ABORTED', 12: 'UNIMPLEMENTED',
              13: 'INTERNAL', 14: 'UNAVAILABLE', 16: 'UNAUTHENTICATED'}
TARGET_TYPES = {'webhook': 'restWebhook', 'call': 'restCall', 'async': 'restAsync'}
PAYLOAD_TYPES = {'json': 'PAYLOAD_TYPE_JSON', 'jwt': 'PAYLOAD_TYPE_JWT', 'jwe': 'PAYLOAD_TYPE_JWE'}
MAX_PUBLIC_KEY_BYTES = 8192
KEY_ALGORITHMS = {b'\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01': 'RSA', b'\x2a\x86\x48\xce\x3d\x02\x01': 'EC'}
PEM_BLOCK = re.compile(r'-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----', re.S)
RFC3339 = re.compile(r'^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?([Zz]|[+-]\d\d:\d\d)$')
CONDITION_KINDS = {'request': ('method', 'service', 'all'), 'response': ('method', 'service', 'all'),
                   'function': ('name',), 'event': ('event', 'group', 'all')}


def zitadel_argument_spec():
    return dict(
        url=dict(type='str', required=True, fallback=(non_empty_env_fallback, ['ZITADEL_URL'])),
        token=dict(type='str', required=True, no_log=True, fallback=(non_empty_env_fallback, ['ZITADEL_TOKEN'])),
        api_version=dict(type='str', default='v2', choices=['v2', 'v2beta'], fallback=(non_empty_env_fallback, ['ZITADEL_API_VERSION'])),
        validate_certs=dict(type='bool', default=True, fallback=(non_empty_env_fallback, ['ZITADEL_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(non_empty_env_fallback, ['ZITADEL_CA_PATH'])),
        request_timeout=dict(type='float', default=30.0, fallback=(non_empty_env_fallback, ['ZITADEL_REQUEST_TIMEOUT'])),
    )


def zitadel_error_detail(response):
    """``gRPC <code> <NAME>: <message>`` from ZITADEL's error body; the code may be a number or a string."""
    try:
        body = json.loads(response.text)
    except ValueError:
        return snippet(response.text) or None
    if not isinstance(body, dict):
        return snippet(response.text) or None
    code = body.get('code')
    if isinstance(code, int):
        code = '%d %s' % (code, GRPC_CODES.get(code, ''))
    parts = []
    if code not in (None, ''):
        parts.append('gRPC %s' % to_text(code).strip())
    if body.get('message'):
        parts.append(to_text(body['message']))
    return ': '.join(parts) or snippet(response.text)


def parse_duration(value, option):
    """Seconds from 10, '10', '10s', '1.5s', '500ms' or '2m'; ValueError naming the option otherwise."""
    text = to_text(value).strip()
    match = re.match(r'^(\d+(?:\.\d+)?)(ms|s|m)?$', text)
    if not match:
        raise ValueError('%s must be a duration such as 10s, 500ms or 2m, got %r' % (option, value))
    seconds = float(match.group(1)) * {'ms': 0.001, 's': 1.0, 'm': 60.0, None: 1.0}[match.group(2)]
    if seconds > MAX_TIMEOUT:
        raise ValueError('%s must be at most 270s, got %r' % (option, value))
    return seconds


def format_duration(seconds):
    return ('%.9f' % seconds).rstrip('0').rstrip('.') + 's'


def check_text(value, option, limit=MAX_TEXT):
    if not isinstance(value, str) or not 1 <= len(value) <= limit:
        raise ValueError('%s must be a string of 1 to %d characters' % (option, limit))


def normalize_condition(condition):
    """Check a condition against the API's rules and return it in the API's JSON form.

    Exactly one kind (request, response, function, event); within request/response/event exactly one
    of its fields; strings of 1 to 1000 characters; ``all`` must be true."""
    if not isinstance(condition, dict):
        raise ValueError('condition must be a dict')
    kinds = [k for k in condition if condition[k] is not None]
    unknown = [k for k in kinds if k not in CONDITION_KINDS]
    if unknown or len(kinds) != 1:
        raise ValueError('condition must have exactly one of request, response, function or event, got %s' % (', '.join(sorted(kinds)) or 'none'))
    kind = kinds[0]
    spec = condition[kind]
    if not isinstance(spec, dict):
        raise ValueError('condition.%s must be a dict' % kind)
    given = [k for k in spec if spec[k] is not None]
    bad = sorted(k for k in spec if k not in CONDITION_KINDS[kind])
    if bad:
        raise ValueError('unknown key %s in condition.%s (it takes one of %s)' % (', '.join(bad), kind, ', '.join(CONDITION_KINDS[kind])))
    if len(given) != 1:
        raise ValueError('condition.%s must have exactly one of %s' % (kind, ', '.join(CONDITION_KINDS[kind])))
    field = given[0]
    value = spec[field]
    if field == 'all':
        if value is not True:
            raise ValueError('condition.%s.all must be true' % kind)
    else:
        check_text(value, 'condition.%s.%s' % (kind, field))
    return {kind: {field: value}}


# Which catalogue list (ListExecutionMethods, ListExecutionServices, ListExecutionFunctions) holds a condition's value.
# Events have no catalogue RPC: ZITADEL's own refusal of SetExecution is their check.
CATALOGUE_LISTS = {('request', 'method'): 'methods', ('response', 'method'): 'methods', ('request', 'service'): 'services',
                   ('response', 'service'): 'services', ('function', 'name'): 'functions'}


def catalogue_problem(condition, catalogue):
    """Why ZITADEL's catalogue does not list a normalized condition's method, service or function, or None."""
    kind, spec = next(iter(condition.items()))
    field, value = next(iter(spec.items()))
    listed = catalogue.get(CATALOGUE_LISTS.get((kind, field))) if (kind, field) in CATALOGUE_LISTS else None
    if listed is None or value in listed:
        return None
    close = difflib.get_close_matches(value, listed, n=3, cutoff=0.8)
    hint = ('; did you mean %s?' % ' or '.join(close)) if close else '.'
    return ('condition.%s.%s %r is not among the %s ZITADEL lists (GET .../actions/executions/%s)%s'
            % (kind, field, value, CATALOGUE_LISTS[(kind, field)], CATALOGUE_LISTS[(kind, field)], hint))


# zitadel#8205: an execution on every API call (or a whole service) whose target interrupts on error makes every such
# call fail while ZITADEL cannot reach the target, including the calls that would remove the execution again.
LOCKOUT_REASON = ('while ZITADEL cannot reach such a target, every API call the condition matches fails, including the calls '
                  'needed to undo this execution (zitadel#8205)')


def catch_all_scope(condition):
    """What a normalized request/response condition on all calls or a whole service matches, in words; None otherwise."""
    kind, spec = next(iter(condition.items()))
    field, value = next(iter(spec.items()))
    if kind not in ('request', 'response') or field not in ('all', 'service'):
        return None
    return 'every API call' if field == 'all' else 'every call of %s' % value


def interrupting_catch_all_problem(condition, target_names):
    """Why setting ``condition`` to the interrupting targets ``target_names`` is refused, or None when it is no
    catch-all or no target interrupts."""
    scope = catch_all_scope(condition)
    if scope is None or not target_names:
        return None
    return ('condition %s is a catch-all (%s) and its target(s) %s interrupt on error: %s. Point the condition at a '
            'method, or at targets without interrupt_on_error, or set allow_interrupting_catch_all: true to accept that risk.'
            % (json.dumps(condition, sort_keys=True), scope, ', '.join(target_names), LOCKOUT_REASON))


def needs_catalogue(condition):
    kind, spec = next(iter(condition.items()))
    return (kind, next(iter(spec))) in CATALOGUE_LISTS


def condition_key(condition):
    return json.dumps(condition, sort_keys=True)


def target_view(target):
    """A target in the module's terms (what zitadel_target compares and returns)."""
    kind = next((name for name, key in TARGET_TYPES.items() if key in target), None)
    member = target.get(TARGET_TYPES.get(kind), {}) if kind else {}
    view = {
        'id': target.get('id'),
        'name': target.get('name'),
        'endpoint': target.get('endpoint'),
        'target_type': kind,
        'interrupt_on_error': bool((member or {}).get('interruptOnError', False)) if kind != 'async' else False,
        'timeout': format_duration(parse_duration(target['timeout'], 'timeout')) if target.get('timeout') else None,
        'payload_type': next((k for k, v in PAYLOAD_TYPES.items() if v == target.get('payloadType')), None),
        'creation_date': target.get('creationDate'),
        'change_date': target.get('changeDate'),
    }
    return view


def target_role_input(view):
    """A target (target_view) as the zitadel_actions role's zitadel_actions_targets takes it: what ZITADEL says of it,
    never its ID, dates, public keys or signing key; the role's defaults (state present, no rotation) left out."""
    item = {'name': view['name'], 'endpoint': view['endpoint'], 'target_type': view['target_type']}
    if view['target_type'] in ('webhook', 'call'):
        item['interrupt_on_error'] = view['interrupt_on_error']
    for field in ('timeout', 'payload_type'):
        if view.get(field):
            item[field] = view[field]
    return item


def execution_role_input(execution, names):
    """An execution as the zitadel_actions role's zitadel_actions_executions takes it: its condition and its targets by
    name (``names`` maps IDs to names; an ID without a name stays an ID, which the role also takes)."""
    return {'condition': execution.get('condition'), 'targets': [names.get(i) or i for i in execution_target_ids(execution)]}


def execution_target_ids(execution):
    """Target IDs of an execution: strings (v2, late v2beta) or {"target": id} objects (early v2beta)."""
    ids = []
    for item in execution.get('targets') or []:
        if isinstance(item, dict):
            if item.get('target'):
                ids.append(item['target'])
        else:
            ids.append(to_text(item))
    return ids


def _der_item(data, at):
    """(tag, content start, content end) of the DER item at ``at``; ValueError when it does not fit in ``data``."""
    if at + 2 > len(data):
        raise ValueError('truncated')
    tag, length, at = data[at], data[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7f
        if not 1 <= count <= 4 or at + count > len(data):
            raise ValueError('bad length')
        length = int(binascii.hexlify(data[at:at + count]), 16)
        at += count
    if at + length > len(data):
        raise ValueError('truncated')
    return tag, at, at + length


def parse_public_key(value, option='public_key'):
    """(DER SubjectPublicKeyInfo, 'RSA' or 'EC') of one PEM ``PUBLIC KEY`` block; ValueError saying what is wrong.

    A small DER walk (SEQUENCE of the AlgorithmIdentifier and a BIT STRING, nothing after it) is enough to tell an RSA or
    EC public key from anything else; no crypto library is needed. The key itself is never put in the message."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError('%s must be the PEM text of an RSA or EC public key (-----BEGIN PUBLIC KEY-----)' % option)
    blocks = PEM_BLOCK.findall(value)
    labels = [label for label, _body in blocks]
    if any('PRIVATE KEY' in label for label in labels):
        raise ValueError('%s holds a private key: give its public key (openssl pkey -in key.pem -pubout)' % option)
    if len(blocks) != 1:
        raise ValueError('%s must hold exactly one PEM block (-----BEGIN PUBLIC KEY-----), found %d' % (option, len(blocks)))
    label, body = blocks[0]
    if label == 'CERTIFICATE':
        raise ValueError('%s is a certificate, not a public key: give its key (openssl x509 -in cert.pem -pubkey -noout)' % option)
    if label == 'RSA PUBLIC KEY':
        raise ValueError('%s is a PKCS#1 RSA key: ZITADEL wants a PUBLIC KEY (SubjectPublicKeyInfo) block '
                         '(openssl rsa -RSAPublicKey_in -in key.pem -pubout)' % option)
    if label != 'PUBLIC KEY':
        raise ValueError('%s must be a PEM PUBLIC KEY block, got %s' % (option, label))
    if len(value.strip().encode('utf-8')) > MAX_PUBLIC_KEY_BYTES:
        raise ValueError('%s must be at most %d bytes of PEM text' % (option, MAX_PUBLIC_KEY_BYTES))
    try:
        der = base64.b64decode(re.sub(r'\s+', '', body), validate=True)
        tag, start, end = _der_item(der, 0)
        if tag != 0x30 or end != len(der):
            raise ValueError('not one SEQUENCE')
        tag, algorithm_start, algorithm_end = _der_item(der, start)
        if tag != 0x30:
            raise ValueError('no AlgorithmIdentifier')
        tag, oid_start, oid_end = _der_item(der, algorithm_start)
        if tag != 0x06:
            raise ValueError('no algorithm OID')
        tag, key_start, key_end = _der_item(der, algorithm_end)
        if tag != 0x03 or key_end != end or key_end - key_start < 2:
            raise ValueError('no BIT STRING')
    except (ValueError, TypeError, binascii.Error):
        raise ValueError('%s is not a valid PEM public key (its base64 or DER structure is broken)' % option)
    kind = KEY_ALGORITHMS.get(der[oid_start:oid_end])
    if kind is None:
        raise ValueError('%s must be an RSA or EC public key; ZITADEL accepts no other algorithm (such as Ed25519)' % option)
    return der, kind


def public_key_fingerprint(der):
    """``SHA256:`` and the unpadded base64 of the SHA-256 of the DER SubjectPublicKeyInfo (the form ZITADEL's API
    documents for a key's fingerprint)."""
    return 'SHA256:' + to_text(base64.b64encode(hashlib.sha256(der).digest())).rstrip('=')


def encode_public_key(value):
    """The JSON value of the ``publicKey`` bytes field: base64 of the PEM text's UTF-8 bytes."""
    return to_text(base64.b64encode((value.strip() + '\n').encode('utf-8')))


def decode_public_key(value):
    """DER of the ``publicKey`` in one of ZITADEL's answers (base64 of PEM bytes), or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        pem = base64.b64decode(value + '=' * (-len(value) % 4), validate=True).decode('utf-8')
        return parse_public_key(pem)[0]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None


def normalize_timestamp(value, option='expiration_date'):
    """An RFC 3339 time as ZITADEL writes it, in UTC (``2027-01-31T00:00:00Z``); ValueError naming the option."""
    match = RFC3339.match(to_text(value).strip()) if value is not None else None
    if not match:
        raise ValueError('%s must be an RFC 3339 time such as 2027-01-31T00:00:00Z, got %r' % (option, value))
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        stamp = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        raise ValueError('%s is not a valid date and time: %r' % (option, value))
    if zone not in ('Z', 'z'):
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        stamp = stamp - offset if zone[0] == '+' else stamp + offset
    fraction = (fraction or '').rstrip('0')
    return stamp.strftime('%Y-%m-%dT%H:%M:%S') + ('.' + fraction if fraction else '') + 'Z'


def public_key_view(key, der=None):
    """A target's public key in the module's terms: key_id, fingerprint, active, expiration_date."""
    try:
        expiration = normalize_timestamp(key['expirationDate']) if key.get('expirationDate') else None
    except ValueError:
        expiration = to_text(key.get('expirationDate'))
    der = der if der is not None else decode_public_key(key.get('publicKey'))
    fingerprint = key.get('fingerprint') if isinstance(key.get('fingerprint'), str) and key.get('fingerprint') else None
    return {
        'key_id': key.get('keyId'),
        'fingerprint': fingerprint or (public_key_fingerprint(der) if der else None),
        'active': key.get('active') is True,
        'expiration_date': expiration,
    }


def refusal_hint(error, permission):
    """Why ZITADEL refused the token: 401 (gRPC UNAUTHENTICATED) means it does not accept the token at all, which no
    permission would fix; only 403 (PERMISSION_DENIED) means a valid token lacks the permission."""
    detail = (error.detail or '').lower()
    if error.status == 401 or 'unauthenticated' in detail or 'token.invalid' in detail:
        return 'the token is invalid or expired: give a valid personal access token of a service user in token'
    if error.status == 403 and permission:
        return 'the token needs the %s permission' % permission
    return None


class ZitadelModule(PlatformModule):
    platform = PLATFORM
    api_prefixes = ('/v2beta', '/v2')
    credential_options = 'token'

    def __init__(self, argument_spec, **kwargs):
        super(ZitadelModule, self).__init__(argument_spec, **kwargs)
        self.require_non_empty('token')
        self.api = ZitadelApi(self)

    @classmethod
    def connection_argument_spec(cls):
        return zitadel_argument_spec()

    def build_client(self):
        return ApiClient(PLATFORM, self.params['url'], BearerAuth(self.params['token']),
                         validate_certs=self.params['validate_certs'], ca_path=self.params['ca_path'],
                         timeout=self.params['request_timeout'], error_detail=zitadel_error_detail,
                         idempotent_methods=('GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'))


class ZitadelApi(object):
    """The Action service endpoints. SetExecution (PUT) and DeleteTarget (DELETE) are idempotent by the API."""

    PERMISSIONS = {'targets/search': 'action.target.read', 'targets': 'action.target.write',
                   'executions/search': 'action.execution.read', 'executions': 'action.execution.write'}

    def __init__(self, module):
        self.module = module

    @property
    def client(self):
        return self.module.client

    @property
    def prefix(self):
        return '/%s/actions' % self.module.params['api_version']

    def call(self, method, path, permission, body=None, idempotent=None):
        """The JSON object ZITADEL answers; any other answer is an ApiError."""
        try:
            response = self.client.request(method, self.prefix + path, json_body=body, idempotent=idempotent)
        except ApiError as exc:
            hint = refusal_hint(exc, permission)
            if hint:
                raise exc.explained(detail='%s (%s)' % (exc.detail, hint) if exc.detail else hint)
            raise
        return response.json_object(maybe_applied=method == 'POST' and not idempotent)

    def search(self, what, filters, permission, path=None):
        """Every page of a search, following offsets until totalResult is reached; ``what`` is the answer's list."""
        found, offset = [], 0
        while True:
            body = {'pagination': {'offset': str(offset), 'limit': PAGE_SIZE, 'asc': True}, 'filters': filters}
            answer = self.call('POST', path or '/%s/search' % what, permission, body, idempotent=True)
            page = answer.get(what)
            if page is None:
                page = answer.get('result') or []
            if not isinstance(page, list) or not all(isinstance(item, dict) for item in page):
                raise ApiError(PLATFORM, 'the %s search answered %s, not a list of objects' % (what, snippet(json.dumps(page))))
            found.extend(page)
            paging = answer.get('pagination') or answer.get('details')
            try:
                total = int((paging if isinstance(paging, dict) else {}).get('totalResult') or 0)
            except (TypeError, ValueError):
                total = 0
            offset += len(page)
            if not page or offset >= total:
                return found

    def targets(self, filters=None):
        return self.search('targets', filters or [], 'action.target.read')

    def target_by_name(self, name):
        matches = [t for t in self.targets([{'targetNameFilter': {'targetName': name, 'method': 'TEXT_FILTER_METHOD_EQUALS'}}])
                   if t.get('name') == name]
        if len(matches) > 1:
            raise ApiError(PLATFORM, 'more than one target is named %r (IDs %s)' % (name, ', '.join(t.get('id') for t in matches)))
        return matches[0] if matches else None

    def create_target(self, body):
        return self.call('POST', '/targets', 'action.target.write', body)

    def update_target(self, target_id, body):
        return self.call('POST', '/targets/%s' % path_segment(target_id), 'action.target.write', body)

    def delete_target(self, target_id):
        return self.call('DELETE', '/targets/%s' % path_segment(target_id), 'action.target.delete')

    def executions(self, filters=None):
        return self.search('executions', filters or [], 'action.execution.read')

    def execution(self, condition):
        for execution in self.executions([{'inConditionsFilter': {'conditions': [condition]}}]):
            if condition_key(execution.get('condition') or {}) == condition_key(condition):
                return execution
        return None

    def catalogue(self):
        """ListExecutionMethods, ListExecutionServices and ListExecutionFunctions: what conditions may name. Any valid
        token may read them; the answer is read once per task (ZitadelApi lives as long as the module)."""
        if getattr(self, '_catalogue', None) is None:
            found = {}
            for what in ('methods', 'services', 'functions'):
                answer = self.call('GET', '/executions/%s' % what, None)  # no permission: any valid token reads it
                items = answer.get(what) or []
                if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
                    raise ApiError(PLATFORM, 'the %s catalogue answered %s, not a list of names' % (what, snippet(json.dumps(items))))
                found[what] = list(items)
            self._catalogue = found
        return self._catalogue

    def set_execution(self, condition, target_ids):
        return self.call('PUT', '/executions', 'action.execution.write', {'condition': condition, 'targets': list(target_ids)})

    # A target's public keys (v2 only): the REST mapping of AddPublicKey, ActivatePublicKey, DeactivatePublicKey,
    # RemovePublicKey and ListPublicKeys (https://zitadel.com/docs/apis/resources/action_service_v2).
    def public_keys(self, target_id):
        return self.search('publicKeys', [], 'action.target.read', '/targets/%s/publickeys/search' % path_segment(target_id))

    def add_public_key(self, target_id, body):
        return self.call('POST', '/targets/%s/publickeys' % path_segment(target_id), 'action.target.write', body)

    def activate_public_key(self, target_id, key_id):
        return self.call('POST', '/targets/%s/publickeys/%s/activate' % (path_segment(target_id), path_segment(key_id)),
                         'action.target.write')

    def deactivate_public_key(self, target_id, key_id):
        return self.call('POST', '/targets/%s/publickeys/%s/deactivate' % (path_segment(target_id), path_segment(key_id)),
                         'action.target.write')

    def remove_public_key(self, target_id, key_id):
        return self.call('DELETE', '/targets/%s/publickeys/%s' % (path_segment(target_id), path_segment(key_id)), 'action.target.write')
