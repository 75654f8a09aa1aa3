# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import json
import os
import socket
import ssl
from email.utils import formatdate
from pathlib import Path

import pytest
import yaml

from ansible_collections.netops.bridge.plugins.module_utils import _client
from ansible_collections.netops.bridge.plugins.module_utils._auth import BasicAuth, CookieSessionAuth, NoAuth, BearerAuth
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient, display_url, path_segment, retry_after_seconds, snippet
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils._version import COLLECTION_VERSION

from .pki import Pki
from .scripted_server import ScriptedServer

PASSWORD = 'correct-horse-battery'


def client_for(server, auth=None, sleeps=None, **kwargs):
    recorder = sleeps if sleeps is not None else []
    return ApiClient('TEST', server.url, auth or BasicAuth('alice', PASSWORD), sleep=recorder.append, **kwargs)


@pytest.mark.parametrize('status', [502, 503, 504])
def test_get_is_retried_on_gateway_errors_then_succeeds(server, status):
    server.answers = [(status, {}, 'down'), (status, {}, 'down'), (200, {}, '{"ok": true}')]
    sleeps = []
    assert client_for(server, sleeps=sleeps).request('GET', '/x').json() == {'ok': True}
    assert len(server.received) == 3 and len(sleeps) == 2


def test_get_gives_up_after_the_retry_budget(server):
    server.answers = [(503, {}, '{"message": "maintenance"}')] * 5
    with pytest.raises(ApiError) as caught:
        client_for(server, retries=2).request('GET', '/x')
    assert len(server.received) == 3
    assert caught.value.status == 503
    assert 'HTTP 503 Service Unavailable: maintenance' in caught.value.message


def test_retry_after_is_honoured_in_seconds_and_as_a_date(server):
    server.answers = [(429, {'Retry-After': '7'}, ''), (429, {'Retry-After': formatdate(usegmt=True)}, ''), (200, {}, '{}')]
    sleeps = []
    client_for(server, sleeps=sleeps).request('GET', '/x')
    assert sleeps[0] == 7.0 and 0 <= sleeps[1] <= 1.0


def test_retry_after_parsing():
    assert retry_after_seconds('3') == 3.0
    assert retry_after_seconds('garbage') is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize('answer', [(503, {}, ''), (429, {'Retry-After': '1'}, ''), 'drop'])
def test_post_is_never_resent_once_it_may_have_reached_the_server(server, answer):
    server.answers = [answer, (200, {}, '"job"')]
    sleeps = []
    with pytest.raises(ApiError) as caught:
        client_for(server, sleeps=sleeps).request('POST', '/execute')
    assert len(server.received) == 1 and sleeps == []
    if answer == 'drop':
        assert caught.value.maybe_applied
        assert 'may have reached the server' in caught.value.message and 'not re-sent' in caught.value.message


def test_post_read_timeout_is_not_resent_and_names_the_timeout(server):
    server.answers = [('delay', 1.5, (200, {}, '"late"'))]
    with pytest.raises(ApiError) as caught:
        client_for(server, timeout=0.3).request('POST', '/execute')
    assert len(server.received) == 1
    assert 'request_timeout=0.3' in caught.value.message and caught.value.maybe_applied


def test_post_marked_idempotent_is_retried(server):
    server.answers = [(503, {}, ''), (200, {}, '{"tids": []}')]
    assert client_for(server).request('POST', '/query', idempotent=True).json() == {'tids': []}
    assert len(server.received) == 2


def test_post_is_retried_when_the_connection_was_refused():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    sleeps = []
    client = ApiClient('TEST', 'http://127.0.0.1:%d' % port, NoAuth(), sleep=sleeps.append, retries=2)
    with pytest.raises(ApiError) as caught:
        client.request('POST', '/execute')
    assert client.sent == 3 and len(sleeps) == 2
    assert not caught.value.maybe_applied and 'Connection refused' in caught.value.message


def test_user_agent_names_the_collection_and_its_galaxy_version(server):
    galaxy = yaml.safe_load((Path(__file__).resolve().parents[4] / 'galaxy.yml').read_text())
    assert COLLECTION_VERSION == galaxy['version']
    client_for(server).request('GET', '/x')
    import requests
    assert server.received[0]['headers']['user-agent'] == 'netops.bridge/%s (python-requests/%s)' % (galaxy['version'], requests.__version__)


