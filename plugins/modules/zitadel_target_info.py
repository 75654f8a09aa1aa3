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
seealso:
  - module: netops.bridge.zitadel_target
'''

EXAMPLES = r'''
- name: All targets whose name starts with "user-"
  netops.bridge.zitadel_target_info:
    url: https://zitadel.example.com
    token: "{{ vault_zitadel_pat }}"
    name: user-
    name_match: starts_with
  register: found
'''

RETURN = r'''
targets:
  description: The targets, each as M(netops.bridge.zitadel_target) returns it.
  returned: always
  type: list
  elements: dict
  sample:
    - id: "337246363446361786"
      name: user-checks
      endpoint: https://hooks.example.com/zitadel/user-checks
      target_type: webhook
      interrupt_on_error: true
      timeout: 10s
      payload_type: json
'''

from ansible_collections.netops.bridge.plugins.module_utils.zitadel import ZitadelModule, target_view

MATCHES = ['equals', 'equals_ignore_case', 'starts_with', 'starts_with_ignore_case', 'contains', 'contains_ignore_case',
           'ends_with', 'ends_with_ignore_case']


def run(module):
    params = module.params
    filters = []
    if params.get('name') is not None:
        filters.append({'targetNameFilter': {'targetName': params['name'],
                                             'method': 'TEXT_FILTER_METHOD_%s' % params['name_match'].upper()}})
    if params.get('ids'):
        filters.append({'inTargetIdsFilter': {'targetIds': params['ids']}})
    module.result['targets'] = [target_view(t) for t in module.api.targets(filters)]


def main():
    module = ZitadelModule(
        argument_spec=dict(
            name=dict(type='str'),
            name_match=dict(type='str', choices=MATCHES, default='equals'),
            ids=dict(type='list', elements='str'),
        ),
        supports_check_mode=True,
    )
    if module.params.get('name') is not None and len(module.params['name']) > 200:
        module.fail('name must be at most 200 characters.')
    if any(not i or len(i) > 200 for i in module.params.get('ids') or []):
        module.fail('ids must each be 1 to 200 characters.')
    module.run(run)


if __name__ == '__main__':
    main()
