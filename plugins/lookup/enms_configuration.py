# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: enms_configuration
short_description: The configuration (or operational data) eNMS stored for devices
version_added: 1.3.0
author:
  - netops.bridge maintainers (@netops)
description:
  - For each device named in the terms, the text eNMS stored for it by its last configuration backup (or
    O(property)), as M(netops.bridge.enms_configuration_info) returns it in RV(netops.bridge.enms_configuration_info#module:content) -
    V(null) when eNMS never stored one, V("") when the stored text is empty.
  - With O(details=true), each is instead the whole result of M(netops.bridge.enms_configuration_info) (C(content),
    C(content_lines), C(property), C(last_update), C(last_status), C(last_runtime), C(last_failure),
    C(last_duration), C(msg)).
  - It runs that module's code, in one HTTP session for all the terms. A device eNMS does not know fails the lookup.
options:
  _terms:
    description: Device names, each exactly as eNMS knows it.
    type: list
    elements: str
    required: true
  property:
    description: Which stored data to read.
    type: str
    choices: [configuration, operational_data, specialized_data]
    default: configuration
  details:
    description: Return the module's whole result per device instead of the text.
    type: bool
    default: false
extends_documentation_fragment:
  - netops.bridge.enms
  - netops.bridge.lookup
seealso:
  - module: netops.bridge.enms_configuration_info
'''

EXAMPLES = r'''
- name: Compare the stored configuration of leaf1 with a template's output
  ansible.builtin.assert:
    that: lookup('netops.bridge.enms_configuration', 'leaf1') is search('ntp server 10.0.0.1')

- name: When each device's configuration was last stored
  ansible.builtin.debug:
    msg: "{{ item.last_update }} ({{ item.last_status }})"
  loop: "{{ query('netops.bridge.enms_configuration', 'leaf1', 'leaf2', details=true) }}"
'''

RETURN = r'''
_raw:
  description: One entry per term, in their order - the stored text (V(null) when never stored), or with
    O(details=true) the module's result as a dict.
  type: list
  elements: raw
'''

from ansible.errors import AnsibleLookupError

from ansible_collections.netops.bridge.plugins.module_utils.enms import EnmsModule
from ansible_collections.netops.bridge.plugins.modules import enms_configuration_info
from ansible_collections.netops.bridge.plugins.plugin_utils._lookup import PlatformLookup, terms_as_texts


class LookupModule(PlatformLookup):
    platform_module = EnmsModule
    info_module = enms_configuration_info
    lookup_name = 'netops.bridge.enms_configuration'
    own_options = ('property',)

    def run(self, terms, variables=None, **kwargs):
        details = kwargs.pop('details', False)
        if not isinstance(details, bool):
            raise AnsibleLookupError('%s lookup: details must be true or false, got %r.' % (self.lookup_name, details))
        self.details = details
        return super(LookupModule, self).run(terms, variables, **kwargs)

    def module_params(self, terms, options):
        devices = terms_as_texts(self.lookup_name, terms, 'device name')
        if not devices:
            raise AnsibleLookupError('%s lookup: name at least one device.' % self.lookup_name)
        return dict(options, device=devices[0])

    def results(self, module, terms):
        found = []
        for device in terms_as_texts(self.lookup_name, terms, 'device name'):
            result = self.ran(module, device=device)
            result.pop('changed', None)
            found.append(result if self.details else result['content'])
        return found
