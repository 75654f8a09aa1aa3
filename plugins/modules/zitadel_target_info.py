#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: zitadel_target_info
short_description: List ZITADEL Actions v2 targets
version_added: 0.1.0
description:
  - Lists targets with C(POST /v2/actions/targets/search), following every page, optionally filtered by name or IDs.
  - With O(api_version=v2), each target also shows its public keys (for JWE payloads), with one
    C(POST /v2/actions/targets/{target_id}/publickeys/search) per target found (one more per 100 keys), so N targets cost
    N more requests. O(public_keys=false) skips them. With O(api_version=v2beta) (ZITADEL 3.x, which has no public keys)
    RV(targets[].public_keys) is V(null).
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.zitadel
  - netops.bridge.attributes
  - netops.bridge.attributes.info_module
  - netops.bridge.attributes.zitadel_group
options:
  name:
    description: Only targets whose name matches, according to O(name_match) (at most 200 characters).
    type: str
  name_match:
    description: How O(name) is compared.
    type: str
    choices: [equals, equals_ignore_case, starts_with, starts_with_ignore_case, contains, contains_ignore_case, ends_with, ends_with_ignore_case]
    default: equals
  ids:
    description: Only the targets with these IDs (each at most 200 characters).
    type: list
    elements: str
  public_keys:
    description:
      - Read each target's public keys (O(api_version=v2) only; ignored with V(v2beta)).
    type: bool
    default: true
    version_added: 1.1.0
  output:
    description:
      - V(standard) returns the targets found as documented below.
      - V(role_input) also returns RV(role_input), the targets found in the form the C(zitadel_actions_targets) input of the
        netops.bridge.zitadel_actions role takes, so that the role, given it, reproduces what ZITADEL has with no change
        (adopting what exists).
    type: str
    choices: [standard, role_input]
    default: standard
    version_added: 1.3.0
seealso:
  - module: netops.bridge.zitadel_target
  - module: netops.bridge.zitadel_target_public_key
'''

EXAMPLES = r'''
- name: All targets whose name starts with "user-"
  netops.bridge.zitadel_target_info:
    url: https://zitadel.example.com
    token: "{{ vault_zitadel_pat }}"
    name: user-
    name_match: starts_with
  register: found

- name: Export the targets as the zitadel_actions role's input
  netops.bridge.zitadel_target_info:
    output: role_input
    public_keys: false
  register: exported
- name: Save them as a vars file for the role
  ansible.builtin.copy:
    content: "{{ exported.role_input | to_nice_yaml }}"
    dest: zitadel_targets.yml
    mode: "0644"
'''

RETURN = r'''
targets:
  description:
    - The targets, each as M(netops.bridge.zitadel_target) returns it, and its public keys.
  returned: always
  type: list
  elements: dict
  contains:
    public_keys:
      description:
        - The target's public keys as M(netops.bridge.zitadel_target_public_key) returns them (C(key_id), C(active),
          C(fingerprint), C(expiration_date)).
        - V(null) with O(api_version=v2beta), where ZITADEL has no public keys, or with O(public_keys=false).
      type: list
      elements: dict
      returned: success
      version_added: 1.1.0
  sample:
    - id: "337246363446361786"
      name: user-checks
      endpoint: https://hooks.example.com/zitadel/user-checks
      target_type: webhook
      interrupt_on_error: true
      timeout: 10s
      payload_type: jwe
      public_keys:
        - key_id: "337246363446362001"
          active: true
          fingerprint: SHA256:STqK+Sd4qgdu+UjiwI8NBjOD6P7UqQ42EZYIdySEyTw
          expiration_date: "2027-01-31T00:00:00Z"
role_input:
  description:
    - C(zitadel_actions_targets), the targets as the netops.bridge.zitadel_actions role takes them, in ZITADEL's order, with
      C(name), C(endpoint), C(target_type), C(interrupt_on_error) (webhook and call), C(timeout) and C(payload_type)
      (V(v2)) as ZITADEL has them.
    - Never IDs, dates or keys (ZITADEL never lists a signing key; public keys are left out, and the role leaves keys it is
      not given alone).
  returned: when O(output=role_input)
  type: dict
  version_added: 1.3.0
  sample:
    zitadel_actions_targets:
      - name: user-checks
        endpoint: https://hooks.example.com/zitadel/user-checks
        target_type: webhook
        interrupt_on_error: true
        timeout: 10s
        payload_type: json
'''

from ansible_collections.netops.bridge.plugins.module_utils.zitadel import ZitadelModule, public_key_view, target_role_input, target_view

MATCHES = ['equals', 'equals_ignore_case', 'starts_with', 'starts_with_ignore_case', 'contains', 'contains_ignore_case',
           'ends_with', 'ends_with_ignore_case']


def argument_spec():
    return dict(
        name=dict(type='str'),
        name_match=dict(type='str', choices=MATCHES, default='equals'),
        ids=dict(type='list', elements='str'),
        public_keys=dict(type='bool', default=True, no_log=False),
        output=dict(type='str', choices=['standard', 'role_input'], default='standard'),
    )


MODULE_OPTIONS = dict(supports_check_mode=True)


def run(module):
    params = module.params
    if params.get('name') is not None and len(params['name']) > 200:
        module.fail('name must be at most 200 characters.')
    if any(not i or len(i) > 200 for i in params.get('ids') or []):
        module.fail('ids must each be 1 to 200 characters.')
    filters = []
    if params.get('name') is not None:
        filters.append({'targetNameFilter': {'targetName': params['name'],
                                             'method': 'TEXT_FILTER_METHOD_%s' % params['name_match'].upper()}})
    if params.get('ids'):
        filters.append({'inTargetIdsFilter': {'targetIds': params['ids']}})
    targets = []
    with_keys = params['public_keys'] and params['api_version'] == 'v2'
    for target in module.api.targets(filters):
        view = target_view(target)
        view['public_keys'] = [public_key_view(k) for k in module.api.public_keys(target['id'])] if with_keys and target.get('id') else None
        targets.append(view)
    module.result['targets'] = targets
    if params['output'] == 'role_input':
        module.result['role_input'] = {'zitadel_actions_targets': [target_role_input(t) for t in targets]}


def main():
    ZitadelModule(argument_spec=argument_spec(), **MODULE_OPTIONS).run(run)


if __name__ == '__main__':
    main()
