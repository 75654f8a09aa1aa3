# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""eNMS modules against an eNMS server that the tests furnish themselves: the emulator by default, a real eNMS 4.6
with ``bash scripts/test.sh real-enms`` (see enms_servers.py). Shared services, services in a workflow, failing
runs and unknown runtimes: what only a real server showed to be wrong once."""

from __future__ import absolute_import, division, print_function

import time
from urllib.parse import quote

import pytest

from enms_servers import server
from test_roles import role_play
from test_saymon import play


@pytest.fixture(scope='module')
def enms_server():
    with server() as found:
        found.device = found.prefix + 'device'
        found.add_device(found.device, '192.0.2.10')
        yield found


def env_for(enms_server):
    return {'ENMS_URL': enms_server.url, 'ENMS_USERNAME': enms_server.username, 'ENMS_PASSWORD': enms_server.password}


def shared(enms_server, scoped):
    return '[Shared] %s%s' % (enms_server.prefix, scoped)


def run_and_wait(ansible, enms_server, name, extra=''):
    return ansible.playbook(play('''
    - netops.bridge.enms_service_run:
        name: "%s"
        devices: ["%s"]
        poll_interval: 0.5
        wait_timeout: 120%s
      register: run
      ignore_errors: true
''' % (name, enms_server.device, extra), "{'run': run}"), env=env_for(enms_server))


def test_a_standalone_service_is_waited_for(enms_server, ansible):
    name = enms_server.prefix + 'standalone'
    enms_server.add_service(name, name, seconds=1)
    result = run_and_wait(ansible, enms_server, name).results['run']
    assert result.get('failed') is not True, result
    assert result['status'] == 'Completed' and result['success'] is True and result['scoped_name'] == name
    assert result['summary']['success'] == [enms_server.device] and result['summary']['failure'] == []


def test_a_shared_service_is_waited_for_under_its_scoped_name(enms_server, ansible):
    name = shared(enms_server, 'backup')
    enms_server.add_service(name, enms_server.prefix + 'backup', seconds=1, shared=True)
    result = run_and_wait(ansible, enms_server, name).results['run']
    assert result.get('failed') is not True, result
    assert result['status'] == 'Completed' and result['success'] is True
    assert result['scoped_name'] == enms_server.prefix + 'backup'
    polls = enms_server.requests_to('get_result')
    if polls is not None:
        mine = [poll['path'] for poll in polls if poll['path'].endswith(quote(result['runtime'], safe=''))]
        assert len(mine) == result['polls'] and all(path.startswith('/rest/result/%sbackup/' % enms_server.prefix) for path in mine)


def test_a_failing_shared_service_fails_the_task_within_seconds(enms_server, ansible):
    name = shared(enms_server, 'broken')
    enms_server.add_service(name, enms_server.prefix + 'broken', succeeds=False, seconds=2, shared=True)
    started = time.monotonic()
    result = run_and_wait(ansible, enms_server, name).results['run']
    elapsed = time.monotonic() - started
    assert result['failed'] is True and result['success'] is False, result
    assert 'failed on: %s' % enms_server.device in result['msg'] and name in result['msg']
    assert result['summary']['failure'] == [enms_server.device]
    # The run takes 2 s; what is left is ansible-playbook's own start and a poll interval, far from wait_timeout=120.
    assert elapsed < 45, elapsed


def test_a_service_in_a_workflow_is_run_and_waited_for_by_its_full_name(enms_server, ansible):
    workflow = enms_server.prefix + 'workflow'
    name = '[%s] %schild' % (workflow, enms_server.prefix)
    enms_server.add_service(name, enms_server.prefix + 'child', seconds=1, workflow=workflow)
    result = run_and_wait(ansible, enms_server, name).results['run']
    assert result.get('failed') is not True, result
    assert result['success'] is True and result['scoped_name'] == enms_server.prefix + 'child'


def test_result_info_takes_the_full_name_and_sees_the_run_going_then_finished(enms_server, ansible):
    name = shared(enms_server, 'slow')
    enms_server.add_service(name, enms_server.prefix + 'slow', seconds=4, shared=True)
    run = ansible.playbook(play('''
    - netops.bridge.enms_service_run:
        name: "%s"
        devices: ["%s"]
        wait: false
      register: started
    - ansible.builtin.pause:
        seconds: 1
    - netops.bridge.enms_result_info:
        name: "%s"
        runtime: "{{ started.runtime }}"
      register: early
    - netops.bridge.enms_result_info:
        name: "%s"
        runtime: "{{ started.runtime }}"
        wait: true
        poll_interval: 0.5
      register: late
''' % (name, enms_server.device, name, name), "{'early': early, 'late': late}"), env=env_for(enms_server))
    assert run.rc == 0, run
    early, late = run.results['early'], run.results['late']
    assert early['found'] is True and early['finished'] is False and early['status'] == 'Running', early
    assert late['finished'] is True and late['status'] == 'Completed' and late['success'] is True, late
    assert late['scoped_name'] == enms_server.prefix + 'slow' and late['changed'] is False


def test_an_unknown_runtime_fails_within_a_few_polls(enms_server, ansible):
    name = shared(enms_server, 'lookup')
    enms_server.add_service(name, enms_server.prefix + 'lookup', shared=True)
    runtime = '2001-01-01 00:00:00.000001'
    started = time.monotonic()
    run = ansible.playbook(play('''
    - netops.bridge.enms_result_info:
        name: "%s"
        runtime: "%s"
        wait: true
        not_found_timeout: 2
      register: missing
      ignore_errors: true
''' % (name, runtime), "{'missing': missing}"), env=env_for(enms_server))
    elapsed = time.monotonic() - started
    missing = run.results['missing']
    assert missing['failed'] is True and 'never found' in missing['msg'], missing
    for words in (repr(name), repr(enms_server.prefix + 'lookup'), runtime, 'not_found_timeout=2.0'):
        assert words in missing['msg'], (words, missing['msg'])
    assert 2 <= missing['polls'] <= 8 and elapsed < 40, (missing['polls'], elapsed)


def test_an_unknown_service_fails_before_anything_runs(enms_server, ansible):
    result = run_and_wait(ansible, enms_server, enms_server.prefix + 'no such service').results['run']
    assert result['failed'] is True and result['changed'] is False, result
    assert 'HTTP 403' in result['msg'] and 'no service has this name' in result['msg']
    if enms_server.requests_to('run_service') is not None:
        assert not [r for r in enms_server.requests_to('run_service') if 'no such service' in r['body']]


def test_a_workflow_of_two_services_gives_each_service_its_result(enms_server, ansible):
    workflow = enms_server.prefix + 'nightly'
    enms_server.add_workflow(workflow, [('save', True, 'saved'), ('check', False, 'drift found')])
    run = ansible.playbook(play('''
    - netops.bridge.enms_service_run:
        name: "%s"
        wait: false
      register: started
    - netops.bridge.enms_result_info:
        name: "%s"
        runtime: "{{ started.runtime }}"
        wait: true
        poll_interval: 0.5
        wait_timeout: 120
      register: finished
''' % (workflow, workflow), "{'finished': finished}"), env=env_for(enms_server))
    assert run.rc == 0, run
    finished = run.results['finished']
    assert finished['status'] == 'Completed' and finished['success'] is False, finished
    services = finished['services']
    assert [(found['name'], found['success'], found['devices']) for found in services] == [('save', True, []), ('check', False, [])]
    assert [found['result']['result'] for found in services] == ['saved', 'drift found']
    assert services[0]['runtime'] < services[1]['runtime'] and finished['changed'] is False


def test_the_inventory_role_creates_updates_prunes_in_its_scope_and_then_only_reads(enms_server, ansible):
    # Its own name space: the module's other tests keep using the fixture's device, outside the prune scope.
    prefix = enms_server.prefix + 'inv-'
    enms_server.add_device(prefix + 'old', '192.0.2.66')
    enms_server.add_device(prefix + 'spine1', '192.0.2.21', vendor='Cisco')
    for kind, name in (('device', prefix + 'leaf1'), ('pool', prefix + 'leaves'), ('pool', prefix + 'arista')):
        enms_server.track(kind, name)
    role_vars = '''
enms_inventory_devices:
  - {name: %(p)sleaf1, ip_address: 192.0.2.11, vendor: Arista}
  - {name: %(p)sspine1, ip_address: 192.0.2.21, vendor: Arista}
enms_inventory_pools:
  - {name: %(p)sleaves, devices: [%(p)sleaf1, %(p)sspine1]}
  - name: %(p)sarista
    device_filters:
      name: {value: '^%(p)s', match: regex}
      vendor: {value: Arista, match: equality}
enms_inventory_prune: true
enms_inventory_prune_scope:
  name: {value: '^%(p)s', match: regex}
''' % {'p': prefix}
    playbook = role_play('enms_inventory', role_vars, save='enms_inventory_summary')
    applied = ansible.playbook(playbook, env=env_for(enms_server))
    assert applied.rc == 0, applied.stdout[-4000:]
    account = applied.results
    assert account['devices'] == {'created': [prefix + 'leaf1'], 'updated': [prefix + 'spine1'], 'unchanged': [],
                                  'deleted': [prefix + 'old'], 'refused': {}, 'not_attempted': []}, account
    assert sorted(account['pools']['created']) == [prefix + 'arista', prefix + 'leaves'], account
    members = ansible.playbook(play('''
    - netops.bridge.enms_device_info:
        pool: "%sarista"
      register: arista
''' % prefix, "{'arista': arista}"), env=env_for(enms_server)).results['arista']
    assert sorted(found['name'] for found in members['devices']) == [prefix + 'leaf1', prefix + 'spine1'], members
    again = ansible.playbook(playbook, env=env_for(enms_server))
    assert again.rc == 0 and again.results['changed'] is False, again.stdout[-4000:]
    assert sorted(again.results['devices']['unchanged']) == [prefix + 'leaf1', prefix + 'spine1']
