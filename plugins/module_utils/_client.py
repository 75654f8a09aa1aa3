# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: the HTTP client every netops.bridge platform uses; not a public API.

One requests ``Session`` per module run (connections are kept alive across the calls of one task),
an explicit auth object on every request, TLS verification on by default, one timeout per request,
proxies from the environment, and retries that never re-send a request that may have changed
something on the server.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import random
import re
import socket
import ssl
import time
import traceback
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlsplit, urlunsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import NewConnectionError, ReadTimeoutError
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError, redacted
from ansible_collections.netops.bridge.plugins.module_utils._version import COLLECTION_VERSION

SAFE_METHODS = frozenset(['GET', 'HEAD', 'OPTIONS'])
RETRY_STATUSES = frozenset([429, 500, 502, 503, 504])
UNKNOWN_OUTCOME_STATUSES = frozenset([500, 502, 503, 504])
MAX_RETRY_AFTER = 60.0
DETAIL_LIMIT = 500
# A cut server answer ends in this marker, not in '...', so that no message shows a doubled period.
CUT_MARKER = ' [cut]'


def user_agent():
    requests_version = getattr(requests, '__version__', 'unknown') if HAS_REQUESTS else 'missing'
    return 'netops.bridge/%s (python-requests/%s)' % (COLLECTION_VERSION, requests_version)


def display_url(url):
    """The URL as a user may see it: never with user:password@ in it."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit('@', 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def path_segment(value):
    """Quote one path segment (an ID or a name) so '/' or '?' in it cannot change the path."""
    return quote(to_text(value), safe='')


def retry_after_seconds(value):
    """Seconds from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class ApiResponse(object):
    def __init__(self, platform, method, url, status, headers, content):
        self.platform = platform
        self.method = method
        self.url = url
        self.status = status
        self.headers = headers
        self.content = content

    @property
    def text(self):
        return to_text(self.content, errors='surrogate_or_replace')

    def json(self, maybe_applied=False):
        """The body parsed as JSON; a body that is not JSON becomes an ApiError, not a traceback.

        ``maybe_applied``: the request was a change the server answered with success, so it was acted on even though
        its answer cannot be read."""
        try:
            return json.loads(self.text)
        except ValueError as exc:
            raise ApiError(self.platform, 'the response body is not valid JSON (%s)' % exc,
                           method=self.method, url=self.url, status=self.status, detail=snippet(self.text),
                           body=self.text, maybe_applied=maybe_applied)

    def json_object(self, what='the answer', maybe_applied=False):
        """The body parsed as a JSON object; any other JSON value becomes an ApiError quoting it."""
        value = self.json(maybe_applied=maybe_applied)
        if not isinstance(value, dict):
            raise ApiError(self.platform, 'expected %s as a JSON object' % what, method=self.method, url=self.url,
                           status=self.status, detail=snippet(self.text), body=self.text, maybe_applied=maybe_applied)
        return value


def snippet(text):
    text = (text or '').strip()
    if len(text) > DETAIL_LIMIT:
        return text[:DETAIL_LIMIT] + CUT_MARKER
    return text