@pytest.mark.parametrize('auth,expected', [
    (BasicAuth('alice', PASSWORD), 'Basic ' + base64.b64encode(('alice:' + PASSWORD).encode()).decode()),
    (CookieSessionAuth('sid', 'session-123'), None),
    (NoAuth(), None),
    (BearerAuth('tok-456'), 'Bearer tok-456'),
])
def test_netrc_never_replaces_our_credentials(server, tmp_path, monkeypatch, auth, expected):
    netrc = tmp_path / '.netrc'
    netrc.write_text('machine 127.0.0.1 login mallory password stolen\n')
    os.chmod(str(netrc), 0o600)
    monkeypatch.setenv('NETRC', str(netrc))
    monkeypatch.setenv('HOME', str(tmp_path))
    client_for(server, auth=auth).request('GET', '/x')
    assert server.received[0]['headers'].get('authorization') == expected
    if isinstance(auth, CookieSessionAuth):
        assert server.received[0]['headers']['cookie'] == 'sid=session-123'


def test_secrets_echoed_by_the_server_are_redacted(server):
    server.answers = [(500, {}, 'echo: Authorization: Basic %s Cookie: sid=s3cr3t-session password=%s' % (
        base64.b64encode(('alice:' + PASSWORD).encode()).decode(), PASSWORD))] * 4
    client = client_for(server, retries=0)
    client.extra_secrets.append('s3cr3t-session')
    with pytest.raises(ApiError) as caught:
        client.request('POST', '/x')
    text = caught.value.message + json.dumps(caught.value.as_result()) + (caught.value.body or '')
    for secret in (PASSWORD, base64.b64encode(('alice:' + PASSWORD).encode()).decode(), 's3cr3t-session'):
        assert secret not in text


def test_malformed_json_becomes_api_error(server):
    server.answers = [(200, {'Content-Type': 'application/json'}, '{"truncated": ')]
    with pytest.raises(ApiError) as caught:
        client_for(server).request('GET', '/x').json()
    assert 'not valid JSON' in caught.value.message and caught.value.status == 200


def test_accept_status_returns_instead_of_raising(server):
    server.answers = [(404, {}, '{}')]
    assert client_for(server).request('GET', '/x', accept_status=(404,)).status == 404


def test_display_url_and_path_segment():
    assert display_url('https://bob:pw@host:8443/a?b=1') == 'https://host:8443/a?b=1'
    assert display_url('https://bob:p@ss@host/a#f') == 'https://host/a#f'  # an '@' in the password hides no part of it
    assert path_segment('a/b?c#d e') == 'a%2Fb%3Fc%23d%20e'


def test_tls_failure_is_explained(tmp_path):
    import ssl
    import subprocess
    import threading
    from http.server import HTTPServer, BaseHTTPRequestHandler
    key, cert = tmp_path / 'key.pem', tmp_path / 'cert.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', str(key), '-out', str(cert),
                    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
                   check=True, capture_output=True)
    httpd = HTTPServer(('127.0.0.1', 0), BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={'poll_interval': 0.01})
    thread.daemon = True
    thread.start()
    try:
        url = 'https://127.0.0.1:%d' % httpd.server_address[1]
        with pytest.raises(ApiError) as caught:
            ApiClient('TEST', url, NoAuth(), sleep=lambda s: None).request('GET', '/x')
        assert 'TLS verification failed' in caught.value.message and 'ca_path' in caught.value.message
        assert 'self-signed certificate' in caught.value.message
        with pytest.raises(ApiError) as answered:
            ApiClient('TEST', url, NoAuth(), ca_path=str(cert), sleep=lambda s: None, retries=0).request('GET', '/x')
        assert answered.value.status == 501
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope='module')
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp('pki'))


def tls_message(url, **kwargs):
    with pytest.raises(ApiError) as caught:
        ApiClient('TEST', url, NoAuth(), sleep=lambda s: None, retries=0, **kwargs).request('GET', '/x')
    assert caught.value.status is None and not caught.value.maybe_applied
    return caught.value.message


@pytest.mark.parametrize('validate_certs', [True, False])
def test_https_against_plain_http_says_the_server_does_not_speak_tls(server, validate_certs):
    message = tls_message(server.url.replace('http://', 'https://'), validate_certs=validate_certs)
    assert 'did not answer with TLS' in message and 'http://' in message, message
    assert 'validate_certs' not in message and 'TLS verification failed' not in message, message


