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


def failure_report(run):
    """The lines of the role's final failure (the account it fails the play with)."""
    found = [line.split('FAILED! => ', 1)[1] for line in run.stdout.splitlines() if 'FAILED! => ' in line]
    assert len(found) == 1, run.stdout[-4000:]
    return json.loads(found[0])['msg'].split('\n')


def printed_before_the_final_failure(run):
    """What the run printed before the role's final failure: a cause printed there would be printed twice."""
    return run.stdout.split('TASK [netops.bridge.enms_inventory : Fail with the account]', 1)[0]


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
    planned = ansible.playbook(play, env=enms_env(enms), args=['--check', '--diff'])
    assert planned.rc == 0, planned.stdout[-4000:]
    assert writes(enms) == [], 'check mode wrote'
    account = planned.results
    expected_devices = {'created': ['site1-leaf1'], 'updated': ['site1-spine1'], 'unchanged': ['site1-same'], 'deleted': ['site1-old'],
                        'refused': {}, 'not_attempted': []}
    assert account['devices'] == expected_devices and account['check_mode'] is True, account
    # The plan shows what it would do: each device named, the diff shown, and the recap counts the change.
    for line in ('devices created: site1-leaf1', 'devices updated: site1-spine1', 'devices deleted: site1-old'):
        assert line in planned.stdout, planned.stdout[-4000:]
    assert '"vendor": "Cisco"' in planned.stdout and planned.recap['localhost']['changed'] > 0, planned.stdout[-4000:]
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


def test_every_problem_is_listed_before_any_write_also_in_check_mode_each_naming_its_entry(enms, ansible):
    seed(enms)
    role_vars = '''
enms_inventory_devices:
  - {name: site1-new, ip_address: 10.1.0.7, properties: {no_such_property: 1}}
  - {name: site1-old, state: absent}
  - {name: site1-typo, vendr: Arista}
  - {name: site1-port, port: ssh}
enms_inventory_pools:
  - {name: site1-ghosts, devices: [ghost, site1-old]}
  - name: site1-bad-criteria
    device_filters: {no_such_column: {value: x}}
enms_inventory_prune: true
enms_inventory_prune_scope: {location: Lab}
'''
    for args in (['--check'], []):
        run = ansible.playbook(role_play('enms_inventory', role_vars), env=enms_env(enms), args=args)
        assert run.rc != 0, run
        report = failure_report(run)
        problems = [line.split('problem: ', 1)[1] for line in report if line.startswith('problem: ')]
        assert len(problems) == 7, run.stdout[-4000:]
        assert 'device site1-typo: vendr is not an enms_device option (did you mean vendor?)' in problems, problems
        assert 'device site1-port: port must be an integer, got "ssh"' in problems, problems
        assert any(line.startswith('enms_inventory_prune_scope: ') and 'location' in line for line in problems), problems
        assert any(line.startswith('devices: ') and 'no_such_property' in line for line in problems), problems
        assert 'pool site1-ghosts: eNMS has no device named ghost, and this run does not create it' in problems, problems
        assert 'pool site1-ghosts: lists site1-old, which this run deletes' in problems, problems
        assert any(line.startswith('pool site1-bad-criteria: ') and 'no_such_column' in line for line in problems), problems
        assert 'nothing was written: the plan found 7 problem(s)' in report
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
    report = failure_report(run)
    assert report[0].startswith('eNMS inventory: devices 1 created, 0 updated, 0 unchanged, 0 deleted, 1 refused;'), report
    assert 'devices refused by eNMS: site1-spine1' in report and 'pools not attempted: site1-leaves' in report, report
    # The cause, in eNMS's words, once: in the final failure, never before it.
    assert '\n'.join(report).count('IntegrityError: refused') == 1, report
    assert 'IntegrityError' not in printed_before_the_final_failure(run), run.stdout[-4000:]
    assert enms.requests(route='update_pools') == []


