# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How many signed ZITADEL calls per second netops.bridge.zitadel_calls verifies and queues on one core.

The source runs in a child process pinned to one CPU (its main(queue, args) as ansible-rulebook runs it, with a
consumer that counts the events); this process, pinned to another CPU when there is one, posts JSON event calls signed
as ZITADEL signs them, over keep-alive connections, several at a time. The figure is calls whose event reached the
queue, divided by the time from the first call sent to the last event queued.

    python tests/perf/eda_zitadel_calls.py [--calls 5000] [--concurrency 32]
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import asyncio
import hashlib
import hmac
import importlib.util
import json
import multiprocessing
import os
import socket
import time
from pathlib import Path

import aiohttp

SOURCE = Path(__file__).resolve().parents[2] / 'extensions' / 'eda' / 'plugins' / 'event_source' / 'zitadel_calls.py'
KEY = 'benchmark-signing-key'
BODY = json.dumps({
    'aggregateID': '312909075211944344', 'aggregateType': 'user', 'resourceOwner': '312909075211878808',
    'instanceID': '312909075211813272', 'version': 'v2', 'sequence': 7, 'event_type': 'user.human.added',
    'created_at': '2026-12-07T21:00:00Z', 'userID': '312909075211944344',
    'event_payload': {'userName': 'alice', 'profile': {'givenName': 'Alice', 'familyName': 'Doe'}},
}).encode()


def pin(cpu):
    if hasattr(os, 'sched_setaffinity') and cpu < os.cpu_count():
        os.sched_setaffinity(0, {cpu})


def run_source(port, calls, ready, done):
    """The child: the source on one core, and a consumer that reports when it has seen every event."""
    pin(0)
    spec = importlib.util.spec_from_file_location('zitadel_calls', str(SOURCE))
    source = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(source)

    async def serve():
        queue = asyncio.Queue()
        task = asyncio.ensure_future(source.main(queue, {'host': '127.0.0.1', 'port': port, 'signing_keys': [KEY]}))
        ready.set()
        for dummy in range(calls):
            await queue.get()
        done.value = time.time()
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
    asyncio.run(serve())


def signed_headers():
    stamp = str(int(time.time()))
    digest = hmac.new(KEY.encode(), stamp.encode() + b'.' + BODY, hashlib.sha256).hexdigest()
    return {'ZITADEL-Signature': 't=%s,v1=%s' % (stamp, digest), 'Content-Type': 'application/json'}


async def post_all(port, calls, concurrency):
    url = 'http://127.0.0.1:%d/zitadel/events' % port
    remaining = iter(range(calls))
    statuses = {}

    async def worker(session):
        for dummy in remaining:
            async with session.post(url, data=BODY, headers=signed_headers()) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        for attempt in range(100):  # the listener is up when a first call is answered
            try:
                async with session.post(url, data=BODY, headers=signed_headers()) as response:
                    await response.read()
                break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
        started = time.time()
        await asyncio.gather(*[worker(session) for dummy in range(concurrency)])
    return started, statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--calls', type=int, default=5000)
    parser.add_argument('--concurrency', type=int, default=32)
    options = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    ready, done = multiprocessing.Event(), multiprocessing.Value('d', 0.0)
    child = multiprocessing.Process(target=run_source, args=(port, options.calls + 1, ready, done))
    child.start()
    ready.wait(30)
    pin(1)
    started, statuses = asyncio.run(post_all(port, options.calls, options.concurrency))
    child.join(120)
    elapsed = done.value - started
    print('calls: %d, answers: %s, concurrency: %d' % (options.calls, statuses, options.concurrency))
    print('verified and queued: %.0f calls/s on one core (%.2f s)' % (options.calls / elapsed, elapsed))


if __name__ == '__main__':
    main()
