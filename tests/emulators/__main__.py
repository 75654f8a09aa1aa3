# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run an emulator until SIGTERM: PYTHONPATH=tests python -m emulators saymon [--url-file F] [--seed F] [--tls CERT KEY]"""

from __future__ import absolute_import, division, print_function

import argparse
import json
import signal
import sys
import threading

from emulators.registry import EMULATORS


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m emulators')
    parser.add_argument('platform', choices=sorted(EMULATORS))
    parser.add_argument('--url-file')
    parser.add_argument('--seed', help='a JSON file replacing the default seed')
    parser.add_argument('--tls', nargs=2, metavar=('CERT', 'KEY'))
    args = parser.parse_args(argv)
    seed = None
    if args.seed:
        with open(args.seed) as handle:
            seed = json.load(handle)
    emulator = EMULATORS[args.platform](tls=tuple(args.tls) if args.tls else None, seed=seed).start()
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    if args.url_file:
        with open(args.url_file, 'w') as handle:
            handle.write(emulator.url)
    sys.stdout.write(json.dumps({'platform': args.platform, 'url': emulator.url}) + '\n')
    sys.stdout.flush()
    stopped.wait()
    emulator.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
