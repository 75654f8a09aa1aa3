#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: omn_peo_project_link
short_description: Link and unlink OMN PEOs and projects, idempotently and in one batch
version_added: 0.1.0
description:
  - Makes sure PEOs (product export options) are linked to (O(state=present)) or unlinked from (O(state=absent))
    projects in OMN (Apollon OnlineMediaNet).
  - All links that need a change go to OMN in one request, whatever their number
    (C(POST /api/core/v1/peo/peos/links/persist) to link, C(POST /api/core/v1/peo/peos/links/perform) to unlink).
  - The current links are read first with C(POST /api/core/v1/peo/peos/query) (one read per distinct project, with
    C(withChildren=false)), and only the links that are missing (present) or existing (absent) are sent, so a second
    run reports C(changed=false).
  - OMN reports success or failure per link, even with HTTP 200. When some links fail, the task fails and its message
    lists each failed link with OMN's own words; RV(results) still shows the links that succeeded.
  - The link or unlink request is sent once and never retried.
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.omn
  - netops.bridge.attributes
  - netops.bridge.attributes.omn
attributes:
  check_mode:
    support: full
    details: The current links are read; nothing is sent that changes them.
  diff_mode:
    support: full
    details: The diff lists the declared links that are linked before and after, one per line.
options:
  links:
    description:
      - The links, each naming one PEO and one project.
      - The current state can only be read for links given by C(peo_tid) and C(project_tid). A link given by a
        numeric ID (C(peo_id) or C(project_id)) cannot be compared, so it is always sent, the task reports
        C(changed=true) for it, and OMN's answer tells what happened.
    type: list
    elements: dict
    required: true
    suboptions:
      peo_tid:
        description: Text ID (tid) of the PEO. Exactly one of O(links[].peo_tid) and O(links[].peo_id) is required.
        type: str
      peo_id:
        description: Numeric ID of the PEO.
        type: str
      project_tid:
        description: Text ID (tid) of the project. Exactly one of O(links[].project_tid) and O(links[].project_id) is required.
        type: str
      project_id:
        description: Numeric ID of the project.
        type: str
  state:
    description: V(present) links, V(absent) unlinks.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: netops.bridge.omn_peo_info
'''

EXAMPLES = r'''
- name: Unlink three PEOs from a project in one request
  netops.bridge.omn_peo_project_link:
    url: https://omn.example.com
    token: "{{ vault_omn_token }}"
    state: absent
    links:
      - {peo_tid: 55beafb6-a80b-48ab-8a7b-9e1a98d67b24, project_tid: acc0000232}
      - {peo_tid: 0b0e4d7e-6c2a-4c55-9d1b-4a2e2c0f8a11, project_tid: acc0000232}
      - {peo_tid: 9f3a1c52-1d2e-4b8e-8f0e-3c2b1a0d9e77, project_tid: acc0000232}

- name: Link PEOs to projects (OMN 6.x, token obtained from Keycloak with an offline token)
  netops.bridge.omn_peo_project_link:
    url: https://omn.example.com
    refresh_token: "{{ vault_omn_offline_token }}"
    token_url: https://omn.example.com/auth/realms/OMN/protocol/openid-connect/token
    links: "{{ wanted_links }}"
  diff: true
'''

RETURN = r'''
results:
  description: One entry per declared link, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    peo_tid:
      description: The PEO's tid, as given.
      type: str
      returned: when given
    peo_id:
      description: The PEO's ID, as given.
      type: str
      returned: when given
    project_tid:
      description: The project's tid, as given.
      type: str
      returned: when given
    project_id:
      description: The project's ID, as given.
      type: str
      returned: when given
    changed:
      description: Whether this link was (or in check mode would be) sent to OMN.
      type: bool
      returned: always
    status:
      description: OMN's status for this link (V(SUCCESS) or V(ERROR)); V(null) when nothing was sent for it.
      type: str
      returned: always
    description:
      description: OMN's description, or why nothing was sent.
      type: str
      returned: always
  sample:
    - peo_tid: 55beafb6-a80b-48ab-8a7b-9e1a98d67b24
      project_tid: acc0000232
      changed: true
      status: SUCCESS
      description: PEO has been unlinked successfully
    - peo_tid: 0b0e4d7e-6c2a-4c55-9d1b-4a2e2c0f8a11
      project_tid: acc0000232
      changed: false
      status: null
      description: not linked
