# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: the one action plugin every netops.bridge module has; not a public API.

Our modules talk to HTTP APIs, and almost always from the controller (``localhost``, ``delegate_to: localhost``,
an AWX execution environment). There, most of a module task's time goes to what a module process costs (building
and writing the AnsiballZ payload, a new interpreter, importing ``requests``), not to the API. So when the task runs
on the controller's ``local`` connection, this action runs the module's own ``main()`` inside the worker process
that Ansible forked for the task, and otherwise it runs the module exactly as ``ansible.builtin.normal`` does.

The in-worker run reproduces the module process's boundary rather than the module's logic: the arguments are
serialized as core serializes them for a module, ``AnsibleModule`` reads them as in a module process (core's own
validation, no_log masking, check and diff mode, warnings and deprecations), the task's ``environment:`` is in
``os.environ``, and the JSON the module prints is parsed by the same ``_parse_returned_data`` as a module's output.
Nothing outlives the task: the worker exits after it, and the process state touched here is restored after each
run (a loop runs its items in one worker). Logging is part of that boundary: what the module or its libraries log
(urllib3's warnings name URLs, which may hold a no_log session ID) never reaches the handlers core installs for
``ANSIBLE_LOG_PATH``, as a module process's never does.

The run relies on private parts of ansible-core, all listed in ``core_hooks()``. Before ``main()`` runs they are
checked, and the task runs as a module process (saying why at ``-v``) when one is missing, or when anything before
``main()`` fails; a task whose ``ansible_python_interpreter`` is not the controller's Python runs as a module process
too. Once ``main()`` has run, its printed result is the task's result whatever fails afterwards: an action that was
sent is never reported as not sent. The action plugins import this runner through ``_action.py``, which falls back
to core's ``normal`` action if this file cannot be imported at all.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import functools
import importlib
import io
import json
import logging
import os
import re
import shutil
import sys
import traceback
from collections.abc import Sequence

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.action import ActionBase
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.release import __version__ as CORE_VERSION
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

# ansible-core 2.19 and later: module arguments and results go through serialization profiles. Decided by the
# version, not by what imports, so that a core that lost one of these parts is seen to lack it (core_hooks()).
HAS_PROFILES = tuple(int(part) for part in re.findall(r'\d+', CORE_VERSION)[:2]) >= (2, 19)
try:
    from ansible.module_utils import _internal as core_internal
    from ansible.module_utils.common.json import Direction, get_module_encoder
except ImportError:
    core_internal = Direction = get_module_encoder = None
try:
    from ansible.parsing.ajson import AnsibleJSONEncoder
except ImportError:
    AnsibleJSONEncoder = None
try:  # ansible-core 2.21 and later finish a module's result with the object _parse_returned_data returns
    from ansible._internal._task import UnifiedTaskResult
except ImportError:
    UnifiedTaskResult = None
try:
    from ansible.module_utils.common.json import get_module_decoder
except ImportError:
    get_module_decoder = None

# Imported in the controller process when the strategy first loads one of our actions, so that every forked worker
# has it (and requests with it): a module process imports them anew every time. The module of each action, with its
# platform's module_utils, comes with prepare_in_controller(); the other platforms' are never imported for nothing.
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient
from ansible_collections.netops.bridge.plugins.module_utils._module import PlatformModule

display = Display()

COLLECTION = 'netops.bridge'
EXECUTION_VARIABLE = 'netops_bridge_execution'
EXECUTION_ENVIRONMENT_VARIABLE = 'NETOPS_BRIDGE_EXECUTION'
EXECUTIONS = ('auto', 'module')
# What core gives a module that declares no serialization metadata, as ours do not.
SERIALIZATION_PROFILE = 'legacy'
# Interpreter discovery: on the controller, that is the controller's Python.
DISCOVERY = ('auto', 'auto_silent', 'auto_legacy', 'auto_legacy_silent')


def core_hooks():
    """Every private part of ansible-core the in-worker run relies on, as ``module:attribute.path``: all of them are
    checked before a module's ``main()`` runs (missing_core_hooks)."""
    hooks = [
        'ansible.module_utils.basic:_ANSIBLE_ARGS',  # where AnsibleModule reads its arguments
        'ansible.module_utils.common.warnings:_global_warnings',
        'ansible.module_utils.common.warnings:_global_deprecations',
        'ansible.plugins.action:ActionBase._update_module_args',  # the _ansible_* arguments: check mode, diff, ...
        'ansible.plugins.action:ActionBase._compute_environment_string',  # the task's environment:
        'ansible.plugins.action:ActionBase._parse_returned_data',
    ]
    if HAS_PROFILES:
        hooks += [
            'ansible.module_utils.basic:_ANSIBLE_PROFILE',
            'ansible.module_utils._internal:is_controller',
            'ansible.module_utils.common.json:get_module_encoder',
            'ansible.module_utils.common.json:Direction',
            'ansible.module_utils._internal._ansiballz._loader:_handle_exception',
        ]
    else:
        hooks += ['ansible.parsing.ajson:AnsibleJSONEncoder']
    if UnifiedTaskResult is not None:
        hooks += ['ansible._internal._task:UnifiedTaskResult.remove_internal_keys',
                  'ansible._internal._task:UnifiedTaskResult.as_result_dict']
    else:
        hooks += ['ansible.vars.clean:remove_internal_keys']
    return hooks


def has_hook(hook):
    module_name, _colon, path = hook.partition(':')
    try:
        found = importlib.import_module(module_name)
    except Exception:  # pylint: disable=broad-except
        return False
    for name in path.split('.'):
        if not hasattr(found, name):
            return False
        found = getattr(found, name)
    return True


def missing_core_hooks():
    return [hook for hook in core_hooks() if not has_hook(hook)]


def prepare_in_controller(module_name):
    """Does once, in the controller process that forks the workers, what every worker of this module's tasks would
    otherwise do again (measured in docs/benchmark.md): import the module (the collection loader compiles it from
    source, about 1-2 ms a fork), import core's module-side serialization profiles, fill core's per-process caches
    of a result's fields (the action's and the module's), take the HTTP client once through the way to a request
    without sending it, and resolve the controller's own interpreter (a task pinned to it asks again). The action
    plugin calls it when the strategy loads it, which happens only in a play with a task of this module. Each part only
    warms what the worker would compute the same way; if one fails, the worker does it again and reports it."""
    for prepare in (lambda: ModuleInWorker._import_module(module_name), _serialization_profiles, _result_fields,
                    _http_request_path, lambda: same_interpreter(sys.executable, sys.executable)):
        try:
            prepare()
        except Exception:  # pylint: disable=broad-except
            pass


def _serialization_profiles():
    if HAS_PROFILES:
        get_module_encoder(SERIALIZATION_PROFILE, Direction.CONTROLLER_TO_MODULE)
        get_module_encoder(SERIALIZATION_PROFILE, Direction.MODULE_TO_CONTROLLER)  # what the module's exit_json uses
        if get_module_decoder is not None:
            get_module_decoder(SERIALIZATION_PROFILE, Direction.MODULE_TO_CONTROLLER)


def _result_fields():
    # ansible-core 2.21 builds this mapping with typing.get_type_hints (about 3 ms) once per process and per kind of
    # result: the worker asks for the action's result of every task (debug's too) and the module's for ours.
    mapping = getattr(UnifiedTaskResult, 'get_result_key_to_resolved_field_mapping', None)
    if mapping is not None:
        mapping(source_is_module=False)  # as core calls them: functools.cache keys on the keyword
        mapping(source_is_module=True)


def _http_request_path():
    """The first request of a process fills caches of requests, urllib3 and the standard library (URL parsing, header
    and auth checks, the connection pool's set-up), which every forked worker would fill again for its first request.
    Prepared here as the client prepares one, for an address the request is never sent to: no connection is opened."""
    import requests  # not at the top: a controller without it still runs every task, as a module process
    client = ApiClient('netops.bridge', 'http://127.0.0.1:9', requests.auth.HTTPBasicAuth('user', 'password'))
    try:
        prepared = client.session.prepare_request(requests.Request('POST', client.url('/'), json={}, auth=client.auth))
        client.session.merge_environment_settings(prepared.url, {}, None, client.verify, None)
        client.session.get_adapter(prepared.url).get_connection_with_tls_context(prepared, client.verify)
    finally:
        client.close()


def same_interpreter(interpreter, controller):
    """Whether ``interpreter`` is the controller's Python: the same bin directory and the same real file, so that
    ``venv/bin/python`` and ``venv/bin/python3`` are one, but another venv made from the same base Python (whose
    ``python`` resolves to the same file) is not: its bin directory decides its site-packages."""
    return _same_interpreter(interpreter, controller, os.environ.get('PATH'))


# Asked again for every item of a loop, in the one worker of the task (the controller never asks): the answer for the
# same names and PATH is the same for the life of that worker, which ends with the task.
@functools.lru_cache(maxsize=32)
def _same_interpreter(interpreter, controller, search_path):
    if not interpreter or not controller:
        return False
    if not os.path.isabs(interpreter):
        interpreter = shutil.which(interpreter, path=search_path)
        if not interpreter:
            return False

    def place(path):
        return os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.realpath(path)
    return place(interpreter) == place(controller)


class MainDidNotRun(Exception):
    """Something failed before the module's main() ran: the task can still run as a module process."""


class ModuleInWorker(NormalAction):
    """Runs the netops.bridge module of the task's name in the worker when the task runs on the controller."""

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        module_name = self._module_name()
        try:
            reason = self._module_process_reason(module_name, task_vars)
        except AnsibleActionFail as exc:
            return {'failed': True, 'msg': to_text(exc)}
        if not reason:
            display.vvv('%s: running %s in the worker process (%s=auto)' % (COLLECTION, self._task.action, EXECUTION_VARIABLE),
                        host=task_vars.get('inventory_hostname'))
            result = ActionBase.run(self, tmp, task_vars)
            try:
                return merge_hash(result, self._execute_in_worker(module_name, task_vars))
            except MainDidNotRun as not_run:
                reason = to_text(not_run)
        return self._run_as_module_process(reason, tmp, task_vars)

    def _run_as_module_process(self, reason, tmp, task_vars):
        display.v('%s: %s runs as a module process: %s.' % (COLLECTION, self._task.action, reason), host=task_vars.get('inventory_hostname'))
        return super(ModuleInWorker, self).run(tmp, task_vars)

    def _module_name(self):
        """The module this action stands for: the one of the same name in this collection."""
        resolved = getattr(self._task, 'resolved_action', None) or self._task.action
        namespace, dot, name = resolved.rpartition('.')
        return name if dot and namespace == COLLECTION else None

    def _execution(self, task_vars):
        if EXECUTION_VARIABLE in task_vars:
            value, source = self._templar.template(task_vars[EXECUTION_VARIABLE]), 'the variable %s' % EXECUTION_VARIABLE
        elif os.environ.get(EXECUTION_ENVIRONMENT_VARIABLE):
            value, source = os.environ[EXECUTION_ENVIRONMENT_VARIABLE], 'the environment variable %s' % EXECUTION_ENVIRONMENT_VARIABLE
        else:
            return 'auto'
        text = to_text(value).strip().lower()
        if text not in EXECUTIONS:
            raise AnsibleActionFail('%s must be one of %s, got %r (set by %s).' % (EXECUTION_VARIABLE, ', '.join(EXECUTIONS), value, source))
        return text

    def _module_process_reason(self, module_name, task_vars):
        """Why this task must run as a module process, or None when it can run in the worker."""
        if self._execution(task_vars) == 'module':
            return '%s is module' % EXECUTION_VARIABLE
        if module_name is None:
            return 'the action %s is not a %s module' % (self._task.action, COLLECTION)
        if self._connection.transport != 'local':
            return 'the connection is %s, not local (the controller)' % self._connection.transport
        if self._task.async_val:
            return 'the task is async'
        if self._play_context.become:
            return 'become is set'
        missing_hooks = missing_core_hooks()
        if missing_hooks:
            return 'this ansible-core (%s) lacks %s, which the in-worker run needs' % (CORE_VERSION, ', '.join(missing_hooks))
        interpreter_reason = self._interpreter_reason(task_vars)
        if interpreter_reason:
            return interpreter_reason
        module = self._import_module(module_name)
        platform = next((value for value in vars(module).values()
                         if isinstance(value, type) and issubclass(value, PlatformModule) and value is not PlatformModule), None)
        missing = platform.missing_requirements() if platform else ['the netops.bridge platform base']
        if missing:
            return '%s cannot be imported in the controller\'s Python %s' % (' and '.join(missing), sys.executable)
        return None

    def _interpreter_reason(self, task_vars):
        """Why the task's Python is not the controller's, or None: a pinned interpreter (its own requests, its own CA
        bundle) must run the module. Resolved as core resolves it for a module process; discovery means the
        controller's Python here, as the implicit localhost's default (sys.executable) does."""
        variables = task_vars
        if getattr(self._task, 'delegate_to', None):
            variables = (task_vars.get('ansible_delegated_vars') or {}).get(self._task.delegate_to, task_vars)
        try:
            interpreter = to_text(self._templar.template(C.config.get_config_value('INTERPRETER_PYTHON', variables=variables)) or '').strip()
        except Exception as exc:  # pylint: disable=broad-except
            return 'its Python interpreter could not be resolved here (%s)' % type(exc).__name__
        if not interpreter or interpreter in DISCOVERY or same_interpreter(interpreter, sys.executable):
            return None
        return "its Python interpreter %s is not the controller's %s" % (interpreter, sys.executable)

    @staticmethod
    def _import_module(module_name):
        return importlib.import_module('ansible_collections.netops.bridge.plugins.modules.%s' % module_name)

    def _module_arguments(self, task_vars):
        """The task's arguments as core serializes them for a module process, with the ``_ansible_*`` ones."""
        module_args = dict(self._task.args)
        # The name as the task gave it, as core passes it to a module process (it shows in core's argument errors).
        self._update_module_args(self._task.action, module_args, task_vars)
        if HAS_PROFILES:
            encoder = get_module_encoder(SERIALIZATION_PROFILE, Direction.CONTROLLER_TO_MODULE)
            return to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': module_args}, cls=encoder))
        return to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': module_args}, cls=AnsibleJSONEncoder, vault_to_text=True))

    def _execute_in_worker(self, module_name, task_vars):
        """What ``_execute_module`` returns for this task, from the module's ``main()`` run in this process. Raises
        MainDidNotRun when something fails before main(); after it, nothing that fails loses what the module printed."""
        output, main_started = None, False
        try:
            arguments = self._module_arguments(task_vars)
            environment = {}
            self._compute_environment_string(environment)
            main = self._import_module(module_name).main
            with module_process_state(arguments, environment):
                main_started = True
                rc, stdout, stderr = run_main(main)
                output = {'rc': rc, 'stdout': stdout, 'stderr': stderr, 'stdout_lines': stdout.splitlines(), 'stderr_lines': stderr.splitlines()}
            return self._result_from_output(output)
        except Exception as exc:  # pylint: disable=broad-except
            if not main_started:
                # The type only: the message of an error about arguments or environment may quote a value.
                raise MainDidNotRun('preparing the in-worker run failed (%s)' % type(exc).__name__)
            if output is None:
                raise
            return printed_result(output, exc)

    def _result_from_output(self, output):
        """The tail of core's ``_execute_module``: parse what the module printed, drop the internal keys."""
        if not HAS_PROFILES:
            return finish_result(self._parse_returned_data(output))
        parsed = self._parse_returned_data(output, SERIALIZATION_PROFILE)
        if UnifiedTaskResult is not None:  # ansible-core 2.21 and later
            parsed.remove_internal_keys()
            return parsed.as_result_dict(for_round_trip=True)
        return finish_result(parsed)


def printed_result(output, error):
    """The task's result when core's own parsing failed after ``main()`` ran: the JSON the module printed, read with
    plain ``json.loads``. The module may have changed something; its own word on it must not be lost."""
    display.warning('%s: the module ran, but ansible-core failed to parse its result (%s); the result is what the module '
                    'printed, read as plain JSON.' % (COLLECTION, type(error).__name__))
    try:
        data = json.loads(output['stdout'])
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return {'failed': True, 'rc': output['rc'], 'module_stdout': output['stdout'], 'module_stderr': output['stderr'],
                'msg': 'MODULE FAILURE: the module printed no JSON result.'}
    return dict((key, value) for key, value in data.items() if not key.startswith('_ansible_'))


def finish_result(data):
    """ansible-core 2.16 to 2.20 finish a module's parsed result like this, after ``_parse_returned_data``."""
    from ansible.vars.clean import remove_internal_keys  # only there before ansible-core 2.21
    data.pop('_ansible_suppress_tmpdir_delete', None)
    if 'results' in data and (not isinstance(data['results'], Sequence) or isinstance(data['results'], str)):
        data['ansible_module_results'] = data.pop('results')
        display.warning("Found internal 'results' key in module return, renamed to 'ansible_module_results'.")
    remove_internal_keys(data)
    for stream in ('stdout', 'stderr'):
        if stream in data and '%s_lines' % stream not in data:
            data['%s_lines' % stream] = (data.get(stream) or u'').splitlines()
    return data


def run_main(main):
    """Run a module's ``main()`` as its process would: its exit status, and what it printed."""
    stdout, stderr = io.StringIO(), io.StringIO()
    rc = 0
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            main()
            raise RuntimeError('New-style module did not handle its own exit.')
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception as exc:  # pylint: disable=broad-except
            rc = report_exception(exc)
    return rc, stdout.getvalue(), stderr.getvalue()


def report_exception(exc):
    """What a module process gives for an exception that escaped ``main()``: a traceback (core < 2.19), or the
    AnsiballZ wrapper's failure result (core 2.19 and later)."""
    if HAS_PROFILES:
        try:
            from ansible.module_utils._internal._ansiballz import _loader
            _loader._handle_exception(exc, SERIALIZATION_PROFILE)
        except SystemExit as exit_:
            return exit_.code
        except Exception:  # pylint: disable=broad-except
            pass  # core's handler changed: the traceback below still fails the task
    sys.stderr.write(''.join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    return 1


@contextlib.contextmanager
def logging_of_a_module_process():
    """Logging as a module process has it, for the time of one run: no handler but the libraries' own NullHandlers
    on their loggers, and the root logger at its default level. With ``ANSIBLE_LOG_PATH`` set, core puts a file handler on the root
    logger of the controller; what urllib3 and the like log inside ``main()`` (URLs with a no_log session ID in them)
    must not reach it. What is logged with no handler left goes to the captured stderr, as in a module process."""
    manager = logging.Logger.manager
    # Only the loggers that have handlers are changed and restored: a worker knows a few hundred loggers, most bare.
    loggers = [logging.root] + [logger for logger in list(manager.loggerDict.values()) if isinstance(logger, logging.Logger) and logger.handlers]
    saved = [(logger, logger.handlers) for logger in loggers]
    root_level = logging.root.level
    try:
        for logger, handlers in saved:
            logger.handlers = [handler for handler in handlers if isinstance(handler, logging.NullHandler)]
        logging.root.handlers = []  # a library's NullHandler belongs on its own logger, never on the root
        logging.root.setLevel(logging.WARNING)
        yield
    finally:
        logging.root.setLevel(root_level)
        for logger in list(manager.loggerDict.values()):
            # A logger that had no handler: whatever the module attached writes to the run's stderr, which is gone.
            if isinstance(logger, logging.Logger) and logger.handlers:
                logger.handlers = [handler for handler in logger.handlers if isinstance(handler, logging.NullHandler)]
        for logger, handlers in saved:
            logger.handlers = handlers


@contextlib.contextmanager
def module_process_state(arguments, environment):
    """The process state a module process starts with, for the time of one run: its arguments, the task's
    environment, empty warning and deprecation lists, a module process's logging, and (core 2.19 and later)
    module-side serialization and warnings, which core switches to the controller's in a controller process."""
    saved_arguments = basic._ANSIBLE_ARGS, getattr(basic, '_ANSIBLE_PROFILE', None)
    saved_environment = {name: os.environ.get(name) for name in environment}
    stores = [module_warnings._global_warnings, module_warnings._global_deprecations]
    saved_stores = [type(store)(store) for store in stores]
    was_controller = getattr(core_internal, 'is_controller', None) if HAS_PROFILES else None
    with logging_of_a_module_process():
        try:
            basic._ANSIBLE_ARGS = arguments
            if HAS_PROFILES:
                basic._ANSIBLE_PROFILE = SERIALIZATION_PROFILE
            os.environ.update((name, to_text(value)) for name, value in environment.items())
            for store in stores:
                store.clear()
            if HAS_PROFILES:
                core_internal.is_controller = False
            yield
        finally:
            if HAS_PROFILES:
                core_internal.is_controller = was_controller
            for store, saved in zip(stores, saved_stores):
                store.clear()
                if isinstance(store, dict):
                    store.update(saved)
                else:
                    store.extend(saved)
            for name, value in saved_environment.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            basic._ANSIBLE_ARGS = saved_arguments[0]
            if HAS_PROFILES:
                basic._ANSIBLE_PROFILE = saved_arguments[1]
