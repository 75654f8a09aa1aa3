# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ZITADEL emulator's calling side, judged by the collection's event source: when an execution's condition fires
(an event raised with POST /_emulator/event, or a request/response around an Action service call), the emulator calls
the targets as ZITADEL does. Each call is received by a plain HTTP listener and checked with the functions of
netops.bridge.zitadel_calls itself (its signature check and its body decoder), so the emulator and the source agree on
the wire and not only with themselves."""

from __future__ import absolute_import, division, print_function

import asyncio
import base64
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

pytest.importorskip('aiohttp')
jwk = pytest.importorskip('jwcrypto.jwk')

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'unit' / 'plugins' / 'event_source'))
from source_loader import load_source  # noqa: E402  pylint: disable=wrong-import-position

zitadel_calls = load_source('zitadel_calls')
ADMIN = {'Authorization': 'Bearer admin-token'}
SERVICE = 'zitadel.action.v2.ActionService'
EVENT_FIELDS = ['aggregateID', 'aggregateType', 'created_at', 'event_payload', 'event_type', 'instanceID', 'resourceOwner',
                'sequence', 'userID', 'version']


class Listener(object):
    """A target endpoint on 127.0.0.1 that keeps each call (headers, raw body) and answers `status` after `delay` s."""

    def __init__(self):
        self.calls = []
        self.status = 200
        self.delay = 0.0
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's name)
                body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
                time.sleep(listener.delay)
                listener.calls.append((self.path, dict(self.headers), body))
                self.send_response(listener.status)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.01}, daemon=True).start()
        self.url = 'http://127.0.0.1:%d/zitadel/calls' % self.server.server_address[1]

    def wait_for(self, count, timeout=10):
        deadline = time.time() + timeout
        while len(self.calls) < count and time.time() < deadline:
            time.sleep(0.05)
        return self.calls


@pytest.fixture
def listener():
    endpoint = Listener()
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()


def create_target(zitadel, name, endpoint, payload_type='PAYLOAD_TYPE_JSON', kind=None, timeout='10s'):
    answer = requests.post(zitadel.url + '/v2/actions/targets', headers=ADMIN, timeout=30, json={
        'name': name, 'endpoint': endpoint, 'payloadType': payload_type, 'timeout': timeout,
        **(kind or {'restWebhook': {'interruptOnError': True}})})
    assert answer.status_code == 200, answer.text
    return answer.json()


def set_execution(zitadel, condition, target_ids):
    answer = requests.put(zitadel.url + '/v2/actions/executions', headers=ADMIN, timeout=30,
                          json={'condition': condition, 'targets': target_ids})
    assert answer.status_code == 200, answer.text


def raise_event(zitadel, **event):
    answer = requests.post(zitadel.url + '/_emulator/event', timeout=30, json=dict({'event_type': 'user.human.added'}, **event))
    assert answer.status_code == 200, answer.text
    return answer.json()


def verified(headers, body, key):
    """What the source makes of a call: the signature checked with its own function (Refused when it fails)."""
    zitadel_calls.verify_signature(headers.get('ZITADEL-Signature') or headers.get('Zitadel-Signature'), body,
                                   [key.encode()], 300, time.time())


def decoded(body, jwks_url=None, private_keys=()):
    jwks = zitadel_calls.JwksCache(jwks_url, 30, False) if jwks_url else None
    decoder = zitadel_calls.CallDecoder(['json', 'jwt', 'jwe'], jwks, list(private_keys))
    payload_type, payload = asyncio.run(decoder.decode(body))
    return payload_type, zitadel_calls.condition_of(payload), payload


def test_an_event_calls_its_target_with_the_body_zitadel_sends_signed_with_the_current_key(zitadel, listener):
    target = create_target(zitadel, 'eda', listener.url)
    set_execution(zitadel, {'event': {'event': 'user.human.added'}}, [target['id']])
    raise_event(zitadel, aggregateID='4711', event_payload={'userName': 'alice'})
    (path, headers, body), = listener.wait_for(1)
    assert path == '/zitadel/calls' and headers['Content-Type'] == 'application/json'
    verified(headers, body, target['signingKey'])
    with pytest.raises(zitadel_calls.Refused):
        verified(headers, body, 'another-key')
    with pytest.raises(zitadel_calls.Refused):  # the signature covers the exact bytes sent
        verified(headers, body.replace(b'alice', b'alica'), target['signingKey'])
    payload_type, condition, payload = decoded(body)
    assert (payload_type, condition) == ('json', ('event', 'user.human.added'))
    assert sorted(payload) == EVENT_FIELDS
    assert payload['aggregateID'] == '4711' and payload['event_payload'] == {'userName': 'alice'}
    # After a rotation ZITADEL signs with the new key only.
    rotated = requests.post('%s/v2/actions/targets/%s' % (zitadel.url, target['id']), headers=ADMIN, timeout=30,
                            json={'expirationSigningKey': '0s'}).json()['signingKey']
    raise_event(zitadel)
    _path, headers, body = listener.wait_for(2)[1]
    verified(headers, body, rotated)
    with pytest.raises(zitadel_calls.Refused):
        verified(headers, body, target['signingKey'])


def test_an_event_of_another_type_or_group_calls_only_what_matches(zitadel, listener):
    target = create_target(zitadel, 'eda', listener.url)
    set_execution(zitadel, {'event': {'group': 'user.human'}}, [target['id']])
    assert raise_event(zitadel, event_type='user.machine.added')['calls'] == []
    calls = raise_event(zitadel, event_type='user.human.changed')['calls']
    assert [call['name'] for call in calls] == ['user.human.changed'] and calls[0]['status'] == 200
    assert len(listener.wait_for(1)) == 1


def test_a_jwt_body_is_signed_with_the_web_key_the_instance_publishes(zitadel, listener):
    target = create_target(zitadel, 'eda-jwt', listener.url, 'PAYLOAD_TYPE_JWT')
    set_execution(zitadel, {'event': {'all': True}}, [target['id']])
    raise_event(zitadel)
    (_path, headers, body), = listener.wait_for(1)
    verified(headers, body, target['signingKey'])
    payload_type, condition, _payload = decoded(body, zitadel.url + '/oauth/v2/keys')
    assert (payload_type, condition) == ('jwt', ('event', 'user.human.added'))


@pytest.mark.parametrize('key_type', ['RSA', 'EC'])
def test_a_jwe_body_is_encrypted_to_the_active_public_key_with_its_kid(zitadel, listener, key_type):
    target = create_target(zitadel, 'eda-jwe', listener.url, 'PAYLOAD_TYPE_JWE')
    private = jwk.JWK.generate(kty='RSA', size=2048) if key_type == 'RSA' else jwk.JWK.generate(kty='EC', crv='P-256')
    keys = '%s/v2/actions/targets/%s/publickeys' % (zitadel.url, target['id'])
    key_id = requests.post(keys, headers=ADMIN, timeout=30,
                           json={'publicKey': base64.b64encode(private.export_to_pem()).decode()}).json()['keyId']
    set_execution(zitadel, {'event': {'event': 'user.human.added'}}, [target['id']])
    # No active key: ZITADEL cannot encrypt, the call fails and nothing is sent.
    assert raise_event(zitadel)['calls'][0]['error'] and listener.calls == []
    assert requests.post('%s/%s/activate' % (keys, key_id), headers=ADMIN, timeout=30).status_code == 200
    raise_event(zitadel)
    (_path, headers, body), = listener.wait_for(1)
    verified(headers, body, target['signingKey'])
    header = zitadel_calls.jose_jwe.JWE()
    header.deserialize(body.decode())
    assert header.jose_header['kid'] == key_id
    assert header.jose_header['alg'] == ('RSA-OAEP-256' if key_type == 'RSA' else 'ECDH-ES+A256KW')
    assert header.jose_header['enc'] == 'A256GCM'
    payload_type, condition, _payload = decoded(body, zitadel.url + '/oauth/v2/keys', [private])
    assert (payload_type, condition) == ('jwe', ('event', 'user.human.added'))


def test_request_and_response_executions_call_with_the_method_and_its_messages(zitadel, listener):
    target = create_target(zitadel, 'eda', listener.url)
    method = '/zitadel.action.v2.ActionService/GetTarget'
    set_execution(zitadel, {'request': {'service': SERVICE}}, [target['id']])
    set_execution(zitadel, {'response': {'service': SERVICE}}, [target['id']])
    del listener.calls[:]  # the calls around the second SetExecution
    answer = requests.get('%s/v2/actions/targets/%s' % (zitadel.url, target['id']), headers=ADMIN, timeout=30)
    assert answer.status_code == 200, answer.text
    before, after = listener.wait_for(2)
    for _path, headers, body in (before, after):
        verified(headers, body, target['signingKey'])
    _type, condition, payload = decoded(before[2])
    assert condition == ('request', method) and payload['request'] == {'id': target['id']} and 'response' not in payload
    _type, condition, payload = decoded(after[2])
    assert condition == ('response', method) and payload['response'] == answer.json()


@pytest.mark.parametrize('interrupt', [True, False])
def test_a_failing_target_fails_the_call_only_when_it_interrupts_on_error(zitadel, listener, interrupt):
    listener.status = 500
    target = create_target(zitadel, 'gate', listener.url, kind={'restCall': {'interruptOnError': interrupt}})
    set_execution(zitadel, {'request': {'service': SERVICE}}, [target['id']])
    answer = requests.post(zitadel.url + '/v2/actions/targets/search', headers=ADMIN, timeout=30, json={})
    assert len(listener.calls) == 1
    if interrupt:
        assert answer.status_code == 500 and 'Errors.Execution.Failed' in answer.json()['message'], answer.text
    else:
        assert answer.status_code == 200, answer.text


def test_a_target_slower_than_its_timeout_fails_the_call_at_the_timeout(zitadel, listener):
    listener.delay = 3
    target = create_target(zitadel, 'slow', listener.url, timeout='1s')
    set_execution(zitadel, {'request': {'service': SERVICE}}, [target['id']])
    started = time.time()
    answer = requests.post(zitadel.url + '/v2/actions/targets/search', headers=ADMIN, timeout=30, json={})
    assert answer.status_code == 500 and 'deadline exceeded' in answer.json()['message'], answer.text
    assert 0.9 < time.time() - started < 2.5


def test_an_async_target_is_not_waited_for_and_its_failure_fails_nothing(zitadel, listener):
    listener.delay, listener.status = 2, 500
    target = create_target(zitadel, 'async', listener.url, kind={'restAsync': {}})
    set_execution(zitadel, {'request': {'all': True}}, [target['id']])
    started = time.time()
    answer = requests.post(zitadel.url + '/v2/actions/targets/search', headers=ADMIN, timeout=30, json={})
    assert answer.status_code == 200 and time.time() - started < 1.5, answer.text
    assert len(listener.wait_for(1)) == 1
