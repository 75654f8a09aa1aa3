#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: enms_service_run
short_description: Run an eNMS service or workflow and wait for its result
version_added: 0.1.0
description:
  - Runs an eNMS service or workflow by name (C(POST /rest/run_service)) on devices, pools and IP addresses, or
    on the service's own targets when none is given.
  - The run is always started asynchronously (C(async) is sent explicitly, since eNMS changed its default across
    versions). With O(wait=true), the module then polls C(GET /rest/result/<scoped name>/<runtime>) until the run
    has finished, tolerating the short time (O(not_found_timeout)) in which eNMS does not know the run yet.
  - eNMS keeps a run's results under the service's scoped name, not under the full name the run is started with
    (V([Shared] Backup) is started as V([Shared] Backup) and its results are kept under V(Backup); a service in a
    workflow is named V([<workflow>] <name>)). With O(wait=true), and in check mode, the module first reads the
    service (C(GET /rest/instance/service/<name>), one request) to learn its scoped name, so the eNMS user needs
    access to C(GET /rest/instance) and C(GET /rest/result) as well as C(POST /rest/run_service). Give O(name) as
    you would to C(run_service), the full name.
  - Running a service is not idempotent. Every run that is not in check mode starts the service again and reports
    C(changed=true). The run request is sent exactly once; it is never retried, even on a network error after which
    it may or may not have reached eNMS (the error then says so).
  - eNMS refuses some runs with HTTP 200 and an error (unknown devices or pools, runs from the REST API not allowed,
    a disabled workflow, a duplicate run name) and others with HTTP 403 (unknown service, or no right to run it).
    Each of them fails the task with eNMS's own words.
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.enms
  - netops.bridge.attributes
  - netops.bridge.attributes.enms_group
attributes:
  check_mode:
    support: full
    details:
      - In check mode the service is read (which proves that it exists and that the credentials work) and the run is
        not started; the module returns in RV(would_run) what it would run, reports C(changed=true), and returns the
        placeholder V(netops.bridge-check-mode-placeholder) as RV(runtime), which M(netops.bridge.enms_result_info)
        accepts in check mode.
  diff_mode:
    support: none
