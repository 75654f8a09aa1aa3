#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: zitadel_execution_info
short_description: List ZITADEL Actions v2 executions
version_added: 0.1.0
description:
  - Lists executions with C(POST /v2/actions/executions/search), following every page, optionally filtered by
    conditions, execution type or target.
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.zitadel
  - netops.bridge.attributes
  - netops.bridge.attributes.info_module
  - netops.bridge.attributes.zitadel_group
options:
  conditions:
    description: Only executions with one of these conditions (each as in M(netops.bridge.zitadel_execution)).
    type: list
    elements: dict
  execution_type:
    description: Only executions of this type.
    type: str
    choices: [request, response, event, function]
  target:
    description: Only executions that call this target, by name or ID.
    type: str
  catalog:
    description:
      - Also return what conditions may name on this ZITADEL, as RV(methods), RV(services) and RV(functions)
        (C(GET /v2/actions/executions/methods), C(.../services), C(.../functions); any valid token may read them).
      - Event conditions have no such list.
    type: bool
    default: false
    version_added: 1.1.0
  output:
    description:
      - V(standard) returns the executions found as documented below.
      - V(role_input) also returns RV(role_input), the executions found in the form the C(zitadel_actions_executions) input of the
        netops.bridge.zitadel_actions role takes, so that the role, given it, reproduces what ZITADEL has with no change
        (adopting what exists).
    type: str
    choices: [standard, role_input]
    default: standard
    version_added: 1.3.0
seealso:
  - module: netops.bridge.zitadel_execution
'''

EXAMPLES = r'''
- name: Every execution that calls the audit-log target
  netops.bridge.zitadel_execution_info:
    url: https://zitadel.example.com
    token: "{{ vault_zitadel_pat }}"
    target: audit-log
  register: audit

- name: What request, response and function conditions may name on this ZITADEL
  netops.bridge.zitadel_execution_info:
    catalog: true
    execution_type: function
  register: catalogue

- name: Read the targets as the zitadel_actions role's input
  netops.bridge.zitadel_target_info:
    output: role_input
    public_keys: false
  register: exported_targets
- name: Read the executions as the zitadel_actions role's input
  netops.bridge.zitadel_execution_info:
    output: role_input
  register: exported_executions
- name: Save both as one vars file, which the role then reproduces the instance from with no change
  ansible.builtin.copy:
    content: "{{ exported_targets.role_input | combine(exported_executions.role_input) | to_nice_yaml }}"
    dest: zitadel_actions.yml
    mode: "0644"
'''

RETURN = r'''
executions:
  description: The executions, each with its condition, target IDs and target names.
  returned: always
  type: list
  elements: dict
  sample:
    - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
      targets: ["337246363446361786"]
      target_names: [user-checks]
methods:
  description: The API methods request and response conditions may name (C(method)), as ZITADEL lists them.
  returned: when O(catalog=true)
  type: list
  elements: str
  version_added: 1.1.0
  sample: [/zitadel.user.v2.UserService/AddHumanUser, /zitadel.session.v2.SessionService/ListSessions]
services:
  description: The API services request and response conditions may name (C(service)).
  returned: when O(catalog=true)
  type: list
  elements: str
  version_added: 1.1.0
  sample: [zitadel.user.v2.UserService, zitadel.session.v2.SessionService]
functions:
  description: The functions function conditions may name (C(name)).
  returned: when O(catalog=true)
  type: list
  elements: str
  version_added: 1.1.0
  sample: [preuserinfo, preaccesstoken]
role_input:
  description:
    - C(zitadel_actions_executions), the executions as the netops.bridge.zitadel_actions role takes them, each C(condition)
      with its C(targets) by name, in order (an ID only for a target ZITADEL does not list).
  returned: when O(output=role_input)
  type: dict
  version_added: 1.3.0
  sample:
    zitadel_actions_executions:
      - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
        targets: [user-checks, audit-log]
'''

from ansible_collections.netops.bridge.plugins.module_utils.zitadel import (
    ZitadelModule, execution_role_input, execution_target_ids, normalize_condition)


def argument_spec():
    return dict(
        conditions=dict(type='list', elements='dict'),
        execution_type=dict(type='str', choices=['request', 'response', 'event', 'function']),
        target=dict(type='str'),
        catalog=dict(type='bool', default=False),
        output=dict(type='str', choices=['standard', 'role_input'], default='standard'),
    )


MODULE_OPTIONS = dict(supports_check_mode=True)


def run(module):
    params = module.params
    try:
        for condition in params.get('conditions') or []:
            normalize_condition(condition)
    except ValueError as exc:
        module.fail(str(exc))
    if params.get('catalog'):
        module.result.update(module.api.catalogue())
    known = module.api.targets()
    names = dict((t.get('id'), t.get('name')) for t in known)
    filters = []
    if params.get('conditions'):
        filters.append({'inConditionsFilter': {'conditions': [normalize_condition(c) for c in params['conditions']]}})
    if params.get('execution_type'):
        filters.append({'executionTypeFilter': {'executionType': 'EXECUTION_TYPE_%s' % params['execution_type'].upper()}})
    target_ids = [t.get('id') for t in known if params['target'] in (t.get('id'), t.get('name'))] if params.get('target') else None
    if target_ids:
        filters.append({'targetFilter': {'targetId': target_ids[0]}})
    # A target that does not exist is called by no execution.
    found = [] if target_ids == [] else module.api.executions(filters)
    executions = []
    for execution in found:
        ids = execution_target_ids(execution)
        executions.append({'condition': execution.get('condition'), 'targets': ids, 'target_names': [names.get(i, i) for i in ids],
                           'creation_date': execution.get('creationDate'), 'change_date': execution.get('changeDate')})
    module.result['executions'] = executions
    if params['output'] == 'role_input':
        module.result['role_input'] = {'zitadel_actions_executions': [execution_role_input(e, names) for e in found]}


def main():
    ZitadelModule(argument_spec=argument_spec(), **MODULE_OPTIONS).run(run)


if __name__ == '__main__':
    main()
