# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: what every netops.bridge action plugin is; not a public API.

The in-worker runner (``_in_worker.py``) uses private parts of ansible-core, so a new core may break it as soon as
it is imported. This file depends on nothing but core's ``normal`` action and ``Display``, and stays this small on
purpose: if the runner cannot be imported, every module still runs, as a module process, as ``ansible.builtin``
modules do, and ``-v`` says why.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.utils.display import Display

display = Display()

# The runner's module, imported below with an import statement, seen by the import machinery as any other.
RUNNER = 'ansible_collections.netops.bridge.plugins.plugin_utils._in_worker'


def module_process_action(reason):
    """Core's ``normal`` action, saying at -v why the module runs as a module process."""

    class ModuleProcessAction(NormalAction):
        def run(self, tmp=None, task_vars=None):
            display.v('netops.bridge: %s runs as a module process: %s.' % (self._task.action, reason),
                      host=(task_vars or {}).get('inventory_hostname'))
            return super(ModuleProcessAction, self).run(tmp, task_vars)

    return ModuleProcessAction


def action_class():
    """The in-worker runner's action, or core's ``normal`` one when the runner cannot be imported."""
    try:
        from ansible_collections.netops.bridge.plugins.plugin_utils._in_worker import ModuleInWorker
    except Exception as exc:  # pylint: disable=broad-except
        # Not only ImportError: a changed core can break the runner's import in any way (AttributeError, TypeError).
        return module_process_action('the in-worker runner cannot be imported (%s: %s)' % (type(exc).__name__, exc))
    return ModuleInWorker


def action_for(module_name):
    """The action of the netops.bridge module ``module_name``. The strategy imports an action plugin in the controller
    process before it forks workers for its tasks: what the runner prepares here, every worker inherits."""
    action = action_class()
    try:
        from ansible_collections.netops.bridge.plugins.plugin_utils._in_worker import prepare_in_controller
    except Exception:  # pylint: disable=broad-except
        return action  # core's normal action: a module process prepares itself
    prepare_in_controller(module_name)
    return action
