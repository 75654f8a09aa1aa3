#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: omn_peo_info
short_description: Find OMN PEOs by tid, project, product, name or modification date
version_added: 0.1.0
description:
  - Finds the tids of PEOs (product export options) with C(POST /api/core/v1/peo/peos/query); all given criteria must match.
  - With O(tids), reads those PEOs by tid instead (C(POST /api/core/v1/peo/peos/retrieve), one request, no query), which
    finds every PEO that exists, whatever its other fields; RV(tids) then lists the ones OMN returned.
  - With O(retrieve=true), also reads the PEOs themselves (C(POST /api/core/v1/peo/peos/retrieve)) and returns them as plain dicts.
  - This module only reads; it never changes anything and always reports C(changed=false).
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.omn
  - netops.bridge.attributes
  - netops.bridge.attributes.info_module
  - netops.bridge.attributes.omn_group
options:
  tids:
    description:
      - Only these PEOs, read by tid. Cannot be combined with the query criteria.
      - How OMN answers a retrieve that names a tid it does not know is not documented; OMN's own answer (for example an
        HTTP 404) then fails the task, naming nothing more than OMN says.
    type: list
    elements: str
    version_added: 1.2.0
  project_tid:
    description: PEOs linked to this project.
    type: str
  with_children:
    description: With O(project_tid), also PEOs linked to the project's child projects (OMN's default).
    type: bool
    default: true
  product_tid:
    description: PEOs of this product.
    type: str
  names:
    description: PEOs with one of these names.
    type: list
    elements: str
  modified_from:
    description: PEOs modified at or after this time (ISO 8601, for example V(2024-01-31T00:00:00Z)).
    type: str
  modified_until:
    description: PEOs modified at or before this time (ISO 8601).
    type: str
  retrieve:
    description: Also read the PEOs and return them in RV(peos).
    type: bool
    default: false
seealso:
  - module: netops.bridge.omn_peo_project_link
'''

EXAMPLES = r'''
- name: Which PEOs are linked directly to the project?
  netops.bridge.omn_peo_info:
    url: https://omn.example.com
    token: "{{ vault_omn_token }}"
    project_tid: acc0000232
    with_children: false
  register: linked

- name: Read the PEOs of a product changed this year
  netops.bridge.omn_peo_info:
    product_tid: prod-4711
    modified_from: "2026-01-01T00:00:00Z"
    retrieve: true
  register: recent
'''

RETURN = r'''
tids:
  description: The tids of the matching PEOs.
  returned: always
  type: list
  elements: str
  sample: [55beafb6-a80b-48ab-8a7b-9e1a98d67b24]
peos:
  description: The matching PEOs as plain dicts (attributes, meta items and child elements by name).
  returned: when O(retrieve=true)
  type: list
  elements: dict
  sample:
    - id: "47230"
      tid: 55beafb6-a80b-48ab-8a7b-9e1a98d67b24
      name: Catalogue 2026
'''

from ansible_collections.netops.bridge.plugins.module_utils.omn import OmnModule

CRITERIA = (('project_tid', 'tidProject'), ('product_tid', 'tidProduct'), ('names', 'names'),
            ('modified_from', 'modifiedFrom'), ('modified_until', 'modifiedUntil'))


def query_of(params):
    criteria = dict((key, params[option]) for option, key in CRITERIA if params.get(option))
    if params.get('project_tid'):
        criteria['withChildren'] = params['with_children']
    return criteria


def argument_spec():
    return dict(
        tids=dict(type='list', elements='str'),
        project_tid=dict(type='str'),
        with_children=dict(type='bool', default=True),
        product_tid=dict(type='str'),
        names=dict(type='list', elements='str'),
        modified_from=dict(type='str'),
        modified_until=dict(type='str'),
        retrieve=dict(type='bool', default=False),
    )


MODULE_OPTIONS = dict(
    required_one_of=[('tids', 'project_tid', 'product_tid', 'names', 'modified_from', 'modified_until')],
    mutually_exclusive=[('tids', option) for option in ('project_tid', 'product_tid', 'names', 'modified_from', 'modified_until')],
    supports_check_mode=True,
)


def check(module):
    """Refuse empty selections before any request: an empty tid or name would select something else."""
    module.require_non_empty('project_tid', 'product_tid', 'modified_from', 'modified_until')
    for option in ('tids', 'names'):
        if module.params[option] == []:
            module.fail('%s must list at least one %s.' % (option, option[:-1]))
        for index, value in enumerate(module.params[option] or []):
            if not value.strip():
                module.fail('%s[%d] must not be empty.' % (option, index))


def run(module):
    check(module)
    if module.params.get('tids'):
        found = module.api.retrieve(module.params['tids'])
        returned = set(str(peo.get('tid')) for peo in found)
        module.result['tids'] = [tid for tid in module.params['tids'] if tid in returned]
        if module.params['retrieve']:
            module.result['peos'] = found
        return
    tids = module.api.query(query_of(module.params))
    module.result['tids'] = tids
    if module.params['retrieve']:
        module.result['peos'] = module.api.retrieve(tids) if tids else []


def main():
    OmnModule(argument_spec=argument_spec(), **MODULE_OPTIONS).run(run)


if __name__ == '__main__':
    main()
