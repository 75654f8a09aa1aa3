# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-rulebook event source: the calls of ZITADEL Actions v2 targets, verified, one event per call."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
short_description: Receive ZITADEL Actions v2 calls (requests, responses, functions, events) as events
version_added: 1.3.0
description:
  - An HTTP(S) listener for the calls that ZITADEL makes to an Actions v2 target. Point a target's C(endpoint) at it
    (any path; a POST on any path is a call, its path is given in the event's C(meta.endpoint)).
  - Every call must carry a valid C(ZITADEL-Signature) header, C(t=<unix time>,v1=<hex>[,v1=<hex>...]), where each
    C(v1) is the hex HMAC-SHA256, keyed with the target's signing key, of the decimal Unix time, a C(.) and the raw
    body, exactly as ZITADEL computes it. One valid C(v1) is enough. The comparison is constant-time.
  - A call without that header, with a malformed header, with no C(v1) that matches one of O(signing_keys), or with
    a time further than O(tolerance) seconds in the past or the future is refused with HTTP 401 and gives no event.
  - The body is decoded by its form, as the target's payload type makes ZITADEL send it. JSON (C(PAYLOAD_TYPE_JSON));
    a JWT (C(PAYLOAD_TYPE_JWT)) verified against the instance's JWKS (O(jwks_url) or O(issuer)), fetched once and
    cached by C(kid), fetched again when a token names an unknown C(kid); a JWE (C(PAYLOAD_TYPE_JWE)) decrypted with
    O(private_key_file), the private key whose public key C(netops.bridge.zitadel_target_public_key) registered,
    then verified as a JWT.
  - A call that passes gets HTTP 200 with an empty body (for a C(restCall) target that means "no change") and puts
    one event on the queue, C({"kind", "name", "payload_type", "payload", "meta"}), see docs/eda.md.
  - Requires the Python packages C(aiohttp) and C(jwcrypto) where ansible-rulebook runs.
options:
  host:
    description:
      - The address to listen on.
    type: str
    default: "0.0.0.0"
  port:
    description:
      - The TCP port to listen on.
    type: int
    required: true
  signing_keys:
    description:
      - The signing keys of the targets that call this source (C(signingKey) that ZITADEL returned on creation or on
        C(rotate_signing_key)). A call signed with any one of them is accepted, so during a rotation list the old and
        the new key, and remove the old one once ZITADEL signs with the new one.
      - A single string is taken as one key.
      - When unset or empty, the keys are read from the environment variable E(ZITADEL_SIGNING_KEYS), comma-separated.
      - The keys are never printed or logged.
    type: list
    elements: str
  signing_keys_file:
    description:
      - A file of further signing keys, one a line (blank lines and lines starting with C(#) are skipped), accepted
        together with O(signing_keys). The source reads it again whenever its modification time or size changes, so
        keys can be added and removed while the source runs, without a restart and without a refused call (see the
        key hand-over in docs/eda.md).
      - If the file cannot be read later, its keys are dropped (with a warning) until it can be read again.
    type: path
  tolerance:
    description:
      - How many seconds the signature's time may lie in the past or in the future of this host's clock.
    type: int
    default: 300
  allow_unsigned:
    description:
      - Accept calls without checking C(ZITADEL-Signature) when no signing key is given (a warning is logged at start).
        Without a key and without this option the source refuses to start.
      - Has no effect when a signing key is given: then every call is verified.
    type: bool
    default: false
  max_body_size:
    description:
      - The largest body accepted, in bytes; a larger one is refused with HTTP 413 and gives no event.
    type: int
    default: 1048576
  payload_types:
    description:
      - The body forms accepted; another form is refused with HTTP 415 and gives no event. With O(allow_unsigned),
        leave out C(json) so that only bodies that ZITADEL signed with its web key are accepted.
    type: list
    elements: str
    choices: [json, jwt, jwe]
    default: [json, jwt, jwe]
  jwks_url:
    description:
      - The URL of the ZITADEL instance's JSON Web Key Set, to verify JWT and JWE bodies.
      - Defaults to O(issuer) followed by C(/oauth/v2/keys).
    type: str
  issuer:
    description:
      - The ZITADEL instance's base URL, for example C(https://my-instance.zitadel.cloud); the JWKS is read from
        C(<issuer>/oauth/v2/keys) unless O(jwks_url) is given.
    type: str
  jwks_min_refresh:
    description:
      - The least number of seconds between two fetches of the JWKS when tokens name a C(kid) it does not hold, so
        that forged C(kid) values cannot make the source hammer ZITADEL.
    type: int
    default: 30
  validate_certs:
    description:
      - Verify the TLS certificate of O(jwks_url).
    type: bool
    default: true
  private_key_file:
    description:
      - PEM files of the private keys (RSA or EC) that decrypt JWE bodies; their public keys are the ones registered
        on the target with C(netops.bridge.zitadel_target_public_key). Each is tried in turn, so during a key change
        list the old and the new one.
      - A single path is taken as one file.
    type: list
    elements: path
  private_key_password:
    description:
      - The password of encrypted PEM files in O(private_key_file).
    type: str
  certfile:
    description:
      - The path to a certificate file to enable TLS.
    type: str
  keyfile:
    description:
      - The path to the key file of O(certfile).
    type: str
  password:
    description:
      - The password to load the certificate chain with.
    type: str
  cafile:
    description:
      - The path to a file of CA certificates to verify client certificates with (mutual TLS).
    type: str
  capath:
    description:
      - The path to a directory of CA certificates to verify client certificates with (mutual TLS).
    type: str
'''

EXAMPLES = r'''
- name: ZITADEL user sign-ups
  hosts: localhost
  sources:
    - netops.bridge.zitadel_calls:
        host: 0.0.0.0
        port: 5001
        signing_keys:
          - "{{ zitadel_signing_key }}"
        certfile: /etc/eda/tls/listener.crt
        keyfile: /etc/eda/tls/listener.key
  rules:
    - name: A human user was added
      condition: event.kind == "event" and event.name == "user.human.added"
      action:
        run_playbook:
          name: playbooks/welcome_user.yml

- name: JWE bodies, keys from the environment (ZITADEL_SIGNING_KEYS)
  hosts: localhost
  sources:
    - netops.bridge.zitadel_calls:
        port: 5001
        issuer: https://my-instance.zitadel.cloud
        private_key_file: /etc/eda/zitadel/target-private.pem
        payload_types: [jwe]
  rules:
    - name: Any call
      condition: event.kind is defined
      action:
        debug:
'''

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import ssl
import time
from datetime import datetime, timezone

try:
    from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector, web
    from jwcrypto import jwe as jose_jwe
    from jwcrypto import jwk as jose_jwk
    from jwcrypto import jws as jose_jws
    from jwcrypto.common import JWException
    IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover  (said when main() starts, where the user sees it)
    IMPORT_ERROR = exc

LOGGER = logging.getLogger(__name__)

SIGNATURE_HEADER = 'ZITADEL-Signature'
KEYS_ENVIRONMENT_VARIABLE = 'ZITADEL_SIGNING_KEYS'
JWKS_PATH = '/oauth/v2/keys'
PAYLOAD_TYPES = ('json', 'jwt', 'jwe')
# ZITADEL's web keys are asymmetric; an HMAC or "none" JWT would be forgeable by anyone who knows the JWKS.
JWS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']
# What ZITADEL encrypts with: RSA-OAEP-256 for an RSA public key, ECDH-ES+A256KW for an EC one, A256GCM content.
JWE_ALGORITHMS = ['RSA-OAEP-256', 'ECDH-ES+A256KW', 'A256GCM']
# Headers that carry credentials or the signature never reach the event (and so never a log or a playbook).
HIDDEN_HEADERS = frozenset(('authorization', 'proxy-authorization', 'cookie', 'zitadel-signature', 'x-zitadel-signature'))


class Refused(Exception):
    """A call that gives no event, with the HTTP status it is answered with."""

    def __init__(self, status, reason):
        super(Refused, self).__init__(reason)
        self.status = status
        self.reason = reason


def parse_signature_header(value):
    """(timestamp, [digest bytes]) of a ZITADEL-Signature value; Refused(401) when it is not one."""
    if not value:
        raise Refused(401, 'missing %s header' % SIGNATURE_HEADER)
    timestamp = None
    digests = []
    for pair in value.split(','):
        name, separator, field = pair.strip().partition('=')
        if not separator or '=' in field:
            raise Refused(401, 'malformed %s header' % SIGNATURE_HEADER)
        if name == 't':
            if timestamp is not None or not field.isdigit():
                raise Refused(401, 'malformed %s header' % SIGNATURE_HEADER)
            timestamp = int(field)
        elif name == 'v1':
            try:
                digests.append(binascii.unhexlify(field))
            except (binascii.Error, ValueError):
                continue  # as ZITADEL's own verifier: a v1 that is not hex cannot match, the others still may
    if timestamp is None or not digests:
        raise Refused(401, 'malformed %s header' % SIGNATURE_HEADER)
    return timestamp, digests


def verify_signature(header_value, body, signing_keys, tolerance, now):
    """Refused(401) unless one v1 of the header is the HMAC of one signing key over "<t>." + body, t within tolerance."""
    timestamp, digests = parse_signature_header(header_value)
    if abs(now - timestamp) > tolerance:
        raise Refused(401, 'signature time outside the tolerance of %d s' % tolerance)
    signed = str(timestamp).encode('ascii') + b'.' + body
    valid = False
    for key in signing_keys:
        expected = hmac.new(key, signed, hashlib.sha256).digest()
        for digest in digests:
            # no early exit: the time taken does not tell which key or which v1 matched
            valid |= hmac.compare_digest(expected, digest)
    if not valid:
        raise Refused(401, 'no valid signature')


def body_form(body):
    """json, jwt or jwe: what the body is, by its shape (a JSON object, or a compact JWS/JWE serialization)."""
    text = body.strip()
    if text.startswith(b'{'):
        return 'json'
    dots = text.count(b'.')
    if dots == 2:
        return 'jwt'
    if dots == 4:
        return 'jwe'
    raise Refused(400, 'the body is neither a JSON object nor a JWT or JWE')


def load_json_object(data):
    try:
        document = json.loads(data)
    except ValueError:
        raise Refused(400, 'the payload is not valid JSON')
    if not isinstance(document, dict):
        raise Refused(400, 'the payload is not a JSON object')
    return document


def decoded_event_payload(value):
    """ZITADEL's event_payload as an object: some versions send the event's JSON as a base64 string (a Go []byte)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        pass
    try:
        return json.loads(value)
    except ValueError:
        return value


def condition_of(payload):
    """(kind, name) of a call by the fields ZITADEL sends for each condition kind."""
    if 'event_type' in payload:
        return 'event', payload['event_type']
    if 'function' in payload:
        return 'function', payload['function']
    if 'fullMethod' in payload:
        return ('response' if 'response' in payload else 'request'), payload['fullMethod']
    raise Refused(400, 'the payload is no ZITADEL call (no event_type, function or fullMethod)')


class JwksCache(object):
    """The instance's JWKS, by kid: fetched on first use and again for an unknown kid, at most every min_refresh s."""

    def __init__(self, url, min_refresh, validate_certs):
        self.url = url
        self.min_refresh = min_refresh
        self.validate_certs = validate_certs
        self.keys = None
        self.fetched_at = None
        self.lock = asyncio.Lock()

    async def key(self, kid):
        async with self.lock:
            if self.keys is None or (self.keys.get_key(kid) is None and self._may_refresh()):
                await self._fetch()
            found = self.keys.get_key(kid)
        if found is None:
            raise Refused(401, 'the JWT is signed with a key (kid %r) the instance does not publish' % kid)
        return found

    def _may_refresh(self):
        return self.fetched_at is None or time.monotonic() - self.fetched_at >= self.min_refresh

    async def _fetch(self):
        self.fetched_at = time.monotonic()
        try:
            connector = TCPConnector(ssl=bool(self.validate_certs))
            async with ClientSession(connector=connector, timeout=ClientTimeout(total=10)) as session:
                async with session.get(self.url) as response:
                    if response.status != 200:
                        raise Refused(503, 'the JWKS at %s answered HTTP %d' % (self.url, response.status))
                    text = await response.text()
            self.keys = jose_jwk.JWKSet.from_json(text)
        except (ClientError, asyncio.TimeoutError, JWException, ValueError) as exc:
            if self.keys is None:
                self.keys = jose_jwk.JWKSet()
            raise Refused(503, 'cannot read the JWKS at %s: %s' % (self.url, exc))


class CallDecoder(object):
    """The body of a verified call as a ZITADEL payload object, whatever its form."""

    def __init__(self, payload_types, jwks, private_keys):
        self.payload_types = payload_types
        self.jwks = jwks
        self.private_keys = private_keys

    async def decode(self, body):
        form = body_form(body)
        if form not in self.payload_types:
            raise Refused(415, 'payload type %s is not accepted (payload_types)' % form)
        if form == 'json':
            return form, load_json_object(body)
        token = body.strip().decode('ascii', 'replace')
        if form == 'jwe':
            token = self._decrypt(token)
        return form, load_json_object(await self._verify(token))

    def _decrypt(self, token):
        if not self.private_keys:
            raise Refused(415, 'a JWE body, but no private_key_file to decrypt it')
        for key in self.private_keys:
            envelope = jose_jwe.JWE(algs=JWE_ALGORITHMS)
            try:
                envelope.deserialize(token, key=key)
            except (JWException, ValueError):
                continue
            return envelope.payload.decode('ascii', 'replace')
        raise Refused(401, 'the JWE cannot be decrypted with any private_key_file')

    async def _verify(self, token):
        if self.jwks is None:
            raise Refused(415, 'a JWT body, but neither jwks_url nor issuer to verify it')
        signed = jose_jws.JWS()
        signed.allowed_algs = JWS_ALGORITHMS
        try:
            signed.deserialize(token)
            kid = signed.jose_header.get('kid')
        except (JWException, ValueError):
            raise Refused(400, 'the body is not a valid JWT')
        key = await self.jwks.key(kid)
        try:
            signed.verify(key)
        except (JWException, ValueError):
            raise Refused(401, 'the JWT signature is not valid')
        return signed.payload


def visible_headers(headers):
    return dict((name, value) for name, value in headers.items() if name.lower() not in HIDDEN_HEADERS)


class ZitadelCalls(object):
    """The listener's request handling: verify, decode, queue."""

    def __init__(self, queue, signing_keys, allow_unsigned, tolerance, decoder):
        self.queue = queue
        self.allow_unsigned = allow_unsigned
        self.signing_keys = signing_keys
        self.tolerance = tolerance
        self.decoder = decoder

    async def handle(self, request):
        try:
            body = await request.read()
            keys = self.signing_keys.current()
            if keys or not self.allow_unsigned:  # a keys file that became empty or unreadable refuses, never opens
                verify_signature(request.headers.get(SIGNATURE_HEADER), body, keys, self.tolerance, time.time())
            payload_type, payload = await self.decoder.decode(body)
            kind, name = condition_of(payload)
        except Refused as refusal:
            LOGGER.warning('ZITADEL call to /%s refused (HTTP %d): %s', request.match_info['endpoint'], refusal.status, refusal.reason)
            return web.Response(status=refusal.status, text=refusal.reason)
        if 'event_payload' in payload:
            payload['event_payload'] = decoded_event_payload(payload['event_payload'])
        await self.queue.put({
            'kind': kind,
            'name': name,
            'payload_type': payload_type,
            'payload': payload,
            'meta': {
                'endpoint': request.match_info['endpoint'],
                'received_at': datetime.now(timezone.utc).isoformat().replace('+00:00', 'Z'),  # ansible-rulebook's form
                'headers': visible_headers(request.headers),
            },
        })
        return web.Response(status=200)


def signing_keys_of(args):
    keys = args.get('signing_keys')
    if isinstance(keys, str):
        keys = [keys]
    if not keys:
        keys = os.environ.get(KEYS_ENVIRONMENT_VARIABLE, '').split(',')
    return [key.strip().encode('utf-8') for key in keys if key and key.strip()]


class SigningKeys(object):
    """The keys given as options, and those of signing_keys_file as it is now (read again when it changes)."""

    def __init__(self, fixed, path):
        self.fixed = fixed
        self.path = path
        self.from_file = []
        self.seen = None
        if path:
            self.seen = self._stamp()
            self.from_file = self._read()

    def _stamp(self):
        status = os.stat(self.path)
        return status.st_mtime_ns, status.st_size

    def _read(self):
        with open(self.path, 'rb') as keys:
            lines = [line.strip() for line in keys.read().splitlines()]
        return [line for line in lines if line and not line.startswith(b'#')]

    def current(self):
        if self.path:
            try:
                stamp = self._stamp()
                if stamp != self.seen:
                    self.from_file, self.seen = self._read(), stamp
            except OSError as exc:
                if self.seen is not None:
                    LOGGER.warning('cannot read signing_keys_file %s (%s): its keys are not accepted until it can be read',
                                   self.path, exc.strerror)
                self.from_file, self.seen = [], None
        return self.fixed + self.from_file


def as_list(value):
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def load_private_keys(args):
    password = args.get('private_key_password')
    keys = []
    for path in as_list(args.get('private_key_file')):
        with open(path, 'rb') as pem:
            keys.append(jose_jwk.JWK.from_pem(pem.read(), password.encode('utf-8') if password else None))
    return keys


def jwks_of(args):
    url = args.get('jwks_url')
    if not url and args.get('issuer'):
        url = args['issuer'].rstrip('/') + JWKS_PATH
    if not url:
        return None
    return JwksCache(url, int(args.get('jwks_min_refresh', 30)), bool(args.get('validate_certs', True)))


def ssl_context_of(args):
    if not args.get('certfile'):
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args['certfile'], args.get('keyfile'), args.get('password'))
    if args.get('cafile') or args.get('capath'):
        context.load_verify_locations(args.get('cafile'), args.get('capath'))
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def listener_of(queue, args):
    """The request handler built from the options; ValueError names a wrong option before anything listens."""
    if IMPORT_ERROR is not None:
        raise ImportError('netops.bridge.zitadel_calls needs the Python packages aiohttp and jwcrypto: %s' % IMPORT_ERROR)
    if 'port' not in args:
        raise ValueError('netops.bridge.zitadel_calls: missing required option port')
    signing_keys = SigningKeys(signing_keys_of(args), args.get('signing_keys_file'))
    if not signing_keys.current():
        if not args.get('allow_unsigned'):
            raise ValueError('netops.bridge.zitadel_calls: no signing key; set signing_keys or the environment variable %s '
                             '(or allow_unsigned: true to accept calls nobody signed)' % KEYS_ENVIRONMENT_VARIABLE)
        LOGGER.warning('netops.bridge.zitadel_calls runs WITHOUT signature verification (allow_unsigned): '
                       'anyone who reaches the port can post events')
    payload_types = as_list(args.get('payload_types')) or list(PAYLOAD_TYPES)
    unknown = sorted(set(payload_types) - set(PAYLOAD_TYPES))
    if unknown:
        raise ValueError('netops.bridge.zitadel_calls: unknown payload_types %s (choose from %s)' % (unknown, list(PAYLOAD_TYPES)))
    decoder = CallDecoder(payload_types, jwks_of(args), load_private_keys(args))
    return ZitadelCalls(queue, signing_keys, bool(args.get('allow_unsigned')), int(args.get('tolerance', 300)), decoder)


async def main(queue, args):
    """Listen for ZITADEL's calls until cancelled; each verified call puts one event on the queue."""
    calls = listener_of(queue, args)
    app = web.Application(client_max_size=int(args.get('max_body_size', 1048576)))
    app.router.add_post('/{endpoint:.*}', calls.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, args.get('host') or '0.0.0.0', int(args['port']), ssl_context=ssl_context_of(args))
        await site.start()
        LOGGER.info('netops.bridge.zitadel_calls listening on %s:%s', args.get('host') or '0.0.0.0', args['port'])
        await asyncio.Future()
    finally:
        await runner.cleanup()


if __name__ == '__main__':
    class PrintingQueue(asyncio.Queue):
        async def put(self, item):
            print(item)

    asyncio.run(main(PrintingQueue(), {'port': 5001, 'allow_unsigned': True}))
