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


THREE = '''
          - name: "{{ prefix }}bulk-arista"
            description: Arista
            device_filters:
              name: {value: "^{{ prefix }}", match: regex}
              vendor: {value: Arista, match: equality}
          - name: "{{ prefix }}bulk-cisco"
            device_filters:
              name: {value: "^{{ prefix }}", match: regex}
              vendor: {value: Cisco, match: equality}
          - name: "{{ prefix }}bulk-list"
            devices: ["{{ prefix }}c", "{{ prefix }}a"]'''
BULK = '''
    - name: three pools in one task, in check mode
      netops.bridge.enms_pool:
        pools:%s
      check_mode: true
      diff: true
      register: bulk_check
    - name: three pools in one task
      netops.bridge.enms_pool:
        pools:%s
      register: bulk_first
''' % (THREE, THREE)
BULK_AGAIN = '''
    - name: three pools again
      netops.bridge.enms_pool:
        pools:%s
      register: bulk_second
''' % THREE
BULK_CHANGE = '''
    - name: a pool with a problem among others, nothing written
      netops.bridge.enms_pool:
        pools:
          - {name: "{{ prefix }}bulk-list", devices: ["{{ prefix }}a"]}
          - {name: "{{ prefix }}bulk-cisco", state: absent}
          - {name: "{{ prefix }}bulk-new", devices: ["{{ prefix }}a", "{{ prefix }}ghost"]}
      register: bulk_problem
      ignore_errors: true
    - name: one pool updated, one deleted, one left alone
      netops.bridge.enms_pool:
        pools:
          - {name: "{{ prefix }}bulk-list", devices: ["{{ prefix }}a"]}
          - {name: "{{ prefix }}bulk-cisco", state: absent}
          - name: "{{ prefix }}bulk-arista"
            description: Arista
            device_filters:
              name: {value: "^{{ prefix }}", match: regex}
              vendor: {value: Arista, match: equality}
      register: bulk_change
'''


def pool_writes(enms_server):
    """The requests that write pools, on the emulator (a real eNMS keeps no count)."""
    return [(found['method'], found['route']) for found in enms_server.emulator.requests()
            if found['route'] in ('update_pools', 'update_all_pools', 'delete_pool')]


def bulk_play(prefix, tasks, saved):
    return play('    - ansible.builtin.set_fact:\n        prefix: "%s"\n' % prefix + tasks,
                '{%s}' % ', '.join("'%s': %s" % (name, name) for name in saved))


def test_many_pools_in_one_task(enms_server, ansible):
    prefix = enms_server.prefix
    for name in ('bulk-arista', 'bulk-cisco', 'bulk-list', 'bulk-new'):
        enms_server.track('pool', prefix + name)
    env = {'ENMS_URL': enms_server.url, 'ENMS_USERNAME': enms_server.username, 'ENMS_PASSWORD': enms_server.password}
    emulated = enms_server.kind == 'emulator'
    a, b, c = prefix + 'a', prefix + 'b', prefix + 'c'
    names = [prefix + 'bulk-arista', prefix + 'bulk-cisco', prefix + 'bulk-list']
    if emulated:
        # The server is the module's: forget what the other tests sent.
        enms_server.emulator.log[:] = []

    first = ansible.playbook(bulk_play(prefix, BULK, ('bulk_check', 'bulk_first')), env=env)
    assert first.rc == 0, first
    got = first.results
    assert got['bulk_check']['changed'] is True and sorted(got['bulk_check']['created']) == names
    assert got['bulk_first']['changed'] is True and sorted(got['bulk_first']['created']) == names, got['bulk_first']
    members = dict((name, found['devices']) for name, found in got['bulk_first']['pools'].items())
    assert members == {names[0]: [a], names[1]: [b], names[2]: [a, c]}, members
    if emulated:
        assert pool_writes(enms_server) == [('POST', 'update_pools'), ('POST', 'update_all_pools')]
        enms_server.emulator.log[:] = []

    second = ansible.playbook(bulk_play(prefix, BULK_AGAIN, ('bulk_second',)), env=env)
    assert second.rc == 0, second
    assert second.results['bulk_second']['changed'] is False and sorted(second.results['bulk_second']['unchanged']) == names
    assert second.results['bulk_second']['pools'] == got['bulk_first']['pools']
    if emulated:
        assert pool_writes(enms_server) == []

    third = ansible.playbook(bulk_play(prefix, BULK_CHANGE, ('bulk_problem', 'bulk_change')), env=env)
    assert third.rc == 0, third
    problem, change = third.results['bulk_problem'], third.results['bulk_change']
    assert problem['failed'] is True and problem['problems'] == ['%sbulk-new: eNMS has no device named %sghost.' % (prefix, prefix)]
    assert (change['updated'], change['deleted'], change['unchanged'], change['created']) == ([names[2]], [names[1]], [names[0]], [])
    assert change['pools'][names[2]]['devices'] == [a] and names[1] not in change['pools']
    if emulated:
        # The refused declaration wrote nothing; the other: one POST, no recompute (a listed pool), one DELETE.
        assert pool_writes(enms_server) == [('POST', 'update_pools'), ('DELETE', 'delete_pool')]