def test_hostname_mismatch_with_the_right_ca_names_the_certificate_names(pki):
    with ScriptedServer(tls=pki.server('other', names=('other.example', 'alt.example'))) as scripted:
        message = tls_message(scripted.url, ca_path=pki.ca)
    assert 'not valid for the host in url' in message, message
    assert 'other.example' in message and 'alt.example' in message, message
    assert 'validate_certs' not in message, message


def test_expired_certificate_is_called_expired(pki):
    with ScriptedServer(tls=pki.server('expired', expired=True)) as scripted:
        message = tls_message(scripted.url, ca_path=pki.ca)
    assert 'has expired' in message and 'Renew' in message, message
    assert 'validate_certs' not in message, message


def test_unknown_ca_suggests_ca_path_then_validate_certs(pki):
    with ScriptedServer(tls=pki.server('good')) as scripted:
        message = tls_message(scripted.url)
        assert 'not trust' in message and 'unable to get local issuer certificate' in message, message
        assert 'ca_path' in message and 'validate_certs to false' in message, message
        assert ApiClient('TEST', scripted.url, NoAuth(), ca_path=pki.ca).request('GET', '/x').status == 200


def test_a_ca_path_that_did_not_sign_the_certificate_is_named(pki, tmp_path):
    other = Pki(tmp_path)
    with ScriptedServer(tls=pki.server('good')) as scripted:
        message = tls_message(scripted.url, ca_path=other.ca)
    assert 'not signed by a CA in ca_path %s' % other.ca in message, message


def test_a_missing_ca_bundle_from_the_environment_is_an_api_error(server, monkeypatch, tmp_path):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', str(tmp_path / 'missing.pem'))
    message = tls_message(server.url.replace('http://', 'https://'))
    assert 'could not be sent' in message and 'missing.pem' in message, message


def test_a_body_that_stops_arriving_is_the_read_timeout(server):
    server.answers = [('stall', 1.5, (200, {}, '"a job ID that arrives too late"'))]
    with pytest.raises(ApiError) as caught:
        client_for(server, timeout=0.3).request('POST', '/execute')
    message = caught.value.message
    assert 'request_timeout=0.3s' in message and 'connection failed' not in message, message
    assert '..' not in message and caught.value.maybe_applied, message


@pytest.mark.parametrize('detail', ['Session expired.', 'Read timed out..', None])
def test_no_message_shows_a_doubled_period(detail):
    error = ApiError('TEST', 'no response within request_timeout=1s.', method='POST', url='http://x/y', detail=detail,
                     maybe_applied=True)
    assert '..' not in error.message and 'request_timeout=1s' in error.message and error.message.count('. The request') == 1


def test_a_long_answer_is_cut_without_dots():
    assert snippet('x' * 600).endswith('x [cut]')


# The credential a vault block scalar gives (a line break at the end), and ones the libraries refuse otherwise: each
# must end as an ApiError whose every part is free of the credential in any form (repr of text or bytes, JSON).
REFUSED_HEADERS = {
    'bearer with a line break': (lambda: BearerAuth('tok-SECRET-42\n'), 'tok-SECRET-42\n', None),
    'bearer with a carriage return inside': (lambda: BearerAuth('tok-SE\rCRET'), 'tok-SE\rCRET', None),
    'bearer not latin-1': (lambda: BearerAuth('tok-SECRET-\u20ac'), 'tok-SECRET-\u20ac', None),
    'session cookie with a line break': (lambda: CookieSessionAuth('sid', 'sid-SECRET\r\nX-Injected: 1'), 'sid-SECRET\r\nX-Injected: 1', None),
    'header requests refuses': (NoAuth, 'key-SECRET\n', {'X-Api-Key': 'key-SECRET\n'}),
    'header with leading whitespace': (NoAuth, ' key-SECRET', {'X-Api-Key': ' key-SECRET'}),
}


