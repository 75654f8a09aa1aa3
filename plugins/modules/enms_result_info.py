#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: enms_result_info
short_description: Read the result of an eNMS run, optionally waiting for it to finish
version_added: 0.1.0
description:
  - Reads the result of a run started by M(netops.bridge.enms_service_run) or otherwise.
  - Give O(name) as the run was started with, the service's full name (for example V([Shared] Backup)). eNMS keeps
    results under the service's scoped name (V(Backup)), so the module first reads the service
    (C(GET /rest/instance/service/<name>)) to learn it, then reads C(GET /rest/result/<scoped name>/<runtime>);
    two requests, or one more per poll.
  - eNMS answers that it has no result until the run exists, and for a runtime it does not know. Without O(wait),
    that answer is returned as RV(found=false); with O(wait=true), the module keeps polling until the run exists and
    has finished, and fails when eNMS still does not know the run after O(not_found_timeout) seconds.
  - In check mode, given the placeholder V(netops.bridge-check-mode-placeholder) that M(netops.bridge.enms_service_run)
    returns as its runtime in check mode, the module reads the service only, warns, and returns RV(found=false).
    Outside check mode the placeholder fails the task before any request.
  - For the run of a workflow (the service read has C(type=workflow)), RV(services) gives each service that ran inside
    it, from one more read, C(POST /rest/search) on eNMS's results with the run's runtime as C(parent_runtime), ordered
    by C(runtime) (eNMS 4.6 cannot order by an association column such as C(service_name)), paged.
  - A workflow or service with no targets needs C(run_method=once) on eNMS; in the default per-device mode eNMS fails
    the run with V(no targets have been selected) before any service runs, and RV(services) is empty.
  - This module only reads; it never changes anything and always reports C(changed=false).
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.enms
  - netops.bridge.attributes
  - netops.bridge.attributes.info_module
  - netops.bridge.attributes.enms_group
options:
  name:
    description: Name of the service or workflow that was run.
    type: str
    required: true
  runtime:
    description: The run's runtime, as RV(netops.bridge.enms_service_run#module:runtime) returns it.
    type: str
    required: true
  wait:
    description: Wait until the run exists and has finished.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait when O(wait=true) before the task fails.
    type: float
    default: 3600
  poll_interval:
    description: Longest pause, in seconds, between two polls; the pause starts at a quarter of a second and grows.
    type: float
    default: 5
  not_found_timeout:
    description:
      - With O(wait=true), seconds for which eNMS may answer that it has no run for the scoped name and O(runtime)
        before the task fails, naming the service, the scoped name and the runtime it looked up.
      - A run started a moment ago may not be visible yet; a runtime with a typo never will be. V(0) fails at the first
        such answer.
    type: float
    default: 10
    version_added: 1.1.0
seealso:
  - module: netops.bridge.enms_service_run
'''

EXAMPLES = r'''
- name: Wait for a run started earlier
  netops.bridge.enms_result_info:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    name: Configuration Backup
    runtime: "{{ backup.runtime }}"
    wait: true
  register: backup_result

- name: Show the devices that failed
  ansible.builtin.debug:
    var: backup_result.summary.failure

- name: Read what each service of a workflow run did
  netops.bridge.enms_result_info:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    name: Upgrade Workflow
    runtime: "{{ upgrade.runtime }}"
    wait: true
  register: upgrade_result

- name: Name the services that failed
  ansible.builtin.debug:
    msg: "{{ upgrade_result.services | rejectattr('success') | map(attribute='name') | list }}"
'''

RETURN = r'''
found:
  description: Whether eNMS knows the run yet.
  returned: always
  type: bool
  sample: true
finished:
  description: Whether the run has finished (its status is no longer V(Running)).
  returned: always
  type: bool
  sample: true
status:
  description: The run's status (V(Running), V(Completed), V(Aborted), V(Aborted (RELOAD\))).
  returned: when RV(found=true)
  type: str
  sample: Completed
