#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: enms_device
short_description: Declare eNMS devices by name, one per task or many in one bulk write
version_added: 1.2.0
description:
  - Makes eNMS devices as declared, identified by name. One device with O(name) and its options, or many with
    O(devices) (a list of the same options, O(devices[].state) included) in one task. Connection options apply to all;
    a device option at the top level together with O(devices) is refused.
  - The module reads the declared devices once (C(POST /rest/search), paged; with more than one declared, every device
    with the compared fields only, since eNMS's criteria hold one name), compares them property by property, and
    writes only the differences, of every created and updated device together, in one C(POST /rest/instance/device)
    (eNMS creates or updates by name). A second run with the same declaration only reads and reports C(changed=false).
  - An option left out leaves that field as it is in eNMS; a device created without it gets eNMS's default.
  - O(state=absent) deletes the device with C(DELETE /rest/instance/device/<name>). eNMS has no bulk delete and checks
    the password on every request (about 0.2 seconds each on eNMS 4.6), so deleting many devices takes that long per
    device; the module sends up to 4 at a time.
  - eNMS answers a device it could not write with HTTP 200 and a C(failure) entry (or an C(error)); each fails the task,
    naming the device and eNMS's words, while RV(created) and RV(updated) report what eNMS did write.
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.enms
  - netops.bridge.attributes
  - netops.bridge.attributes.enms_group
attributes:
  check_mode:
    support: full
    details: The module reads and reports what it would change; it writes nothing.
  diff_mode:
    support: full
    details: The diff shows, per device, the fields that change, before and after (all read fields of a deleted device).
options:
  name:
    description: The device's name. Required unless O(devices) is given.
    type: str
  new_name:
    description:
      - Rename the device O(name) to this name. Changed once; unchanged when a device O(new_name) exists and none named
        O(name) does (the rename was done). When neither exists, the device is created as O(new_name).
      - Both existing fails the task, since eNMS would merge nothing and one of them would have to go.
    type: str
  state:
    description: V(present) (the default) creates or updates the device; V(absent) deletes it.
    type: str
    choices: [present, absent]
  ip_address:
    description: The device's IP address.
    type: str
  port:
    description: The device's port.
    type: int
  vendor:
    description: The device's vendor.
    type: str
  model:
    description: The device's model.
    type: str
  operating_system:
    description: The device's operating system.
    type: str
  os_version:
    description: The device's operating system version.
    type: str
  location:
    description: The device's location.
    type: str
  latitude:
    description: The device's latitude (eNMS keeps it as a text, so V(48.85) and V("48.85") are the same).
    type: str
  longitude:
    description: The device's longitude (kept as a text, like O(latitude)).
    type: str
  description:
    description: The device's description.
    type: str
  netmiko_driver:
    description: The Netmiko driver eNMS uses for the device, for example V(arista_eos).
    type: str
  napalm_driver:
    description: The NAPALM driver eNMS uses for the device, for example V(eos).
    type: str
  scrapli_driver:
    description: The Scrapli driver eNMS uses for the device, for example V(arista_eos).
    type: str
  netconf_driver:
    description: The ncclient device handler eNMS uses for the device, for example V(default).
    type: str
  properties:
    description:
      - Custom properties (defined in eNMS's C(setup/properties.json)), property name to value. Each is compared and
        written like the options above.
      - eNMS ignores a property devices do not have without saying so; the module refuses one before any write.
      - A property that is also an option of this module, or C(id), C(name) or C(type), is refused.
    type: dict
  devices:
    description:
      - Many devices in one task, each a dict of the device options above (O(devices[].name) required). Read once,
        written in one request.
    type: list
    elements: dict
    suboptions:
      name:
        description: The device's name.
        type: str
        required: true
      new_name:
        description: As O(new_name).
        type: str
      state:
        description: As O(state).
        type: str
        choices: [present, absent]
        default: present
      ip_address:
        description: As O(ip_address).
        type: str
      port:
        description: As O(port).
        type: int
      vendor:
        description: As O(vendor).
        type: str
      model:
        description: As O(model).
        type: str
      operating_system:
        description: As O(operating_system).
        type: str
      os_version:
        description: As O(os_version).
        type: str
      location:
        description: As O(location).
        type: str
      latitude:
        description: As O(latitude).
        type: str
      longitude:
        description: As O(longitude).
        type: str
      description:
        description: As O(description).
        type: str
      netmiko_driver:
        description: As O(netmiko_driver).
        type: str
      napalm_driver:
        description: As O(napalm_driver).
        type: str
      scrapli_driver:
        description: As O(scrapli_driver).
        type: str
      netconf_driver:
        description: As O(netconf_driver).
        type: str
      properties:
        description: As O(properties).
        type: dict
notes:
  - eNMS merges a JSON custom property that its definition marks C(merge_update) into the value it has; give such a
    property whole (as eNMS shows it after the merge), or every run reports it changed.
  - The search is sent as C(POST) but only reads, so it is retried like a read; the write and the deletes are never
    re-sent.
seealso:
  - module: netops.bridge.enms_device_info
'''

EXAMPLES = r'''
- name: One device
  netops.bridge.enms_device:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    name: site1-leaf1
    ip_address: 10.1.0.11
    vendor: Arista
    model: 7050SX
    operating_system: EOS
    netmiko_driver: arista_eos
    properties:
      property2: rack-4

- name: Every device of the source of truth in one read and one write
  netops.bridge.enms_device:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    devices: "{{ source_of_truth.devices }}"
  register: written

- name: Rename a device, then retire another
  netops.bridge.enms_device:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    devices:
      - name: site1-leaf2
        new_name: site1-leaf02
      - name: site1-old
        state: absent
'''

RETURN = r'''
created:
  description: The devices created (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [site1-leaf1]
updated:
  description: The devices updated (a renamed device under its new name).
  returned: always
  type: list
  elements: str
  sample: [site1-leaf02]
deleted:
  description: The devices deleted.
  returned: always
  type: list
  elements: str
  sample: [site1-old]
unchanged:
  description: The declared devices that were already as declared (or absent, for O(state=absent)).
  returned: always
  type: list
  elements: str
  sample: []
changes:
  description: Per created or updated device, the names of the fields written (C(name) for a rename).
  returned: always
  type: dict
  sample: {site1-leaf02: [name], site1-leaf1: [ip_address, vendor]}
'''

import re

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils.enms import EnmsModule, PROPERTY_NAME, write_outcome

FIELDS = ('ip_address', 'port', 'vendor', 'model', 'operating_system', 'os_version', 'location', 'latitude', 'longitude',
          'description', 'netmiko_driver', 'napalm_driver', 'scrapli_driver', 'netconf_driver')
DEVICE_OPTIONS = ('name', 'new_name', 'state', 'properties') + FIELDS
RESERVED_PROPERTIES = ('id', 'name', 'type') + DEVICE_OPTIONS
PARTLY_NOTE = ('. eNMS keeps the fields of an existing device it set before a failure: read the device (enms_device_info) '
               'before running again')


def device_spec(top_level):
    spec = dict(name=dict(type='str', required=not top_level), new_name=dict(type='str'), properties=dict(type='dict'),
                state=dict(type='str', choices=['present', 'absent'], default=None if top_level else 'present'))
    for field in FIELDS:
        spec[field] = dict(type='int' if field == 'port' else 'str')
    return spec


def declared_devices(params):
    """The declared devices, as dicts of the device options; the problems found, as lines."""
    given = [option for option in DEVICE_OPTIONS if params.get(option) is not None]
    if params['devices'] is not None:
        if given:
            return [], ['%s cannot be given together with devices: give it in each device (connection options apply to '
                        'all).' % ', '.join(given)]
        declared = [dict(device) for device in params['devices']]
    elif params['name'] is None:
        return [], ['name or devices is required.']
    else:
        declared = [dict((option, params.get(option)) for option in DEVICE_OPTIONS)]
        declared[0]['state'] = declared[0]['state'] or 'present'
    return declared, problems_of(declared)


def problems_of(declared):
    problems, seen = [], {}
    for index, device in enumerate(declared):
        label = 'devices[%d]' % index if len(declared) > 1 else 'the device'
        for option in ('name', 'new_name'):
            value = device.get(option)
            if value is not None and (not value.strip() or re.search('[/\\\\\'"]', value)):
                problems.append('%s: %s %r must not be empty nor hold a slash or a quote (eNMS refuses them).' % (label, option, value))
        if device.get('new_name') is not None and device['state'] == 'absent':
            problems.append('%s (%s): new_name cannot be given with state absent.' % (label, device['name']))
        for name in (device['name'], device.get('new_name')):
            if name is None:
                continue
            if name in seen:
                problems.append('%s: the name %r is declared twice (also in %s).' % (label, name, seen[name]))
            seen[name] = label
        for key in sorted(device.get('properties') or {}):
            if key in RESERVED_PROPERTIES or not PROPERTY_NAME.match(key):
                problems.append('%s (%s): properties.%s is not a custom property name%s.'
                                % (label, device['name'], key, ' (use the option %s)' % key if key in DEVICE_OPTIONS else ''))
    return problems


def wanted_fields(device):
    """The fields the declaration sets: the options given and the custom properties."""
    wanted = dict((field, device[field]) for field in FIELDS if device.get(field) is not None)
    wanted.update(device.get('properties') or {})
    return wanted


def same(current, wanted):
    if current == wanted:
        return True
    # eNMS keeps latitude, longitude and text custom properties as texts: 48.85 and '48.85' are the same value.
    comparable = isinstance(wanted, (str, int, float)) and not isinstance(wanted, bool)
    return comparable and current is not None and not isinstance(current, (bool, dict, list)) and to_text(current) == to_text(wanted)


def plan(declared, current):
    """What to write: {'writes': [body], 'deletes': [name], 'changes': {name: [field]}, 'created', 'updated',
    'deleted', 'unchanged', 'before', 'after', 'problems'}. ``current`` maps a name to the device's read fields."""
    result = dict(writes=[], deletes=[], changes={}, created=[], updated=[], deleted=[], unchanged=[], before={}, after={},
                  problems=[])
    for device in declared:
        name, new_name = device['name'], device.get('new_name')
        if device['state'] == 'absent':
            if name in current:
                result['deletes'].append(name)
                result['deleted'].append(name)
                result['before'][name] = current[name]
            else:
                result['unchanged'].append(name)
            continue
        wanted = wanted_fields(device)
        target, body = name, {'name': name}
        if new_name is not None and new_name != name:
            if name in current and new_name in current:
                result['problems'].append('%s: cannot be renamed to %s, a device of that name exists too.' % (name, new_name))
                continue
            if name in current:
                body['new_name'] = new_name
            else:
                target = body['name'] = new_name
        if target not in current:
            body.update(wanted)
            result['writes'].append(body)
            result['created'].append(target)
            result['changes'][target] = sorted(wanted)
            result['after'][target] = dict(wanted)
            continue
        found = current[target]
        differing = dict((key, value) for key, value in wanted.items() if not same(found.get(key), value))
        if 'new_name' in body:
            result['before'][new_name] = dict((key, found.get(key)) for key in differing)
            result['before'][new_name]['name'] = name
            result['after'][new_name] = dict(differing, name=new_name)
            result['changes'][new_name] = sorted(list(differing) + ['name'])
            result['updated'].append(new_name)
        elif differing:
            result['before'][target] = dict((key, found.get(key)) for key in differing)
            result['after'][target] = dict(differing)
            result['changes'][target] = sorted(differing)
            result['updated'].append(target)
        else:
            result['unchanged'].append(target)
            continue
        body.update(differing)
        result['writes'].append(body)
    return result


def read_current(module, declared):
    names = []
    for device in declared:
        names.extend(name for name in (device['name'], device.get('new_name')) if name is not None)
    columns = ['name'] + sorted(set(field for device in declared for field in wanted_fields(device)))
    records = module.api.devices(names=names, columns=columns)
    properties = sorted(set(key for device in declared for key in device.get('properties') or {}))
    if properties:
        known = set(records[0]) if records else set(module.api.columns('device') or properties)
        unknown = [key for key in properties if key not in known]
        if unknown:
            module.fail('eNMS devices have no property %s: eNMS would ignore it without saying so; nothing was written.'
                        % ', '.join(unknown))
    return dict((record['name'], record) for record in records)


def write(module, writes):
    """One POST of every creation and update; eNMS's failures as lines naming the device, its successes as names."""
    answer = module.apply(module.api.update_devices, writes)
    if answer is None:
        return None, []
    return write_outcome(answer)


def run(module):
    declared, problems = declared_devices(module.params)
    if problems:
        module.fail(' '.join(problems))
    if not declared:
        # Nothing declared: nothing to read (an empty name list would read every device).
        module.result.update(created=[], updated=[], deleted=[], unchanged=[], changes={})
        return
    current = read_current(module, declared)
    steps = plan(declared, current)
    module.result.update(created=steps['created'], updated=steps['updated'], deleted=steps['deleted'],
                         unchanged=steps['unchanged'], changes=steps['changes'])
    module.result['diff'] = {'before': steps['before'], 'after': steps['after']}
    if steps['problems']:
        module.fail('Nothing was written: %s' % ' '.join(steps['problems']))
    failures = []
    if steps['writes']:
        succeeded, failures = write(module, steps['writes'])
        if succeeded is not None:
            done = set(succeeded)
            module.result['created'] = [name for name in steps['created'] if name in done]
            module.result['updated'] = [name for name in steps['updated'] if name in done]
            module.result['changes'] = dict((name, fields) for name, fields in steps['changes'].items() if name in done)
            # eNMS sets an existing device's fields one by one and keeps those set before a failure: a refused update may
            # have changed some; a refused creation changed nothing.
            partly = [line for line in failures if line.split(':', 1)[0] in steps['updated']]
            module.result['changed'] = bool(done) or bool(partly)
            if partly:
                failures[-1] += PARTLY_NOTE
    deleted, delete_failures = module.delete_instances('device', steps['deletes'])
    module.result['deleted'] = deleted
    failures.extend(delete_failures)
    if failures:
        module.fail('eNMS did not write %d device(s): %s' % (len(failures), '; '.join(failures)))


def main():
    spec = device_spec(top_level=True)
    spec['devices'] = dict(type='list', elements='dict', options=device_spec(top_level=False))
    module = EnmsModule(argument_spec=spec, supports_check_mode=True)
    module.run(run)


if __name__ == '__main__':
    main()