@pytest.mark.parametrize('case', sorted(REFUSED_HEADERS))
@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_a_header_the_libraries_refuse_is_a_redacted_api_error(server, case, method):
    make_auth, secret, headers = REFUSED_HEADERS[case]
    client = client_for(server, auth=make_auth())
    client.extra_secrets = [secret]
    with pytest.raises(ApiError) as caught:
        client.request(method, '/x', headers=headers)
    error = caught.value
    assert server.received == [] and not error.maybe_applied
    assert error.message.startswith('TEST %s %s/x failed: ' % (method, server.url)), error.message
    assert 'could not be sent' in error.message or 'request failed' in error.message, error.message
    shown = json.dumps([error.message, error.summary, error.detail, error.url, error.body, error.as_result()])
    assert 'SECRET' not in shown and 'SE\\rCRET' not in shown, shown


def test_a_secret_with_a_line_break_is_removed_before_the_message_is_cut_to_one_line(server, monkeypatch):
    client = client_for(server, auth=BearerAuth('first-half\nsecond-half'))

    def refuse(*args, **kwargs):
        raise ValueError('cannot send first-half\nsecond-half')

    monkeypatch.setattr(client.session, 'request', refuse)
    with pytest.raises(ApiError) as caught:
        client.request('GET', '/x')
    assert 'half' not in caught.value.message, caught.value.message
    assert 'cannot send ********' in caught.value.message, caught.value.message


@pytest.mark.parametrize('quoted', [
    "Invalid header value b'Bearer tok\\n'", 'Invalid header value \'Bearer tok\\n\'', '{"value": "tok\\n"}',
    '/node/api/users/session/verify/tok%0A', 'tok\n', "b'Basic dXNlcjp0b2sK'"])
def test_redaction_covers_the_forms_libraries_quote_a_secret_in(quoted):
    error = ApiError('TEST', quoted, detail=quoted, body=quoted)
    error.redact(BasicAuth('user', 'tok\n').secrets())
    assert 'tok' not in error.message and 'dXNlcjp0b2sK' not in error.message, error.message
    assert 'tok' not in error.body, error.body


def test_retry_after_never_waits_a_negative_time():
    assert retry_after_seconds('-5') == 0.0
    assert retry_after_seconds('2.5') == 2.5
    assert retry_after_seconds('') is None
    assert retry_after_seconds('Wed, 21 Oct 2015 07:28:00 GMT') == 0.0  # a date in the past
    assert retry_after_seconds('Wed, 99 Foo 2015') is None


def test_a_server_asking_for_more_than_a_minute_is_retried_after_a_minute(server):
    server.answers = [(503, {'Retry-After': '3600'}, ''), (200, {}, '{}')]
    sleeps = []
    client_for(server, sleeps=sleeps).request('GET', '/x')
    assert sleeps == [60.0]


def test_backoff_doubles_from_the_base_within_its_ceiling(server):
    server.answers = [(502, {}, '')] * 4 + [(200, {}, '{}')]
    sleeps = []
    client_for(server, sleeps=sleeps, retries=4, backoff=1.0, max_backoff=3.0).request('GET', '/x')
    assert [0.5 <= sleeps[0] <= 1.0, 1.0 <= sleeps[1] <= 2.0, 1.5 <= sleeps[2] <= 3.0, 1.5 <= sleeps[3] <= 3.0] == [True] * 4


def test_no_retries_means_one_request(server):
    server.answers = [(503, {}, 'down'), (200, {}, '{}')]
    with pytest.raises(ApiError):
        client_for(server, retries=0).request('GET', '/x')
    assert len(server.received) == 1
    assert client_for(server, retries=-3).retries == 0


def test_an_answer_is_cut_only_past_500_characters():
    assert snippet('x' * 500) == 'x' * 500
    assert snippet(' %s \n' % ('y' * 501)) == 'y' * 500 + ' [cut]'
    assert snippet(None) == ''


@pytest.mark.parametrize('body,detail', [
    ('{"message": "m", "error": "e"}', 'm'),
    ('{"message": "", "error": "e"}', 'e'),
    ('{"errors": ["a", "b"]}', "['a', 'b']"),
    ('{"alert": "al"}', 'al'),
    ('{"detail": "d"}', 'd'),
    ('{"other": 1}', '{"other": 1}'),
    ('[1, 2]', '[1, 2]'),
    ('  plain words \n', 'plain words'),
    ('', None),
])
def test_the_error_detail_is_the_server_message(server, body, detail):
    server.answers = [(400, {}, body)]
    with pytest.raises(ApiError) as caught:
        client_for(server).request('GET', '/x')
    assert caught.value.detail == detail
    assert caught.value.status == 400 and caught.value.maybe_applied is False


