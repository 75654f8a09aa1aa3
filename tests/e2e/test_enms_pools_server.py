# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""enms_pool and enms_configuration_info against the emulator, or a real eNMS 4.6 (``bash scripts/test.sh real-enms``,
see enms_servers.py): one playbook, so that the real server's slow password checks are paid once."""

from __future__ import absolute_import, division, print_function

import pytest

from enms_servers import server
from test_saymon import play

TASKS = '''
    - name: criteria pool in check mode
      netops.bridge.enms_pool: &crit
        name: "{{ prefix }}arista"
        description: Arista by equality
        device_filters:
          name: {value: "^{{ prefix }}", match: regex}
          vendor: {value: Arista, match: equality}
      check_mode: true
      register: crit_check
    - name: criteria pool
      netops.bridge.enms_pool: *crit
      register: crit_first
    - name: criteria pool again
      netops.bridge.enms_pool: *crit
      register: crit_second
    - name: the vendor criterion alone changes (inclusion, case-insensitive)
      netops.bridge.enms_pool:
        name: "{{ prefix }}arista"
        description: Arista by equality
        device_filters:
          name: {value: "^{{ prefix }}", match: regex}
          vendor: {value: arist}
      register: crit_match
    - name: the description alone changes
      netops.bridge.enms_pool:
        name: "{{ prefix }}arista"
        description: Arista by inclusion
      register: crit_description
    - name: manual pool
      netops.bridge.enms_pool:
        name: "{{ prefix }}list"
        devices: ["{{ prefix }}b", "{{ prefix }}a"]
      register: list_first
    - name: manual pool in another order
      netops.bridge.enms_pool:
        name: "{{ prefix }}list"
        devices: ["{{ prefix }}a", "{{ prefix }}b"]
      register: list_second
    - name: stored configuration
      netops.bridge.enms_configuration_info:
        device: "{{ prefix }}a"
      register: config_stored
    - name: no configuration
      netops.bridge.enms_configuration_info:
        device: "{{ prefix }}b"
      register: config_none
    - name: an empty configuration
      netops.bridge.enms_configuration_info:
        device: "{{ prefix }}c"
      register: config_empty
    - name: pools removed
      netops.bridge.enms_pool:
        name: "{{ item }}"
        state: absent
      loop: ["{{ prefix }}arista", "{{ prefix }}list"]
      register: removed
    - name: pools removed again
      netops.bridge.enms_pool:
        name: "{{ item }}"
        state: absent
      loop: ["{{ prefix }}arista", "{{ prefix }}list"]
      register: removed_again
'''
SAVED = ('crit_check', 'crit_first', 'crit_second', 'crit_match', 'crit_description', 'list_first', 'list_second',
         'config_stored', 'config_none', 'config_empty', 'removed', 'removed_again')


@pytest.fixture(scope='module')
def enms_server():
    with server() as found:
        prefix = found.prefix
        found.add_devices([{'name': prefix + 'a', 'ip_address': '192.0.2.21', 'vendor': 'Arista'},
                           {'name': prefix + 'b', 'ip_address': '192.0.2.22', 'vendor': 'Cisco'},
                           {'name': prefix + 'c', 'ip_address': '192.0.2.23', 'vendor': 'arista'}])
        found.set_device_data(prefix + 'a', configuration='hostname a\ninterface Ethernet1\n', last_configuration_status='Success',
                              last_configuration_update='2026-12-03 10:00:00.000000')
        found.set_device_data(prefix + 'c', configuration='', last_configuration_status='Success')
        for name in ('arista', 'list'):
            found.track('pool', prefix + name)
        yield found


def test_pools_and_stored_configurations(enms_server, ansible):
    prefix = enms_server.prefix
    env = {'ENMS_URL': enms_server.url, 'ENMS_USERNAME': enms_server.username, 'ENMS_PASSWORD': enms_server.password}
    tasks = '    - ansible.builtin.set_fact:\n        prefix: "%s"\n' % prefix + TASKS
    run = ansible.playbook(play(tasks, '{%s}' % ', '.join("'%s': %s" % (name, name) for name in SAVED)), env=env)
    assert run.rc == 0, run
    got = run.results
    a, b, c = prefix + 'a', prefix + 'b', prefix + 'c'
    assert got['crit_check']['changed'] is True and got['crit_check']['devices'] == []
    assert got['crit_first']['changed'] is True and got['crit_first']['devices'] == [a], got['crit_first']
    assert got['crit_second']['changed'] is False and got['crit_second']['devices'] == [a]
    assert got['crit_match']['changed'] is True and got['crit_match']['devices'] == [a, c]
    assert got['crit_description']['changed'] is True and got['crit_description']['devices'] == [a, c]
    assert got['crit_description']['pool']['description'] == 'Arista by inclusion'
    assert got['list_first']['changed'] is True and got['list_first']['devices'] == [a, b]
    assert got['list_first']['pool']['manually_defined'] is True
    assert got['list_second']['changed'] is False
    assert got['config_stored']['content'] == 'hostname a\ninterface Ethernet1\n'
    assert got['config_stored']['content_lines'] == ['hostname a', 'interface Ethernet1']
    assert got['config_stored']['last_update'] == '2026-12-03 10:00:00.000000' and got['config_stored']['last_status'] == 'Success'
    assert got['config_none']['content'] is None and 'holds no configuration' in got['config_none']['msg']
    assert got['config_empty']['content'] == '' and got['config_empty']['content_lines'] == []
    assert [item['changed'] for item in got['removed']['results']] == [True, True]
    assert [item['changed'] for item in got['removed_again']['results']] == [False, False]
