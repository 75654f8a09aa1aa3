#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: zitadel_target
short_description: Manage ZITADEL Actions v2 targets, declaratively
version_added: 0.1.0
description:
  - Creates, updates or deletes a target of ZITADEL's Actions v2, the endpoint that executions call.
  - The target is identified by its O(name). The module reads it first and writes only the fields that differ
    (C(POST /v2/actions/targets) to create, C(POST /v2/actions/targets/{id}) to update,
    C(DELETE /v2/actions/targets/{id}) to delete), so a second run reports C(changed=false) with no write.
  - Options left unset are not compared, except on creation where ZITADEL's defaults apply.
  - Before deleting, it reads the executions that call the target (C(POST /v2/actions/executions/search) with a target
    filter) and refuses while any does, unless O(force=true).
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.zitadel
  - netops.bridge.attributes
  - netops.bridge.attributes.zitadel_group
attributes:
  check_mode:
    support: full
    details: The target is read; nothing is written.
  diff_mode:
    support: full
    details: The diff shows the target's fields before and after.
options:
  name:
    description: Name of the target, its identity for this module (1 to 1000 characters).
    type: str
    required: true
  state:
    description: V(present) creates or updates the target, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  endpoint:
    description:
      - URL ZITADEL calls (1 to 2048 characters with O(api_version=v2), 1 to 1000 with V(v2beta)).
      - Required to create a target.
    type: str
  target_type:
    description:
      - V(webhook) waits and checks only the status; V(call) waits and uses the response body; V(async) does not wait.
      - Required to create a target.
    type: str
    choices: [webhook, call, async]
  interrupt_on_error:
    description: For V(webhook) and V(call) targets, stop the request or event when the target fails. Not allowed for V(async).
    type: bool
  timeout:
    description:
      - The target's own time limit, such as V(10s), V(500ms) or V(2m), at most 270 seconds. This is not O(request_timeout).
    type: str
  payload_type:
    description:
      - How ZITADEL signs or encrypts what it sends (O(api_version=v2) only).
    type: str
    choices: [json, jwt, jwe]
  rotate_signing_key:
    description:
      - V(true) makes ZITADEL replace the key it signs its calls to this target with (UpdateTarget with
        C(expirationSigningKey) V(0s)) and returns the new key in RV(signing_key).
      - This is an action, not a state, and the one exception to "a second run reports C(changed=false)", since every run
        with V(true) rotates the key again and reports C(changed=true). It is never retried, since a repeated rotation
        would replace the key just returned. In check mode nothing is sent; the task reports C(changed=true) with a warning.
      - Field changes of the same task go in the same UpdateTarget. A target that does not exist yet is created, and
        its first key is returned; there is no separate rotation.
      - Register the result with C(no_log=true) on the task and store RV(signing_key) right away, for example in a vault;
        see the collection's docs/zitadel.md.
    type: bool
    default: false
    version_added: 1.1.0
  force:
    description:
      - With O(state=absent), delete the target even while executions call it.
      - ZITADEL deletes a target by silently removing it from every execution that calls it (zitadel#9824), and an
        execution left with no target is gone. So before deleting, the module reads those executions (ListExecutions
        with its target filter) and, unless O(force=true), refuses while any calls the target, naming their conditions.
      - With V(true), the diff and RV(executions_losing_target) name every execution that loses the target, and
        RV(executions_left_without_target) (with a warning) those that ZITADEL removes with it.
    type: bool
    default: false
    version_added: 1.3.0
seealso:
  - module: netops.bridge.zitadel_execution
  - module: netops.bridge.zitadel_target_info
'''

EXAMPLES = r'''
- name: A webhook that may block user creation
  netops.bridge.zitadel_target:
    url: https://zitadel.example.com
    token: "{{ vault_zitadel_pat }}"
    name: user-checks
    endpoint: https://hooks.example.com/zitadel/user-checks
    target_type: webhook
    interrupt_on_error: true
    timeout: 10s
  register: user_checks

- name: Rotate the signing key of a target and keep the new key out of the logs
  netops.bridge.zitadel_target:
    name: user-checks
    rotate_signing_key: true
  register: rotated
  no_log: true
- name: Remove an old target; refused while an execution still calls it
  netops.bridge.zitadel_target:
    name: legacy-hook
    state: absent

- name: Remove it anyway; ZITADEL removes it from every execution, named in the result
  netops.bridge.zitadel_target:
    name: legacy-hook
    state: absent
    force: true
  register: removed
'''

RETURN = r'''
target:
  description: The target after the task, as the module compares it (V(null) after O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: ID of the target; executions refer to it.
      type: str
      returned: success
    name:
      description: Name of the target.
      type: str
      returned: success
    endpoint:
      description: URL ZITADEL calls.
      type: str
      returned: success
    target_type:
      description: V(webhook), V(call) or V(async).
      type: str
      returned: success
    interrupt_on_error:
      description: Whether a failure of the target stops the request or event.
      type: bool
      returned: success
    timeout:
      description: The target's time limit, such as V(10s).
      type: str
      returned: success
    payload_type:
      description: V(json), V(jwt) or V(jwe); V(null) when ZITADEL did not say.
      type: str
      returned: success
  sample:
    id: "337246363446361786"
    name: user-checks
    endpoint: https://hooks.example.com/zitadel/user-checks
    target_type: webhook
    interrupt_on_error: true
    timeout: 10s
    payload_type: json
signing_key:
  description:
    - The key ZITADEL signs its calls to this target with. It is sensitive, and ZITADEL returns it only when the target is
      created or its key rotated (O(rotate_signing_key=true)). Ansible cannot hide a returned value, so register the
      result with C(no_log=true) on the task and store the key right away.
  returned: when the target was created or its key rotated
  type: str
executions_losing_target:
  description:
    - With O(state=absent), the executions that call the target and lose it with its deletion (with O(force=true)), or
      that make the module refuse (without it). Each has its C(condition), its C(targets) before (names, or IDs of
      targets without a name) and its C(targets_after) the deletion.
  returned: when O(state=absent) and the target exists
  type: list
  elements: dict
  version_added: 1.3.0
  sample:
    - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
      targets: [legacy-hook, audit-log]
      targets_after: [audit-log]
executions_left_without_target:
  description:
    - The conditions of the executions of RV(executions_losing_target) that call no other target, which ZITADEL removes
      with the target.
  returned: when O(state=absent) and the target exists
  type: list
  elements: dict
  version_added: 1.3.0
  sample:
    - {event: {group: user.human}}
'''

import json

from ansible_collections.netops.bridge.plugins.module_utils.zitadel import (
    MAX_TEXT, PAYLOAD_TYPES, TARGET_TYPES, ZitadelModule, check_text, execution_target_ids, format_duration, parse_duration, target_view)

COMPARED = ('endpoint', 'target_type', 'interrupt_on_error', 'timeout', 'payload_type')


def wanted_fields(params):
    wanted = dict((key, params[key]) for key in COMPARED if params.get(key) is not None)
    if 'timeout' in wanted:
        wanted['timeout'] = format_duration(parse_duration(wanted['timeout'], 'timeout'))
    return wanted


def request_body(params, fields, current=None):
    """The API body for the fields to send; the type oneof carries interrupt_on_error."""
    body = {}
    if 'endpoint' in fields:
        body['endpoint'] = fields['endpoint']
    if 'timeout' in fields:
        body['timeout'] = fields['timeout']
    if 'payload_type' in fields:
        body['payloadType'] = PAYLOAD_TYPES[fields['payload_type']]
    if 'target_type' in fields or 'interrupt_on_error' in fields:
        kind = fields.get('target_type') or (current or {}).get('target_type')
        interrupt = params.get('interrupt_on_error')
        if interrupt is None:
            interrupt = (current or {}).get('interrupt_on_error', False)
        body[TARGET_TYPES[kind]] = {} if kind == 'async' else {'interruptOnError': bool(interrupt)}
    return body


def executions_losing(module, target_id):
    """The executions that call the target (ListExecutions with its target filter), with their targets by name before
    and after ZITADEL removes it from them."""
    callers = module.api.executions([{'targetFilter': {'targetId': target_id}}])
    if not callers:
        return []
    names = dict((t.get('id'), t.get('name') or t.get('id')) for t in module.api.targets())
    losing = []
    for execution in callers:
        ids = execution_target_ids(execution)
        losing.append({'condition': execution.get('condition'), 'targets': [names.get(i, i) for i in ids],
                       'targets_after': [names.get(i, i) for i in ids if i != target_id]})
    return losing


def remove(module, current):
    params = module.params
    losing = executions_losing(module, current['id'])
    left_empty = [e['condition'] for e in losing if not e['targets_after']]
    module.result.update(executions_losing_target=losing, executions_left_without_target=left_empty)
    if losing:
        module.result['diff']['before']['executions'] = [dict(condition=e['condition'], targets=e['targets']) for e in losing]
        module.result['diff']['after']['executions'] = [dict(condition=e['condition'], targets=e['targets_after']) for e in losing]
    conditions = ', '.join(json.dumps(e['condition'], sort_keys=True) for e in losing)
    if losing and not params['force']:
        module.fail('target %r is still called by %d execution(s): %s. Deleting it would silently remove it from each of them '
                    '(ZITADEL removes an execution left with no target). Change or remove those executions first, or set force=true.'
                    % (params['name'], len(losing), conditions))
    if losing:
        module.ansible.warn('deleting target %r removes it from %d execution(s): %s' % (params['name'], len(losing), conditions))
    if left_empty:
        module.ansible.warn('deleting target %r leaves %d execution(s) with no target, which ZITADEL removes: %s'
                            % (params['name'], len(left_empty), ', '.join(json.dumps(c, sort_keys=True) for c in left_empty)))
    module.apply(module.api.delete_target, current['id'])


def run(module):
    params = module.params
    existing = module.api.target_by_name(params['name'])
    current = target_view(existing) if existing else None
    module.result['diff'] = {'before': dict(current or {}), 'after': {}}
    if params['state'] == 'absent':
        module.result['target'] = None
        if current:
            remove(module, current)
        return
    wanted = wanted_fields(params)
    if current is None:
        missing = [k for k in ('endpoint', 'target_type') if k not in wanted]
        if missing:
            module.fail('target %r does not exist; creating it needs %s.' % (params['name'], ' and '.join(missing)))
        after = dict(wanted, name=params['name'], id=None)
        module.result['target'] = after
        module.result['diff']['after'] = after
        body = request_body(params, wanted)
        body['name'] = params['name']
        answer = module.apply(module.api.create_target, body)
        if answer is not None:
            after['id'] = answer.get('id')
            module.result['signing_key'] = answer.get('signingKey')
        return
    differing = dict((k, v) for k, v in wanted.items() if current.get(k) != v)
    after = dict(current, **differing)
    module.result['target'] = after
    module.result['diff']['after'] = after
    rotate = params['rotate_signing_key']
    if not (differing or rotate):
        return
    body = request_body(params, differing, current)
    if rotate:
        # A protobuf Duration, so a string in JSON; 0s is the only value ZITADEL accepts: expire the key now.
        body['expirationSigningKey'] = '0s'
        if module.check_mode:
            module.ansible.warn('check mode: the signing key of target %r is not rotated; a real run rotates it and returns '
                                'the new key.' % params['name'])
    # UpdateTarget is a POST the client never retries (ZitadelModule's idempotent methods leave POST out): a repeated
    # rotation would expire the key ZITADEL had just returned.
    answer = module.apply(module.api.update_target, current['id'], body)
    if rotate and answer is not None:
        module.result['signing_key'] = answer.get('signingKey')


def main():
    module = ZitadelModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            endpoint=dict(type='str'),
            target_type=dict(type='str', choices=list(TARGET_TYPES)),
            interrupt_on_error=dict(type='bool'),
            timeout=dict(type='str'),
            payload_type=dict(type='str', choices=list(PAYLOAD_TYPES)),
            rotate_signing_key=dict(type='bool', default=False, no_log=False),
            force=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        check_text(params['name'], 'name')
        if params.get('endpoint') is not None:
            check_text(params['endpoint'], 'endpoint', 2048 if params['api_version'] == 'v2' else MAX_TEXT)
        if params.get('timeout') is not None:
            parse_duration(params['timeout'], 'timeout')
    except ValueError as exc:
        module.fail(str(exc))
    if params.get('target_type') == 'async' and params.get('interrupt_on_error'):
        module.fail('interrupt_on_error is not allowed for async targets, which ZITADEL does not wait for.')
    if params['rotate_signing_key'] and params['state'] != 'present':
        module.fail('rotate_signing_key needs state=present.')
    if params['force'] and params['state'] != 'absent':
        module.fail('force needs state=absent.')
    if params.get('payload_type') and params['api_version'] != 'v2':
        module.fail('payload_type needs api_version v2 (ZITADEL 4.x).')
    module.run(run)


if __name__ == '__main__':
    main()