def test_a_json_answer_of_another_kind_is_refused_quoting_it(server):
    server.answers = [(200, {}, '[1, 2]')]
    with pytest.raises(ApiError) as caught:
        client_for(server).request('POST', '/x').json_object('the new target', maybe_applied=True)
    assert caught.value.summary == 'expected the new target as a JSON object'
    assert caught.value.detail == '[1, 2]' and caught.value.maybe_applied is True
    server.answers = [(200, {}, '{"a": 1}')]
    assert client_for(server).request('GET', '/x').json_object() == {'a': 1}


def test_an_answer_that_is_not_json_keeps_whether_it_was_applied(server):
    server.answers = [(201, {}, 'created!')]
    with pytest.raises(ApiError) as caught:
        client_for(server).request('POST', '/x').json(maybe_applied=True)
    assert caught.value.summary.startswith('the response body is not valid JSON (')
    assert (caught.value.detail, caught.value.body, caught.value.maybe_applied, caught.value.method) == ('created!', 'created!', True, 'POST')


@pytest.mark.parametrize('status,applied', [(500, True), (502, True), (503, True), (504, True), (501, False), (429, False), (409, False)])
def test_a_change_answered_by_a_server_error_may_have_been_applied(server, status, applied):
    server.answers = [(status, {}, 'x')]
    with pytest.raises(ApiError) as caught:
        client_for(server).request('PUT', '/x')
    assert caught.value.maybe_applied is applied and len(server.received) == 1


@pytest.mark.parametrize('status', [300, 304])
def test_only_2xx_is_success(server, status):
    server.answers = [(status, {}, '{}')]
    with pytest.raises(ApiError):
        client_for(server).request('GET', '/x')


def test_the_base_url_and_absolute_urls(server):
    server.answers = [(200, {}, '{}'), (200, {}, '{}')]
    client = client_for(server)
    client.base_url = server.url + '/base'
    assert ApiClient('TEST', server.url + '/base//', NoAuth()).base_url == server.url + '/base'
    assert ApiClient('TEST', server.url + '/OMNIX/', NoAuth()).base_url == server.url + '/OMNIX'
    assert client.request('get', '/x').url == server.url + '/base/x'
    assert client.request('GET', server.url + '/token').url == server.url + '/token'
    assert [r['path'] for r in server.received] == ['/base/x', '/token']


def test_certificate_checks_are_on_unless_switched_off():
    assert ApiClient('TEST', 'https://h', NoAuth()).verify is True
    assert ApiClient('TEST', 'https://h', NoAuth(), ca_path='/ca.pem').verify == '/ca.pem'
    assert ApiClient('TEST', 'https://h', NoAuth(), validate_certs=False, ca_path='/ca.pem').verify is False


# The TLS advice, branch by branch, from the errors requests raises (no handshake needed): each OpenSSL wording alone.

def wrapped_ssl_error(inner):
    """What requests raises for a failed handshake: its SSLError around urllib3's MaxRetryError around urllib3's SSLError."""
    from requests.exceptions import SSLError
    from urllib3.exceptions import MaxRetryError, SSLError as Urllib3SSLError
    return SSLError(MaxRetryError(None, '/x', Urllib3SSLError(inner)))


def openssl_error(words):
    return ssl.SSLError(1, '[SSL] %s (_ssl.c:1000)' % words)


def verification_error(words):
    inner = ssl.SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: %s (_ssl.c:1000)' % words)
    inner.verify_message = words
    return inner


def advice(inner, **kwargs):
    return ApiClient('TEST', 'https://127.0.0.1:1', NoAuth(), **kwargs).tls_failure(wrapped_ssl_error(inner), 'https://127.0.0.1:1/x')


@pytest.mark.parametrize('marker', _client.NOT_TLS)
@pytest.mark.parametrize('validate_certs', [True, False])
def test_each_wording_of_a_peer_without_tls_is_recognised(marker, validate_certs):
    assert advice(openssl_error(marker), validate_certs=validate_certs) == (
        'the server did not answer with TLS ([SSL] %s): it may serve plain HTTP on this port. Use an http:// url for it, or the port '
        'where it serves HTTPS' % marker)


