# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event source netops.bridge.zitadel_calls driven as ansible-rulebook drives it: main(queue, args) in a task, real
HTTP calls signed as ZITADEL signs them (HMAC-SHA256 over "<t>." + body), bodies as ZITADEL sends them (JSON, a JWT
signed with a web key published in a JWKS, a JWE of that JWT encrypted to the target's public key)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import time

import pytest

aiohttp = pytest.importorskip('aiohttp')
pytest.importorskip('jwcrypto')
from aiohttp import web  # noqa: E402
from jwcrypto import jwe, jwk, jws  # noqa: E402

from .source_loader import load_source  # noqa: E402

zitadel_calls = load_source('zitadel_calls')

KEY = 'k3y-of-the-target'
OLD_KEY = 'old-k3y-of-the-target'
EVENT_BODY = {
    'aggregateID': '312909075211944344',
    'aggregateType': 'user',
    'resourceOwner': '312909075211878808',
    'instanceID': '312909075211813272',
    'version': 'v2',
    'sequence': 1,
    'event_type': 'user.human.added',
    'created_at': '2026-12-07T21:00:00.000000Z',
    'userID': '312909075211944344',
    'event_payload': {'userName': 'alice', 'profile': {'givenName': 'Alice'}},
}
REQUEST_BODY = {
    'fullMethod': '/zitadel.user.v2.UserService/AddHumanUser',
    'instanceID': '1', 'orgID': '2', 'projectID': '3', 'userID': '4',
    'request': {'username': 'alice'},
}
RESPONSE_BODY = dict(REQUEST_BODY, response={'userId': '5'})
FUNCTION_BODY = {'function': 'function/preaccesstoken', 'userinfo': {'email': 'alice@example.com'}}


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def signature(body, key=KEY, at=None, extra=()):
    stamp = int(time.time() if at is None else at)
    digest = hmac.new(key.encode(), str(stamp).encode() + b'.' + body, hashlib.sha256).hexdigest()
    return ','.join(['t=%d' % stamp] + list(extra) + ['v1=' + digest])


async def wait_listening(port, task):
    for dummy in range(200):
        if task.done():
            task.result()
        try:
            reader, writer = await asyncio.open_connection('127.0.0.1', port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.01)
    raise AssertionError('the source never listened on %d' % port)


class Source(object):
    """main(queue, args) running in a task on a free port, for the test's calls."""

    def __init__(self, **args):
        self.port = free_port()
        self.args = dict({'host': '127.0.0.1', 'port': self.port, 'signing_keys': [KEY]}, **args)
        self.queue = asyncio.Queue()

    async def __aenter__(self):
        self.task = asyncio.ensure_future(zitadel_calls.main(self.queue, self.args))
        await wait_listening(self.port, self.task)
        self.session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc):
        await self.session.close()
        self.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self.task

    async def post(self, body, headers=None, path='zitadel/calls', sign=True):
        headers = dict(headers or {})
        if sign and 'ZITADEL-Signature' not in headers:
            headers['ZITADEL-Signature'] = signature(body)
        async with self.session.post('http://127.0.0.1:%d/%s' % (self.port, path), data=body, headers=headers) as response:
            return response.status, await response.read()

    def events(self):
        found = []
        while not self.queue.empty():
            found.append(self.queue.get_nowait())
        return found


def run(coroutine):
    return asyncio.run(coroutine)


def as_bytes(document):
    return json.dumps(document).encode()


# --- signature ---------------------------------------------------------------------------------------------------

def test_valid_signature_gives_one_event_and_an_empty_200():
    async def scenario():
        async with Source() as source:
            status, answer = await source.post(as_bytes(EVENT_BODY), headers={'Authorization': 'Bearer secret', 'X-Trace': 'abc'})
            return status, answer, source.events()
    status, answer, events = run(scenario())
    assert (status, answer) == (200, b'')
    assert len(events) == 1
    event = events[0]
    assert (event['kind'], event['name'], event['payload_type']) == ('event', 'user.human.added', 'json')
    assert event['payload'] == EVENT_BODY
    assert event['meta']['endpoint'] == 'zitadel/calls'
    assert event['meta']['received_at'].endswith('Z')
    headers = dict((name.lower(), value) for name, value in event['meta']['headers'].items())
    assert headers['x-trace'] == 'abc'
    assert 'authorization' not in headers and 'zitadel-signature' not in headers


