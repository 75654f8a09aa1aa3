# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A real HTTP server on 127.0.0.1 whose answers a test scripts, recording every request."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedServer(object):
    """``answers`` is a list of (status, headers, body), 'drop', ('delay', seconds, answer), or ('stall', seconds, answer):
    the headers and the first half of the body at once, the rest after ``seconds``. ``tls`` is (certificate, key) files
    to serve HTTPS with."""

    def __init__(self, tls=None):
        self.answers = []
        self.received = []
        self.default = (200, {}, b'{}')
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'
            disable_nagle_algorithm = True  # as the emulators (tests/emulators/base.py): no 40 ms wait on keep-alive

            def log_message(self, *args):
                pass

            def serve(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else b''
                server.received.append({'method': self.command, 'path': self.path, 'body': body,
                                        'headers': dict((k.lower(), v) for k, v in self.headers.items())})
                answer = server.answers.pop(0) if server.answers else server.default
                stall = 0
                if isinstance(answer, tuple) and answer[0] == 'delay':
                    time.sleep(answer[1])
                    answer = answer[2]
                elif isinstance(answer, tuple) and answer[0] == 'stall':
                    stall, answer = answer[1], answer[2]
                if answer == 'drop':
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, headers, payload = answer
                payload = payload if isinstance(payload, bytes) else payload.encode('utf-8')
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header('Content-Length', str(len(payload)))
                self.end_headers()
                try:
                    if stall:
                        self.wfile.write(payload[:len(payload) // 2])
                        self.wfile.flush()
                        time.sleep(stall)
                        payload = payload[len(payload) // 2:]
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up first

            do_GET = do_POST = do_PUT = do_DELETE = serve

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.httpd.daemon_threads = True
        # A client that gives up (a timeout, a refused TLS handshake) is what a test wants, not a traceback on stderr.
        self.httpd.handle_error = lambda request, client_address: None
        self.tls = tls
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        # A short poll interval: stopping the server (after every test) waits for one.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.01})
        self.thread.daemon = True

    @property
    def url(self):
        return '%s://127.0.0.1:%d' % ('https' if self.tls else 'http', self.httpd.server_address[1])

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