class ApiClient(object):
    """Sends requests to one platform.

    ``error_detail`` turns an error response into the server's own words (platform-specific).
    ``idempotent_methods`` are the methods this platform defines as safe to repeat.
    """

    def __init__(self, platform, base_url, auth, validate_certs=True, ca_path=None, timeout=30.0,
                 retries=3, idempotent_methods=SAFE_METHODS, error_detail=None,
                 backoff=0.5, max_backoff=10.0, sleep=time.sleep):
        if not HAS_REQUESTS:
            raise ApiError(platform, 'the Python library requests is required: %s' % REQUESTS_IMPORT_ERROR)
        self.platform = platform
        self.base_url = base_url.rstrip('/')
        self.auth = auth
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.idempotent_methods = frozenset(m.upper() for m in idempotent_methods)
        self.error_detail = error_detail or default_error_detail
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep
        self.extra_secrets = []
        self.sent = 0
        self.session = requests.Session()
        # Passed on every request: a session-level setting would lose to REQUESTS_CA_BUNDLE from the environment.
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        adapter = HTTPAdapter(max_retries=0, pool_connections=1, pool_maxsize=4)
        self.session.mount('http://', adapter)
        self.session.mount('https://', adapter)
        self.session.headers.update({'User-Agent': user_agent(), 'Accept': 'application/json'})

    def close(self):
        self.session.close()

    def secrets(self, auth=None):
        found = list(self.extra_secrets)
        for strategy in (self.auth, auth):
            if strategy is not None:
                found.extend(strategy.secrets())
        return [s for s in found if s]

    def url(self, path):
        return self.base_url + path

    def request(self, method, path, params=None, json_body=None, data=None, headers=None,
                idempotent=None, auth=None, accept_status=None):
        """Send one request (and, when it is safe, its retries); return an ApiResponse for a 2xx.

        ``path`` is relative to the base URL, or an absolute URL (e.g. a separate token endpoint).
        ``idempotent`` overrides the method's default, e.g. for a POST that only reads.
        ``accept_status`` lists non-2xx statuses the caller handles itself.
        """
        method = method.upper()
        url = path if path.startswith(('http://', 'https://')) else self.url(path)
        shown = display_url(url)
        auth = auth or self.auth
        safe = (method in self.idempotent_methods) if idempotent is None else idempotent
        attempt = 0
        while True:
            try:
                response = self._send(method, url, params, json_body, data, headers, auth)
            except ApiError as exc:
                exc.method, exc.url = method, shown
                raise exc.redact(self.secrets(auth))
            except _Retryable as exc:
                if attempt < self.retries and (safe or exc.never_sent):
                    attempt += 1
                    self.sleep(self._backoff(attempt))
                    continue
                error = ApiError(self.platform, exc.summary, method=method, url=shown,
                                 maybe_applied=not exc.never_sent and not safe)
                raise error.redact(self.secrets(auth))
            if response.status_code in RETRY_STATUSES and safe and attempt < self.retries:
                attempt += 1
                wait = retry_after_seconds(response.headers.get('Retry-After'))
                self.sleep(min(MAX_RETRY_AFTER, wait) if wait is not None else self._backoff(attempt))
                continue
            result = ApiResponse(self.platform, method, shown, response.status_code, response.headers, response.content)
            if 200 <= response.status_code < 300 or response.status_code in (accept_status or ()):
                return result
            # A server error answering a request that changes something leaves its outcome unknown.
            raise self.http_error(result, auth, maybe_applied=not safe and response.status_code in UNKNOWN_OUTCOME_STATUSES)

    def http_error(self, response, auth=None, maybe_applied=False):
        error = ApiError(self.platform, None, method=response.method, url=response.url, status=response.status,
                         detail=self.error_detail(response), body=response.text, maybe_applied=maybe_applied)
        return error.redact(self.secrets(auth))

    def _backoff(self, attempt):
        ceiling = min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _send(self, method, url, params, json_body, data, headers, auth):
        self.sent += 1
        try:
            return self.session.request(method, url, params=params, json=json_body, data=data, headers=headers,
                                        auth=auth, timeout=self.timeout, verify=self.verify,
                                        allow_redirects=method in SAFE_METHODS)
        except requests.exceptions.SSLError as exc:
            # The TLS handshake comes before the request is written: nothing reached the server.
            raise ApiError(self.platform, self.tls_failure(exc, url))
        except requests.exceptions.ConnectTimeout:
            raise _Retryable('could not connect within request_timeout=%gs' % self.timeout, never_sent=True)
        except requests.exceptions.ReadTimeout:
            raise _Retryable('no response within request_timeout=%gs (raise request_timeout for a slow server)' % self.timeout)
        except requests.exceptions.ConnectionError as exc:
            reason = exc.args[0] if exc.args else None
            if isinstance(reason, ReadTimeoutError):
                # requests reports a body that stops arriving as a ConnectionError, yet it is the read timeout.
                raise _Retryable('the response stopped arriving within request_timeout=%gs (raise request_timeout '
                                 'for a slow server)' % self.timeout)
            reason = getattr(reason, 'reason', None)
            never_sent = isinstance(reason, NewConnectionError)
            cause = to_text(reason).split('): ', 1)[-1] if reason is not None else first_line(exc)
            raise _Retryable('connection failed: %s' % cause.rstrip('.'), never_sent=never_sent)
        except requests.exceptions.RequestException as exc:
            raise ApiError(self.platform, 'request failed (%s)' % self.reason(exc, auth).rstrip('.'))
        except OSError as exc:
            # requests checks a CA bundle named by REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE only here, before sending.
            raise ApiError(self.platform, 'the request could not be sent: %s' % self.reason(exc, auth))
        except (ValueError, TypeError, LookupError) as exc:
            # What the libraries refuse while preparing the request line and headers, before a byte is written:
            # http.client's "Invalid header value b'Bearer ...'" (a line break in a credential), a header that is not
            # Latin-1 (UnicodeEncodeError). Their words quote the header, so they are shown only once redacted.
            raise ApiError(self.platform, 'the request could not be sent (%s: %s)' % (type(exc).__name__, self.reason(exc, auth).rstrip('.')))

    def reason(self, exc, auth):
        """The first line of an exception's text, with every secret removed from the whole text first: a secret that
        holds a line break would otherwise leave its first part in the line shown."""
        text = redacted(to_text(exc, errors='surrogate_or_replace'), self.secrets(auth))
        return text.strip().splitlines()[0] if text.strip() else type(exc).__name__

    def tls_failure(self, exc, url):
        """What went wrong in the TLS handshake, in words, with the advice that fits that failure only."""
        inner = ssl_cause(exc)
        reason = tls_reason(inner) if inner is not None else first_line(exc)
        text = (to_text(exc) + ' ' + reason).lower()
        verifying = self.verify is not False
        ca_path = self.verify if isinstance(self.verify, str) else None
        if any(marker in text for marker in NOT_TLS):
            return ('the server did not answer with TLS (%s): it may serve plain HTTP on this port. Use an http:// url '
                    'for it, or the port where it serves HTTPS' % reason)
        if verifying and any(marker in text for marker in HOSTNAME_MISMATCH):
            names = certificate_names(url, self.verify, min(self.timeout, 5.0))
            listed = ' (the certificate names %s)' % ', '.join(names) if names else ''
            return ('TLS verification failed: the server certificate is not valid for the host in url (%s). Use in url '
                    'the host name the certificate was issued for%s, or have the certificate reissued with this name'
                    % (reason, listed))
        if verifying and 'certificate has expired' in text:
            return ('TLS verification failed: the server certificate has expired (%s). Renew the certificate on the '
                    'server, or check the clock of this machine' % reason)
        if verifying and 'not yet valid' in text:
            return ('TLS verification failed: the server certificate is not valid yet (%s). Check the clock of this '
                    'machine and of the server' % reason)
        if any(marker in text for marker in UNUSABLE_CA):
            where = 'ca_path %s' % ca_path if ca_path else 'the CA bundle %s' % default_ca_bundle()
            return ('%s holds no usable CA certificate (%s). Give a PEM file of CA certificates, or a directory of them '
                    'prepared with c_rehash' % (where, reason))
        if verifying and any(marker in text for marker in UNKNOWN_CA):
            if ca_path:
                return ('TLS verification failed: the server certificate is not signed by a CA in ca_path %s (%s). Give '
                        'in ca_path the CA bundle that signed it, or set validate_certs to false (insecure)' % (ca_path, reason))
            return ('TLS verification failed: the server certificate is signed by a CA this machine does not trust, such '
                    'as a self-signed or private CA (%s). Give that CA bundle in ca_path, or set validate_certs to false '
                    '(insecure)' % reason)
        if verifying and 'certificate verify failed' in text:
            return ('TLS verification failed (%s). Give in ca_path the CA bundle that signed the server certificate, '
                    'or set validate_certs to false (insecure)' % reason)
        return 'the TLS handshake failed (%s)' % reason


