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
    That request is sent once and never retried, since OMN may have acted on it.
  - The current links are read first with C(POST /api/core/v1/peo/peos/query) and C(withChildren=false), once for
    each distinct O(links[].project_tid), and only the links that are missing (V(present)) or existing (V(absent))
    are sent, so a second run reports C(changed=false) and sends nothing.
  - "Requests per task: one read per distinct project named by tid, plus at most one write. A batch against one
    project therefore costs one read and one write whatever the number of links; links spread over N projects cost
    N reads (OMN's query takes one project at a time). Links given only by numeric IDs cost no read."
  - OMN reports success or failure per link, even with HTTP 200. When OMN reports C(ERROR) for some links, the task
    fails, its message lists each failed link with OMN's own words (for example C(PEO not found),
    C(Project not found), C(PEO is not available by access rights)), and RV(results) still shows the links that succeeded.
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.omn
  - netops.bridge.attributes
  - netops.bridge.attributes.omn_group
attributes:
  check_mode:
    support: full
    details: The current links are read; nothing that changes them is sent. RV(results) says which links would be sent.
  diff_mode:
    support: full
    details:
      - The diff lists, one per line, the declared links that are linked before and after the task, so exactly the
        links that change appear as removed or added lines.
      - A link whose current state cannot be read (given by a numeric ID) appears before the task marked
        C(current state unknown, given by numeric ID) and after it as it is meant to be.
options:
  links:
    description:
      - The links, each naming one PEO and one project. Repeated links are sent once.
      - The current state can only be read for links given by O(links[].peo_tid) and O(links[].project_tid), because OMN's
        query answers with tids. A link given by a numeric ID (O(links[].peo_id) or O(links[].project_id)) cannot be
        compared, so it is sent on every run and counts as changed whenever OMN answers C(SUCCESS), even if it was already
        in the wanted state; check mode and the diff mark it as unknown. Use tids where idempotence matters.
      - Values travel to OMN exactly as given, including characters such as C(<), C(&) and quotes. A value holding a
        character XML cannot carry (a control character other than tab, newline and carriage return) is refused before any request.
    type: list
    elements: dict
    required: true
    suboptions:
      peo_tid:
        description: Text ID (tid) of the PEO. Exactly one of O(links[].peo_tid) and O(links[].peo_id) is required.
        type: str
      peo_id:
        description: Numeric ID of the PEO (digits only).
        type: str
      project_tid:
        description: Text ID (tid) of the project. Exactly one of O(links[].project_tid) and O(links[].project_id) is required.
        type: str
      project_id:
        description: Numeric ID of the project (digits only).
        type: str
  state:
    description: V(present) links, V(absent) unlinks.
    type: str
    choices: [present, absent]
    default: present
notes:
  - OMN answers one C(<response>) per link, in the order sent; they are paired with the links by position. When OMN
    sends fewer or more, each link takes the response naming its PEO (C(tid), C(id) or C(path)) or its project, and a
    link left without any response counts as failed.
  - OMN documents no C(link) action for C(links/perform), so linking uses C(links/persist) with a C(<links>) document
    and unlinking uses C(links/perform) with C(<actions>), as OMN documents them.
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
  description:
    - One entry per declared link, in the order given (a repeated link once), also when the task fails.
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
      description:
        - Whether OMN changed this link, that is it was sent and OMN answered V(SUCCESS).
        - In check mode, whether it would be sent.
      type: bool
      returned: always
    status:
      description: OMN's status for this link, V(SUCCESS) or V(ERROR); V(null) when nothing was sent for it or OMN gave no answer for it.
      type: str
      returned: always
    description:
      description:
        - OMN's own description (for example V(PEO has been unlinked successfully) or V(PEO not found)), or why nothing
          was sent (V(already linked), V(not linked)), or in check mode what would be done.
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

import re

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils.omn import OmnModule
from ansible_collections.netops.bridge.plugins.module_utils import omn_xml

OPTION_KEYS = (('peo_tid', 'peoTid'), ('peo_id', 'peoId'), ('project_tid', 'projectTid'), ('project_id', 'projectId'))
NUMERIC = re.compile(r'^[0-9]+$')
UNKNOWN = '  (current state unknown, given by numeric ID)'


def declared(item):
    return dict((option, item[option]) for option, _key in OPTION_KEYS if item.get(option) is not None)


def wire(item):
    return dict((key, item[option]) for option, key in OPTION_KEYS if item.get(option) is not None)


def comparable(item):
    return item.get('peo_tid') is not None and item.get('project_tid') is not None


def identity(item):
    return tuple(item.get(option) for option, _key in OPTION_KEYS)


def label(item):
    peo = 'peo_tid=%s' % item['peo_tid'] if item.get('peo_tid') is not None else 'peo_id=%s' % item['peo_id']
    project = 'project_tid=%s' % item['project_tid'] if item.get('project_tid') is not None else 'project_id=%s' % item['project_id']
    return '%s -> %s' % (peo, project)


def unique(items):
    """The declared links without repeats, in the order first given."""
    seen, result = set(), []
    for item in items:
        key = identity(item)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


