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
  - A catch-all request or response condition (C(all), or a whole C(service)) is refused with a target that interrupts on
    error, unless O(allow_interrupting_catch_all=true) (that option says why).
  - O(targets_mode) lets several playbooks share a condition, each adding or removing only its own targets.
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
  targets_mode:
    description:
      - How O(targets) relate to the targets the condition already calls. ZITADEL's SetExecution replaces the condition's
        whole list, so two playbooks that each set "their" target on a shared condition overwrite each other
        (zitadel#7242); V(append) and V(remove) let each own only its targets.
      - V(exact) makes the list exactly O(targets), in that order.
      - V(append) adds the targets of O(targets) the condition does not call yet at the end of its current list, in the
        order given; the targets already on it keep their place, and none is listed twice.
      - V(remove) takes the targets of O(targets) off the current list and keeps the others in order. A name no target
        has is on no list, so it is left out (no error). Removing the last targets removes the execution, because
        ZITADEL removes an execution that is set with no targets; the module then warns and returns RV(execution_removed=true).
      - Every mode writes only when the list differs, so a second run reports C(changed=false).
      - Only with O(state=present).
    type: str
    choices: [exact, append, remove]
    default: exact
    version_added: 1.3.0
  allow_interrupting_catch_all:
    description:
      - A catch-all condition (C(request) or C(response) with C(all), or with a whole C(service)) is refused, before
        anything is written and also in check mode, when O(targets) name a target with C(interrupt_on_error) (a
        C(webhook) or C(call) target). While ZITADEL cannot reach such a target, every API call the condition matches
        fails, including the calls needed to remove the execution again, which locks everyone out of the instance
        (zitadel#8205). The refusal names the condition and the targets.
      - Set to V(true) to accept that risk. The module does not probe the target's endpoint, because what the controller
        reaches says nothing of what ZITADEL reaches.
      - O(targets_mode=remove) never adds a target, so it is never refused.
    type: bool
    default: false
    version_added: 1.3.0
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

- name: Add the audit target to a condition other playbooks also set, keeping their targets
  netops.bridge.zitadel_execution:
    condition:
      event:
        group: user.human
    targets: [audit-log]
    targets_mode: append

- name: Take the audit target off that condition again, leaving the others
  netops.bridge.zitadel_execution:
    condition:
      event:
        group: user.human
    targets: [audit-log]
    targets_mode: remove

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
execution_removed:
  description:
    - Whether the task removed the execution (in check mode, would remove it), with O(state=absent) or because
      O(targets_mode=remove) took its last targets off (ZITADEL removes an execution set with no targets).
  returned: always
  type: bool
  sample: false
  version_added: 1.3.0
'''

import json

from ansible_collections.netops.bridge.plugins.module_utils.zitadel import (
    ZitadelModule, catalogue_problem, execution_target_ids, interrupting_catch_all_problem, needs_catalogue, normalize_condition,
    target_view)


def resolve(module, wanted, known, unknown_ok=False):
    """Target IDs for the names or IDs in ``wanted``; fails before any write on an unknown one.

    In check mode an unknown name stands for itself: an earlier task of the same check run may have planned to create
    it (zitadel_target creates nothing in check mode), so the module warns and shows the name in the diff instead.
    With ``unknown_ok`` (targets_mode=remove) an unknown name is left out: a target that does not exist is on no list."""
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
        elif not unknown_ok:
            unknown.append(ref)
            ids.append(ref)
    if unknown and not module.check_mode:
        module.fail('unknown target(s): %s. Create them first with netops.bridge.zitadel_target.' % ', '.join(unknown))
    if unknown:
        module.ansible.warn('check mode: no target is named %s yet; assuming an earlier task creates it (outside check mode '
                            'this fails).' % ', '.join(unknown))
    return ids


def unique(ids):
    return [ref for index, ref in enumerate(ids) if ref not in ids[:index]]


def resulting_targets(mode, current, declared):
    """The condition's target list after the task: the declared list (exact), the current list with the declared targets
    not on it added at its end (append), or the current list without them (remove). Order is kept, no target twice."""
    if mode == 'append':
        return unique(current + declared)
    if mode == 'remove':
        return [ref for ref in current if ref not in declared]
    return unique(declared)


def refuse_interrupting_catch_all(module, condition, declared, known):
    """Fail before any write when a catch-all condition is declared to call a target that interrupts on error."""
    if module.params['allow_interrupting_catch_all'] or module.params['targets_mode'] == 'remove':
        return
    views = dict((t.get('id'), target_view(t)) for t in known)
    interrupting = [views[ref]['name'] or ref for ref in unique(declared) if ref in views and views[ref]['interrupt_on_error']]
    problem = interrupting_catch_all_problem(condition, interrupting)
    if problem:
        module.fail(problem + ' Nothing was written.')


def run(module):
    params = module.params
    condition = normalize_condition(params['condition'])
    mode = params['targets_mode']
    if params['state'] == 'present' and params['check_catalogue'] and needs_catalogue(condition):
        problem = catalogue_problem(condition, module.api.catalogue())
        if problem:
            module.fail(problem + ' Nothing was written.')
    known = module.api.targets()
    names = dict((t.get('id'), t.get('name')) for t in known)
    present = params['state'] == 'present'
    declared = resolve(module, params['targets'], known, unknown_ok=mode == 'remove') if present else []
    refuse_interrupting_catch_all(module, condition, declared, known)
    existing = module.api.execution(condition)
    current = execution_target_ids(existing) if existing else []
    wanted = resulting_targets(mode, current, declared) if present else []

    def shown(ids):
        return {'condition': condition, 'targets': list(ids), 'target_names': [names.get(i, i) for i in ids]} if ids else None

    # The condition is the execution's identity: the diff names it, so a run over many executions says which one changes.
    module.result['diff'] = {'before': {'condition': condition, 'targets': [names.get(i, i) for i in current]},
                             'after': {'condition': condition, 'targets': [names.get(i, i) for i in wanted]}}
    module.result['execution'] = shown(wanted)
    # SetExecution with no targets deletes the execution: removing its last targets removes it.
    module.result['execution_removed'] = bool(current) and not wanted
    if current == wanted:
        return
    if present and not wanted:
        module.ansible.warn('targets_mode=remove takes the last target(s) off condition %s: ZITADEL removes an execution '
                            'set with no targets, so the execution %s removed.'
                            % (json.dumps(condition, sort_keys=True), 'would be' if module.check_mode else 'is'))
    module.apply(module.api.set_execution, condition, wanted)


def main():
    module = ZitadelModule(
        argument_spec=dict(
            condition=dict(type='dict', required=True),
            targets=dict(type='list', elements='str'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            check_catalogue=dict(type='bool', default=True),
            targets_mode=dict(type='str', choices=['exact', 'append', 'remove'], default='exact'),
            allow_interrupting_catch_all=dict(type='bool', default=False),
        ),
        required_if=[('state', 'present', ['targets'])],
        supports_check_mode=True,
    )
    try:
        normalize_condition(module.params['condition'])
    except ValueError as exc:
        module.fail(str(exc))
    if module.params['state'] == 'absent' and module.params['targets_mode'] != 'exact':
        module.fail('targets_mode=%s applies to state=present; state=absent removes the whole execution.' % module.params['targets_mode'])
    if module.params['state'] == 'present':
        if not module.params['targets']:
            module.fail('targets must name at least one target; use state=absent to remove the execution.')
        for index, ref in enumerate(module.params['targets']):
            if not ref or len(ref) > 1000:
                module.fail('targets[%d] must be a target name or ID of 1 to 1000 characters.' % index)
    module.run(run)


if __name__ == '__main__':
    main()
