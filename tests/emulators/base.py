# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator framework: routing, a request log, fault injection and a control API.

An emulator binds 127.0.0.1 on an ephemeral port (or the one given to start), serves in a daemon thread, and records every
request it receives (except its own control API under /_emulator/) so tests can assert exactly
what a module sent. Faults replace or follow the real handling of matching requests.
"""

from __future__ import absolute_import, division, print_function

import copy
import json
import re
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

CONTROL_PREFIX = '/_emulator/'


def json_type(value):
    """The JSON type of a value, as a seed error names it."""
    for kinds, name in ((bool, 'a boolean'), ((int, float), 'a number'), (str, 'a string'), (list, 'an array'),
                        (dict, 'an object'), (type(None), 'null')):
        if isinstance(value, kinds):
            return name
    return type(value).__name__


def check_seed(seed, default, platform):
    """Raise ValueError saying why ``seed`` is not a seed of the emulator whose default seed is ``default``: not a JSON
    object, a key unknown or missing, a value of another JSON type than the default's (a key whose default is null,
    such as an unset delay, takes any value)."""
    if not isinstance(seed, dict):
        raise ValueError('a seed of the %s emulator is a JSON object, not %s' % (platform, json_type(seed)))
    keys = ', '.join(sorted(default))
    unknown = sorted(set(seed) - set(default))
    if unknown:
        raise ValueError('unknown key%s %s (a seed of the %s emulator has exactly: %s)'
                         % ('s' * (len(unknown) > 1), ', '.join(map(repr, unknown)), platform, keys))
    missing = sorted(set(default) - set(seed))
    if missing:
        raise ValueError('missing key%s %s (a seed of the %s emulator has exactly: %s)'
                         % ('s' * (len(missing) > 1), ', '.join(map(repr, missing)), platform, keys))
    for key in sorted(default):
        if default[key] is not None and json_type(seed[key]) != json_type(default[key]):
            raise ValueError('%r is %s, not %s' % (key, json_type(seed[key]), json_type(default[key])))


class Request(object):
    def __init__(self, method, path, query, headers, body, params):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.params = params

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    @property
    def text(self):
        return self.body.decode('utf-8', errors='replace')

    def json(self):
        """The body as JSON; raises ValueError when it is not."""
        return json.loads(self.text)


class Response(object):
    def __init__(self, status=200, body=b'', content_type='application/json', headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode('utf-8')
        self.content_type = content_type
        self.headers = headers or {}

    @classmethod
    def json(cls, value, status=200, headers=None):
        return cls(status, json.dumps(value), 'application/json; charset=utf-8', headers)


class Route(object):
    def __init__(self, method, template, handler, name):
        self.method = method
        self.template = template
        self.handler = handler
        self.name = name or '%s %s' % (method, template)
        pattern = re.sub(r'<(\w+)>', r'(?P<\1>[^/]+)', template)
        self.regex = re.compile('^%s$' % pattern)

    def match(self, method, path):
        if method != self.method:
            return None
        found = self.regex.match(path)
        if not found:
            return None
        return dict((k, unquote(v)) for k, v in found.groupdict().items())


class Fault(object):
    KINDS = ('status', 'delay', 'drop', 'malformed', 'after', 'echo')

    def __init__(self, kind, route=None, method=None, path_regex=None, times=1, status=None, body='',
                 headers=None, seconds=0.0, content_type='application/json', then='drop', skip=0):
        if kind not in self.KINDS:
            raise ValueError('unknown fault kind %r' % kind)
        self.kind = kind
        self.route = route
        self.method = method
        self.path_regex = re.compile(path_regex) if path_regex else None
        self.times = times
        self.status = status if status is not None else (200 if kind == 'malformed' else 503)
        self.body = body
        self.headers = headers or {}
        self.seconds = seconds
        self.content_type = content_type
        self.then = then
        # The fault strikes the (skip + 1)th matching request: a fault on the Nth write is skip=N-1.
        self.skip = skip

    def matches(self, method, path, route_name):
        if self.times == 0:
            return False
        if self.method and self.method != method:
            return False
        if self.route and self.route != route_name:
            return False
        if self.path_regex and not self.path_regex.search(path):
            return False
        return True

    def response(self):
        return Response(self.status, self.body, self.content_type, dict(self.headers))


class DropConnection(Exception):
    """Close the socket without any answer."""


class Emulator(object):
    """Base of every platform emulator. Subclasses register routes and keep their state in ``self.state``."""

    platform = 'emulator'

    def __init__(self, tls=None, seed=None):
        self.lock = threading.RLock()
        self.routes = []
        self.log = []
        self.faults = []
        self.seed = copy.deepcopy(seed if seed is not None else self.default_seed())
        self.state = None
        self.reset_state()
        self.register_routes()
        self.tls = tls
        self.server = None
        self.thread = None
        # Called as listener(method, raw_path, status, seconds) after each request, the control API's too; status is None
        # when the connection was dropped without an answer (the command line's request log).
        self.listeners = []

    # -- subclass hooks ---------------------------------------------------------------------------
    @staticmethod
    def default_seed():
        return {}

    def reset_state(self):
        self.state = copy.deepcopy(self.seed)

    def register_routes(self):
        raise NotImplementedError

    def error_response(self, status, code, message):
        return Response.json({'code': code, 'message': message}, status)

    def dump_state(self):
        """The part of the state the tests assert on (a view, not a seed: GET /_emulator/state gives seed_state())."""
        return self.state

    def seed_state(self):
        """The whole state as a seed: what GET /_emulator/state shows, and what --seed loads back into the same state."""
        return json.loads(json.dumps(self.state))

    @classmethod
    def check_seed(cls, seed):
        check_seed(seed, cls.default_seed(), cls.platform)

    def patch_state(self, patch):
        self.state.update(patch)

    # -- lifecycle ------------------------------------------------------------------------------
    def route(self, method, template, handler, name=None):
        self.routes.append(Route(method, template, handler, name))

    def start(self, port=0):
        emulator = self

        class Handler(_Handler):
            owner = emulator

        self.server = ThreadingHTTPServer(('127.0.0.1', port), Handler)
        self.server.daemon_threads = True
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        # shutdown() waits for serve_forever's next poll: at the default 0.5 s, every test that stops an emulator paid it.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.01},
                                       name='%s-emulator' % self.platform)
        self.thread.daemon = True
        self.thread.start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return '%s://%s:%d' % ('https' if self.tls else 'http', host, port)

    # -- inspection and faults -------------------------------------------------------------------
    def requests(self, route=None, method=None):
        with self.lock:
            return [dict(r) for r in self.log
                    if (route is None or r['route'] == route) and (method is None or r['method'] == method)]

    def count(self, route=None, method=None):
        return len(self.requests(route, method))

    def counts(self):
        found = {}
        for entry in self.requests():
            found[entry['route']] = found.get(entry['route'], 0) + 1
        return found

    def add_fault(self, kind, **kwargs):
        with self.lock:
            self.faults.append(Fault(kind, **kwargs))

    def reset(self):
        with self.lock:
            self.log = []
            self.faults = []
            self.reset_state()

    def notify(self, method, raw_path, status, seconds):
        for listener in list(self.listeners):
            try:
                listener(method, raw_path, status, seconds)
            except Exception:  # pylint: disable=broad-except  # a broken log must not break the emulator
                pass

    # -- request handling -----------------------------------------------------------------------
    def find_route(self, method, path):
        for route in self.routes:
            params = route.match(method, path)
            if params is not None:
                return route, params
        return None, None

    def take_fault(self, method, path, route_name):
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path, route_name):
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    fault.times -= 1
                    return fault
        return None

    def handle(self, method, raw_path, headers, body):
        parts = urlsplit(raw_path)
        path = parts.path
        if path.startswith(CONTROL_PREFIX):
            return self.control(method, path[len(CONTROL_PREFIX):], body)
        route, params = self.find_route(method, path)
        route_name = route.name if route else None
        entry = {'method': method, 'path': path, 'query': parts.query, 'headers': dict(headers),
                 'body': body.decode('utf-8', errors='replace'), 'route': route_name, 'time': time.time()}
        with self.lock:
            self.log.append(entry)
        fault = self.take_fault(method, path, route_name)
        if fault is not None:
            entry['fault'] = fault.kind
            if fault.kind == 'drop':
                raise DropConnection()
            if fault.kind in ('status', 'malformed'):
                entry['status'] = fault.status
                return fault.response()
            if fault.kind == 'echo':
                # A careless server (or proxy) that quotes the whole request, credentials included, in its error.
                entry['status'] = fault.status
                request = {'method': method, 'path': raw_path, 'headers': dict(headers), 'body': entry['body']}
                echoed = {'message': 'cannot handle this request', 'request': request}
                return Response(fault.status, json.dumps(echoed).encode('utf-8'), 'application/json', {})
            if fault.kind == 'delay':
                time.sleep(fault.seconds)
        if route is None:
            response = self.error_response(404, 'NotFound', 'No route for %s %s' % (method, path))
        else:
            request = Request(method, path, parse_qs(parts.query), headers, body, params)
            with self.lock:
                response = route.handler(request)
        entry['status'] = response.status
        entry['answer'] = response.body.decode('utf-8', errors='replace')
        if fault is not None and fault.kind == 'after':
            if fault.then == 'drop':
                raise DropConnection()
            entry['status'] = fault.status
            return fault.response()
        return response

    def control(self, method, action, body):
        if method == 'GET' and action == 'requests':
            return Response.json(self.requests())
        if method == 'GET' and action == 'counts':
            return Response.json(self.counts())
        if method == 'GET' and action == 'state':
            with self.lock:
                return Response.json(self.seed_state())
        if method == 'POST' and action == 'reset':
            self.reset()
            return Response.json({'reset': True})
        if method == 'POST' and action == 'faults':
            spec = json.loads(body.decode('utf-8'))
            self.add_fault(spec.pop('kind'), **spec)
            return Response.json({'added': True})
        if method == 'POST' and action == 'state':
            with self.lock:
                self.patch_state(json.loads(body.decode('utf-8')))
            return Response.json({'patched': True})
        return Response.json({'error': 'unknown control action %s %s' % (method, action)}, 404)


class _Handler(BaseHTTPRequestHandler):
    owner = None
    protocol_version = 'HTTP/1.1'
    # A keep-alive client's next request would otherwise wait about 40 ms: the headers and the body go out in two
    # writes, and Nagle's algorithm holds the second until the client's delayed ACK. Servers in production set it too.
    disable_nagle_algorithm = True

    def log_message(self, *args):  # keep test output clean
        pass

    def _serve(self):
        started = time.time()
        status = None
        try:
            status = self._answer()
        finally:
            self.owner.notify(self.command, self.path, status, time.time() - started)

    def _answer(self):
        """Serves the request; returns the status sent, or None when the connection was dropped."""
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        headers = dict((k.lower(), v) for k, v in self.headers.items())
        try:
            response = self.owner.handle(self.command, self.path, headers, body)
        except DropConnection:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return None
        try:
            self.send_response(response.status)
            self.send_header('Content-Type', response.content_type)
            self.send_header('Content-Length', str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != 'HEAD':
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up first (its request_timeout was shorter than a 'delay' fault): nothing to answer.
            self.close_connection = True
        return response.status

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve
