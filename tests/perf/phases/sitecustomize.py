# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's phase timer (tests/perf/benchmark.py, figure ``phases``); never part of the collection.

Put on ``PYTHONPATH`` of an ``ansible-playbook`` run with ``NETOPS_BENCH_PHASES`` naming a file, it times every worker
process Ansible forks, from the fork to its exit, and inside the worker the parts of the in-worker run of a
netops.bridge task; each worker appends one JSON line to the file when it exits."""

import json
import os
import resource
import sys
import time

OUT = os.environ.get('NETOPS_BENCH_PHASES')
RUNNER = 'ansible_collections.netops.bridge.plugins.plugin_utils._in_worker'
CLIENT = 'ansible_collections.netops.bridge.plugins.module_utils._client'
# (module, owner inside it or None for a function of the module, attribute, phase)
TIMED = (
    (RUNNER, 'ModuleInWorker', 'run', 'action'),
    (RUNNER, 'ModuleInWorker', '_module_process_reason', 'checks'),
    (RUNNER, 'ModuleInWorker', '_module_arguments', 'arguments'),
    (RUNNER, None, 'run_main', 'main'),
    (RUNNER, 'ModuleInWorker', '_result_from_output', 'result'),
    (CLIENT, 'ApiClient', '_send', 'http'),
)

if OUT:
    import multiprocessing
    import multiprocessing.util

    spent = {}
    started = {}

    def timed(function, phase):
        def wrapper(*args, **kwargs):
            begin = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds, calls = spent.get(phase, (0.0, 0))
                spent[phase] = (seconds + time.perf_counter() - begin, calls + 1)
        return wrapper

    def write():
        task = getattr(multiprocessing.current_process(), '_task', None)
        # Minor page faults: in a forked worker, mostly the copy-on-write of the controller's pages it writes to.
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - started['faults']
        record = {'action': getattr(task, 'action', None), 'worker': time.perf_counter() - started['at'], 'phases': spent,
                  'faults': faults}
        with open(OUT, 'a') as handle:
            handle.write(json.dumps(record) + '\n')

    def in_worker(_anchor):
        # multiprocessing clears its finalizers in a new process before it runs these: register ours here.
        started['at'] = time.perf_counter()
        started['faults'] = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        spent.clear()
        for module_name, owner, attribute, phase in TIMED:
            module = sys.modules.get(module_name)
            target = getattr(module, owner, None) if owner else module
            if target is not None and hasattr(target, attribute):
                setattr(target, attribute, timed(getattr(target, attribute), phase))
        multiprocessing.util.Finalize(None, write, exitpriority=100)

    class _Anchor(object):
        pass

    ANCHOR = _Anchor()
    multiprocessing.util.register_after_fork(ANCHOR, in_worker)
