# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a user sees when the way to the server fails: redirects, timeouts, refused and broken connections, TLS.

The failures requests raises are built here as requests and urllib3 build them (the same exception classes, wrapped
the same way), where a real one would need a network this machine does not have or a wait of seconds."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import socket
import ssl

import pytest
import requests
from urllib3.exceptions import (ConnectTimeoutError, MaxRetryError, NewConnectionError, ProxyError, ReadTimeoutError,
                                SSLError as Urllib3SSLError)

from ansible_collections.netops.bridge.plugins.module_utils import _client
from ansible_collections.netops.bridge.plugins.module_utils._auth import BearerAuth, NoAuth
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError

from .pki import Pki
from .scripted_server import ScriptedServer

BASE = 'https://h.example'


class Answered(object):
    status_code, headers, content = 200, {}, b'{}'


def scripted_client(monkeypatch, outcomes, sleeps=None, **kwargs):
    """A client whose session raises or answers ``outcomes`` in turn; returns it and the methods it sent."""
    settings = dict(timeout=2.5, retries=2)
    settings.update(kwargs)
    client = ApiClient('TEST', BASE, NoAuth(), sleep=(sleeps if sleeps is not None else []).append, **settings)
    sent = []

    def request(method, url, **ignored):
        sent.append(method)
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    monkeypatch.setattr(client.session, 'request', request)
    return client, sent


def failure(client, method='POST'):
    with pytest.raises(ApiError) as caught:
        client.request(method, '/x')
    return caught.value


def connect_timeout():
    return requests.exceptions.ConnectTimeout(MaxRetryError(None, '/x', ConnectTimeoutError(None, 'Connection to h.example timed out')))


def connection_error(reason):
    return requests.exceptions.ConnectionError(MaxRetryError(None, '/x', reason))


# Redirects

def test_a_read_follows_a_redirect(server):
    method = 'GET'
    server.answers = [(302, {'Location': '/moved'}, ''), (200, {}, '{"here": true}')]
    answer = ApiClient('TEST', server.url, NoAuth()).request(method, '/x')
    assert answer.json() == {'here': True}
    assert [(r['method'], r['path']) for r in server.received] == [(method, '/x'), (method, '/moved')]


@pytest.mark.parametrize('method', ['POST', 'PUT', 'DELETE'])
def test_a_change_is_never_redirected_elsewhere(server, method):
    # requests would follow a 302 by sending a GET: the change would be dropped and the task would report success.
    server.answers = [(302, {'Location': '/moved'}, ''), (200, {}, '{"here": true}')]
    with pytest.raises(ApiError) as caught:
        ApiClient('TEST', server.url, NoAuth()).request(method, '/x')
    assert caught.value.status == 302
    assert [(r['method'], r['path']) for r in server.received] == [(method, '/x')]


# TLS

def test_a_tls_failure_names_the_platform_and_the_request(server):
    url = server.url.replace('http://', 'https://')
    with pytest.raises(ApiError) as caught:
        ApiClient('TEST', url, NoAuth(), retries=0).request('GET', '/x')
    assert caught.value.platform == 'TEST'
    assert caught.value.message.startswith('TEST GET %s/x failed: the server did not answer with TLS' % url), caught.value.message


def test_an_error_before_sending_hides_the_secret_the_request_carries_in_its_path(server):
    # SAYMON's session check puts the session ID in the path and authenticates with it.
    client = ApiClient('TEST', server.url.replace('http://', 'https://'), NoAuth(), retries=0)
    with pytest.raises(ApiError) as caught:
        client.request('GET', '/session/verify/sid-SECRET-42', auth=BearerAuth('sid-SECRET-42'))
    shown = [caught.value.message, caught.value.url, str(caught.value)]
    assert not any('SECRET' in text for text in shown), shown


def test_a_failed_connection_hides_the_secret_the_request_carries_in_its_path(monkeypatch):
    client = scripted_client(monkeypatch, [connect_timeout()] * 3)[0]
    with pytest.raises(ApiError) as caught:
        client.request('GET', '/session/verify/sid-SECRET-42', auth=BearerAuth('sid-SECRET-42'))
    assert caught.value.message == 'TEST GET %s/session/verify/******** failed: could not connect within request_timeout=2.5s' % BASE


def raised_as_requests_raises(inner):
    """The handshake error as requests raises it: urllib3 wraps it, retries end in MaxRetryError ``from`` it, and
    requests raises its own SSLError while handling that (so one exception is reached by several ways)."""
    try:
        try:
            try:
                raise inner
            except ssl.SSLError as error:
                raise Urllib3SSLError(error) from error
        except Urllib3SSLError as error:
            raise MaxRetryError(None, '/x', error) from error
    except MaxRetryError as error:
        try:
            raise requests.exceptions.SSLError(error)
        except requests.exceptions.SSLError as raised:
            return raised


