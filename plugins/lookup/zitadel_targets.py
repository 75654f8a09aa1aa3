# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: zitadel_targets
short_description: ZITADEL Actions v2 targets by name
version_added: 1.3.0
author:
  - netops.bridge maintainers (@netops)
description:
  - Returns the ZITADEL targets named in the terms (none means every target), each as
    M(netops.bridge.zitadel_target_info) returns it (C(id), C(name), C(endpoint), C(target_type),
    C(interrupt_on_error), C(timeout), C(payload_type), the dates and, with O(public_keys), its public keys).
  - It runs that module's code with O(netops.bridge.zitadel_target_info#module:name) set to each term (compared
    exactly), in one HTTP session for all the terms. A name ZITADEL does not know gives nothing for that term.
options:
  _terms:
    description: Target names. None means every target.
    type: list
    elements: str
    required: false
  public_keys:
    description:
      - Also read each target's public keys (one request per target; V(null) with O(api_version=v2beta)).
    type: bool
    default: true
extends_documentation_fragment:
  - netops.bridge.zitadel
  - netops.bridge.lookup
seealso:
  - module: netops.bridge.zitadel_target_info
'''

EXAMPLES = r'''
- name: The endpoint the user-checks target calls (the connection from ZITADEL_URL and ZITADEL_TOKEN)
  ansible.builtin.debug:
    msg: "{{ lookup('netops.bridge.zitadel_targets', 'user-checks', public_keys=false).endpoint }}"

- name: Every target that interrupts on error
  ansible.builtin.set_fact:
    interrupting: "{{ query('netops.bridge.zitadel_targets', public_keys=false) | selectattr('interrupt_on_error') | map(attribute='name') }}"
'''

RETURN = r'''
_raw:
  description: The targets named, in the order of the terms (or every target), each a dict as
    M(netops.bridge.zitadel_target_info) returns it.
  type: list
  elements: dict
'''

from ansible_collections.netops.bridge.plugins.module_utils.zitadel import ZitadelModule
from ansible_collections.netops.bridge.plugins.modules import zitadel_target_info
from ansible_collections.netops.bridge.plugins.plugin_utils._lookup import PlatformLookup, terms_as_texts


class LookupModule(PlatformLookup):
    platform_module = ZitadelModule
    info_module = zitadel_target_info
    lookup_name = 'netops.bridge.zitadel_targets'
    own_options = ('public_keys',)

    def module_params(self, terms, options):
        terms_as_texts(self.lookup_name, terms, 'target name')
        return dict(options)

    def results(self, module, terms):
        names = terms_as_texts(self.lookup_name, terms, 'target name')
        if not names:
            return self.ran(module)['targets']
        found = []
        for name in names:
            found.extend(self.ran(module, name=name, name_match='equals')['targets'])
        return found
