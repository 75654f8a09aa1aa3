# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: zitadel_executions
short_description: ZITADEL Actions v2 executions, all or those calling given targets
version_added: 1.3.0
author:
  - netops.bridge maintainers (@netops)
description:
  - Returns the ZITADEL executions that call one of the targets named in the terms (by name or ID; none means
    every execution), also filtered by O(conditions) and O(execution_type), each as
    M(netops.bridge.zitadel_execution_info) returns it (C(condition), C(targets), C(target_names), the dates).
  - It runs that module's code with O(netops.bridge.zitadel_execution_info#module:target) set to each term, in one HTTP
    session for all the terms; an execution calling several of them is returned once.
options:
  _terms:
    description: Target names or IDs. None means every execution.
    type: list
    elements: str
    required: false
  conditions:
    description: Only executions with one of these conditions (each as in M(netops.bridge.zitadel_execution)).
    type: list
    elements: dict
  execution_type:
    description: Only executions of this type.
    type: str
    choices: [request, response, event, function]
extends_documentation_fragment:
  - netops.bridge.zitadel
  - netops.bridge.lookup
seealso:
  - module: netops.bridge.zitadel_execution_info
'''

EXAMPLES = r'''
- name: Which conditions call the user-checks target (the connection from ZITADEL_URL and ZITADEL_TOKEN)
  ansible.builtin.debug:
    msg: "{{ query('netops.bridge.zitadel_executions', 'user-checks') | map(attribute='condition') }}"

- name: Every request execution
  ansible.builtin.set_fact:
    request_executions: "{{ query('netops.bridge.zitadel_executions', execution_type='request') }}"
'''

RETURN = r'''
_raw:
  description: The executions, each a dict as M(netops.bridge.zitadel_execution_info) returns it.
  type: list
  elements: dict
'''

import json

from ansible_collections.netops.bridge.plugins.module_utils.zitadel import ZitadelModule
from ansible_collections.netops.bridge.plugins.modules import zitadel_execution_info
from ansible_collections.netops.bridge.plugins.plugin_utils._lookup import PlatformLookup, terms_as_texts


class LookupModule(PlatformLookup):
    platform_module = ZitadelModule
    info_module = zitadel_execution_info
    lookup_name = 'netops.bridge.zitadel_executions'
    own_options = ('conditions', 'execution_type')

    def module_params(self, terms, options):
        terms_as_texts(self.lookup_name, terms, 'target name or ID')
        return dict(options)

    def results(self, module, terms):
        targets = terms_as_texts(self.lookup_name, terms, 'target name or ID')
        if not targets:
            return self.ran(module)['executions']
        found, seen = [], set()
        for target in targets:
            for execution in self.ran(module, target=target)['executions']:
                condition = json.dumps(execution['condition'], sort_keys=True)
                if condition not in seen:
                    seen.add(condition)
                    found.append(execution)
        return found
