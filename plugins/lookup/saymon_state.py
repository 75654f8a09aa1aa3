# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: saymon_state
short_description: SAYMON objects or links with their state
version_added: 1.3.0
author:
  - netops.bridge maintainers (@netops)
description:
  - Returns the SAYMON objects (or links, with O(kind=link)) whose IDs are the terms, in their order, each with its
    state as M(netops.bridge.saymon_object_info) returns it (C(id), C(name), C(class_id), C(state_id),
    C(state_name), C(last_state_change), the raw C(entity); links also C(source), C(target) and their names), and
    with O(history=true) its state history in the window O(since) to O(until).
  - It runs that module's code, in one HTTP session for all the terms. An ID SAYMON does not know fails the lookup
    with SAYMON's words.
options:
  _terms:
    description: Object (or link) IDs.
    type: list
    elements: str
    required: true
  kind:
    description: Whether the terms are object or link IDs.
    type: str
    choices: [object, link]
    default: object
  history:
    description: Also read each one's state history in the window O(since) to O(until).
    type: bool
    default: false
  since:
    description:
      - Start of the history window - epoch milliseconds, V(now), a time relative to now such as V(-15m), V(-2h) or
        V(-7d), or ISO 8601. V(-24h) when not set. Only with O(history=true).
    type: str
  until:
    description: End of the history window, in the forms of O(since). V(now) when not set. Only with O(history=true).
    type: str
  page_size:
    description: History entries asked for per request.
    type: int
    default: 100
  max_entries:
    description: The most history entries read per object or link.
    type: int
    default: 1000
extends_documentation_fragment:
  - netops.bridge.saymon
  - netops.bridge.lookup
seealso:
  - module: netops.bridge.saymon_object_info
'''

EXAMPLES = r'''
- name: Stop unless the uplink is healthy (the connection from SAYMON_URL, SAYMON_USERNAME, SAYMON_PASSWORD)
  ansible.builtin.assert:
    that: lookup('netops.bridge.saymon_state', '62de902eb238aa0131bd3b02', kind='link').state_name == 'Normal'

- name: How often an object changed state in the last day
  ansible.builtin.debug:
    msg: "{{ (lookup('netops.bridge.saymon_state', '5e9465cb00000000000000a1', history=true).history | length) }} changes"
'''

RETURN = r'''
_raw:
  description: One entry per term, in their order, each a dict as M(netops.bridge.saymon_object_info) returns an
    object or link.
  type: list
  elements: dict
'''

from ansible.errors import AnsibleLookupError

from ansible_collections.netops.bridge.plugins.module_utils.saymon import SaymonModule
from ansible_collections.netops.bridge.plugins.modules import saymon_object_info
from ansible_collections.netops.bridge.plugins.plugin_utils._lookup import PlatformLookup, terms_as_texts

KINDS = {'object': 'objects', 'link': 'links'}


class LookupModule(PlatformLookup):
    platform_module = SaymonModule
    info_module = saymon_object_info
    lookup_name = 'netops.bridge.saymon_state'
    own_options = ('history', 'since', 'until', 'page_size', 'max_entries')

    def run(self, terms, variables=None, **kwargs):
        self.kind = kwargs.pop('kind', 'object')
        if self.kind not in KINDS:
            raise AnsibleLookupError('kind must be object or link, got %r.' % (self.kind,))
        return super(LookupModule, self).run(terms, variables, **kwargs)

    def module_params(self, terms, options):
        ids = terms_as_texts(self.lookup_name, terms, '%s ID' % self.kind)
        if not ids:
            raise AnsibleLookupError('give at least one %s ID.' % self.kind)
        return dict(options, **{KINDS[self.kind]: ids})

    def answer(self, result):
        return result[KINDS[self.kind]]
