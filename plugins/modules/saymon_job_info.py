#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: saymon_job_info
short_description: Read a SAYMON job, optionally waiting for it to finish
version_added: 0.1.0
description:
  - Reads a job (C(GET /node/api/jobs/:id)), such as the one M(netops.bridge.saymon_operation) returns in RV(netops.bridge.saymon_operation#module:job_id).
  - SAYMON jobs have no status field. A script job counts as finished once its exit code is present, an MQTT job at once.
  - With O(wait=true), polls until the job has finished. While waiting, a job that SAYMON does not know yet (HTTP 404,
    right after execution) is polled again for up to O(not_found_timeout) seconds, then the task fails with "never
    found"; without waiting, an unknown job fails the task at once.
  - In check mode, given the placeholder V(netops.bridge-check-mode-placeholder) that M(netops.bridge.saymon_operation)
    returns as its job ID in check mode (or that M(netops.bridge.saymon_session) returns as its session ID, with no
    O(username) and O(password)), the module reads nothing, warns, and returns RV(finished=false). Outside check mode
    the placeholder fails the task before any request.
  - This module only reads; it never changes anything and always reports C(changed=false).
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.saymon
  - netops.bridge.saymon.job_wait
  - netops.bridge.attributes
  - netops.bridge.attributes.info_module
  - netops.bridge.attributes.saymon_group
options:
  job_id:
    description: ID of the job.
    type: str
    required: true
  wait:
    description: Wait until the job has finished.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait when O(wait=true) before the task fails.
    type: float
    default: 300
  poll_interval:
    description: Longest pause, in seconds, between two polls; the pause starts at a quarter of a second and grows.
    type: float
    default: 5
seealso:
  - module: netops.bridge.saymon_operation
'''

EXAMPLES = r'''
- name: Start a long operation without waiting
  netops.bridge.saymon_operation:
    link_id: 62de902eb238aa0131bd3b01
    operation_name: backup-config
  register: started

- name: Later, wait for its job
  netops.bridge.saymon_job_info:
    job_id: "{{ started.job_id }}"
    wait: true
    wait_timeout: 600
  register: job

- name: Fail when the script failed
  ansible.builtin.assert:
    that: job.exit_code == 0
    fail_msg: "{{ job.stdout }}"
'''

RETURN = r'''
job:
  description: The job as SAYMON returns it.
  returned: always
  type: dict
  sample:
    id: 62de902eb238aa0131bd3b8b
    description:
      exitCode: 0
      stdout: Hello, world!
    operation_id: 62de902eb238aa0131bd3c01
    owner_id: 62de902eb238aa0131bd3b01
    owner_type: 2
    timestamp: 1594970336122
    results: []
finished:
  description: Whether the job has finished.
  returned: always
  type: bool
  sample: true
exit_code:
  description: The job's exit code; V(null) while it runs and for MQTT operations.
  returned: always
  type: int
  sample: 0
stdout:
  description: What the operation's script printed; V(null) while it runs.
  returned: always
  type: str
  sample: Hello, world!
polls:
  description: How many times the job was read.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.netops.bridge.plugins.module_utils.saymon import SaymonModule, job_summary, wait_argument_spec


def run(module):
    params = module.params
    if module.placeholder_given('job_id') or not module.can_read:
        module.ansible.warn('check mode: job_id or session_id is a placeholder from a task that ran in check mode; '
                            'no job was read.')
        module.result.update(job=None, polls=0, **job_summary(None))
        return
    if params['wait']:
        job, polls = module.api.wait_job(params['job_id'], params)
    else:
        job, polls = module.api.get_job(params['job_id']), 1
    module.result.update(job=job, polls=polls, **job_summary(job))


def main():
    spec = dict(job_id=dict(type='str', required=True))
    spec.update(wait_argument_spec(default_wait=False))
    module = SaymonModule(
        argument_spec=spec,
        supports_check_mode=True,
    )
    module.require_non_empty('job_id')
    module.validate_wait()
    module.placeholder_given('job_id')
    module.run(run)


if __name__ == '__main__':
    main()
