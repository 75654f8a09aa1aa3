# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: enms_devices
short_description: eNMS devices with every property, by name, pool or property filters
version_added: 1.3.0
author:
  - netops.bridge maintainers (@netops)
description:
  - Returns the eNMS devices named in the terms (none means every device) that also match O(pool) and O(filters),
    each a dict of every property eNMS keeps for it, sorted by name.
  - It runs the code of M(netops.bridge.enms_device_info) with the same options and returns its RV(netops.bridge.enms_device_info#module:devices),
    so a lookup and a task with the same selection give the same devices. A name eNMS does not know is left out, not a failure.
  - One HTTP session per call, whatever the number of terms. It only reads.
options:
  _terms:
    description: Device names. None means every device that O(pool) and O(filters) select.
    type: list
    elements: str
    required: false
  pool:
    description: Only the devices in this pool (its name exactly as eNMS shows it). A pool eNMS does not know fails the lookup.
    type: str
  filters:
    description:
      - Only the devices whose properties match, as M(netops.bridge.enms_device_info)'s O(netops.bridge.enms_device_info#module:filters)
        take them - a mapping of property name to C(value), C(match) (V(inclusion), V(equality), V(regex)) and C(invert).
    type: dict
extends_documentation_fragment:
  - netops.bridge.enms
  - netops.bridge.lookup
seealso:
  - module: netops.bridge.enms_device_info
  - plugin: netops.bridge.enms
    plugin_type: inventory
'''

EXAMPLES = r'''
- name: The management address of two devices
  ansible.builtin.debug:
    msg: "{{ item.name }} is at {{ item.ip_address }}"
  loop: "{{ query('netops.bridge.enms_devices', 'Washington', 'Atlanta') }}"

- name: Every Arista device of the Core pool (the connection from ENMS_URL, ENMS_USERNAME, ENMS_PASSWORD)
  ansible.builtin.set_fact:
    core_arista: >-
      {{ query('netops.bridge.enms_devices', pool='Core', filters={'vendor': {'value': 'Arista', 'match': 'equality'}}) }}

- name: With the connection given
  ansible.builtin.set_fact:
    leaf: "{{ lookup('netops.bridge.enms_devices', 'leaf1', url='https://enms.example.com', username='automation',
             password=vault_enms_password) }}"
'''

RETURN = r'''
_raw:
  description: The matching devices, sorted by name, each a dict of every property eNMS gives for it.
  type: list
  elements: dict
'''

from ansible_collections.netops.bridge.plugins.module_utils.enms import EnmsModule
from ansible_collections.netops.bridge.plugins.modules import enms_device_info
from ansible_collections.netops.bridge.plugins.plugin_utils._lookup import PlatformLookup, terms_as_texts


class LookupModule(PlatformLookup):
    platform_module = EnmsModule
    info_module = enms_device_info
    lookup_name = 'netops.bridge.enms_devices'
    own_options = ('pool', 'filters')

    def module_params(self, terms, options):
        names = terms_as_texts(self.lookup_name, terms, 'device name')
        return dict(options, names=names or None)

    def answer(self, result):
        return result['devices']
