# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""enms_device and enms_device_info against an eNMS server the tests furnish themselves: the emulator by default, a real
eNMS 4.6 with ``bash scripts/test.sh real-enms`` (see enms_servers.py). One playbook proves the bulk declaration
(created, every field updated alone, idempotent, check mode and diff, rename, custom property, eNMS's HTTP-200 failure,
deletes) and the info module (paging past eNMS's 10 records, names, pool, filters) on either server."""

from __future__ import absolute_import, division, print_function

import pytest

from enms_servers import server

FIELD_VALUES = {
    'ip_address': '192.0.2.99', 'port': 830, 'vendor': 'Juniper', 'model': 'MX204', 'operating_system': 'Junos',
    'os_version': '22.4R1', 'location': 'Lyon', 'latitude': '45.76', 'longitude': '4.83', 'description': 'edge router',
    'netmiko_driver': 'juniper_junos', 'napalm_driver': 'junos', 'scrapli_driver': 'juniper_junos', 'netconf_driver': 'junos',
}


@pytest.fixture(scope='module')
def enms_server():
    with server() as found:
        found.names = ['%sdev-%02d' % (found.prefix, index) for index in range(len(FIELD_VALUES) + 1)]
        yield found
        if found.kind == 'real':
            # The devices the playbook created (and did not delete) are not in the fixture's own list.
            for name in found.names + [found.prefix + 'renamed']:
                found.session.delete('%s/rest/instance/device/%s' % (found.url, name), timeout=30)


def playbook(enms_server):
    names = enms_server.names
    fields = sorted(FIELD_VALUES)
    declared = [{'name': name, 'ip_address': '192.0.2.%d' % (index + 1), 'vendor': 'Arista', 'location': 'Paris',
                 'properties': {'property2': 'rack-%d' % index}} for index, name in enumerate(names)]
    # Device i+1 gets field i changed, alone.
    one_field_each = [dict({'name': names[index + 1]}, **{field: FIELD_VALUES[field]}) for index, field in enumerate(fields)]
    return '''
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/netops.bridge.enms: {url: "%(url)s", username: "%(username)s", password: "%(password)s"}
  tasks:
    - {name: create, netops.bridge.enms_device: {devices: %(declared)s}, register: create}
    - {name: again, netops.bridge.enms_device: {devices: %(declared)s}, register: again}
    - {name: check, netops.bridge.enms_device: {devices: %(one_field_each)s}, check_mode: true, diff: true, register: check}
    - {name: fields, netops.bridge.enms_device: {devices: %(one_field_each)s}, diff: true, register: fields}
    - {name: fields again, netops.bridge.enms_device: {devices: %(one_field_each)s}, register: fields_again}
    - {name: rename, netops.bridge.enms_device: {name: "%(first)s", new_name: "%(renamed)s"}, register: rename}
    - {name: rename again, netops.bridge.enms_device: {name: "%(first)s", new_name: "%(renamed)s"}, register: rename_again}
    - name: refused midway
      netops.bridge.enms_device: {name: "%(fifth)s", description: before the failure, properties: {custom_json: oops}}
      register: refused
      ignore_errors: true
    - name: unknown property
      netops.bridge.enms_device: {name: "%(second)s", properties: {no_such_property: x}}
      register: unknown
      ignore_errors: true
    - {name: a boolean as a text, netops.bridge.enms_device: {name: "%(second)s", properties: {reachable: "False"}}, register: boolean}
    - {name: the same again, netops.bridge.enms_device: {name: "%(second)s", properties: {reachable: "no"}}, register: boolean_again}
    - name: values eNMS cannot store, each named, nothing sent
      netops.bridge.enms_device: {devices: [{name: "%(second)s", port: 99999999999999999999999}, {name: "%(third)s", port: ssh}]}
      register: untyped
      ignore_errors: true
    - name: every device of the test
      netops.bridge.enms_device_info: {filters: {name: {value: "^%(prefix)sdev-|^%(prefix)srenamed$", match: regex}}}
      register: every
    - name: two by name, one Arista by filter
      netops.bridge.enms_device_info:
        names: ["%(third)s", "%(juniper)s"]
        filters: {vendor: {value: Arista, match: equality}}
      register: named
    - {name: delete, netops.bridge.enms_device: {devices: [{name: "%(renamed)s", state: absent}, {name: "%(third)s", state: absent}]}, register: delete}
    - {name: delete again, netops.bridge.enms_device: {devices: [{name: "%(renamed)s", state: absent}]}, register: delete_again}
    - ansible.builtin.copy:
        dest: "{{ results_file }}"
        content: "{{ {'create': create, 'again': again, 'check': check, 'fields': fields, 'fields_again': fields_again,
                      'rename': rename, 'rename_again': rename_again, 'refused': refused, 'unknown': unknown,
                      'every': every, 'named': named, 'delete': delete, 'delete_again': delete_again,
                      'boolean': boolean, 'boolean_again': boolean_again, 'untyped': untyped} | to_json }}"
''' % dict(url=enms_server.url, username=enms_server.username, password=enms_server.password, declared=declared,
           one_field_each=one_field_each, first=names[0], second=names[1], third=names[2], fifth=names[4], juniper=names[14],
           renamed=enms_server.prefix + 'renamed', prefix=enms_server.prefix)


def test_devices_declared_updated_field_by_field_renamed_refused_read_and_deleted(enms_server, ansible):
    run = ansible.playbook(playbook(enms_server))
    assert run.rc == 0, run
    found = run.results
    names, fields = enms_server.names, sorted(FIELD_VALUES)
    assert found['create']['changed'] and found['create']['created'] == names
    assert not found['again']['changed'] and found['again']['unchanged'] == names
    expected = dict((names[index + 1], [field]) for index, field in enumerate(fields))
    assert found['check']['changed'] and found['check']['changes'] == expected
    assert found['fields']['changes'] == expected and found['fields']['updated'] == names[1:]
    assert fields[0] == 'description' and found['fields']['diff']['before'][names[1]] == {'description': ''}
    assert found['fields']['diff']['after'][names[1]] == {'description': 'edge router'}
    assert not found['fields_again']['changed']
    assert found['rename']['changed'] and found['rename']['updated'] == [enms_server.prefix + 'renamed']
    assert not found['rename_again']['changed'] and found['rename_again']['unchanged'] == [enms_server.prefix + 'renamed']
    refused = found['refused']
    assert refused['failed'] and refused['changed'] and "%s: TypeError: 'str' object is not a mapping" % names[4] in refused['msg']
    assert 'Traceback' not in refused['msg']
    assert found['unknown']['failed'] and 'eNMS devices have no property no_such_property' in found['unknown']['msg']
    every = dict((device['name'], device) for device in found['every']['devices'])
    # More than the 10 records eNMS's search gives unless asked.
    assert sorted(every) == sorted(names[1:] + [enms_server.prefix + 'renamed'])
    for index, field in enumerate(fields):
        assert every[names[index + 1]][field] == FIELD_VALUES[field], field
    assert every[names[4]]['description'] == 'before the failure'  # eNMS kept what it set before the failure
    assert every[names[3]]['property2'] == 'rack-3' and 'last_configuration_status' in every[names[3]]
    assert [device['name'] for device in found['named']['devices']] == [names[2]]
    # eNMS stores a boolean as value not in (False, "false"): the text "False" is written as false, then compared as such.
    assert found['boolean']['changed'] and not found['boolean_again']['changed'], found['boolean_again']
    assert every[names[1]]['reachable'] is False
    assert found['untyped']['problems'] == [
        'devices[0] (%s): port 99999999999999999999999 is beyond the signed 64-bit integers eNMS stores.' % names[1],
        "devices[1] (%s): port 'ssh' is not an integer." % names[2]]
    assert found['untyped']['not_attempted'] == [names[1], names[2]]
    assert found['delete']['deleted'] == [enms_server.prefix + 'renamed', names[2]]
    assert not found['delete_again']['changed'] and found['delete_again']['unchanged'] == [enms_server.prefix + 'renamed']
