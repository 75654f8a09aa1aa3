#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: saymon_operation
short_description: Execute an operation on a SAYMON link or object, and optionally wait for its job
version_added: 0.1.0
description:
  - Executes an operation of a SAYMON link (C(POST /node/api/links/:link_id/operations/:op_id/execute)) or object
    (C(POST /node/api/objects/:obj_id/operations/:op_id/execute)) and returns the ID of the job that runs it.
  - The operation is given by O(operation_id), or by O(operation_name), which is looked up among the entity's
    operations (one extra read).
  - With O(wait=true), polls the job (C(GET /node/api/jobs/:id)) until it has finished and returns its exit code and
    output. SAYMON jobs have no status field, so a script job counts as finished once its exit code is present and
    an MQTT job at once.
  - Executing an operation is not idempotent. Every run that is not in check mode executes it again and reports
    C(changed=true). The execute request is sent exactly once; it is never retried, even on a network error after
    which it may or may not have reached SAYMON (the error then says so, and the task reports C(changed=true)).
    An execute request SAYMON refuses (HTTP 4xx) executed nothing and reports C(changed=false).
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.saymon
  - netops.bridge.saymon.job_wait
  - netops.bridge.attributes
  - netops.bridge.attributes.saymon_group
attributes:
  check_mode:
    support: full
    details:
      - In check mode the link or object and the operation are looked up (an operation given by ID that is not among
        the entity's own operations only warns, since it may be inherited from the entity's class, unless
        O(require_listed=true)), nothing is
        executed, and the module reports C(changed=true) and the placeholder V(netops.bridge-check-mode-placeholder)
        as RV(job_id), which M(netops.bridge.saymon_job_info) accepts in check mode.
      - Given the check-mode placeholder of M(netops.bridge.saymon_session) as O(session_id) and no O(username) and
        O(password), nothing is looked up (the module warns).
  diff_mode:
    support: none
options:
  link_id:
    description:
      - ID of the link whose operation is executed.
      - Exactly one of O(link_id) and O(object_id) is required.
    type: str
  object_id:
    description:
      - ID of the object whose operation is executed.
    type: str
  operation_id:
    description:
      - ID of the operation to execute.
      - Exactly one of O(operation_id) and O(operation_name) is required.
    type: str
  operation_name:
    description:
      - Name of the operation to execute, looked up among the operations of the link or object.
      - Fails when no operation or more than one operation has this name.
    type: str
  require_listed:
    description:
      - Read the operations SAYMON lists for the link or object, and fail before anything is executed when
        O(operation_id) is not among them. Without it an ID is executed as given (in check mode an unlisted ID only
        warns).
      - SAYMON lists an entity's own operations; one inherited from the entity's class is not listed, so it is refused.
    type: bool
    default: false
    version_added: 1.2.0
  arguments:
    description:
      - Operation arguments, sent as the JSON request body. The operation's script reads them as C({{args.<name>}}).
      - When not set, the request has no body, as the SAYMON documentation shows.
    type: dict
  wait:
    description:
      - Wait for the job to finish and return RV(job), RV(exit_code) and RV(stdout).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for the job to finish when O(wait=true). The task fails when the job has not finished by then;
        the operation has been executed all the same.
    type: float
    default: 300
  poll_interval:
    description:
      - Longest pause, in seconds, between two polls of the job. Polling starts after a quarter of a second and the
        pause grows up to this value, so short jobs are seen quickly and long ones are not polled too often.
    type: float
    default: 5
  fail_on_error:
    description:
      - When O(wait=true), fail the task if the job's exit code is not 0. With V(false), the exit code is only returned.
    type: bool
    default: true
seealso:
  - module: netops.bridge.saymon_job_info
  - module: netops.bridge.saymon_session
'''

EXAMPLES = r'''
- name: Put a link into maintenance (operation given by ID, one request)
  netops.bridge.saymon_operation:
    url: https://saymon.example.com
    username: automation
    password: "{{ vault_saymon_password }}"
    link_id: 62de902eb238aa0131bd3b01
    operation_id: 62de902eb238aa0131bd3c01

- name: Ping from an object's operation by name, with arguments, and wait for the result
  netops.bridge.saymon_operation:
    object_id: 5e9465cb00000000000000a1
    operation_name: ping
    arguments:
      host: example.com
      count: 4
    wait: true
    wait_timeout: 120
  register: ping

- name: Show what the script printed
  ansible.builtin.debug:
    msg: "{{ ping.stdout }}"

- name: Run a check whose non-zero exit code is information, not failure
  netops.bridge.saymon_operation:
    link_id: 62de902eb238aa0131bd3b01
    operation_name: check-errors
    wait: true
    fail_on_error: false
  register: check
'''

RETURN = r'''
job_id:
  description: ID of the job that executes the operation; in check mode the placeholder V(netops.bridge-check-mode-placeholder).
  returned: when the operation was executed, and in check mode
  type: str
  sample: 62de902eb238aa0131bd3b8b