def test_a_pool_that_lists_a_device_this_run_creates_is_planned_as_updated_and_written_once(enms, ansible):
    seed(enms)
    with enms.lock:
        for name in ('site1-core', 'site1-same-core'):
            enms.state['pools'][name] = ['site1-spine1']
            enms.state['pool_properties'][name] = {'manually_defined': True}
    role_vars = '''
enms_inventory_devices:
  - {name: site1-new, ip_address: 10.1.0.7}
enms_inventory_pools:
  - {name: site1-core, devices: [site1-spine1, site1-new]}
  - {name: site1-same-core, devices: [site1-spine1]}
'''
    play = role_play('enms_inventory', role_vars, save='enms_inventory_summary')
    expected = {'created': [], 'updated': ['site1-core'], 'unchanged': ['site1-same-core'], 'deleted': [], 'refused': {}, 'not_attempted': []}
    planned = ansible.playbook(play, env=enms_env(enms), args=['--check'])
    assert planned.rc == 0, planned.stdout[-4000:]
    assert planned.results['pools'] == expected
    assert writes(enms) == []
    applied = ansible.playbook(play, env=enms_env(enms))
    assert applied.rc == 0, applied.stdout[-4000:]
    assert applied.results['pools'] == expected
    assert enms.count(route='update_pools') == 1, writes(enms)
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
    report = failure_report(run)
    assert 'pools 1 created, 0 updated, 0 unchanged, 0 deleted, 1 refused' in report[0], report
    assert 'pools created: site1-one' in report and 'pools refused by eNMS: site1-two' in report, report
    assert '\n'.join(report).count('ValueError: refused') == 1, report
    assert 'ValueError' not in printed_before_the_final_failure(run), run.stdout[-4000:]
    assert enms.count(route='update_pools') == 1


def located(enms, **locations):
    with enms.lock:
        for name, location in locations.items():
            enms.state['devices'][name] = device('10.3.0.%d' % (len(enms.state['devices']) + 1), location=location)


def test_a_prune_scope_compares_by_equality_and_each_device_is_named_and_counted_exactly(enms, ansible):
    # A scope without match is equality: "Lab" must not select "Slab 4 datacenter" nor "Collaboration Hub"; the device
    # to prune is named as eNMS spells it (Site1-Old, not site1-old).
    located(enms, **{'lab-a': 'Lab', 'lab-b': 'Lab', 'lab-same': 'Lab', 'Site1-Old': 'Lab', 'slab': 'Slab 4 datacenter',
                     'collab': 'Collaboration Hub'})
    with enms.lock:
        same_ip = enms.state['devices']['lab-same']['ip_address']
    role_vars = '''
enms_inventory_devices:
  - {name: lab-a, ip_address: 10.9.0.1, location: Lab}
  - {name: lab-b, ip_address: 10.9.0.2, location: Lab}
  - {name: lab-same, ip_address: %s, location: Lab}
enms_inventory_prune: true
enms_inventory_prune_scope: {location: {value: Lab}}
''' % same_ip
    play = role_play('enms_inventory', role_vars, save='enms_inventory_summary')
    expected = {'created': [], 'updated': ['lab-a', 'lab-b'], 'unchanged': ['lab-same'], 'deleted': ['Site1-Old'], 'refused': {},
                'not_attempted': []}
    planned = ansible.playbook(play, env=enms_env(enms), args=['--check', '--diff'])
    assert planned.rc == 0, planned.stdout[-4000:]
    assert planned.results['devices'] == expected, planned.results
    assert 'devices deleted: Site1-Old' in planned.stdout and 'devices updated: lab-a, lab-b' in planned.stdout
    assert writes(enms) == []
    applied = ansible.playbook(play, env=enms_env(enms))
    assert applied.rc == 0, applied.stdout[-4000:]
    assert applied.results['devices'] == expected, applied.results
    assert 'eNMS inventory: devices 0 created, 2 updated, 1 unchanged, 1 deleted;' in applied.stdout
    assert [found['path'] for found in enms.requests(route='delete_instance')] == ['/rest/instance/device/Site1-Old']
    with enms.lock:
        assert 'Site1-Old' not in enms.state['devices']
        assert all(name in enms.state['devices'] for name in ('collab', 'lab-a', 'lab-b', 'lab-same', 'slab'))


def test_a_prune_beyond_its_limit_or_of_an_empty_declaration_is_refused_before_any_write(enms, ansible):
    located(enms, **{'lab-1': 'Lab', 'lab-2': 'Lab', 'lab-3': 'Lab'})
    scope = 'enms_inventory_prune: true\nenms_inventory_prune_scope: {location: {value: Lab}}\n'
    empty = ansible.playbook(role_play('enms_inventory', scope + 'enms_inventory_devices: []\n'), env=enms_env(enms))
    assert empty.rc != 0 and 'Set enms_inventory_prune_allow_empty: true' in empty.stdout, empty.stdout[-4000:]
    assert enms.requests() == []
    beyond = ansible.playbook(role_play('enms_inventory', scope + 'enms_inventory_prune_allow_empty: true\nenms_inventory_prune_max: 2\n'),
                              env=enms_env(enms))
    assert beyond.rc != 0, beyond.stdout[-4000:]
    assert ('problem: prune: would delete 3 undeclared device(s) in enms_inventory_prune_scope, more than enms_inventory_prune_max (2): '
            'lab-1, lab-2, lab-3; raise enms_inventory_prune_max if this prune is meant') in failure_report(beyond)
    assert writes(enms) == []
    with enms.lock:
        assert all(name in enms.state['devices'] for name in ('lab-1', 'lab-2', 'lab-3'))