success:
  description: Whether the run succeeded; V(null) while it runs.
  returned: when RV(found=true)
  type: bool
  sample: true
summary:
  description: Names of the devices on which the run succeeded and failed.
  returned: when RV(found=true)
  type: dict
  contains:
    success:
      description: Devices on which the run succeeded.
      type: list
      elements: str
      returned: always
    failure:
      description: Devices on which the run failed.
      type: list
      elements: str
      returned: always
    discard:
      description: Devices the run skipped (eNMS's C(discard)).
      type: list
      elements: str
      returned: always
      version_added: 1.1.0
duration:
  description: How long the run took.
  returned: when RV(found=true)
  type: str
  sample: "0:00:01"
result:
  description: The whole result as eNMS returns it (empty while the run has no result yet).
  returned: when RV(found=true)
  type: dict
services:
  description:
    - For the run of a workflow, one entry per service that ran inside it, in the order they ran (the workflow's own
      result is the module's other keys). Nested workflows appear as services, and so do the services inside them.
    - While the run is going on, the services that have a result so far.
  returned: when RV(found=true) and O(name) is a workflow
  type: list
  elements: dict
  version_added: 1.2.0
  contains:
    name:
      description: The service's scoped name (V(Backup) for V([My Workflow] Backup)).
      type: str
      returned: always
      sample: Check Version
    success:
      description: Whether the service succeeded (run device by device without a result of its own, whether it succeeded on every device).
      type: bool
      returned: always
      sample: true
    runtime:
      description: The runtime of the service's own run inside the workflow (each service gets its own).
      type: str
      returned: always
      sample: "2026-12-03 13:46:02.363344"
    devices:
      description: The service's result on each device, for a service run per device; empty for one run once.
      type: list
      elements: dict
      returned: always
      contains:
        name:
          description: The device's name.
          type: str
        success:
          description: Whether the service succeeded on the device.
          type: bool
        runtime:
          description: The runtime of the service's run on the device.
          type: str
        result:
          description: The result on the device as eNMS keeps it.
          type: dict
    result:
      description:
        - The service's result as eNMS keeps it (C(success), C(result), C(summary), ...).
        - V(null) when the workflow ran device by device, where eNMS keeps only the per-device results.
      type: dict
      returned: always
scoped_name:
  description: The service's scoped name, under which eNMS keeps its results.
  returned: always
  type: str
  sample: Backup
  version_added: 1.1.0
polls:
  description: How many times the result was read.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.netops.bridge.plugins.module_utils.enms import EnmsModule, run_finished, run_outcome, wait_argument_spec


def run(module):
    params = module.params
    service = module.api.service(params['name'])
    scoped_name = module.api.scoped_name(params['name'], service)
    module.result['scoped_name'] = scoped_name
    if module.placeholder_given('runtime'):
        module.ansible.warn('check mode: runtime is the placeholder of an enms_service_run that ran in check mode; '
                            'the service was read, no result.')
        module.result.update(found=False, finished=False, polls=0)
        return
    if params['wait']:
        answer, polls = module.api.wait_result(params['name'], scoped_name, params['runtime'], params)
    else:
        answer, polls = module.api.result(scoped_name, params['runtime']), 1
    module.result.update(found=answer is not None, finished=run_finished(answer), polls=polls)
    if answer is not None:
        module.result.update(run_outcome(answer))
        if service.get('type') == 'workflow':
            module.result['services'] = module.api.workflow_services(params['runtime'])


def main():
    spec = dict(name=dict(type='str', required=True), runtime=dict(type='str', required=True))
    spec.update(wait_argument_spec(default_wait=False))
    module = EnmsModule(argument_spec=spec, supports_check_mode=True)
    module.require_non_empty('name', 'runtime')
    module.validate_wait()
    module.placeholder_given('runtime')
    module.run(run)


if __name__ == '__main__':
    main()