def names_of(item):
    """The attribute values by which an OMN <response> may name this link, most specific first.

    Success names the PEO (tid), "PEO not found" the PEO (id or tid), "Project not found" the project,
    "PEO is not available by access rights" the PEO's path (/<id>).
    """
    names = []
    if item.get('peo_tid') is not None:
        names.append(('tid', item['peo_tid']))
    if item.get('peo_id') is not None:
        names.extend([('id', item['peo_id']), ('path', '/' + item['peo_id'])])
    if item.get('project_id') is not None:
        names.append(('id', item['project_id']))
    if item.get('project_tid') is not None:
        names.append(('tid', item['project_tid']))
    return names


def match_responses(sent, responses):
    """OMN's <response> for each sent link, or None.

    OMN answers each action in order, so when it sent as many responses as links they pair by position.
    Otherwise each link takes the first unused response that names its PEO or project, then a response
    already taken for the same PEO (one response per PEO), and links still unmatched take the unused
    responses in order.
    """
    if len(responses) == len(sent):
        return list(responses)
    index = {}
    for number, response in enumerate(responses):
        for attr in ('tid', 'id', 'path'):
            if response.get(attr) is not None:
                index.setdefault((attr, response[attr]), []).append(number)
    used, matched = set(), []
    for item in sent:
        candidates = [n for name in names_of(item) for n in index.get(name, ())]
        fresh = [n for n in candidates if n not in used]
        found = fresh[0] if fresh else (candidates[0] if candidates else None)
        if found is not None:
            used.add(found)
        matched.append(found)
    leftovers = [n for n in range(len(responses)) if n not in used]
    for position, found in enumerate(matched):
        if found is None and leftovers:
            matched[position] = leftovers.pop(0)
    return [responses[n] if n is not None else None for n in matched]


def diff_of(items, states, sending, present):
    """Before and after, one line per declared link that is linked; a link whose state cannot be read is marked."""
    before, after = [], []
    for item, state, send in zip(items, states, sending):
        line = label(item)
        if state is None:
            before.append(line + UNKNOWN)
        elif state:
            before.append(line)
        if (present if send else state):
            after.append(line)
    return {'before': ''.join(line + '\n' for line in before), 'after': ''.join(line + '\n' for line in after)}


def run(module):
    present = module.params['state'] == 'present'
    verb = 'linked' if present else 'unlinked'
    items = unique(module.params['links'])
    # One read per distinct project among the links given by tids; links given by numeric IDs cannot be compared.
    linked = {}
    for project in sorted(set(item['project_tid'] for item in items if comparable(item))):
        linked[project] = set(module.api.query({'tidProject': project, 'withChildren': False}))
    states = [item['peo_tid'] in linked[item['project_tid']] if comparable(item) else None for item in items]
    sending = [state is None or state != present for state in states]

    results = []
    for item, state, send in zip(items, states, sending):
        entry = declared(item)
        if not send:
            description = 'already linked' if present else 'not linked'
        elif state is None:
            description = 'would be %s (its current state cannot be read, given by numeric ID)' % verb
        else:
            description = 'would be %s' % verb
        entry.update(changed=send, status=None, description=description)
        results.append(entry)
    positions = [n for n, send in enumerate(sending) if send]
    module.result.update(results=results, changed=bool(positions), diff=diff_of(items, states, sending, present))
    if not positions or module.check_mode:
        return

    to_send = [items[n] for n in positions]
    try:
        answers = (module.api.link if present else module.api.unlink)([wire(item) for item in to_send])
    except ApiError as exc:
        for n in positions:
            results[n].update(changed=exc.maybe_applied, description='no answer for this link: the request failed')
        module.result['changed'] = exc.maybe_applied
        raise
    failures = []
    for n, answer in zip(positions, match_responses(to_send, answers)):
        entry = results[n]
        entry['status'] = answer['status'] if answer else None
        entry['description'] = (answer['description'] or '') if answer else 'OMN sent no response for this link'
        entry['changed'] = bool(answer and answer['status'] == 'SUCCESS')
        if not entry['changed']:
            failures.append('%s: %s' % (label(items[n]), entry['description'] or answer['status']))
    module.result['changed'] = any(entry['changed'] for entry in results)
    if failures:
        module.fail('OMN refused %d of %d %s: %s' % (len(failures), len(to_send), 'links' if present else 'unlinks', '; '.join(failures)))


def check_links(module):
    """Every link names one PEO and one project with values OMN can receive; refused before any request."""
    if not module.params['links']:
        module.fail('links must name at least one link.')
    for index, item in enumerate(module.params['links']):
        for option, _key in OPTION_KEYS:
            value = item.get(option)
            if value is None:
                continue
            if not value.strip():
                module.fail('links[%d].%s must not be empty.' % (index, option))
            try:
                omn_xml.check_text(value)
            except omn_xml.OmnXmlError as exc:
                module.fail('links[%d].%s cannot be sent to OMN: %s.' % (index, option, exc))
            if option.endswith('_id') and not NUMERIC.match(value):
                module.fail('links[%d].%s must be a numeric ID, got %r; use %s for a text ID.'
                            % (index, option, value, option.replace('_id', '_tid')))


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
    check_links(module)
    module.run(run)


if __name__ == '__main__':
    main()
