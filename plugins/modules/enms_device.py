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
  - The account is what eNMS confirmed, never the plan. eNMS answers a device it could not write with HTTP 200 and a
    C(failure) entry; each fails the task, naming the device and eNMS's words (in RV(refused)), while RV(created) and
    RV(updated) report what eNMS did write. When the answer does not say (an C(error) answer, an HTTP 5xx, after which a real
    eNMS has rolled the whole bulk write back; a connection dropped after the request was sent), the module reads the
    declared devices back once and reports each as eNMS holds it, written or refused with the request's own words
    (the HTTP status and eNMS's message).
  - B(No delete is sent after a write eNMS did not fully confirm), since the declaration is then not what eNMS holds;
    the devices to delete are reported in RV(not_attempted) and the task fails.
  - Values are written as eNMS stores them. A boolean property (learnt from the type of the value eNMS gives for it)
    takes V(true)/V(false), V(yes)/V(no), V(on)/V(off), V(1)/V(0) (also as texts, as Ansible reads booleans; eNMS
    itself would store the text V("False") as true); an integer property (and O(port)) takes an integer or its text,
    within signed 64 bits (a larger one would make eNMS roll the whole write back). A value that cannot be converted is
    refused before any write, naming the device and the property; values are compared after conversion, so that a
    second run reports C(changed=false). The types of a device not yet in eNMS are learnt from another device's record;
    when eNMS has no device at all, custom properties are written as given.
  - Every problem found (names, types, unknown properties, renames) is listed in one message, each naming its device,
    and then nothing is written.
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
    description:
      - V(present) creates or updates the device; V(absent) deletes it.
      - Not given, the device is V(present). It has no declared default, since it must not be given together with
        O(devices) (each device has its own O(devices[].state)).
    type: str
    choices: [present, absent]
  update_pools:
    description:
      - After eNMS confirmed a change to a device, ask eNMS once to recompute every pool from its criteria
        (C(POST /rest/update_all_pools), eNMS's "Update all pools"), so that a device written or renamed joins (or
        leaves) the criteria pools it matches. eNMS does not recompute pools on a write over its REST API.
      - Not in check mode, and not when nothing changed. RV(pools_updated) says whether it ran.
    type: bool
    default: false
    version_added: 1.2.0
  ip_address:
    description: The device's IP address.
    type: str
  port:
    description: The device's port, an integer (or its text) within signed 64 bits; anything else is refused naming the device.
    type: raw
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
        type: raw
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

- name: Every device of the source of truth in one read and one write, the criteria pools recomputed
  netops.bridge.enms_device:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    devices: "{{ source_of_truth.devices }}"
    update_pools: true
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
  description: The devices eNMS confirmed it created (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [site1-leaf1]
updated:
  description: The devices eNMS confirmed it updated (a renamed device under its new name; or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [site1-leaf02]
deleted:
  description: The devices eNMS confirmed it deleted (or that would be, in check mode).
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
refused:
  description:
    - Each device whose write or delete eNMS refused or rolled back, name (a renamed device under its new name) to the
      server's words (eNMS's C(failure) or C(error) text, or the failed request's HTTP status and message). Empty in
      check mode and when every change was confirmed.
  returned: always
  type: dict
  version_added: 1.2.0
  sample: {site1-leaf3: 'eNMS POST https://enms.example.com/rest/instance/device failed: HTTP 500 Internal Server Error: Error 500 - Internal Server Error.'}
not_attempted:
  description:
    - The devices whose write or delete was never sent. When the task found problems before any write, every declared
      device if the problems were found before any request (a name, a port), else the planned changes; the deletes
      when eNMS did not confirm the write (no delete is sent then); the changes of a request that could not be sent.
  returned: always
  type: list
  elements: str
  version_added: 1.2.0
  sample: [site1-old]
changes:
  description: Per created or updated device (confirmed, or planned in check mode), the names of the fields written (C(name) for a rename).
  returned: always
  type: dict
  sample: {site1-leaf02: [name], site1-leaf1: [ip_address, vendor]}
pools_updated:
  description: Whether eNMS was asked to recompute its pools (O(update_pools)).
  returned: always
  type: bool
  version_added: 1.2.0
  sample: true
problems:
  description: Every problem found before any write, one line each, naming the device; nothing was written.
  returned: when the task failed on them
  type: list
  elements: str
  version_added: 1.2.0
  sample: ["devices[2] (site1-leaf3): port 'ssh' is not an integer."]
'''

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils.enms import (
    EnmsModule, PROPERTY_NAME, stored_type, stored_value, unaddressable)

FIELDS = ('ip_address', 'port', 'vendor', 'model', 'operating_system', 'os_version', 'location', 'latitude', 'longitude',
          'description', 'netmiko_driver', 'napalm_driver', 'scrapli_driver', 'netconf_driver')
DEVICE_OPTIONS = ('name', 'new_name', 'state', 'properties') + FIELDS
RESERVED_PROPERTIES = ('id', 'name', 'type') + DEVICE_OPTIONS
# The types eNMS keeps the options in (the others are texts); a custom property's is learnt from the values eNMS gives.
KNOWN_TYPES = {'port': 'int'}
PARTLY_NOTE = ('. eNMS keeps the fields of an existing device it set before a failure: read the device (enms_device_info) '
               'before running again')
NOT_SENT_AFTER_FAILURE = 'not sent, since eNMS did not write every device'


def device_spec(top_level):
    spec = dict(name=dict(type='str', required=not top_level), new_name=dict(type='str'), properties=dict(type='dict'),
                state=dict(type='str', choices=['present', 'absent'], default=None if top_level else 'present'))
    for field in FIELDS:
        # The port is checked by the module, so that a wrong one names its device beside every other problem.
        spec[field] = dict(type='raw' if field == 'port' else 'str')
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
    for device in declared:
        if device.get('properties') is not None:
            device['properties'] = dict(device['properties'])
    return declared, problems_of(declared)


def label_of(declared, index):
    return 'devices[%d]' % index if len(declared) > 1 else 'the device'


def problems_of(declared):
    problems, seen = [], {}
    for index, device in enumerate(declared):
        label = label_of(declared, index)
        for option in ('name', 'new_name'):
            value = device.get(option)
            why = unaddressable(value) if value is not None else None
            if why:
                problems.append('%s: %s %r %s.' % (label, option, value, why))
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
        problems.extend(typed(label, device, KNOWN_TYPES))
    return problems


def typed(label, device, types):
    """Convert ``device``'s values in place to the types eNMS stores them in (``types``: field to stored_type); the
    values that cannot be, as lines naming the device and the field."""
    problems = []
    properties = device.get('properties') or {}
    for field, value in sorted(wanted_fields(device).items()):
        try:
            value = stored_value(value, types.get(field))
        except ValueError as exc:
            problems.append('%s (%s): %s %s.' % (label, device['name'], field, exc))
            continue
        if field in properties:
            properties[field] = value
        else:
            device[field] = value
    return problems


def wanted_fields(device):
    """The fields the declaration sets: the options given and the custom properties."""
    wanted = dict((field, device[field]) for field in FIELDS if device.get(field) is not None)
    wanted.update(device.get('properties') or {})
    return wanted


def same(current, wanted):
    if current == wanted and isinstance(current, bool) == isinstance(wanted, bool):
        return True
    # eNMS keeps latitude, longitude and text custom properties as texts: 48.85 and '48.85' are the same value.
    comparable = isinstance(wanted, (str, int, float)) and not isinstance(wanted, bool)
    return comparable and current is not None and not isinstance(current, (bool, dict, list)) and to_text(current) == to_text(wanted)


def target_of(device):
    return device.get('new_name') or device['name']


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
    """The declared devices eNMS has (name to their compared fields), the type eNMS stores each declared field in, and
    the problems found: a custom property devices do not have (eNMS would ignore it without saying so)."""
    columns = ['name'] + sorted(set(field for device in declared for field in wanted_fields(device)))
    records = read_devices(module, declared, columns)
    properties = sorted(set(key for device in declared for key in device.get('properties') or {}))
    # The options' types are known; a custom property's is learnt from what eNMS gives, for a new device from another
    # device (/rest/search gives only the asked columns devices have).
    samples = records or (module.api.search_page('device', ['name'] + properties, {}, 0, 1) if properties else [])
    types = dict(KNOWN_TYPES)
    for record in samples:
        for field in properties:
            if types.get(field) is None:
                types[field] = stored_type(record.get(field))
    problems = []
    unknown = [key for key in properties if samples and key not in samples[0]]
    if unknown:
        problems.append('eNMS devices have no property %s: eNMS would ignore it without saying so.' % ', '.join(unknown))
    return dict((record['name'], record) for record in records), types, problems


def read_devices(module, declared, columns):
    names = []
    for device in declared:
        names.extend(name for name in (device['name'], device.get('new_name')) if name is not None)
    return module.api.devices(names=names, columns=columns)


def held_as_declared(module, declared, names):
    """Of ``names`` (devices under their name after the write), those eNMS holds as declared: one read of them."""
    wanted = [device for device in declared if target_of(device) in names]
    columns = ['name'] + sorted(set(field for device in wanted for field in wanted_fields(device)))
    current = dict((record['name'], record) for record in read_devices(module, wanted, columns))
    replan = plan(wanted, current)
    return [name for name in replan['unchanged'] if name in names]


def gone(module, names):
    """Of ``names``, those eNMS no longer has: one read of them."""
    held = set(record['name'] for record in module.api.devices(names=names, columns=['name']))
    return [name for name in names if name not in held]


def planned(steps):
    return steps['created'] + steps['updated'] + steps['deleted']


def write(module, declared, steps):
    """The bulk write, its account kept in the result; the refusals as lines."""
    account = module.bulk_write(module.api.update_devices, steps['writes'],
                                lambda names: held_as_declared(module, declared, names))
    done = set(account.written)
    module.result.update(created=[name for name in steps['created'] if name in done],
                         updated=[name for name in steps['updated'] if name in done],
                         changes=dict((name, fields) for name, fields in steps['changes'].items() if name in done),
                         refused=dict(account.refused), not_attempted=list(account.not_attempted))
    partly = account.partly_refused(steps['updated'])
    module.result['changed'] = bool(done) or bool(partly)
    lines = account.failure_lines()
    if partly:
        lines[-1] += PARTLY_NOTE
    return account, lines


def recompute_pools(module):
    """One ``POST /rest/update_all_pools`` when asked and devices changed, so that eNMS's criteria pools hold them."""
    if module.params['update_pools'] and module.result['changed'] and not module.check_mode:
        module.api.update_all_pools()
        module.result['pools_updated'] = True


def run(module):
    module.result.update(created=[], updated=[], deleted=[], unchanged=[], changes={}, refused={}, not_attempted=[],
                         pools_updated=False)
    declared, problems = declared_devices(module.params)
    if problems:
        module.fail('Nothing was written: %s' % ' '.join(problems), problems=problems,
                    not_attempted=[target_of(device) for device in declared if device.get('name') is not None])
    if not declared:
        # Nothing declared: nothing to read (an empty name list would read every device).
        return
    current, types, problems = read_current(module, declared)
    for index, device in enumerate(declared):
        problems.extend(typed(label_of(declared, index), device, types))
    steps = plan(declared, current)
    module.result.update(unchanged=steps['unchanged'])
    module.result['diff'] = {'before': steps['before'], 'after': steps['after']}
    problems.extend(steps['problems'])
    if problems:
        module.result['not_attempted'] = planned(steps)
        module.fail('Nothing was written: %s' % ' '.join(problems), problems=problems)
    if module.check_mode:
        module.result.update(created=steps['created'], updated=steps['updated'], deleted=steps['deleted'],
                             changes=steps['changes'], changed=bool(steps['writes'] or steps['deletes']))
        return
    failures, failed_request = [], None
    if steps['writes']:
        account, failures = write(module, declared, steps)
        failed_request = account.failed_request
    if failures:
        # A module does not delete after its write failed: the declaration is not what eNMS holds.
        module.result['not_attempted'] = module.result['not_attempted'] + steps['deletes']
        if steps['deletes']:
            failures.append('%s: %s' % (', '.join(steps['deletes']), NOT_SENT_AFTER_FAILURE))
    else:
        deleted = module.delete_instances('device', steps['deletes'], lambda names: gone(module, names))
        module.result['deleted'] = deleted.written
        module.result['refused'].update(deleted.refused)
        module.result['not_attempted'] = module.result['not_attempted'] + deleted.not_attempted
        failures = deleted.failure_lines()
    recompute_pools(module)
    if failures:
        extra = failed_request.as_result() if failed_request is not None else {}
        module.fail('eNMS did not write %d device(s): %s' % (len(module.result['refused']) + len(module.result['not_attempted']),
                                                             '; '.join(failures)), **extra)


def main():
    spec = device_spec(top_level=True)
    spec['devices'] = dict(type='list', elements='dict', options=device_spec(top_level=False))
    spec['update_pools'] = dict(type='bool', default=False)
    module = EnmsModule(argument_spec=spec, supports_check_mode=True)
    module.run(run)


if __name__ == '__main__':
    main()