def test_the_openssl_reason_is_found_in_the_chain_requests_raises():
    inner = ssl.SSLError(1, '[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)')
    client = ApiClient('TEST', BASE, NoAuth())
    assert client.tls_failure(raised_as_requests_raises(inner), BASE + '/x') == (
        'the server did not answer with TLS ([SSL: WRONG_VERSION_NUMBER] wrong version number): it may serve plain HTTP '
        'on this port. Use an http:// url for it, or the port where it serves HTTPS')


@pytest.fixture(scope='module')
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp('pki'))


def test_the_certificate_names_are_those_the_server_shows_for_the_host_in_url(pki):
    # A server with several names picks its certificate by the name the client asks for (SNI): without it, the
    # message would list the names of the server's default certificate instead.
    named = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    named.load_cert_chain(*pki.server('virtual', names=('localhost', 'virtual.example')))

    def pick(tls, server_name, *ignored):
        if server_name == 'localhost':
            tls.context = named

    with ScriptedServer(tls=pki.server('default', names=('default.example',))) as scripted:
        scripted.httpd.socket.context.sni_callback = pick
        url = 'https://localhost:%d/x' % scripted.httpd.server_address[1]
        assert _client.certificate_names(url, pki.ca, 5.0) == ['localhost', 'virtual.example']


# Timeouts

def test_a_change_whose_connection_never_opened_is_sent_again(monkeypatch):
    sleeps = []
    client, sent = scripted_client(monkeypatch, [connect_timeout(), connect_timeout(), Answered()], sleeps=sleeps)
    assert client.request('POST', '/x').status == 200
    assert sent == ['POST'] * 3 and 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0, sleeps


def test_a_connection_that_never_opened_is_told_with_the_timeout(monkeypatch):
    client, sent = scripted_client(monkeypatch, [connect_timeout()] * 2, retries=1)
    error = failure(client)
    assert error.message == 'TEST POST %s/x failed: could not connect within request_timeout=2.5s' % BASE
    assert not error.maybe_applied and sent == ['POST'] * 2


def test_no_response_in_time_is_told_with_the_timeout_and_a_read_is_asked_again(monkeypatch):
    client, sent = scripted_client(monkeypatch, [requests.exceptions.ReadTimeout('read timed out')] * 3)
    error = failure(client, 'GET')
    assert error.summary == 'no response within request_timeout=2.5s (raise request_timeout for a slow server)'
    assert not error.maybe_applied and sent == ['GET'] * 3


def test_an_answer_that_stops_arriving_is_told_with_the_timeout(monkeypatch):
    stopped = requests.exceptions.ConnectionError(ReadTimeoutError(None, '/x', 'Read timed out.'))
    client, sent = scripted_client(monkeypatch, [stopped])
    error = failure(client)
    assert error.summary == 'the response stopped arriving within request_timeout=2.5s (raise request_timeout for a slow server)'
    assert error.maybe_applied and sent == ['POST']


# Refused and broken connections

def test_a_refused_connection_is_told_by_the_system_s_words():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    with pytest.raises(ApiError) as caught:
        ApiClient('TEST', 'http://127.0.0.1:%d' % port, NoAuth(), retries=0).request('GET', '/x')
    assert caught.value.summary == 'connection failed: Failed to establish a new connection: [Errno %d] %s' % (
        errno.ECONNREFUSED, os.strerror(errno.ECONNREFUSED))


def test_a_dropped_connection_is_told_by_what_requests_says(server):
    server.answers = ['drop']
    with pytest.raises(ApiError) as caught:
        ApiClient('TEST', server.url, NoAuth(), retries=0).request('GET', '/x')
    assert caught.value.summary == (
        "connection failed: ('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))")
    assert len(server.received) == 1  # retries=0: nothing below the client (urllib3) asks again either


