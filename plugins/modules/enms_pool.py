#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: enms_pool
short_description: Declare an eNMS pool, from a list of devices or from device criteria
version_added: 1.2.0
description:
  - Creates, updates or deletes the eNMS pool O(name).
  - A pool is either B(manually defined), a fixed list of devices (O(devices)), or B(computed) from criteria on the
    devices' properties (O(device_filters)), eNMS's own pool criteria. Give one of them, or neither to leave the
    members as they are.
  - The module reads the pool (C(GET /rest/instance/pool/<name>), one request) and writes only when it differs, in one
    C(POST /rest/instance/pool) of the fields that differ. After a write of a computed pool it asks eNMS to recompute
    the members (C(POST /rest/update_all_pools), which recomputes every pool the user may edit, as eNMS's "Update all
    pools" does), then reads the pool again and returns its members in RV(devices). A second run reports
    C(changed=false) with one read.
  - eNMS computes a pool only when asked. An unchanged computed pool returns the members eNMS holds, which do not
    include devices created since eNMS last recomputed it.
  - O(device_filters) declares the whole criteria set. A criterion the pool has in eNMS but O(device_filters) does not
    name is cleared.
  - A filter property that eNMS pools have no criterion for is refused before any write (eNMS would ignore it and the
    pool would select every device); so is a device in O(devices) that eNMS does not have.
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
      - The pool is read; nothing is written, and eNMS is not asked to recompute it. RV(devices) is then the declared
        list of a manually defined pool, and the current members of a computed one.
  diff_mode:
    support: full
    details: The diff shows the pool's description, kind, criteria and members before and after.
options:
  name:
    description: Name of the pool, its identity for this module.
    type: str
    required: true
  state:
    description: V(present) creates or updates the pool, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: The pool's description. Left as it is when not given.
    type: str
  devices:
    description:
      - The names of the pool's devices, making it a manually defined pool holding exactly these.
      - Mutually exclusive with O(device_filters).
    type: list
    elements: str
  device_filters:
    description:
      - The pool's criteria, making it a computed pool. A mapping of a device property (V(vendor), V(name),
        V(ip_address), V(model), V(location), a custom property, ...) to V({value, match, invert}).
      - O(device_filters[].value) is a text, a number, or V(true)/V(false) for a boolean property. An empty text
        needs V(match=equality) (it selects the devices where the property is empty).
      - O(device_filters[].match) is V(inclusion) (the property contains the value; the default, case-insensitive on
        eNMS's default SQLite database), V(equality), or V(regex).
      - O(device_filters[].invert=true) selects the devices that do not match.
      - All criteria must hold for a device to be a member. An empty mapping leaves the pool without members.
      - Mutually exclusive with O(devices).
    type: dict
seealso:
  - module: netops.bridge.enms_device_info
  - module: netops.bridge.enms_service_run
'''

EXAMPLES = r'''
- name: A pool of the Arista devices of site 1
  netops.bridge.enms_pool:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    name: site1-arista
    description: Arista devices of site 1
    device_filters:
      vendor: {value: Arista, match: equality}
      name: {value: '^site1-', match: regex}
  register: site1_arista

- name: Show its members
  ansible.builtin.debug:
    var: site1_arista.devices

- name: A pool of exactly these devices
  netops.bridge.enms_pool:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    name: core-routers
    devices: [Washington, Atlanta]

- name: Remove a pool (its devices stay)
  netops.bridge.enms_pool:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    name: old-pool
    state: absent
'''

RETURN = r'''
devices:
  description:
    - The names of the pool's members, sorted; empty after O(state=absent).
    - After a change to a computed pool, the members eNMS computed; see the check mode attribute for check mode.
  returned: always
  type: list
  elements: str
  sample: [site1-leaf1, site1-spine1]
pool:
  description: The pool as declared, after the change; V(null) after O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: The pool's name.
      type: str
      returned: always
    description:
      description: The pool's description.
      type: str
      returned: always
    manually_defined:
      description: V(true) for a fixed list of devices, V(false) for a pool computed from its criteria.
      type: bool
      returned: always
    device_filters:
      description: The pool's criteria in eNMS's terms (a boolean as V(bool-true)/V(bool-false), an empty text as V(match=empty)).
      type: dict
      returned: always
'''

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils.enms import PLATFORM, EnmsModule, FilterError, criteria_from_filters

KIND = 'pool'
CRITERION_PREFIX = 'device_'
MATCH_SUFFIX = '_match'
UNSET_CRITERION = {'value': '', 'match': 'inclusion', 'invert': False}


def criterion_properties(record):
    """The device properties a pool record has criteria for (its ``device_<property>_match`` columns)."""
    return set(key[len(CRITERION_PREFIX):-len(MATCH_SUFFIX)] for key in record
               if key.startswith(CRITERION_PREFIX) and key.endswith(MATCH_SUFFIX))


def active_criteria(record):
    """The criteria eNMS's compute_pool applies: a property with a value, or with the match ``empty``."""
    found = {}
    for name in criterion_properties(record):
        value = record.get(CRITERION_PREFIX + name) or ''
        match = record.get(CRITERION_PREFIX + name + MATCH_SUFFIX) or 'inclusion'
        if value or match == 'empty':
            found[name] = {'value': to_text(value), 'match': match,
                           'invert': bool(record.get(CRITERION_PREFIX + name + '_invert'))}
    return found


def wanted_criteria(device_filters):
    """``device_filters`` as the pool stores them, through the same translation as a device search."""
    criteria = criteria_from_filters(device_filters, 'device_filters')
    return dict((name, {'value': to_text(criteria[name]), 'match': criteria[name + '_filter'], 'invert': criteria[name + '_invert']})
                for name in device_filters)


def pool_view(record):
    return {'name': record['name'], 'description': record.get('description') or '',
            'manually_defined': bool(record.get('manually_defined')), 'device_filters': active_criteria(record),
            'devices': sorted(to_text(name) for name in record.get('devices') or [])}


def wanted_view(params, current):
    """The pool as declared: what the options give, the rest as eNMS has it (or its defaults for a new pool)."""
    after = dict(current or {'name': params['name'], 'description': '', 'manually_defined': False,
                              'device_filters': {}, 'devices': []})
    if params['description'] is not None:
        after['description'] = params['description']
    if params['devices'] is not None:
        after.update(manually_defined=True, devices=sorted(set(params['devices'])))
    elif params['device_filters'] is not None:
        after.update(manually_defined=False, device_filters=wanted_criteria(params['device_filters']))
    return after


def request_body(current, after):
    """The fields of ``after`` that differ from ``current``, in eNMS's pool columns; criteria to drop are cleared."""
    body = {'name': after['name']}
    before = current or {}
    if after['description'] != before.get('description'):
        body['description'] = after['description']
    if after['manually_defined'] != before.get('manually_defined'):
        body['manually_defined'] = after['manually_defined']
    if after['manually_defined'] and after['devices'] != before.get('devices'):
        body['devices'] = after['devices']
    if not after['manually_defined'] and after['device_filters'] != before.get('device_filters'):
        dropped = set(before.get('device_filters') or {}) - set(after['device_filters'])
        for name in sorted(dropped) + sorted(after['device_filters']):
            wanted = after['device_filters'].get(name, UNSET_CRITERION)
            body[CRITERION_PREFIX + name] = wanted['value']
            body[CRITERION_PREFIX + name + MATCH_SUFFIX] = wanted['match']
            body[CRITERION_PREFIX + name + '_invert'] = wanted['invert']
    return body


def refuse_unknown_criteria(module, wanted, known):
    unknown = sorted(set(wanted) - known)
    if unknown:
        module.fail('eNMS pools have no criterion for the device propert%s %s; eNMS would ignore %s and select every device, '
                    'so nothing was written.' % ('y' if len(unknown) == 1 else 'ies', ', '.join(unknown),
                                                 'it' if len(unknown) == 1 else 'them'))


def known_criteria(module, existing, wanted):
    """Which of ``wanted`` eNMS pools have criteria for: read from the pool itself, else from one other pool (eNMS
    creates three at setup), asked for their ``device_<property>_match`` columns; None when eNMS has no pool at all."""
    if existing is not None:
        return criterion_properties(existing)
    columns = ['name'] + [CRITERION_PREFIX + name + MATCH_SUFFIX for name in sorted(wanted)]
    for other in module.api.search_page(KIND, columns, {}, 0, 1):
        return criterion_properties(other)
    return None


def refuse_unknown_devices(module, names):
    known = set(to_text(record.get('name')) for record in module.api.search('device', ['name']))
    unknown = sorted(set(names) - known)
    if unknown:
        module.fail('eNMS has no device named %s, so the pool %r was not written.' % (', '.join(unknown), module.params['name']))


def verify_kept(module, after, stored):
    """eNMS drops a criterion on a property it has no column for without a word: what it stored must be what was sent."""
    if not after['manually_defined'] and active_criteria(stored) != after['device_filters']:
        raise ApiError(PLATFORM, 'eNMS did not keep the criteria of pool %r as written' % after['name'],
                       detail='written %r, stored %r' % (after['device_filters'], active_criteria(stored)))


def run(module):
    params = module.params
    existing = module.api.instance(KIND, params['name'])
    current = pool_view(existing) if existing is not None else None
    module.result['diff'] = {'before': current or {}, 'after': {}}
    if params['state'] == 'absent':
        module.result.update(pool=None, devices=[])
        if current is not None:
            module.apply(module.api.delete_instance, KIND, params['name'])
        return
    try:
        after = wanted_view(params, current)
    except FilterError as exc:
        module.fail(to_text(exc))
    if after['device_filters'] and not after['manually_defined']:
        known = known_criteria(module, existing, after['device_filters'])
        if known is not None:
            refuse_unknown_criteria(module, after['device_filters'], known)
    body = request_body(current, after)
    if 'devices' in body:
        refuse_unknown_devices(module, body['devices'])
    module.result['diff']['after'] = after
    module.result.update(pool=dict((k, v) for k, v in after.items() if k != 'devices'), devices=after['devices'])
    if current is not None and len(body) == 1:
        return
    if module.apply(module.api.write_instance, KIND, body) is None:
        return
    if not after['manually_defined']:
        module.api.update_all_pools()
    stored = module.api.instance(KIND, params['name'])
    verify_kept(module, after, stored)
    after['devices'] = pool_view(stored)['devices']
    module.result['devices'] = after['devices']


def main():
    module = EnmsModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            description=dict(type='str'),
            devices=dict(type='list', elements='str'),
            device_filters=dict(type='dict'),
        ),
        mutually_exclusive=[('devices', 'device_filters')],
        supports_check_mode=True,
    )
    module.require_non_empty('name')
    module.run(run)


if __name__ == '__main__':
    main()