@pytest.mark.parametrize('header', [
    pytest.param(lambda body: signature(body, key='wrong'), id='wrong-key'),
    pytest.param(lambda body: signature(body, at=time.time() - 301), id='stale'),
    pytest.param(lambda body: signature(body, at=time.time() + 301), id='future'),
    pytest.param(lambda body: None, id='missing'),
    pytest.param(lambda body: 'v1=' + signature(body).split('v1=')[1], id='malformed-no-t'),
    pytest.param(lambda body: 't=%d' % time.time(), id='malformed-no-v1'),
    pytest.param(lambda body: 'garbage', id='malformed-garbage'),
    pytest.param(lambda body: signature(body).replace('t=', 't=x'), id='malformed-t'),
    pytest.param(lambda body: signature(body[:-2] + b'X}'), id='body-changed-by-one-byte'),
])
def test_refused_signature_gives_401_and_no_event(header):
    body = as_bytes(EVENT_BODY)

    async def scenario():
        async with Source() as source:
            value = header(body)
            status, dummy = await source.post(body, headers={} if value is None else {'ZITADEL-Signature': value}, sign=False)
            return status, source.events()
    assert run(scenario()) == (401, [])


def test_two_v1_of_which_one_is_valid_is_accepted():
    body = as_bytes(EVENT_BODY)
    bogus = 'v1=' + '00' * 32

    async def scenario():
        async with Source() as source:
            status, dummy = await source.post(body, headers={'ZITADEL-Signature': signature(body, extra=[bogus])})
            return status, len(source.events())
    assert run(scenario()) == (200, 1)


def test_within_tolerance_is_accepted_and_tolerance_is_an_option():
    body = as_bytes(EVENT_BODY)

    async def scenario():
        async with Source() as source:
            near = await source.post(body, headers={'ZITADEL-Signature': signature(body, at=time.time() - 280)})
        async with Source(tolerance=10) as strict:
            far = await strict.post(body, headers={'ZITADEL-Signature': signature(body, at=time.time() - 30)})
        return near[0], far[0]
    assert run(scenario()) == (200, 401)


def test_rotation_accepts_old_and_new_key():
    body = as_bytes(EVENT_BODY)

    async def scenario():
        async with Source(signing_keys=[OLD_KEY, KEY]) as source:
            statuses = [(await source.post(body, headers={'ZITADEL-Signature': signature(body, key=key)}))[0]
                        for key in (OLD_KEY, KEY, 'third')]
            return statuses, len(source.events())
    assert run(scenario()) == ([200, 200, 401], 2)


def test_keys_from_the_environment(monkeypatch):
    monkeypatch.setenv('ZITADEL_SIGNING_KEYS', '%s, %s' % (OLD_KEY, KEY))
    body = as_bytes(EVENT_BODY)

    async def scenario():
        async with Source(signing_keys=None) as source:
            return [(await source.post(body, headers={'ZITADEL-Signature': signature(body, key=key)}))[0] for key in (OLD_KEY, 'x')]
    assert run(scenario()) == [200, 401]


def test_keys_file_is_read_again_when_it_changes(tmp_path):
    keys_file = tmp_path / 'keys'
    keys_file.write_text('# target A\n%s\n' % OLD_KEY)
    body = as_bytes(EVENT_BODY)

    async def status_with(source, key):
        return (await source.post(body, headers={'ZITADEL-Signature': signature(body, key=key)}))[0]

    async def scenario():
        async with Source(signing_keys=[], signing_keys_file=str(keys_file)) as source:
            before = [await status_with(source, OLD_KEY), await status_with(source, KEY)]
            keys_file.write_text('# targets A and B\n%s\n\n%s\n' % (OLD_KEY, KEY))
            during = [await status_with(source, OLD_KEY), await status_with(source, KEY)]
            keys_file.write_text('%s\n' % KEY)
            after = [await status_with(source, OLD_KEY), await status_with(source, KEY)]
            keys_file.unlink()
            gone = [await status_with(source, KEY)]
            return before, during, after, gone
    assert run(scenario()) == ([200, 401], [200, 200], [401, 200], [401])


def test_no_key_refuses_to_start_unless_allow_unsigned(monkeypatch, caplog):
    monkeypatch.delenv('ZITADEL_SIGNING_KEYS', raising=False)
    with pytest.raises(ValueError, match='no signing key'):
        run(asyncio.wait_for(zitadel_calls.main(asyncio.Queue(), {'port': free_port(), 'host': '127.0.0.1'}), 5))

    async def scenario():
        async with Source(signing_keys=[], allow_unsigned=True) as source:
            status, dummy = await source.post(as_bytes(EVENT_BODY), sign=False)
            return status, len(source.events())
    assert run(scenario()) == (200, 1)
    assert 'WITHOUT signature verification' in caplog.text