@pytest.mark.parametrize('reason, summary', [
    # Only the connection's own name is cut off; the words after it are shown whole, whatever they hold.
    (NewConnectionError("HTTPSConnection(host='h.example', port=443)",
                        'Failed to establish a new connection: [Errno -3] lookup failed (nameserver 10.0.0.53): timeout'),
     'connection failed: Failed to establish a new connection: [Errno -3] lookup failed (nameserver 10.0.0.53): timeout'),
    # Windows ends its words with a period; the message goes on after them.
    (NewConnectionError("HTTPSConnection(host='h.example', port=443)", 'Failed to establish a new connection: [WinError 10061] '
                        'No connection could be made because the target machine actively refused it.'),
     'connection failed: Failed to establish a new connection: [WinError 10061] No connection could be made because the target '
     'machine actively refused it'),
    # A proxy that refuses the tunnel: no connection's name in front.
    (ProxyError('Unable to connect to proxy', OSError('Tunnel connection failed: 403 Forbidden')),
     "connection failed: ('Unable to connect to proxy', OSError('Tunnel connection failed: 403 Forbidden'))"),
])
def test_the_cause_of_a_failed_connection_is_told_after_the_connection_s_name(monkeypatch, reason, summary):
    client = scripted_client(monkeypatch, [connection_error(reason)], retries=0)[0]
    assert failure(client, 'GET').summary == summary


def test_a_connection_error_without_words_is_told_by_its_type(monkeypatch):
    client = scripted_client(monkeypatch, [requests.exceptions.ConnectionError()], retries=0)[0]
    assert failure(client, 'GET').summary == 'connection failed: ConnectionError'


# What requests refuses or gives up on, and what cannot be sent at all

def test_a_redirect_loop_is_told_in_requests_words_without_its_period(server):
    server.answers = [(302, {'Location': '/x'}, '')] * 40
    with pytest.raises(ApiError) as caught:
        ApiClient('TEST', server.url, NoAuth()).request('GET', '/x')
    assert caught.value.message == 'TEST GET %s/x failed: request failed (Exceeded 30 redirects)' % server.url
    assert len(server.received) == 31


def test_a_url_requests_cannot_parse_is_shown_whole():
    with pytest.raises(ApiError) as caught:
        ApiClient('TEST', 'https://h.example:99999', NoAuth()).request('GET', '/api/INDEX')
    assert caught.value.summary == 'request failed (Failed to parse: https://h.example:99999/api/INDEX)'


def test_a_missing_ca_bundle_names_the_platform_and_the_bundle(server, monkeypatch, tmp_path):
    missing = str(tmp_path / 'missing.pem')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', missing)
    url = server.url.replace('http://', 'https://')
    with pytest.raises(ApiError) as caught:
        ApiClient('TEST', url, NoAuth(), retries=0).request('GET', '/x')
    error = caught.value
    assert error.platform == 'TEST' and error.message.startswith('TEST GET %s/x failed: the request could not be sent: ' % url)
    assert error.summary == 'the request could not be sent: Could not find a suitable TLS CA certificate bundle, invalid path: %s' % missing


def test_a_credential_the_libraries_refuse_is_told_by_their_words_without_it(server):
    with pytest.raises(ApiError) as caught:
        ApiClient('TEST', server.url, NoAuth()).request('GET', '/x', auth=BearerAuth('tok-SECRET-42\n'))
    assert caught.value.summary == "the request could not be sent (ValueError: Invalid header value b'Bearer ********')"
    assert server.received == []


@pytest.mark.parametrize('refusal, summary', [
    (requests.exceptions.InvalidHeader, 'request failed (cannot send ********)'),
    (OSError, 'the request could not be sent: cannot send ********'),
    (ValueError, 'the request could not be sent (ValueError: cannot send ********)'),
])
def test_the_request_s_own_secret_with_a_line_break_is_removed_before_the_words_are_cut_to_one_line(monkeypatch, refusal, summary):
    # Cut first, the line shown would keep the part of the secret before its line break.
    client = scripted_client(monkeypatch, [refusal('cannot send first-half\nsecond-half')])[0]
    with pytest.raises(ApiError) as caught:
        client.request('GET', '/x', auth=BearerAuth('first-half\nsecond-half'))
    assert caught.value.summary == summary


def test_what_the_libraries_refuse_is_told_without_its_final_period(monkeypatch):
    client = scripted_client(monkeypatch, [ValueError('Invalid chunk length.')])[0]
    assert failure(client, 'GET').summary == 'the request could not be sent (ValueError: Invalid chunk length)'


def test_an_error_answer_hides_the_secret_of_the_request_s_own_credentials(server):
    server.answers = [(404, {}, '{"message": "no session tok-ECHOED-7"}')]
    with pytest.raises(ApiError) as caught:
        ApiClient('TEST', server.url, NoAuth()).request('GET', '/x', auth=BearerAuth('tok-ECHOED-7'))
    shown = [caught.value.message, caught.value.detail, caught.value.body]
    assert not any('ECHOED' in text for text in shown), shown
