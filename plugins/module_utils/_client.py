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
import random
import time
import traceback
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlsplit, urlunsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import NewConnectionError
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils._version import COLLECTION_VERSION

SAFE_METHODS = frozenset(['GET', 'HEAD', 'OPTIONS'])
RETRY_STATUSES = frozenset([429, 500, 502, 503, 504])
UNKNOWN_OUTCOME_STATUSES = frozenset([500, 502, 503, 504])
MAX_RETRY_AFTER = 60.0
DETAIL_LIMIT = 500


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

    def json(self):
        """The body parsed as JSON; a body that is not JSON becomes an ApiError, not a traceback."""
        try:
            return json.loads(self.text)
        except ValueError as exc:
            raise ApiError(self.platform, 'the response body is not valid JSON (%s)' % exc,
                           method=self.method, url=self.url, status=self.status, detail=snippet(self.text),
                           body=self.text)

    def json_object(self, what='the answer', maybe_applied=False):
        """The body parsed as a JSON object; any other JSON value becomes an ApiError quoting it."""
        value = self.json()
        if not isinstance(value, dict):
            raise ApiError(self.platform, 'expected %s as a JSON object' % what, method=self.method, url=self.url,
                           status=self.status, detail=snippet(self.text), body=self.text, maybe_applied=maybe_applied)
        return value


def snippet(text):
    text = (text or '').strip()
    if len(text) > DETAIL_LIMIT:
        return text[:DETAIL_LIMIT] + '...'
    return text


class ApiClient(object):
    """Sends requests to one platform.

    ``error_detail`` turns an error response into the server's own words (platform-specific).
    ``idempotent_methods`` are the methods this platform defines as safe to repeat.
    """

    def __init__(self, platform, base_url, auth, validate_certs=True, ca_path=None, timeout=30.0,
                 retries=3, idempotent_methods=SAFE_METHODS, error_detail=None, headers=None,
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
        if headers:
            self.session.headers.update(headers)

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
            raise ApiError(self.platform, 'TLS verification failed (%s). Give the CA bundle that signed the server '
                                          'certificate in ca_path, or set validate_certs to false (insecure)' % first_line(exc))
        except requests.exceptions.ConnectTimeout:
            raise _Retryable('could not connect within request_timeout=%ss' % self.timeout, never_sent=True)
        except requests.exceptions.ReadTimeout:
            raise _Retryable('no response within request_timeout=%ss' % self.timeout)
        except requests.exceptions.ConnectionError as exc:
            reason = getattr(exc.args[0], 'reason', None) if exc.args else None
            never_sent = isinstance(reason, NewConnectionError)
            cause = to_text(reason).split('): ', 1)[-1] if reason is not None else first_line(exc)
            raise _Retryable('connection failed: %s' % cause, never_sent=never_sent)
        except requests.exceptions.RequestException as exc:
            raise ApiError(self.platform, 'request failed (%s)' % first_line(exc))


class _Retryable(Exception):
    def __init__(self, summary, never_sent=False):
        self.summary = summary
        self.never_sent = never_sent
        super(_Retryable, self).__init__(summary)


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
