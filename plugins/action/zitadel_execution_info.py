# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Runs the module of this name in the worker on the controller, else as a module process (plugins/plugin_utils/_in_worker.py,
# through plugins/plugin_utils/_action.py, which falls back to core's normal action if the runner cannot be imported).
from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netops.bridge.plugins.plugin_utils._action import action_for

ActionModule = action_for('zitadel_execution_info')