class _Retryable(Exception):
    def __init__(self, summary, never_sent=False):
        self.summary = summary
        self.never_sent = never_sent
        super(_Retryable, self).__init__(summary)


# OpenSSL's words for a peer that does not speak TLS at all (a plain HTTP server answering the ClientHello).
NOT_TLS = ('wrong_version_number', 'wrong version number', 'record_layer_failure', 'record layer failure',
           'packet_length_too_long', 'packet length too long', 'unknown protocol', 'http_request')
HOSTNAME_MISMATCH = ('hostname mismatch', 'ip address mismatch', "doesn't match", 'does not match')
UNKNOWN_CA = ('self-signed certificate', 'self signed certificate', 'unable to get local issuer certificate',
              'unable to get issuer certificate', 'unable to verify the first certificate', 'unable to verify leaf signature')
UNUSABLE_CA = ('no_certificate_or_crl_found', 'no certificate or crl found', 'pem lib', '[x509')
SSL_LOCATION = re.compile(r'\s*\(_ssl\.c:\d+\)$')


def ssl_cause(exc):
    """The ssl.SSLError inside what requests and urllib3 wrapped around it, or None."""
    pending, seen = [exc], set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return current
        for nested in list(getattr(current, 'args', ())) + [getattr(current, 'reason', None), current.__cause__, current.__context__]:
            if isinstance(nested, BaseException):
                pending.append(nested)
    return None