def test_signing_keys_never_logged(caplog):
    caplog.set_level('DEBUG')
    body = as_bytes(EVENT_BODY)

    async def scenario():
        async with Source() as source:
            await source.post(body, headers={'ZITADEL-Signature': signature(body, key='wrong')})
            await source.post(body)
    run(scenario())
    assert KEY not in caplog.text


# --- payload decoding ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize('body, kind, name', [
    (REQUEST_BODY, 'request', '/zitadel.user.v2.UserService/AddHumanUser'),
    (RESPONSE_BODY, 'response', '/zitadel.user.v2.UserService/AddHumanUser'),
    (FUNCTION_BODY, 'function', 'function/preaccesstoken'),
    (EVENT_BODY, 'event', 'user.human.added'),
])
def test_condition_kind_and_name_per_body(body, kind, name):
    async def scenario():
        async with Source() as source:
            await source.post(as_bytes(body))
            return source.events()
    event, = run(scenario())
    assert (event['kind'], event['name'], event['payload']) == (kind, name, body)


def test_base64_event_payload_is_decoded_to_its_object():
    inner = {'userName': 'alice'}
    body = dict(EVENT_BODY, event_payload=base64.b64encode(json.dumps(inner).encode()).decode())

    async def scenario():
        async with Source() as source:
            await source.post(as_bytes(body))
            return source.events()
    event, = run(scenario())
    assert event['payload']['event_payload'] == inner


@pytest.mark.parametrize('body', [b'[1, 2]', b'{"no": "condition"}', b'{not json', b'plain words'])
def test_a_signed_body_that_is_no_zitadel_call_gives_400_and_no_event(body):
    async def scenario():
        async with Source() as source:
            status, dummy = await source.post(body)
            return status, source.events()
    assert run(scenario()) == (400, [])


class Jwks(object):
    """A ZITADEL instance's /oauth/v2/keys, served locally, counting its fetches."""

    def __init__(self, *keys):
        self.keys = list(keys)
        self.fetches = 0
        self.port = free_port()

    async def serve(self, request):
        self.fetches += 1
        return web.json_response({'keys': [json.loads(key.export_public()) for key in self.keys]})

    async def __aenter__(self):
        app = web.Application()
        app.router.add_get('/oauth/v2/keys', self.serve)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, '127.0.0.1', self.port).start()
        return self

    async def __aexit__(self, *exc):
        await self.runner.cleanup()

    @property
    def issuer(self):
        return 'http://127.0.0.1:%d' % self.port


def web_key(kid, kty='RSA'):
    if kty == 'RSA':
        return jwk.JWK.generate(kty='RSA', size=2048, kid=kid)
    return jwk.JWK.generate(kty='EC', crv='P-256', kid=kid)


def signed_jwt(document, key, alg='RS256'):
    token = jws.JWS(json.dumps(document).encode())
    token.add_signature(key, alg=alg, protected={'alg': alg, 'kid': key['kid'], 'typ': 'JWT'})
    return token.serialize(compact=True)


def encrypted(jwt, public_key, alg='RSA-OAEP-256'):
    envelope = jwe.JWE(jwt.encode(), protected={'alg': alg, 'enc': 'A256GCM', 'typ': 'JWT', 'cty': 'JWT', 'kid': 'pub-1'})
    envelope.add_recipient(public_key)
    return envelope.serialize(compact=True)


def test_jwt_verified_against_the_jwks_cached_by_kid():
    first, second = web_key('web-1'), web_key('web-2', kty='EC')

    async def scenario():
        async with Jwks(first) as jwks:
            async with Source(issuer=jwks.issuer, jwks_min_refresh=0) as source:
                statuses = [(await source.post(signed_jwt(EVENT_BODY, first).encode()))[0],
                            (await source.post(signed_jwt(EVENT_BODY, first).encode()))[0]]
                fetches_after_two = jwks.fetches
                jwks.keys.append(second)  # ZITADEL activated a new web key: an unknown kid makes the source fetch again
                statuses.append((await source.post(signed_jwt(REQUEST_BODY, second, alg='ES256').encode()))[0])
                return statuses, fetches_after_two, jwks.fetches, source.events()
    statuses, fetches_after_two, fetches, events = run(scenario())
    assert statuses == [200, 200, 200]
    assert (fetches_after_two, fetches) == (1, 2)
    assert [(event['payload_type'], event['kind']) for event in events] == [('jwt', 'event'), ('jwt', 'event'), ('jwt', 'request')]
    assert events[0]['payload'] == EVENT_BODY


