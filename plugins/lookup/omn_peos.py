# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: omn_peos
short_description: OMN (Apollon) PEOs by tid
version_added: 1.3.0
author:
  - netops.bridge maintainers (@netops)
description:
  - Returns the PEOs whose tids are the terms, each as M(netops.bridge.omn_peo_info) returns it in
    RV(netops.bridge.omn_peo_info#module:peos) with O(netops.bridge.omn_peo_info#module:retrieve=true) (its
    attributes, meta items and child elements by name). A tid OMN does not know gives nothing.
  - It runs that module's code with O(netops.bridge.omn_peo_info#module:tids) set to the terms, with one token exchange
    (with O(refresh_token)) and one HTTP session for all of them.
options:
  _terms:
    description: PEO tids.
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - netops.bridge.omn
  - netops.bridge.lookup
seealso:
  - module: netops.bridge.omn_peo_info
'''

EXAMPLES = r'''
- name: The name of a PEO (the connection from OMN_URL and OMN_TOKEN)
  ansible.builtin.debug:
    msg: "{{ lookup('netops.bridge.omn_peos', '55beafb6-a80b-48ab-8a7b-9e1a98d67b24').name }}"
'''

RETURN = r'''
_raw:
  description: The PEOs found, each a dict as M(netops.bridge.omn_peo_info) returns it.
  type: list
  elements: dict
'''

from ansible.errors import AnsibleLookupError

from ansible_collections.netops.bridge.plugins.module_utils.omn import OmnModule
from ansible_collections.netops.bridge.plugins.modules import omn_peo_info
from ansible_collections.netops.bridge.plugins.plugin_utils._lookup import PlatformLookup, terms_as_texts


class LookupModule(PlatformLookup):
    platform_module = OmnModule
    info_module = omn_peo_info
    lookup_name = 'netops.bridge.omn_peos'

    def module_params(self, terms, options):
        tids = terms_as_texts(self.lookup_name, terms, 'PEO tid')
        if not tids:
            raise AnsibleLookupError('%s lookup: give at least one PEO tid.' % self.lookup_name)
        return dict(options, tids=tids, retrieve=True)

    def answer(self, result):
        return result['peos']