def tls_reason(error):
    """OpenSSL's reason without the C source location: 'self-signed certificate', '[SSL: WRONG_VERSION_NUMBER] ...'."""
    text = getattr(error, 'verify_message', None) or to_text(error.args[1] if len(error.args) > 1 else error)
    return SSL_LOCATION.sub('', to_text(text)).strip().rstrip('.')


def certificate_names(url, verify, timeout):
    """The names in the certificate a server shows, read with a second handshake that checks the CA but not the
    name (so only after the CA was accepted); no request is sent. Best effort, direct (not through a proxy), within
    a short timeout: an empty list on any failure, and the message then goes without the names."""
    parts = urlsplit(url)
    try:
        context = ssl.create_default_context()
        context.check_hostname = False
        load_ca(context, verify if isinstance(verify, str) else default_ca_bundle())
        with socket.create_connection((parts.hostname, parts.port or 443), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=parts.hostname) as tls:
                certificate = tls.getpeercert() or {}
    except Exception:  # pylint: disable=broad-except
        return []
    names = [to_text(value) for kind, value in certificate.get('subjectAltName', ()) if kind in ('DNS', 'IP Address')]
    if not names:
        names = [to_text(value) for rdn in certificate.get('subject', ()) for key, value in rdn if key == 'commonName']
    return names


def load_ca(context, location):
    """Load a CA bundle file, or a directory of hashed CA files, into an SSL context (ssl.SSLError if unusable)."""
    if os.path.isdir(location):
        context.load_verify_locations(capath=location)
    else:
        context.load_verify_locations(cafile=location)


def default_ca_bundle():
    """The bundle requests verifies with when given no ca_path: the environment's, else certifi's."""
    return os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or requests.utils.DEFAULT_CA_BUNDLE_PATH


def first_line(exc):
    return to_text(exc).splitlines()[0] if to_text(exc) else type(exc).__name__


def default_error_detail(response):
    """A JSON error body's message, or the start of the body as text."""
    try:
        body = json.loads(response.text)
    except ValueError:
        return snippet(response.text) or None
    if isinstance(body, dict):
        for key in ('message', 'error', 'errors', 'alert', 'detail'):
            if body.get(key):
                return to_text(body[key])
    return snippet(response.text) or None