def test_jwt_refused_when_forged_or_unknown_and_refetch_is_rate_limited():
    published, forger = web_key('web-1'), web_key('web-1')
    stranger = web_key('unknown')

    async def scenario():
        async with Jwks(published) as jwks:
            async with Source(jwks_url=jwks.issuer + '/oauth/v2/keys', jwks_min_refresh=3600) as source:
                forged = (await source.post(signed_jwt(EVENT_BODY, forger).encode()))[0]
                unknown = [(await source.post(signed_jwt(EVENT_BODY, stranger).encode()))[0] for dummy in range(3)]
                unsigned = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b'=') + b'.' + \
                    base64.urlsafe_b64encode(as_bytes(EVENT_BODY)).rstrip(b'=') + b'.'
                none_alg = (await source.post(unsigned))[0]
                return forged, unknown, none_alg, jwks.fetches, source.events()
    forged, unknown, none_alg, fetches, events = run(scenario())
    assert forged == 401 and unknown == [401, 401, 401] and none_alg in (400, 401)
    assert fetches == 1
    assert events == []


def test_unreachable_jwks_gives_503_and_no_event():
    async def scenario():
        async with Source(jwks_url='http://127.0.0.1:%d/oauth/v2/keys' % free_port()) as source:
            status, answer = await source.post(signed_jwt(EVENT_BODY, web_key('web-1')).encode())
            return status, source.events()
    assert run(scenario()) == (503, [])


def test_jwe_decrypted_with_the_private_key_then_verified(tmp_path):
    web = web_key('web-1')
    rsa_target, ec_target = web_key('t-rsa'), web_key('t-ec', kty='EC')
    rsa_file, ec_file = tmp_path / 'rsa.pem', tmp_path / 'ec.pem'
    rsa_file.write_bytes(rsa_target.export_to_pem(private_key=True, password=None))
    ec_file.write_bytes(ec_target.export_to_pem(private_key=True, password=None))
    stranger = web_key('t-other')

    async def scenario():
        async with Jwks(web) as jwks:
            async with Source(issuer=jwks.issuer, private_key_file=[str(rsa_file), str(ec_file)]) as source:
                rsa = (await source.post(encrypted(signed_jwt(EVENT_BODY, web), rsa_target).encode()))[0]
                ec = (await source.post(encrypted(signed_jwt(FUNCTION_BODY, web), ec_target, alg='ECDH-ES+A256KW').encode()))[0]
                other = (await source.post(encrypted(signed_jwt(EVENT_BODY, web), stranger).encode()))[0]
                forged_inner = (await source.post(encrypted(signed_jwt(EVENT_BODY, web_key('web-1')), rsa_target).encode()))[0]
                return [rsa, ec, other, forged_inner], source.events()
    statuses, events = run(scenario())
    assert statuses == [200, 200, 401, 401]
    assert [(event['payload_type'], event['kind'], event['name']) for event in events] == [
        ('jwe', 'event', 'user.human.added'), ('jwe', 'function', 'function/preaccesstoken')]


def test_payload_types_restrict_what_is_accepted():
    async def scenario():
        async with Source(payload_types=['jwt', 'jwe']) as source:
            status, dummy = await source.post(as_bytes(EVENT_BODY))
            return status, source.events()
    assert run(scenario()) == (415, [])


# --- listener ------------------------------------------------------------------------------------------------------

def test_body_over_the_limit_gives_413_and_no_event():
    big = as_bytes(dict(EVENT_BODY, event_payload={'blob': 'x' * 2048}))

    async def scenario():
        async with Source(max_body_size=1024) as source:
            over = (await source.post(big))[0]
            under = (await source.post(as_bytes(EVENT_BODY)))[0]
            return over, under, len(source.events())
    assert run(scenario()) == (413, 200, 1)


def test_any_path_is_a_call_and_its_path_is_in_meta():
    async def scenario():
        async with Source() as source:
            await source.post(as_bytes(EVENT_BODY), path='')
            await source.post(as_bytes(EVENT_BODY), path='a/b/c')
            return [event['meta']['endpoint'] for event in source.events()]
    assert run(scenario()) == ['', 'a/b/c']


def test_cancellation_closes_the_listener():
    async def scenario():
        source = Source()
        async with source:
            pass
        with pytest.raises(OSError):
            await asyncio.open_connection('127.0.0.1', source.port)
    run(scenario())


# --- documentation -------------------------------------------------------------------------------------------------

def test_documented_options_are_exactly_those_the_source_reads():
    import re
    import yaml
    from .source_loader import EVENT_SOURCES
    documented = set(yaml.safe_load(zitadel_calls.DOCUMENTATION)['options'])
    yaml.safe_load(zitadel_calls.EXAMPLES)
    code = (EVENT_SOURCES / 'zitadel_calls.py').read_text().split("EXAMPLES = r'''")[1].split("'''", 1)[1]
    read = set(re.findall(r"args(?:\.get\(|\[)'([a-z_]+)'", code))
    assert documented == read