def test_a_pool_enms_refuses_fails_the_task_naming_it_and_the_others_are_reported(enms_server, ansible):
    if enms_server.kind != 'emulator':
        pytest.skip('a refusal the module does not find first is made on the emulator only')
    prefix = enms_server.prefix
    refusal = ('{"success": ["%sfail-one", "%sfail-three"], "failure": [[{"name": "%sfail-two"}, '
               '"Traceback (most recent call last):\\nValueError: refused"]]}' % (prefix, prefix, prefix))
    enms_server.emulator.add_fault('after', route='update_pools', then='status', status=200, body=refusal)
    tasks = '''
    - name: three pools, eNMS refuses one
      netops.bridge.enms_pool:
        pools:
          - {name: "{{ prefix }}fail-one", devices: ["{{ prefix }}a"]}
          - {name: "{{ prefix }}fail-two", devices: ["{{ prefix }}b"]}
          - {name: "{{ prefix }}fail-three", devices: ["{{ prefix }}c"]}
      register: refused
      ignore_errors: true
'''
    env = {'ENMS_URL': enms_server.url, 'ENMS_USERNAME': enms_server.username, 'ENMS_PASSWORD': enms_server.password}
    run = ansible.playbook(bulk_play(prefix, tasks, ('refused',)), env=env)
    assert run.rc == 0, run
    refused = run.results['refused']
    assert refused['failed'] is True and refused['changed'] is True
    assert refused['msg'] == 'eNMS did not write 1 pool(s): %sfail-two: ValueError: refused' % prefix
    assert refused['created'] == [prefix + 'fail-one', prefix + 'fail-three']
    assert refused['pools'][prefix + 'fail-three']['devices'] == [prefix + 'c']


def test_a_bulk_write_answered_with_an_error_key_fails_both_modules_with_enms_words_and_deletes_nothing(enms_server, ansible):
    if enms_server.kind != 'emulator':
        pytest.skip('the error answer is injected on the emulator only')
    prefix = enms_server.prefix
    locked = '{"error": "The database is locked."}'
    for route in ('update_instance', 'update_pools'):
        enms_server.emulator.add_fault('status', route=route, status=200, body=locked)
    tasks = '''
    - name: eNMS answers the device write with an error
      netops.bridge.enms_device:
        devices:
          - {name: "{{ prefix }}err-new", ip_address: 192.0.2.99}
          - {name: "{{ prefix }}c", state: absent}
      register: device_error
      ignore_errors: true
    - name: eNMS answers the pool write with an error
      netops.bridge.enms_pool:
        pools:
          - {name: "{{ prefix }}err-pool", devices: ["{{ prefix }}a"]}
      register: pool_error
      ignore_errors: true
'''
    env = {'ENMS_URL': enms_server.url, 'ENMS_USERNAME': enms_server.username, 'ENMS_PASSWORD': enms_server.password}
    run = ansible.playbook(bulk_play(prefix, tasks, ('device_error', 'pool_error')), env=env)
    assert run.rc == 0, run
    words = 'eNMS refused the write: The database is locked.'
    device_error, pool_error = run.results['device_error'], run.results['pool_error']
    assert device_error['failed'] and words in device_error['msg'] and not device_error['changed'], device_error
    assert device_error['refused'] == {prefix + 'err-new': words} and device_error['created'] == []
    assert device_error['not_attempted'] == [prefix + 'c'] and device_error['deleted'] == []
    assert pool_error['failed'] and words in pool_error['msg'] and pool_error['refused'] == {prefix + 'err-pool': words}
    assert pool_error['created'] == [] and pool_error['pools'] == {}
    state = enms_server.emulator.state
    assert enms_server.emulator.count(route='delete_instance') == 0 and prefix + 'c' in state['devices']
    assert prefix + 'err-new' not in state['devices'] and prefix + 'err-pool' not in state['pools']