options:
  name:
    description:
      - Name of the service or workflow, exactly as in eNMS (for example V([Shared] ping)).
    type: str
    required: true
  devices:
    description:
      - Names of the devices to run on. Any of O(devices), O(pools) and O(ip_addresses) replaces the service's own
        targets; with none of them, the run is on the service's own targets.
      - eNMS runs a service given only empty lists on its own targets. So that an empty list (an empty inventory
        group, say) never runs a change on every device of the service, the module refuses it before any request
        unless O(allow_empty_targets=true).
    type: list
    elements: str
  pools:
    description: Names of the pools to run on.
    type: list
    elements: str
  ip_addresses:
    description: IP addresses of the devices to run on.
    type: list
    elements: str
  payload:
    description:
      - Extra keys for the run, which the service reads as C(payload[...]).
      - Keys that the request itself uses (C(name), C(devices), C(pools), C(ip_addresses), C(async), C(form),
        C(ignore_invalid_targets)) are refused.
    type: dict
  run_name:
    description: A name for this run (eNMS's C(form.name)). eNMS refuses a name that a run already has.
    type: str
  allow_empty_targets:
    description:
      - When O(devices), O(pools) and O(ip_addresses) are given but all empty, run on the service's own targets
        instead of failing before any request.
    type: bool
    default: false
    version_added: 1.1.0
  check_targets:
    description:
      - Before running (and in check mode), read whether eNMS knows every device, pool and IP address given, with one
        C(POST /rest/search) of the devices' names and addresses (one per 1,000 devices; it only reads) and one of the
        pools' names, never one request per target (eNMS checks the password on every request).
      - Unknown targets fail the task before the run, all of them named, unless O(ignore_invalid_targets=true); they
        are returned in RV(unknown_targets) either way.
    type: bool
    default: false
    version_added: 1.1.0
  ignore_invalid_targets:
    description:
      - Run on the valid targets even when some devices, pools or IP addresses are unknown to eNMS. The unknown
        ones are then returned in RV(errors) and warned about.
      - When V(false), an unknown target fails the task and nothing runs.
    type: bool
    default: false
  wait:
    description: Wait for the run to finish. With V(false), the module returns the RV(runtime) at once.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for the run to finish before the task fails (the run goes on in eNMS).
    type: float
    default: 3600
  poll_interval:
    description: Longest pause, in seconds, between two polls; the pause starts at a quarter of a second and grows.
    type: float
    default: 5
  not_found_timeout:
    description:
      - With O(wait=true), seconds for which eNMS may answer that it has no run for the service's scoped name and the
        runtime (C(There are no results or on-going services ...)) before the task fails, naming the service, the
        scoped name and the runtime it looked up.
      - A new run becomes visible a moment after eNMS answers C(run_service); on a server whose task queue is busy
        that moment can be longer, so raise this there. V(0) fails at the first such answer.
    type: float
    default: 10
    version_added: 1.1.0
  fail_on_failure:
    description: Fail the task when the finished run's C(success) is false, naming the devices that failed.
    type: bool
    default: true
seealso:
  - module: netops.bridge.enms_result_info
'''

EXAMPLES = r'''
- name: Back up two routers' configuration and wait
  netops.bridge.enms_service_run:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    name: Configuration Backup
    devices: [Washington, Atlanta]
  register: backup

- name: Run a workflow on a pool with payload values, without waiting
  netops.bridge.enms_service_run:
    name: "[Shared] Upgrade workflow"
    pools: [Edge routers]
    payload:
      target_version: "17.9.4"
      change_ticket: CHG-1234
    wait: false
  register: upgrade

- name: Later, wait for it
  netops.bridge.enms_result_info:
    name: "[Shared] Upgrade workflow"
    runtime: "{{ upgrade.runtime }}"
    wait: true
'''

RETURN = r'''
runtime:
  description: The run's runtime, its identifier in eNMS; in check mode the placeholder V(netops.bridge-check-mode-placeholder).
  returned: when the run was started, and in check mode
  type: str
  sample: "2024-03-12 10:11:12.123456"
status:
  description: The run's status (V(Running), V(Completed), V(Aborted), V(Aborted (RELOAD\))).
  returned: when O(wait=true) and the run was started
  type: str
  sample: Completed
success:
  description: Whether the run succeeded.
  returned: when O(wait=true) and the run was started
  type: bool
  sample: true
summary:
  description: Names of the devices on which the run succeeded, failed and was skipped, as eNMS's own summary has them.
  returned: when O(wait=true) and the run was started
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
  sample: {"success": ["Washington"], "failure": ["Atlanta"], "discard": []}
duration:
  description: How long the run took, as eNMS reports it.
  returned: when O(wait=true) and the run was started
  type: str
  sample: "0:00:01"
result:
  description: The whole result of the run as eNMS returns it.
  returned: when O(wait=true) and the run was started
  type: dict
errors:
  description: Targets eNMS did not know, with O(ignore_invalid_targets=true).
  returned: when the run was started
  type: list
  elements: str
  sample: ["No device with the name 'Boston'"]
scoped_name:
  description: The service's scoped name, under which eNMS keeps the run's results.
  returned: when O(wait=true), and in check mode
  type: str
  sample: Backup
  version_added: 1.1.0
polls:
  description: How many times the result was read.
  returned: when O(wait=true) and the run was started
  type: int
  sample: 3
unknown_targets:
  description: With O(check_targets=true), the targets eNMS does not know, by kind.
  returned: when O(check_targets=true)
  type: dict
  sample: {devices: [Washingtn], pools: [], ip_addresses: []}
would_run:
  description: The request the module would send.
  returned: in check mode
  type: dict
  sample: {"name": "Configuration Backup", "devices": ["Washington"], "async": true}
'''

from ansible.module_utils.common.text.converters import to_text
from ansible_collections.netops.bridge.plugins.module_utils._module import CHECK_MODE_PLACEHOLDER
from ansible_collections.netops.bridge.plugins.module_utils.enms import (
    RUN_REQUEST_KEYS, EnmsModule, describe_run, run_outcome, wait_argument_spec)

TARGET_KEYS = ('devices', 'pools', 'ip_addresses')


def run_request(params):
    body = dict(params.get('payload') or {})
    body['name'] = params['name']
    body['async'] = True
    for key in TARGET_KEYS:
        if params.get(key):
            body[key] = params[key]
    if params['ignore_invalid_targets']:
        body['ignore_invalid_targets'] = True
    if params.get('run_name'):
        body['form'] = {'name': params['run_name']}
    return body


def run(module):
    params = module.params
    body = run_request(params)
    scoped_name = None
    if params['wait'] or module.check_mode:
        # Read before running: results are kept under the scoped name, and a run we could not wait on is not started.
        scoped_name = module.api.scoped_name(params['name'])
        module.result['scoped_name'] = scoped_name
    if params['check_targets']:
        check_targets(module)
    if module.check_mode:
        module.result.update(changed=True, would_run=body, runtime=CHECK_MODE_PLACEHOLDER)
        return
    answer = module.apply(module.api.run_service, body)
    errors = list(answer.get('errors') or [])
    module.result.update(runtime=answer['runtime'], errors=errors)
    for error in errors:
        module.ansible.warn('eNMS: %s' % error)
    if not params['wait']:
        return
    what = describe_run(params['name'], scoped_name, module.result['runtime'])
    answer, polls = module.api.wait_result(params['name'], scoped_name, answer['runtime'], params)
    outcome = run_outcome(answer)
    module.result.update(outcome, polls=polls)
    if outcome['status'] != 'Completed':
        module.fail('%s ended with status %s.' % (what, outcome['status']))
    if params['fail_on_failure'] and outcome['success'] is False:
        failed = ', '.join(outcome['summary']['failure']) or 'none named'
        module.fail('%s failed on: %s.' % (what, failed))


def check_targets(module):
    """Every device, pool and IP address given exists: one bulk read per kind, whatever the number of targets."""
    params = module.params
    unknown = dict((key, []) for key in TARGET_KEYS)
    if params.get('devices') or params.get('ip_addresses'):
        rows = module.api.search('device', ['ip_address'])
        names = set(to_text(row.get('name')) for row in rows)
        addresses = set(to_text(row.get('ip_address')) for row in rows)
        unknown['devices'] = [name for name in params.get('devices') or [] if name not in names]
        unknown['ip_addresses'] = [address for address in params.get('ip_addresses') or [] if address not in addresses]
    if params.get('pools'):
        pools = set(to_text(row.get('name')) for row in module.api.search('pool', []))
        unknown['pools'] = [name for name in params['pools'] if name not in pools]
    module.result['unknown_targets'] = unknown
    problems = ['%s %s' % (key.replace('_', ' '), ', '.join(names)) for key, names in unknown.items() if names]
    if problems and not params['ignore_invalid_targets']:
        module.fail('eNMS does not know %s: nothing was run. Correct the names, or set ignore_invalid_targets=true to '
                    'run on the known ones.' % '; '.join(problems))
    for problem in problems:
        module.ansible.warn('eNMS does not know %s; they will be left out.' % problem)


def main():
    spec = dict(
        name=dict(type='str', required=True),
        devices=dict(type='list', elements='str'),
        pools=dict(type='list', elements='str'),
        ip_addresses=dict(type='list', elements='str'),
        payload=dict(type='dict'),
        run_name=dict(type='str'),
        ignore_invalid_targets=dict(type='bool', default=False),
        check_targets=dict(type='bool', default=False),
        allow_empty_targets=dict(type='bool', default=False),
        fail_on_failure=dict(type='bool', default=True),
    )
    spec.update(wait_argument_spec(default_wait=True))
    module = EnmsModule(argument_spec=spec, supports_check_mode=True)
    module.require_non_empty('name', 'run_name')
    module.validate_wait()
    collisions = sorted(set(module.params.get('payload') or {}) & set(RUN_REQUEST_KEYS))
    if collisions:
        module.fail('payload must not contain %s: the run request itself uses these keys. Use the options instead.'
                    % ', '.join(collisions))
    for key in TARGET_KEYS:
        if any(not (item or '').strip() for item in module.params.get(key) or []):
            module.fail('%s must not contain empty names.' % key)
    refuse_only_empty_targets(module)
    module.run(run)


def refuse_only_empty_targets(module):
    given = [key for key in TARGET_KEYS if module.params.get(key) is not None]
    if given and not any(module.params[key] for key in given) and not module.params['allow_empty_targets']:
        module.fail('%s %s empty: eNMS would run %r on its own targets instead. Give targets, leave %s out to run on the '
                    "service's own targets, or set allow_empty_targets=true." % (
                        ' and '.join(given), 'is' if len(given) == 1 else 'are', module.params['name'],
                        'it' if len(given) == 1 else 'them'))


if __name__ == '__main__':
    main()
