# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The enms_inventory role against the eNMS emulator: plan first (every problem before the first write, also in
--check), one bulk device write, the pools, pruning only inside the scope, the account, a second run that only reads."""

from __future__ import absolute_import, division, print_function

import json

from conftest import enms_env
from emulators.enms import device
from test_roles import role_play

DECLARED = '''
enms_inventory_devices:
  - {name: site1-leaf1, ip_address: 10.1.0.1, vendor: Arista}
  - {name: site1-spine1, ip_address: 10.1.0.9, vendor: Arista}
  - {name: site1-same, ip_address: 10.1.0.5}
enms_inventory_pools:
  - {name: site1-leaves, devices: [site1-leaf1, site1-spine1], description: leaves}
  - name: site1-arista
    device_filters:
      vendor: {value: Arista, match: equality}
      name: {value: '^site1-', match: regex}
enms_inventory_prune: true
enms_inventory_prune_scope:
  name: {value: '^site1-', match: regex}
'''

WRITES = ('update_instance', 'delete_instance', 'update_pools', 'delete_pool', 'update_all_pools')


def writes(enms):
    return [(found['method'], found['path']) for route in WRITES for found in enms.requests(route=route)]


def seed(enms):
    with enms.lock:
        devices = enms.state['devices']
        devices['site1-spine1'] = device('10.1.0.9', vendor='Cisco')
        devices['site1-same'] = device('10.1.0.5')
        devices['site1-old'] = device('10.1.0.66')
        devices['site2-keep'] = device('10.2.0.1')


def test_inventory_plans_writes_once_prunes_inside_its_scope_and_then_only_reads(enms, ansible):
    seed(enms)
    play = role_play('enms_inventory', DECLARED, save='enms_inventory_summary')
    planned = ansible.playbook(play, env=enms_env(enms), args=['--check'])
    assert planned.rc == 0, planned.stdout[-4000:]
    assert writes(enms) == [], 'check mode wrote'
    account = planned.results
    expected_devices = {'created': ['site1-leaf1'], 'updated': ['site1-spine1'], 'unchanged': ['site1-same'], 'deleted': ['site1-old']}
    assert account['devices'] == expected_devices and account['check_mode'] is True, account
    assert sorted(account['pools']['created']) == ['site1-arista', 'site1-leaves'] and account['changed'] is True, account

    applied = ansible.playbook(play, env=enms_env(enms), args=['--diff'])
    assert applied.rc == 0, applied
    account = applied.results
    assert account['devices'] == expected_devices and account['problems'] == [] and account['error'] is None, account
    assert sorted(account['pools']['created']) == ['site1-arista', 'site1-leaves'], account
    device_writes = [path for method, path in writes(enms) if path == '/rest/instance/device']
    assert device_writes == ['/rest/instance/device'], writes(enms)
    # Both pools in one request, then one recompute of the pools from criteria.
    assert [path for method, path in writes(enms) if 'pool' in path] == ['/rest/instance/pool', '/rest/update_all_pools'], writes(enms)
    assert sorted(body['name'] for body in json.loads(enms.requests(route='update_pools')[0]['body'])) == ['site1-arista', 'site1-leaves']
    assert [path for method, path in writes(enms) if method == 'DELETE'] == ['/rest/instance/device/site1-old']
    with enms.lock:
        assert 'site1-old' not in enms.state['devices'] and 'site2-keep' in enms.state['devices']
        assert enms.state['devices']['site1-spine1']['vendor'] == 'Arista'
        assert sorted(enms.state['pools']['site1-leaves']) == ['site1-leaf1', 'site1-spine1']
        assert sorted(enms.state['pools']['site1-arista']) == ['site1-leaf1', 'site1-spine1']
    assert 'eNMS inventory: devices 1 created, 1 updated, 1 unchanged, 1 deleted; pools 2 created' in applied.stdout

    before = len(writes(enms))
    again = ansible.playbook(play, env=enms_env(enms))
    assert again.rc == 0, again
    account = again.results
    assert account['changed'] is False and len(writes(enms)) == before, (account, writes(enms)[before:])
    assert sorted(account['devices']['unchanged']) == ['site1-leaf1', 'site1-same', 'site1-spine1']
    assert account['devices']['deleted'] == [] and sorted(account['pools']['unchanged']) == ['site1-arista', 'site1-leaves']
    assert again.recap['localhost']['changed'] == 0, again.recap


def test_every_problem_is_listed_before_any_write_also_in_check_mode(enms, ansible):
    seed(enms)
    role_vars = '''
enms_inventory_devices:
  - {name: site1-new, ip_address: 10.1.0.7, properties: {no_such_property: 1}}
  - {name: site1-old, state: absent}
enms_inventory_pools:
  - {name: site1-ghosts, devices: [ghost, site1-old]}
  - name: site1-bad-criteria
    device_filters: {no_such_column: {value: x}}
'''
    for args in (['--check'], []):
        run = ansible.playbook(role_play('enms_inventory', role_vars), env=enms_env(enms), args=args)
        assert run.rc != 0, run
        # The play stops at the role's final failure: the account is read from the report it prints.
        problems = [line.split('problem: ', 1)[1].rstrip('",') for line in run.stdout.splitlines() if '"problem: ' in line]
        assert len(problems) == 4, run.stdout[-4000:]
        assert any(line.startswith('devices: ') and 'no_such_property' in line for line in problems), problems
        assert any(line.startswith('pool site1-ghosts: ') and 'ghost' in line for line in problems), problems
        assert 'pool site1-ghosts: lists site1-old, which this run deletes' in problems, problems
        assert any(line.startswith('pool site1-bad-criteria: ') and 'no_such_column' in line for line in problems), problems
        assert 'nothing was written: the plan found 4 problem(s)' in run.stdout
        assert writes(enms) == []
    with enms.lock:
        assert 'site1-old' in enms.state['devices'] and 'site1-new' not in enms.state['devices']


def test_pruning_without_a_scope_is_refused_before_any_request(enms, ansible):
    run = ansible.playbook(role_play('enms_inventory', 'enms_inventory_prune: true\n'), env=enms_env(enms))
    assert run.rc != 0 and 'without enms_inventory_prune_scope would delete every eNMS device' in run.stdout, run
    assert enms.requests() == []


def test_a_device_eNMS_refuses_stops_before_the_pools_and_the_account_says_what_was_written(enms, ansible):
    seed(enms)
    # eNMS answers a refused device with HTTP 200 and a failure entry beside what it wrote.
    refusal = json.dumps({'success': ['site1-leaf1'], 'failure': [[{'name': 'site1-spine1'}, 'Traceback ...\nIntegrityError: refused']]})
    enms.add_fault('status', route='update_instance', status=200, body=refusal)
    role_vars = '''
enms_inventory_devices:
  - {name: site1-leaf1, ip_address: 10.1.0.1}
  - {name: site1-spine1, ip_address: 10.1.0.9, vendor: Arista}
enms_inventory_pools:
  - {name: site1-leaves, devices: [site1-leaf1]}
'''
    run = ansible.playbook(role_play('enms_inventory', role_vars), env=enms_env(enms))
    assert run.rc != 0, run
    assert 'eNMS inventory: devices 1 created, 0 updated' in run.stdout, run.stdout[-4000:]
    assert 'failed: devices: ' in run.stdout and 'site1-spine1' in run.stdout and 'IntegrityError: refused' in run.stdout
    assert 'not attempted: pool site1-leaves' in run.stdout
    assert enms.requests(route='update_pools') == []


def test_a_pool_that_lists_a_device_this_run_creates_is_planned_as_updated_and_written_once(enms, ansible):
    seed(enms)
    with enms.lock:
        enms.state['pools']['site1-core'] = ['site1-spine1']
        enms.state['pool_properties']['site1-core'] = {'manually_defined': True}
    role_vars = '''
enms_inventory_devices:
  - {name: site1-new, ip_address: 10.1.0.7}
enms_inventory_pools:
  - {name: site1-core, devices: [site1-spine1, site1-new]}
  - {name: site1-same-core, devices: [site1-spine1]}
'''
    with enms.lock:
        enms.state['pools']['site1-same-core'] = ['site1-spine1']
        enms.state['pool_properties']['site1-same-core'] = {'manually_defined': True}
    play = role_play('enms_inventory', role_vars, save='enms_inventory_summary')
    planned = ansible.playbook(play, env=enms_env(enms), args=['--check'])
    assert planned.rc == 0, planned.stdout[-4000:]
    assert planned.results['pools'] == {'created': [], 'updated': ['site1-core'], 'unchanged': ['site1-same-core'], 'deleted': []}
    assert writes(enms) == []
    applied = ansible.playbook(play, env=enms_env(enms))
    assert applied.rc == 0, applied.stdout[-4000:]
    assert applied.results['pools'] == {'created': [], 'updated': ['site1-core'], 'unchanged': ['site1-same-core'], 'deleted': []}
    assert [path for method, path in writes(enms) if 'pool' in path] == ['/rest/instance/pool'], writes(enms)
    with enms.lock:
        assert enms.state['pools']['site1-core'] == ['site1-new', 'site1-spine1']


def test_a_pool_eNMS_refuses_is_named_in_the_account_beside_the_pools_it_wrote(enms, ansible):
    seed(enms)
    refusal = json.dumps({'success': ['site1-one'], 'failure': [[{'name': 'site1-two'}, 'Traceback ...\nValueError: refused']]})
    enms.add_fault('after', route='update_pools', then='status', status=200, body=refusal)
    role_vars = '''
enms_inventory_pools:
  - {name: site1-one, devices: [site1-same]}
  - {name: site1-two, devices: [site1-spine1]}
'''
    run = ansible.playbook(role_play('enms_inventory', role_vars), env=enms_env(enms))
    assert run.rc != 0, run
    assert 'pools 1 created, 0 updated, 0 unchanged, 0 deleted' in run.stdout, run.stdout[-4000:]
    assert 'failed: pools: eNMS did not write 1 pool(s): site1-two: ValueError: refused' in run.stdout, run.stdout[-4000:]
    assert enms.count(route='update_pools') == 1