@pytest.mark.parametrize('marker', _client.HOSTNAME_MISMATCH)
def test_each_wording_of_a_name_mismatch_is_recognised_when_verifying(marker, monkeypatch):
    asked = []
    monkeypatch.setattr(_client, 'certificate_names', lambda *args: asked.append(args) or ['a.example', '10.0.0.1'])
    assert advice(verification_error(marker), ca_path='/ca.pem', timeout=30) == (
        'TLS verification failed: the server certificate is not valid for the host in url (%s). Use in url the host name the '
        'certificate was issued for (the certificate names a.example, 10.0.0.1), or have the certificate reissued with this name' % marker)
    assert asked == [('https://127.0.0.1:1/x', '/ca.pem', 5.0)]
    assert advice(verification_error(marker), validate_certs=False) == 'the TLS handshake failed (%s)' % marker


def test_the_names_are_read_within_the_request_timeout_when_it_is_shorter(monkeypatch):
    asked = []
    monkeypatch.setattr(_client, 'certificate_names', lambda *args: asked.append(args) or [])
    assert advice(verification_error('hostname mismatch'), timeout=2.5) == (
        'TLS verification failed: the server certificate is not valid for the host in url (hostname mismatch). Use in url the host '
        'name the certificate was issued for, or have the certificate reissued with this name')
    assert asked == [('https://127.0.0.1:1/x', True, 2.5)]


@pytest.mark.parametrize('words, message', [
    ('certificate has expired', 'TLS verification failed: the server certificate has expired (certificate has expired). Renew the '
                                'certificate on the server, or check the clock of this machine'),
    ('certificate is not yet valid', 'TLS verification failed: the server certificate is not valid yet (certificate is not yet '
                                     'valid). Check the clock of this machine and of the server'),
    ('certificate rejected', 'TLS verification failed (certificate rejected). Give in ca_path the CA bundle that signed the server '
                             'certificate, or set validate_certs to false (insecure)'),
])
def test_the_validity_advice_is_given_only_when_verifying(words, message):
    assert advice(verification_error(words)) == message
    assert advice(verification_error(words), validate_certs=False) == 'the TLS handshake failed (%s)' % words