operation_id:
  description: ID of the executed operation (resolved from O(operation_name) when that was given).
  returned: always
  type: str
  sample: 62de902eb238aa0131bd3c01
job:
  description: The job as SAYMON returns it from C(GET /node/api/jobs/:id).
  returned: when O(wait=true) and the operation was executed
  type: dict
  sample:
    id: 62de902eb238aa0131bd3b8b
    description:
      exitCode: 0
      stdout: Hello, world!
    operation_id: 62de902eb238aa0131bd3c01
    owner_id: 62de902eb238aa0131bd3b01
    owner_type: 2
    process_meta: null
    timestamp: 1594970336122
    results: []
exit_code:
  description: The job's exit code (script operations). V(null) for MQTT operations.
  returned: when O(wait=true) and the operation was executed
  type: int
  sample: 0
stdout:
  description: What the operation's script printed.
  returned: when O(wait=true) and the operation was executed
  type: str
  sample: maintenance on
polls:
  description: How many times the job was read before it had finished.
  returned: when O(wait=true) and the operation was executed
  type: int
  sample: 3
'''

from ansible_collections.netops.bridge.plugins.module_utils._module import CHECK_MODE_PLACEHOLDER
from ansible_collections.netops.bridge.plugins.module_utils.saymon import SaymonModule, job_summary, wait_argument_spec


def entity_of(params):
    if params.get('link_id'):
        return 'link', params['link_id']
    return 'object', params['object_id']


def described(operations):
    return ', '.join('%s (%s)' % (op.get('name'), op.get('id')) for op in operations) or 'none'


def resolve_operation(module, kind, entity_id):
    """The operation ID to execute; reads the entity's operations when a name was given (or in check mode)."""
    params = module.params
    if params.get('operation_id') and not (module.check_mode or params['require_listed']):
        return params['operation_id']
    operations = module.api.operations(kind, entity_id)
    if params.get('operation_id'):
        listed = any(op.get('id') == params['operation_id'] for op in operations)
        if not listed and params['require_listed']:
            module.fail('%s %s has no operation with ID %s (its operations: %s); nothing was executed.'
                        % (kind, entity_id, params['operation_id'], described(operations)))
        if not listed:
            module.ansible.warn('operation %s is not among the own operations of %s %s; it may be inherited from its class.'
                                % (params['operation_id'], kind, entity_id))
        return params['operation_id']
    name = params['operation_name']
    matches = [op for op in operations if op.get('name') == name]
    if not matches:
        available = ', '.join(sorted(set(str(op.get('name')) for op in operations))) or 'none'
        module.fail('%s %s has no operation named %r (its operations: %s).' % (kind, entity_id, name, available))
    if len(matches) > 1:
        module.fail('%s %s has %d operations named %r (IDs %s); give operation_id instead.'
                    % (kind, entity_id, len(matches), name, ', '.join(str(op.get('id')) for op in matches)))
    return matches[0].get('id')


def run(module):
    params = module.params
    kind, entity_id = entity_of(params)
    if not module.can_read:
        module.ansible.warn('check mode: session_id is the placeholder of a check-mode saymon_session and there is no '
                            'username and password, so %s %s and its operation were not looked up.' % (kind, entity_id))
        module.result.update(changed=True, operation_id=params.get('operation_id'), job_id=CHECK_MODE_PLACEHOLDER)
        return
    operation_id = resolve_operation(module, kind, entity_id)
    module.result['operation_id'] = operation_id
    if module.check_mode:
        module.result.update(changed=True, job_id=CHECK_MODE_PLACEHOLDER)
        return
    job_id = module.apply(module.api.execute, kind, entity_id, operation_id, params.get('arguments'))
    module.result['job_id'] = job_id
    if not params['wait']:
        return
    job, polls = module.api.wait_job(job_id, params)
    summary = job_summary(job)
    module.result.update(job=job, exit_code=summary['exit_code'], stdout=summary['stdout'], polls=polls)
    if params['fail_on_error'] and summary['exit_code'] not in (None, 0):
        module.fail('SAYMON job %s of operation %s on %s %s finished with exit code %s: %s'
                    % (job_id, operation_id, kind, entity_id, summary['exit_code'], summary['stdout']))


def main():
    spec = dict(
        link_id=dict(type='str'),
        object_id=dict(type='str'),
        operation_id=dict(type='str'),
        operation_name=dict(type='str'),
        arguments=dict(type='dict'),
        require_listed=dict(type='bool', default=False),
        fail_on_error=dict(type='bool', default=True),
    )
    spec.update(wait_argument_spec(default_wait=False))
    module = SaymonModule(
        argument_spec=spec,
        mutually_exclusive=[('link_id', 'object_id'), ('operation_id', 'operation_name')],
        required_one_of=[('link_id', 'object_id'), ('operation_id', 'operation_name')],
        supports_check_mode=True,
    )
    module.require_non_empty('link_id', 'object_id', 'operation_id', 'operation_name')
    module.validate_wait()
    module.run(run)


if __name__ == '__main__':
    main()
