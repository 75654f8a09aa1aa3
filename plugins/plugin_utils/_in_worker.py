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
run (a loop runs its items in one worker).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import importlib
import io
import json
import os
import sys
import traceback
from collections.abc import Sequence

from ansible.errors import AnsibleActionFail
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.action import ActionBase
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

try:  # ansible-core 2.19 and later: module arguments and results go through serialization profiles
    from ansible.module_utils import _internal as core_internal
    from ansible.module_utils.common.json import Direction, get_module_encoder
    HAS_PROFILES = hasattr(basic, '_ANSIBLE_PROFILE')
except ImportError:
    HAS_PROFILES = False
if not HAS_PROFILES:
    from ansible.parsing.ajson import AnsibleJSONEncoder

# Importing them here puts them into the controller process when the strategy first loads one of our actions, so
# that every forked worker has them: a module process imports requests anew every time.
from ansible_collections.netops.bridge.plugins.module_utils import enms, omn, saymon, zitadel  # noqa: F401 pylint: disable=unused-import
from ansible_collections.netops.bridge.plugins.module_utils._module import PlatformModule

display = Display()

COLLECTION = 'netops.bridge'
EXECUTION_VARIABLE = 'netops_bridge_execution'
EXECUTION_ENVIRONMENT_VARIABLE = 'NETOPS_BRIDGE_EXECUTION'
EXECUTIONS = ('auto', 'module')
# What core gives a module that declares no serialization metadata, as ours do not.
SERIALIZATION_PROFILE = 'legacy'


class ModuleInWorker(NormalAction):
    """Runs the netops.bridge module of the task's name in the worker when the task runs on the controller."""

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        module_name = self._module_name()
        host = task_vars.get('inventory_hostname')
        try:
            reason = self._module_process_reason(module_name, task_vars)
        except AnsibleActionFail as exc:
            return {'failed': True, 'msg': to_text(exc)}
        if reason:
            display.v('%s: %s runs as a module process: %s.' % (COLLECTION, self._task.action, reason), host=host)
            return super(ModuleInWorker, self).run(tmp, task_vars)
        display.vvv('%s: running %s in the worker process (%s=auto)' % (COLLECTION, self._task.action, EXECUTION_VARIABLE), host=host)
        result = ActionBase.run(self, tmp, task_vars)
        return merge_hash(result, self._execute_in_worker(module_name, task_vars))

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
        module = self._import_module(module_name)
        platform = next((value for value in vars(module).values()
                         if isinstance(value, type) and issubclass(value, PlatformModule) and value is not PlatformModule), None)
        missing = platform.missing_requirements() if platform else ['the netops.bridge platform base']
        if missing:
            return '%s cannot be imported in the controller\'s Python %s' % (' and '.join(missing), sys.executable)
        return None

    @staticmethod
    def _import_module(module_name):
        return importlib.import_module('ansible_collections.netops.bridge.plugins.modules.%s' % module_name)

    def _execute_in_worker(self, module_name, task_vars):
        """What ``_execute_module`` returns for this task, from the module's ``main()`` run in this process."""
        module_args = dict(self._task.args)
        # The name as the task gave it, as core passes it to a module process (it shows in core's argument errors).
        self._update_module_args(self._task.action, module_args, task_vars)
        environment = {}
        self._compute_environment_string(environment)
        if HAS_PROFILES:
            encoder = get_module_encoder(SERIALIZATION_PROFILE, Direction.CONTROLLER_TO_MODULE)
            arguments = json.dumps({'ANSIBLE_MODULE_ARGS': module_args}, cls=encoder)
        else:
            arguments = json.dumps({'ANSIBLE_MODULE_ARGS': module_args}, cls=AnsibleJSONEncoder, vault_to_text=True)
        module = self._import_module(module_name)
        with module_process_state(to_bytes(arguments), environment):
            rc, stdout, stderr = run_main(module.main)
        return self._result_from_output({'rc': rc, 'stdout': stdout, 'stderr': stderr,
                                         'stdout_lines': stdout.splitlines(), 'stderr_lines': stderr.splitlines()})

    def _result_from_output(self, output):
        """The tail of core's ``_execute_module``: parse what the module printed, drop the internal keys."""
        if not HAS_PROFILES:
            return finish_result(self._parse_returned_data(output))
        parsed = self._parse_returned_data(output, SERIALIZATION_PROFILE)
        if hasattr(parsed, 'as_result_dict'):  # ansible-core 2.21 and later
            parsed.remove_internal_keys()
            return parsed.as_result_dict(for_round_trip=True)
        return finish_result(parsed)


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
        from ansible.module_utils._internal._ansiballz import _loader
        try:
            _loader._handle_exception(exc, SERIALIZATION_PROFILE)
        except SystemExit as exit_:
            return exit_.code
    sys.stderr.write(traceback.format_exc())
    return 1


@contextlib.contextmanager
def module_process_state(arguments, environment):
    """The process state a module process starts with, for the time of one run: its arguments, the task's
    environment, empty warning and deprecation lists, and (core 2.19 and later) module-side serialization and
    warnings, which core switches to the controller's in a controller process."""
    saved_arguments = basic._ANSIBLE_ARGS, getattr(basic, '_ANSIBLE_PROFILE', None)
    saved_environment = {name: os.environ.get(name) for name in environment}
    stores = [module_warnings._global_warnings, module_warnings._global_deprecations]
    saved_stores = [type(store)(store) for store in stores]
    was_controller = getattr(core_internal, 'is_controller', None) if HAS_PROFILES else None
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
