#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: enms_configuration_info
short_description: Read a device's configuration (or operational or specialized data) stored in eNMS
version_added: 1.2.0
description:
  - Reads what eNMS stored for a device, the configuration its backup services collected by default, and the status
    eNMS keeps about it.
  - Two requests. C(POST /rest/search) for the device by name gives its C(last_<property>_*) fields (when eNMS last
    stored the data, the status of the last collection); a device eNMS does not have fails the task here.
    C(GET /rest/configuration/<device>?property=<property>) gives the stored text.
  - eNMS answers an empty text both for a device it never stored anything for and for an empty configuration. The
    module tells them apart by those fields, not by the text. The device has none (RV(content=null), and RV(msg) says
    so) when the text is empty and eNMS has no record of storing one (C(last_<property>_update) is V(Never)) nor of
    collecting one (C(last_<property>_status) is not V(Success); eNMS's backup services leave the update time as it
    was when the text they collect is the one stored, an empty one included). Otherwise RV(content) is the text,
    empty or not.
  - eNMS stores this data when one of its backup services runs (for example the Netmiko or NAPALM backup services) or
    when a client writes it (C(POST /rest/instance/device) with C(configuration)). A text written that way, with no
    backup, is returned with the C(last_<property>_*) fields as eNMS keeps them (V(Never)).
  - This module only reads; it never changes anything and always reports C(changed=false).
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.enms
  - netops.bridge.attributes
  - netops.bridge.attributes.info_module
  - netops.bridge.attributes.enms_group
options:
  device:
    description: Name of the device in eNMS.
    type: str
    required: true
  property:
    description: Which stored data to read.
    type: str
    choices: [configuration, operational_data, specialized_data]
    default: configuration
seealso:
  - module: netops.bridge.enms_service_run
  - module: netops.bridge.enms_device_info
'''

EXAMPLES = r'''
- name: Read the configuration eNMS backed up for Washington
  netops.bridge.enms_configuration_info:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    device: Washington
  register: washington

- name: Show when eNMS last stored it, and its first lines
  ansible.builtin.debug:
    msg: "{{ washington.last_update }}: {{ washington.content_lines[:5] }}"
  when: washington.content is not none
'''

RETURN = r'''
content:
  description: The stored text; V(null) when eNMS has none for the device (see the description), V("") when it is empty.
  returned: always
  type: str
  sample: "hostname Washington\ninterface Ethernet1\n"
content_lines:
  description: RV(content) split into lines, without line endings; V(null) when RV(content) is V(null).
  returned: always
  type: list
  elements: str
  sample: [hostname Washington, interface Ethernet1]
property:
  description: Which stored data was read.
  returned: always
  type: str
  sample: configuration
last_update:
  description: When eNMS last stored a changed text (its C(last_<property>_update)), or V(Never).
  returned: always
  type: str
  sample: "2026-12-03 10:00:00.000000"
last_status:
  description: The outcome of eNMS's last collection (C(last_<property>_status)), V(Success), V(Failure) or V(Never).
  returned: always
  type: str
  sample: Success
last_runtime:
  description: When eNMS last tried to collect it (C(last_<property>_runtime)), or V(Never).
  returned: always
  type: str
last_failure:
  description: When a collection last failed (C(last_<property>_failure)), or V(Never).
  returned: always
  type: str
last_duration:
  description: How long the last collection took (C(last_<property>_duration)), or V(Never).
  returned: always
  type: str
msg:
  description: What was found, in a sentence.
  returned: always
  type: str
  sample: eNMS holds no configuration for Boston (never stored).
'''

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils.enms import EnmsModule

PROPERTIES = ('configuration', 'operational_data', 'specialized_data')
STATUS_FIELDS = ('update', 'status', 'runtime', 'failure', 'duration')
NEVER = 'Never'
SUCCESS = 'Success'


def stored_status(record, data_property):
    """The device's ``last_<property>_<field>`` values, by field; a field eNMS does not give counts as never."""
    return dict((field, to_text(record.get('last_%s_%s' % (data_property, field)) or NEVER)) for field in STATUS_FIELDS)


def never_stored(content, status):
    """eNMS's empty text is no configuration only when eNMS never stored a text nor collected one successfully (a backup
    that collects an empty text marks its status Success but leaves the update time as it was)."""
    return content == '' and status['update'] == NEVER and status['status'] != SUCCESS


def argument_spec():
    return dict(
        device=dict(type='str', required=True),
        property=dict(type='str', choices=list(PROPERTIES), default='configuration'),
    )


MODULE_OPTIONS = dict(supports_check_mode=True)


def run(module):
    module.require_non_empty('device')
    device, data_property = module.params['device'], module.params['property']
    columns = ['last_%s_%s' % (data_property, field) for field in STATUS_FIELDS]
    records = module.api.search('device', columns, {'name': device, 'name_filter': 'equality'})
    if not records:
        module.fail('eNMS has no device named %r (or the user may not read it).' % device)
    status = stored_status(records[0], data_property)
    content = module.api.configuration(device, data_property)
    module.result.update(('last_%s' % field, value) for field, value in status.items())
    module.result['property'] = data_property
    if never_stored(content, status):
        tried = '' if status['runtime'] == NEVER else '; its last collection, at %s, stored nothing' % status['runtime']
        module.result.update(content=None, content_lines=None,
                             msg='eNMS holds no %s for %s (never stored%s).' % (data_property, device, tried))
        return
    module.result.update(content=content, content_lines=content.splitlines(),
                         msg='eNMS holds %s %s for %s (last stored: %s, last collection: %s).' % (
                             'an empty' if content == '' else 'the', data_property, device, status['update'], status['status']))


def main():
    EnmsModule(argument_spec=argument_spec(), **MODULE_OPTIONS).run(run)


if __name__ == '__main__':
    main()
