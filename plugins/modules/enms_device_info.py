#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: enms_device_info
short_description: Read eNMS devices with every property, selected by name, pool and property filters
version_added: 1.2.0
description:
  - Returns the eNMS devices that match all of O(names), O(pool) and O(filters) (none of them means every device),
    each with every property eNMS keeps for it, custom properties included, as the P(netops.bridge.enms#inventory) inventory
    plugin reads them.
  - eNMS's C(POST /rest/search) returns 10 records unless asked for more; the module asks for pages of 1,000 and reads
    until a page comes back short, so every matching device is returned. It sends one search for a single record, one
    C(GET /rest/query/device) for that record's property names (C(/rest/search) returns only the columns asked for),
    then one search per 1,000 devices; plus one read of the pool when O(pool) is given.
  - This module only reads; it never changes anything and always reports C(changed=false).
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.enms
  - netops.bridge.attributes
  - netops.bridge.attributes.info_module
  - netops.bridge.attributes.enms_group
options:
  names:
    description:
      - Only the devices of these names. A name eNMS does not know is left out of RV(devices), not a failure.
      - One name is compared by eNMS; with several, the module reads the devices the other options select and keeps
        those named.
    type: list
    elements: str
  pool:
    description:
      - Only the devices in this pool (its name exactly as eNMS shows it). A pool eNMS does not know fails the task.
    type: str
  filters:
    description:
      - Only the devices whose properties match, as eNMS's search compares them. A mapping of property name to a
        mapping of C(value), C(match) and C(invert), for example C(vendor) to V(value=Arista) and V(match=equality).
      - C(match) is V(inclusion) (the default; the value appears in the property, case-insensitive), V(equality) or
        V(regex). C(invert=true) selects the devices that do not match.
      - A V(true)/V(false) value compares a boolean property. An empty value is allowed only with V(equality) (the
        property is empty); with another match eNMS would ignore it and select every device.
      - A property devices do not have fails the task before any device is returned (eNMS itself would ignore it and
        select every device).
      - C(pools) is pool membership, not a property (new in version 1.2.0) - C(value) a pool name or a list of them (in
        at least one of them), or an empty text for the devices in no pool. eNMS compares the names exactly, so another
        C(match) than V(equality), or C(invert), is refused, as is C(Pools) in another case; it cannot be given with O(pool).
    type: dict
notes:
  - The search is sent as C(POST) but only reads, so it is retried like a read on connection errors and HTTP 429,
    500, 502, 503 and 504.
seealso:
  - module: netops.bridge.enms_device
  - plugin: netops.bridge.enms
    plugin_type: inventory
'''

EXAMPLES = r'''
- name: Every Arista device of the Core pool, whatever its name
  netops.bridge.enms_device_info:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    pool: Core
    filters:
      vendor:
        value: Arista
        match: equality
  register: core_arista

- name: The devices of site 1 that are not reachable
  netops.bridge.enms_device_info:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    filters:
      name:
        value: "^site1-"
        match: regex
      reachable:
        value: false
  register: unreachable

- name: Two devices by name
  netops.bridge.enms_device_info:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    names: [Washington, Atlanta]
  register: two
'''

RETURN = r'''
devices:
  description:
    - The matching devices, sorted by name, each a dict of every property eNMS gives for it (C(name), C(ip_address),
      C(vendor), C(model), C(port), the drivers, the C(last_configuration_*) fields, custom properties, ...).
  returned: always
  type: list
  elements: dict
  sample:
    - name: Washington
      ip_address: 10.0.0.1
      vendor: Arista
      model: 7050SX
      operating_system: EOS
      os_version: 4.30.1F
      port: 22
'''

from ansible_collections.netops.bridge.plugins.module_utils.enms import EnmsModule, FilterError, criteria_from_filters


def argument_spec():
    return dict(names=dict(type='list', elements='str'), pool=dict(type='str'), filters=dict(type='dict'))


MODULE_OPTIONS = dict(supports_check_mode=True)


def run(module):
    params = module.params
    module.require_non_empty('pool')
    if any(not name.strip() for name in params['names'] or []):
        module.fail('names must not hold an empty name.')
    try:
        criteria = criteria_from_filters(params['filters'], 'filters')
    except FilterError as exc:
        module.fail('%s.' % exc)
    # pools_filter comes with every pool membership criterion, a list of pools or none (see pools_criterion).
    if params['pool'] and 'pools_filter' in criteria:
        module.fail('pool and filters.pools both choose the pools: give the pools in one of them.')
    module.result['devices'] = module.api.devices(names=params['names'], pool=params['pool'], criteria=criteria)


def main():
    EnmsModule(argument_spec=argument_spec(), **MODULE_OPTIONS).run(run)


if __name__ == '__main__':
    main()
