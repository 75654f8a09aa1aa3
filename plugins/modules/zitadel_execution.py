#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: zitadel_execution
short_description: Manage ZITADEL Actions v2 executions, declaratively
version_added: 0.1.0
description:
  - An execution tells ZITADEL which targets to call, in which order, when a condition occurs (a request or response
    of an API method or service, a function, or an event).
  - The execution is identified by its O(condition). The module reads the targets (once, to resolve names to IDs) and
    the current execution, and sets it (C(PUT /v2/actions/executions)) only when its ordered list of targets differs,
    so a second run reports C(changed=false) with reads only.
  - O(state=absent) removes the execution, which the API does by setting it with no targets, only when it exists.
  - Every rule of the API is checked before any request; an unknown target name fails the task before anything is written.
  - With O(state=present), a C(method), C(service) or function C(name) is checked against what ZITADEL lists
    (C(GET /v2/actions/executions/methods), C(.../services), C(.../functions), read once per task before any write); one
    it does not list fails the task with nothing written, naming the closest listed names. Event conditions have no such
    list; ZITADEL's own refusal is their check. M(netops.bridge.zitadel_execution_info) with O(netops.bridge.zitadel_execution_info#module:catalog=true)
    shows the lists.
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.zitadel
  - netops.bridge.attributes
  - netops.bridge.attributes.zitadel_group
attributes:
  check_mode:
    support: full
    details: Targets and the execution are read; nothing is written.
  diff_mode:
    support: full
    details: The diff shows the execution's condition and its target list (names where known) before and after.
options:
  condition:
    description:
      - When the execution runs. Exactly one of C(request), C(response), C(function) or C(event).
      - C(request) and C(response) take exactly one of C(method) (for example V(/zitadel.session.v2.SessionService/ListSessions)),
        C(service) (for example V(zitadel.session.v2.SessionService)) or C(all) (which must be V(true)).
      - C(function) takes C(name) (for example V(preuserinfo)).
      - C(event) takes exactly one of C(event) (for example V(user.human.added)), C(group) (for example V(user.human)) or C(all) (V(true)).
      - Strings are 1 to 1000 characters. A key a kind does not take is named in the error, for example
        C(unknown key methd in condition.request).
    type: dict
    required: true
  targets:
    description:
      - The targets to call, in order, by name or by ID. Names are resolved to IDs.
      - Required with O(state=present).
    type: list
    elements: str
  state:
    description: V(present) sets the execution, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  check_catalogue:
    description:
      - With O(state=present), check the condition's C(method), C(service) or function C(name) against what ZITADEL
        lists (three reads) before anything is written.
      - Set to V(false) only when the condition was checked against the catalogue just before, as the role
        P(netops.bridge.zitadel_actions#role) does in its plan (one catalogue read for all its executions); ZITADEL's own
        refusal is then the only check.
    type: bool
    default: true
    version_added: 1.2.0
seealso:
  - module: netops.bridge.zitadel_target
  - module: netops.bridge.zitadel_execution_info
'''

EXAMPLES = r'''
- name: Call two targets, in order, before every user is created
  netops.bridge.zitadel_execution:
    url: https://zitadel.example.com
    token: "{{ vault_zitadel_pat }}"
    condition:
      request:
        method: /zitadel.user.v2.UserService/AddHumanUser
    targets: [user-checks, audit-log]

- name: Call a target on every user event
  netops.bridge.zitadel_execution:
    condition:
      event:
        group: user.human
    targets: [audit-log]

- name: Remove the function execution
  netops.bridge.zitadel_execution:
    condition:
      function:
        name: preuserinfo
    state: absent
'''

RETURN = r'''
execution:
  description: The execution after the task; V(null) when it does not exist.
  returned: always
  type: dict
  contains:
    condition:
      description: The condition, in the API's form.
      type: dict
      returned: success
    targets:
      description: IDs of the targets, in order.
      type: list
      elements: str
      returned: success
    target_names:
      description: Names of the targets, in order (the ID where the name is unknown).
      type: list
      elements: str
      returned: success
  sample:
    condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
    targets: ["337246363446361786", "337246363446361999"]
    target_names: [user-checks, audit-log]
'''

from ansible_collections.netops.bridge.plugins.module_utils.zitadel import (
    ZitadelModule, catalogue_problem, execution_target_ids, needs_catalogue, normalize_condition)


def resolve(module, wanted, known):
    """Target IDs for the names or IDs in ``wanted``; fails before any write on an unknown one.

    In check mode an unknown name stands for itself: an earlier task of the same check run may have planned to create
    it (zitadel_target creates nothing in check mode), so the module warns and shows the name in the diff instead."""
    by_id = dict((t.get('id'), t) for t in known)
    by_name = {}
    for target in known:
        by_name.setdefault(target.get('name'), []).append(target.get('id'))
    ids, unknown = [], []
    for ref in wanted:
        if ref in by_id:
            ids.append(ref)
        elif len(by_name.get(ref, [])) == 1:
            ids.append(by_name[ref][0])
        elif ref in by_name:
            module.fail('more than one target is named %r (IDs %s); give the ID instead.' % (ref, ', '.join(by_name[ref])))
        else:
            unknown.append(ref)
            ids.append(ref)
    if unknown and not module.check_mode:
        module.fail('unknown target(s): %s. Create them first with netops.bridge.zitadel_target.' % ', '.join(unknown))
    if unknown:
        module.ansible.warn('check mode: no target is named %s yet; assuming an earlier task creates it (outside check mode '
                            'this fails).' % ', '.join(unknown))
    return ids


def run(module):
    params = module.params
    condition = normalize_condition(params['condition'])
    if params['state'] == 'present' and params['check_catalogue'] and needs_catalogue(condition):
        problem = catalogue_problem(condition, module.api.catalogue())
        if problem:
            module.fail(problem + ' Nothing was written.')
    known = module.api.targets()
    names = dict((t.get('id'), t.get('name')) for t in known)
    present = params['state'] == 'present'
    wanted = resolve(module, params['targets'], known) if present else []
    existing = module.api.execution(condition)
    current = execution_target_ids(existing) if existing else []

    def shown(ids):
        return {'condition': condition, 'targets': list(ids), 'target_names': [names.get(i, i) for i in ids]} if ids else None

    # The condition is the execution's identity: the diff names it, so a run over many executions says which one changes.
    module.result['diff'] = {'before': {'condition': condition, 'targets': [names.get(i, i) for i in current]},
                             'after': {'condition': condition, 'targets': [names.get(i, i) for i in wanted]}}
    module.result['execution'] = shown(wanted)
    if current == wanted:
        return
    module.apply(module.api.set_execution, condition, wanted)


def main():
    module = ZitadelModule(
        argument_spec=dict(
            condition=dict(type='dict', required=True),
            targets=dict(type='list', elements='str'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            check_catalogue=dict(type='bool', default=True),
        ),
        required_if=[('state', 'present', ['targets'])],
        supports_check_mode=True,
    )
    try:
        normalize_condition(module.params['condition'])
    except ValueError as exc:
        module.fail(str(exc))
    if module.params['state'] == 'present':
        if not module.params['targets']:
            module.fail('targets must name at least one target; use state=absent to remove the execution.')
        for index, ref in enumerate(module.params['targets']):
            if not ref or len(ref) > 1000:
                module.fail('targets[%d] must be a target name or ID of 1 to 1000 characters.' % index)
    module.run(run)


if __name__ == '__main__':
    main()