@pytest.mark.parametrize('marker', _client.UNUSABLE_CA)
def test_each_wording_of_an_unusable_ca_bundle_names_the_bundle(marker, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/bundle.pem')
    advice_text = ('holds no usable CA certificate ([SSL] %s). Give a PEM file of CA certificates, or a directory of them prepared '
                   'with c_rehash' % marker)
    assert advice(openssl_error(marker), ca_path='/ca.pem') == 'ca_path /ca.pem ' + advice_text
    assert advice(openssl_error(marker)) == 'the CA bundle /etc/bundle.pem ' + advice_text
    assert advice(openssl_error(marker), validate_certs=False) == 'the CA bundle /etc/bundle.pem ' + advice_text


@pytest.mark.parametrize('marker', _client.UNKNOWN_CA)
def test_each_wording_of_an_unknown_ca_gets_the_ca_advice_when_verifying(marker):
    assert advice(verification_error(marker), ca_path='/ca.pem') == (
        'TLS verification failed: the server certificate is not signed by a CA in ca_path /ca.pem (%s). Give in ca_path the CA '
        'bundle that signed it, or set validate_certs to false (insecure)' % marker)
    assert advice(verification_error(marker)) == (
        'TLS verification failed: the server certificate is signed by a CA this machine does not trust, such as a self-signed or '
        'private CA (%s). Give that CA bundle in ca_path, or set validate_certs to false (insecure)' % marker)
    assert advice(verification_error(marker), validate_certs=False) == 'the TLS handshake failed (%s)' % marker


def test_an_error_without_an_openssl_cause_is_told_by_its_first_line():
    from requests.exceptions import SSLError
    client = ApiClient('TEST', 'https://h', NoAuth())
    assert client.tls_failure(SSLError('bad handshake\nmore'), 'https://h/x') == 'the TLS handshake failed (bad handshake)'
    assert client.tls_failure(SSLError(), 'https://h/x') == 'the TLS handshake failed (SSLError)'


def test_the_openssl_reason_loses_its_source_location_and_final_period():
    assert _client.tls_reason(ssl.SSLError(1, '[SSL: X] went wrong. (_ssl.c:1006)')) == '[SSL: X] went wrong'
    assert _client.tls_reason(verification_error('self-signed certificate.')) == 'self-signed certificate'
    assert _client.tls_reason(Exception(' only words  (_ssl.c:7)')) == 'only words'
    assert _client.tls_reason(Exception('(_ssl.c:7) stays')) == '(_ssl.c:7) stays'


def test_the_openssl_error_is_found_wherever_it_is_wrapped():
    inner = openssl_error('x')
    reason_holder = Exception('no')
    reason_holder.reason = inner
    caused, context = Exception('caused'), Exception('context')
    caused.__cause__ = inner
    context.__context__ = inner
    for wrapper in (Exception(Exception(inner)), reason_holder, caused, context, inner):
        assert _client.ssl_cause(wrapper) is inner
    near, far = openssl_error('near'), openssl_error('far')
    assert _client.ssl_cause(Exception(near, Exception(far))) is near
    assert _client.ssl_cause(Exception(Exception('a'), Exception(far))) is far
    looped = Exception('a')
    looped.__context__ = Exception(looped, 'b')
    assert _client.ssl_cause(looped) is None
    assert _client.ssl_cause(ValueError('plain')) is None


def test_the_certificate_names_are_its_alternative_names_else_its_common_name(pki, monkeypatch):
    with ScriptedServer(tls=pki.server('named', names=('other.example', '10.1.2.3'))) as scripted:
        assert _client.certificate_names(scripted.url, pki.ca, 5.0) == ['other.example', '10.1.2.3']
        monkeypatch.setenv('REQUESTS_CA_BUNDLE', pki.ca)
        assert _client.certificate_names(scripted.url, True, 5.0) == ['other.example', '10.1.2.3']
    with ScriptedServer(tls=pki.server('old', names=('old.example',), subject_only=True)) as scripted:
        assert _client.certificate_names(scripted.url, pki.ca, 5.0) == ['old.example']


def test_the_certificate_names_are_read_with_a_ca_directory_and_never_past_an_unknown_ca(pki, tmp_path):
    import subprocess
    folder = tmp_path / 'hashed'
    folder.mkdir()
    subject_hash = subprocess.run(['openssl', 'x509', '-hash', '-noout', '-in', pki.ca], check=True, capture_output=True, text=True).stdout.strip()
    (folder / ('%s.0' % subject_hash)).write_bytes(Path(pki.ca).read_bytes())
    with ScriptedServer(tls=pki.server('hashed', names=('dir.example',))) as scripted:
        assert _client.certificate_names(scripted.url, str(folder), 5.0) == ['dir.example']
        assert _client.certificate_names(scripted.url, Pki(tmp_path).ca, 5.0) == []


def test_the_certificate_names_are_read_directly_from_the_host_and_port_of_the_url(monkeypatch):
    connected = []

    def refuse(address, timeout):
        connected.append((address, timeout))
        raise OSError('refused')

    monkeypatch.setattr(_client.socket, 'create_connection', refuse)
    assert _client.certificate_names('https://host.example/api', False, 2.0) == []
    assert _client.certificate_names('https://host.example:8443/api', False, 3.0) == []
    assert connected == [(('host.example', 443), 2.0), (('host.example', 8443), 3.0)]


def test_the_reason_of_an_error_hides_the_secrets_of_the_request_and_of_the_client():
    client = ApiClient('TEST', 'https://h', BasicAuth('alice', PASSWORD))
    error = Exception('sent %s and tok-3n\nsecond line' % PASSWORD)
    assert client.reason(error, BearerAuth('tok-3n')) == 'sent ******** and ********'
    assert client.reason(Exception(' \n '), None) == 'Exception'
    assert client.reason(ValueError(''), None) == 'ValueError'


def test_the_first_line_of_an_error_or_its_type():
    assert _client.first_line(Exception('one\ntwo')) == 'one'
    assert _client.first_line(KeyboardInterrupt()) == 'KeyboardInterrupt'


def test_an_answer_of_another_json_kind_keeps_the_request_it_answered():
    from ansible_collections.netops.bridge.plugins.module_utils._client import ApiResponse
    answer = ApiResponse('TEST', 'POST', 'https://h/x', 201, {}, b'[1]')
    with pytest.raises(ApiError) as refused:
        answer.json_object()
    error = refused.value
    assert (error.platform, error.method, error.url, error.status, error.body, error.maybe_applied) == ('TEST', 'POST', 'https://h/x', 201, '[1]', False)
    assert error.message == 'TEST POST https://h/x failed: HTTP 201 Created: expected the answer as a JSON object: [1]'
    with pytest.raises(ApiError) as unreadable:
        ApiResponse('TEST', 'POST', 'https://h/x', 201, {}, b'<html>').json_object('the job', maybe_applied=True)
    assert unreadable.value.maybe_applied is True


def test_the_backoff_waits_between_half_and_all_of_its_ceiling(monkeypatch):
    client = ApiClient('TEST', 'https://h', NoAuth(), backoff=0.5, max_backoff=3.0)
    monkeypatch.setattr(_client.random, 'uniform', lambda low, high: high)
    assert [client._backoff(attempt) for attempt in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    monkeypatch.setattr(_client.random, 'uniform', lambda low, high: low)
    assert [client._backoff(attempt) for attempt in (1, 2, 3, 4)] == [0.25, 0.5, 1.0, 1.5]


class Answered(object):
    status_code, headers, content = 200, {}, b'{}'


def test_an_absolute_url_of_either_scheme_is_sent_as_it_is():
    client = ApiClient('TEST', 'https://base.example/api', NoAuth())
    sent = []
    client._send = lambda method, url, *rest: sent.append(url) or Answered()
    for path in ('https://token.example/t', 'http://token.example/t', '/x'):
        client.request('GET', path)
    assert sent == ['https://token.example/t', 'http://token.example/t', 'https://base.example/api/x']


def test_an_http_error_names_the_platform_and_keeps_the_body_without_the_request_secrets():
    client = ApiClient('TEST', 'https://h', BasicAuth('alice', PASSWORD))
    answer = _client.ApiResponse('TEST', 'GET', 'https://h/x', 404, {}, b'{"message": "no tok-3n or %s"}' % PASSWORD.encode())
    error = client.http_error(answer, BearerAuth('tok-3n'))
    assert (error.platform, error.status, error.maybe_applied) == ('TEST', 404, False)
    assert error.body == '{"message": "no ******** or ********"}' and error.detail == 'no ******** or ********'


def test_an_answer_keeps_its_headers_and_an_unreadable_one_names_its_request(server):
    server.answers = [(200, {'X-Request-Id': 'r1'}, 'not json')]
    answer = client_for(server).request('GET', '/x')
    assert answer.headers['X-Request-Id'] == 'r1' and answer.platform == 'TEST'
    with pytest.raises(ApiError) as unreadable:
        answer.json()
    error = unreadable.value
    assert (error.platform, error.method, error.url, error.status, error.maybe_applied) == ('TEST', 'GET', server.url + '/x', 200, False)


def test_the_default_ca_bundle_is_the_environment_s_then_certifi_s(monkeypatch):
    import requests
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/requests.pem')
    monkeypatch.setenv('CURL_CA_BUNDLE', '/curl.pem')
    assert _client.default_ca_bundle() == '/requests.pem'
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '')
    assert _client.default_ca_bundle() == '/curl.pem'
    monkeypatch.delenv('CURL_CA_BUNDLE')
    assert _client.default_ca_bundle() == requests.utils.DEFAULT_CA_BUNDLE_PATH


def test_every_module_s_client_asks_a_read_again_three_times_half_a_second_then_doubling(server, monkeypatch):
    # No module sets retries or backoff: these defaults are what every module does.
    server.answers = [(503, {}, '')] * 5
    monkeypatch.setattr(_client.random, 'uniform', lambda low, high: high)
    sleeps = []
    with pytest.raises(ApiError):
        ApiClient('TEST', server.url, NoAuth(), sleep=sleeps.append).request('GET', '/x')
    assert len(server.received) == 4 and sleeps == [0.5, 1.0, 2.0]


def test_the_client_asks_for_json(server):
    client_for(server).request('GET', '/x')
    assert server.received[0]['headers']['accept'] == 'application/json'


def test_without_requests_the_client_says_so(monkeypatch):
    monkeypatch.setattr(_client, 'HAS_REQUESTS', False)
    monkeypatch.setattr(_client, 'REQUESTS_IMPORT_ERROR', "No module named 'requests'")
    with pytest.raises(ApiError) as caught:
        ApiClient('TEST', 'https://h', NoAuth())
    assert caught.value.message == "TEST: the Python library requests is required: No module named 'requests'"