'''

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils.omn import OmnModule

OPTION_KEYS = (('peo_tid', 'peoTid'), ('peo_id', 'peoId'), ('project_tid', 'projectTid'), ('project_id', 'projectId'))


def declared(item):
    return dict((option, item[option]) for option, _key in OPTION_KEYS if item.get(option) is not None)


def wire(item):
    return dict((key, item[option]) for option, key in OPTION_KEYS if item.get(option) is not None)


def comparable(item):
    return item.get('peo_tid') is not None and item.get('project_tid') is not None


def label(item):
    peo = 'peo_tid=%s' % item['peo_tid'] if item.get('peo_tid') is not None else 'peo_id=%s' % item['peo_id']
    project = 'project_tid=%s' % item['project_tid'] if item.get('project_tid') is not None else 'project_id=%s' % item['project_id']
    return '%s -> %s' % (peo, project)


def unique(items):
    seen, result = set(), []
    for item in items:
        key = label(item)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


def match_responses(sent, responses):
    """OMN's response for each sent link: by position when OMN answered every action, else by PEO identifier."""
    if len(responses) == len(sent):
        return list(responses)
    remaining = list(responses)
    matched = []
    for item in sent:
        found = None
        for response in remaining:
            if (item.get('peo_tid') is not None and response.get('tid') == item['peo_tid']) or \
                    (item.get('peo_id') is not None and response.get('id') == item['peo_id']):
                found = response
                break
        if found is not None:
            remaining.remove(found)
        matched.append(found)
    return matched


def run(module):
    params = module.params
    present = params['state'] == 'present'
    items = unique(params['links'])
    linked = {}
    for project in sorted(set(item['project_tid'] for item in items if comparable(item))):
        linked[project] = set(module.api.query({'tidProject': project, 'withChildren': False}))

    def is_linked(item):
        return item['peo_tid'] in linked[item['project_tid']] if comparable(item) else None

    to_send = [item for item in items if not comparable(item) or is_linked(item) != present]
    results = []
    for item in items:
        entry = declared(item)
        entry.update(changed=any(item is s for s in to_send), status=None,
                     description=('would be %s' % ('linked' if present else 'unlinked')) if item in to_send else
                     ('already linked' if present else 'not linked'))
        results.append(entry)
    module.result.update(results=results, changed=bool(to_send))
    before = [label(i) for i in items if is_linked(i)]
    after = [label(i) for i in items if (present if i in to_send else is_linked(i))]
    module.result['diff'] = {'before': ''.join(line + '\n' for line in before), 'after': ''.join(line + '\n' for line in after)}
    if not to_send or module.check_mode:
        return
    try:
        answers = (module.api.link if present else module.api.unlink)([wire(item) for item in to_send])
    except ApiError:
        module.result['changed'] = True
        raise
    failures = []
    for item, answer in zip(to_send, match_responses(to_send, answers)):
        entry = results[items.index(item)]
        entry['status'] = answer['status'] if answer else None
        entry['description'] = answer['description'] if answer else 'OMN sent no response for this link'
        entry['changed'] = bool(answer and answer['status'] == 'SUCCESS')
        if not entry['changed']:
            failures.append('%s: %s' % (label(item), entry['description']))
    module.result['changed'] = any(entry['changed'] for entry in results)
    if failures:
        module.fail('OMN refused %d of %d %s: %s' % (len(failures), len(to_send), 'links' if present else 'unlinks', '; '.join(failures)))


def main():
    link_spec = dict(peo_tid=dict(type='str'), peo_id=dict(type='str'), project_tid=dict(type='str'), project_id=dict(type='str'))
    module = OmnModule(
        argument_spec=dict(
            links=dict(type='list', elements='dict', required=True, options=link_spec,
                       mutually_exclusive=[('peo_tid', 'peo_id'), ('project_tid', 'project_id')],
                       required_one_of=[('peo_tid', 'peo_id'), ('project_tid', 'project_id')]),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
        supports_check_mode=True,
    )
    if not module.params['links']:
        module.fail('links must name at least one link.')
    for index, item in enumerate(module.params['links']):
        for option, _key in OPTION_KEYS:
            if item.get(option) is not None and not item[option].strip():
                module.fail('links[%d].%s must not be empty.' % (index, option))
        for option in ('peo_id', 'project_id'):
            if item.get(option) is not None and not item[option].isdigit():
                module.fail('links[%d].%s must be a numeric ID, got %r; use %s for a text ID.'
                            % (index, option, item[option], option.replace('_id', '_tid')))
    module.run(run)


if __name__ == '__main__':
    main()