def test_a_pool_that_lists_a_name_this_run_renames_away_is_a_problem_of_the_plan(enms, ansible):
    seed(enms)
    role_vars = '''
enms_inventory_devices:
  - {name: site1-spine1, new_name: site1-spine01}
enms_inventory_pools:
  - {name: site1-spines, devices: [site1-spine1]}
'''
    run = ansible.playbook(role_play('enms_inventory', role_vars), env=enms_env(enms), args=['--check'])
    assert run.rc != 0, run.stdout[-4000:]
    assert 'problem: pool site1-spines: lists site1-spine1, which this run renames to site1-spine01' in failure_report(run)


def test_a_device_written_joins_the_declared_criteria_pool_it_matches_in_the_same_run(enms, ansible):
    with enms.lock:
        enms.state['devices']['site1-spine1'] = device('10.1.0.9', vendor='Arista')
        enms.state['pools']['site1-arista'] = ['site1-spine1']
        enms.state['pool_properties']['site1-arista'] = {'manually_defined': False, 'device_vendor': 'Arista',
                                                         'device_vendor_match': 'equality'}
    role_vars = '''
enms_inventory_devices:
  - {name: site1-leaf1, ip_address: 10.1.0.1, vendor: Arista}
enms_inventory_pools:
  - {name: site1-arista, device_filters: {vendor: {value: Arista, match: equality}}}
'''
    run = ansible.playbook(role_play('enms_inventory', role_vars, save='enms_inventory_summary'), env=enms_env(enms))
    assert run.rc == 0, run.stdout[-4000:]
    assert run.results['pools']['unchanged'] == ['site1-arista'] and run.results['pools_recomputed'] is True, run.results
    assert enms.count(route='update_all_pools') == 1
    with enms.lock:
        assert 'site1-leaf1' in enms.state['pools']['site1-arista'] and 'site1-spine1' in enms.state['pools']['site1-arista']


def test_after_a_server_error_at_the_device_write_nothing_is_reported_done_that_eNMS_did_not_confirm(enms, ansible):
    seed(enms)
    # eNMS rolls the whole bulk write back and answers HTTP 500: no device written, the prune and the pools never sent.
    enms.add_fault('status', route='update_instance', status=500, body='{"error": "rolled back"}')
    play = role_play('enms_inventory', DECLARED)
    run = ansible.playbook(play, env=enms_env(enms))
    assert run.rc != 0, run
    report = failure_report(run)
    assert report[0].startswith('eNMS inventory: devices 0 created, 0 updated, 1 unchanged, 0 deleted'), report
    assert 'pools not attempted: site1-leaves, site1-arista' in report or 'pools not attempted: site1-arista, site1-leaves' in report, report
    assert any(line.startswith('devices not attempted: ') and 'site1-old' in line for line in report), report
    assert enms.requests(route='delete_instance') == [] and enms.requests(route='update_pools') == []
    with enms.lock:
        assert 'site1-old' in enms.state['devices']


def test_after_a_dropped_connection_at_the_pool_write_the_devices_are_written_and_no_pool_reported_done(enms, ansible):
    seed(enms)
    enms.add_fault('drop', route='update_pools')
    run = ansible.playbook(role_play('enms_inventory', DECLARED), env=enms_env(enms))
    assert run.rc != 0, run
    report = failure_report(run)
    assert report[0].startswith('eNMS inventory: devices 1 created, 1 updated, 1 unchanged, 1 deleted; pools 0 created'), report
    assert not any(line.startswith('pools created') for line in report), report
    assert sum(line.startswith('failed: ') for line in report) == 1, report
    with enms.lock:
        assert 'site1-leaf1' in enms.state['devices'] and 'site1-old' not in enms.state['devices']
        assert 'site1-leaves' not in enms.state['pools']


def test_a_refused_login_is_one_problem_named_once_however_many_reads_it_stopped(enms, ansible):
    run = ansible.playbook(role_play('enms_inventory', DECLARED), env=enms_env(enms, password='wrong'))
    assert run.rc != 0, run
    report = failure_report(run)
    refusals = [line for line in report if '401' in line]
    assert refusals == ['problem: eNMS POST %s/rest/search failed: HTTP 401 Unauthorized: Error 401 - Wrong Credentials.' % enms.url], report
    assert '401' not in printed_before_the_final_failure(run), run.stdout[-4000:]
    assert writes(enms) == []
