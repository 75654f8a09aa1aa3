# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulators from the command line, to try the collection offline (docs/emulators.md):

    PYTHONPATH=tests python -m emulators all --port 8001      # SAYMON on 8001, eNMS 8002, OMN 8003, ZITADEL 8004
    PYTHONPATH=tests python -m emulators saymon --port 8080

Each prints its URL, the demo credentials (as export lines) and the seeded users and IDs, then one line per request it
serves, until Ctrl-C or SIGTERM. They bind 127.0.0.1 only."""

from __future__ import absolute_import, division, print_function

import argparse
import errno
import json
import shlex
import signal
import sys
import threading
import time

from emulators.demo import describe
from emulators.registry import EMULATORS

# The order of `all`, and so of its ports: --port P gives SAYMON P, eNMS P+1, OMN P+2, ZITADEL P+3.
ORDER = ('saymon', 'enms', 'omn', 'zitadel')
TITLES = {'saymon': 'SAYMON', 'enms': 'eNMS', 'omn': 'OMN', 'zitadel': 'ZITADEL'}

DESCRIPTION = """\
Start one emulator, or all four, of the APIs netops.bridge drives (SAYMON, eNMS, OMN, ZITADEL Actions v2): stateful
HTTP servers on 127.0.0.1 that answer like the real ones, seeded with demo users, tokens and IDs. At start each prints
its URL, an `export ...` line with the environment variables the modules read (the demo user's credentials) and what
is seeded; then one line per request (time, platform, method, path, status, duration) until Ctrl-C or SIGTERM.
State lives in memory: a restart starts from the seed again."""

EPILOG = """\
examples:
  PYTHONPATH=tests python -m emulators all --port 8001      SAYMON 8001, eNMS 8002, OMN 8003, ZITADEL 8004
  PYTHONPATH=tests python -m emulators all --env-file /tmp/emulators.env   (free ports; then: . /tmp/emulators.env)
  PYTHONPATH=tests python -m emulators enms --port 8002 --log /tmp/enms.log

control API (in the request log above, not in what GET /_emulator/requests lists): GET /_emulator/requests, GET /_emulator/counts,
GET /_emulator/state, POST /_emulator/reset (back to the seed), POST /_emulator/faults, POST /_emulator/state.
Everything is described in docs/emulators.md."""


def parse(argv):
    parser = argparse.ArgumentParser(prog='python -m emulators', description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('platform', choices=sorted(EMULATORS) + ['all'],
                        help='the emulator to start: %s, or all (in the order %s)' % (', '.join(sorted(EMULATORS)), ', '.join(ORDER)))
    parser.add_argument('--port', type=int, default=0, metavar='PORT',
                        help='the TCP port to listen on (127.0.0.1 only); with all, the first of four successive ports, '
                             'one per platform in the order above. Default 0: any free port, printed at start.')
    parser.add_argument('--url-file', metavar='FILE',
                        help='write the URL to FILE once listening (one platform only; scripts wait for this file)')
    parser.add_argument('--env-file', metavar='FILE',
                        help='write the export lines of every platform started to FILE, for `. FILE` in a shell')
    parser.add_argument('--seed', metavar='FILE',
                        help='a JSON file replacing the default seed (one platform only): what GET /_emulator/state '
                             'shows is one, so a state can be saved and started again')
    parser.add_argument('--tls', nargs=2, metavar=('CERT', 'KEY'),
                        help='serve HTTPS with this PEM certificate and key (then set validate_certs or ca_path)')
    log_options = parser.add_mutually_exclusive_group()
    log_options.add_argument('--log', metavar='FILE', default='-',
                             help='append the request log to FILE instead of standard output (- for standard output)')
    log_options.add_argument('--quiet', action='store_true', help='no request log')
    args = parser.parse_args(argv)
    if args.platform == 'all' and (args.url_file or args.seed):
        parser.error('--url-file and --seed need one platform, not all (use --env-file for all)')
    if not 0 <= args.port <= 65535 - (len(ORDER) - 1 if args.platform == 'all' else 0):
        parser.error('--port must be between 0 and 65535 (with all, up to 65532: four successive ports)')
    return args


class RequestLog(object):
    """One line per request: time, platform, method, path (query keys only: values could be secrets), status, duration."""

    def __init__(self, stream):
        self.stream = stream
        self.lock = threading.Lock()

    def listener(self, platform):
        def log(method, raw_path, status, seconds):
            path, query = (raw_path.split('?', 1) + [''])[:2]
            if query:
                path += '?' + '&'.join(sorted(set(part.split('=', 1)[0] for part in query.split('&') if part)))
            shown = status if status is not None else 'dropped'
            line = '%s %-7s %-6s %s %s %dms\n' % (time.strftime('%H:%M:%S'), platform, method, path, shown, seconds * 1000)
            with self.lock:
                self.stream.write(line)
                self.stream.flush()
        return log


def export_line(env):
    return 'export ' + ' '.join('%s=%s' % (key, shlex.quote(value)) for key, value in env.items())


class SeedError(Exception):
    """A --seed file that is no seed of its platform; the message is the one line the user sees."""


def load_seed(path, platform):
    """The seed in the JSON file ``path``, checked against ``platform``'s seed; raises SeedError saying what is wrong."""
    try:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
    except OSError as exc:
        raise SeedError('cannot read it (%s)' % (exc.strerror or exc))
    except UnicodeDecodeError:
        raise SeedError('not JSON (not UTF-8 text)')
    try:
        seed = json.loads(text)
    except ValueError as exc:
        raise SeedError('not JSON (%s)' % exc)
    try:
        EMULATORS[platform].check_seed(seed)
    except ValueError as exc:
        raise SeedError(str(exc))
    return seed


def main(argv=None):
    args = parse(argv)
    platforms = ORDER if args.platform == 'all' else (args.platform,)
    seed = None
    if args.seed:
        try:
            seed = load_seed(args.seed, args.platform)
        except SeedError as exc:
            sys.stderr.write('python -m emulators: --seed %s: %s\n' % (args.seed, exc))
            return 2
    out = sys.stdout
    log_stream = None if args.quiet else (out if args.log == '-' else open(args.log, 'a'))
    request_log = RequestLog(log_stream) if log_stream else None
    started = []
    try:
        for offset, platform in enumerate(platforms):
            port = args.port + offset if args.port else 0
            emulator = EMULATORS[platform](tls=tuple(args.tls) if args.tls else None, seed=seed)
            try:
                emulator.start(port)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    sys.stderr.write('port %d is in use: choose another with --port (0 takes any free port)\n' % port)
                else:
                    sys.stderr.write('cannot listen on 127.0.0.1:%d: %s\n' % (port, exc))
                return 2
            started.append((platform, emulator))
        stopped = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopped.set())
        exports = []
        out.write('netops.bridge emulators on 127.0.0.1: Ctrl-C stops them; their state lives in memory.\n')
        for platform, emulator in started:
            try:
                env, lines = describe(platform, emulator)
            except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
                if seed is None:
                    raise
                # The top-level keys were right, what they hold is not what the emulator keeps there.
                sys.stderr.write('python -m emulators: --seed %s: not a state the %s emulator can hold (%s: %s)\n'
                                 % (args.seed, platform, type(exc).__name__, exc))
                return 2
            exports.append(export_line(env))
            out.write('\n%s %s\n  %s\n' % (TITLES[platform], emulator.url, exports[-1]))
            out.write(''.join('  %s\n' % line for line in lines))
        if request_log:
            out.write('\nrequests (time, platform, method, path, status, duration)%s:\n'
                      % ('' if log_stream is out else ' in %s' % args.log))
            for platform, emulator in started:
                emulator.listeners.append(request_log.listener(platform))
        out.flush()
        if args.env_file:
            with open(args.env_file, 'w') as handle:
                handle.write(''.join(line + '\n' for line in exports))
        if args.url_file:
            with open(args.url_file, 'w') as handle:
                handle.write(started[0][1].url)
        stopped.wait()
    finally:
        for started_one in started:
            started_one[1].stop()
        if log_stream and log_stream is not out:
            log_stream.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
