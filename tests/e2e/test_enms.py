# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""eNMS modules run by real ansible-playbook / ansible commands against the eNMS emulator."""

from __future__ import absolute_import, division, print_function

import json
from urllib.parse import unquote

import pytest

from conftest import enms_env
from emulators.enms import SHARED_SERVICE
from test_saymon import play


def run_service(ansible, enms, options, env=None, args=()):
    return ansible.playbook(play('''
    - netops.bridge.enms_service_run:
        %s
      register: run
      ignore_errors: true
''' % options.replace('\n', '\n        '), "{'run': run}"), env=env or enms_env(enms), args=args)


def test_run_on_devices_waits_for_the_result(enms, ansible):
    run = run_service(ansible, enms, 'name: Configuration Backup\ndevices: [Washington, Atlanta]\npayload: {ticket: CHG-1}\npoll_interval: 0.5')
    assert run.rc == 0, run
    result = run.results['run']
    assert result.get('failed') is not True, result
    assert result['changed'] is True and result['status'] == 'Completed' and result['success'] is True
    assert result['summary'] == {'success': ['Atlanta', 'Washington'], 'failure': [], 'discard': []}
    posts = enms.requests(route='run_service')
    assert len(posts) == 1
    assert json.loads(posts[0]['body']) == {'name': 'Configuration Backup', 'async': True,
                                            'devices': ['Washington', 'Atlanta'], 'ticket': 'CHG-1'}
    state = enms.dump_state()['runs'][result['runtime']]
    assert state['payload'] == {'ticket': 'CHG-1'}
    polls = enms.requests(route='get_result')
    assert len(polls) == result['polls'] and len(polls) >= 2
    assert unquote(polls[0]['path']) == '/rest/result/Configuration Backup/%s' % result['runtime']


def test_shared_service_and_workflow_return_their_results(enms, ansible):
    shared = run_service(ansible, enms, 'name: "%s"\npoll_interval: 0.5' % SHARED_SERVICE)
    assert shared.results['run']['summary']['success'] == ['Atlanta', 'Washington'], shared
    assert shared.results['run']['scoped_name'] == 'Ping'
    # Run under the full name, read once under the full name, results polled under the scoped name.
    assert [r['path'] for r in enms.requests(route='get_instance')] == ['/rest/instance/service/%5BShared%5D%20Ping']
    assert json.loads(enms.requests(route='run_service')[0]['body'])['name'] == SHARED_SERVICE
    assert all(r['path'].startswith('/rest/result/Ping/') for r in enms.requests(route='get_result'))
    workflow = run_service(ansible, enms, 'name: Upgrade Workflow\npoll_interval: 0.5')
    assert workflow.results['run']['success'] is True and workflow.results['run']['summary']['success'] == ['Atlanta', 'Washington']


def test_failed_devices_fail_the_task_unless_told_otherwise(enms, ansible):
    run = run_service(ansible, enms, 'name: Configuration Backup\npools: [Edge, Core]\npoll_interval: 0.5')
    result = run.results['run']
    assert result['failed'] is True and 'failed on: Boston' in result['msg']
    assert result['summary']['failure'] == ['Boston']
    tolerated = run_service(ansible, enms, 'name: Configuration Backup\npools: [Edge]\nfail_on_failure: false\npoll_interval: 0.5')
    assert tolerated.results['run'].get('failed') is not True and tolerated.results['run']['success'] is False


@pytest.mark.parametrize('options,setup,words,runs_sent', [
    ('name: Configuration Backup\ndevices: [Nowhere]', None, "No device with the name 'Nowhere'", 1),
    ('name: Configuration Backup\npools: [Nope]', None, "No pool with the name 'Nope'", 1),
    ('name: Configuration Backup', {'rest_api_allowed': False}, 'Runs from the REST API are not allowed on this server.', 1),
    ('name: Disabled Workflow', None, 'The workflow is disabled.', 1),
    ('name: No Such Service', None, 'HTTP 403 Forbidden: eNMS answers HTTP 403 both when no service has this name', 0),
    ('name: No Such Service\nwait: false', None, 'HTTP 403 Forbidden: eNMS answers HTTP 403 both when no service has this name', 1),
])
def test_refusals_fail_with_enms_words(enms, ansible, options, setup, words, runs_sent):
    if setup:
        enms.patch_state(setup)
    result = run_service(ansible, enms, options).results['run']
    assert result['failed'] is True and words in result['msg'] and result['changed'] is False, result
    assert enms.count(route='run_service') == runs_sent and enms.count(route='get_result') == 0
    assert enms.dump_state()['runs'] == {}


def test_duplicate_run_name_and_permissions(enms, ansible):
    first = run_service(ansible, enms, 'name: Configuration Backup\nrun_name: nightly\nwait: false')
    assert first.results['run']['changed'] is True and 'runtime' in first.results['run']
    second = run_service(ansible, enms, 'name: Configuration Backup\nrun_name: nightly\nwait: false')
    assert 'There is already a run with the same name.' in second.results['run']['msg']
    denied = run_service(ansible, enms, 'name: Upgrade Workflow', env=enms_env(enms, 'operator', 'operator-pass'))
    assert 'HTTP 403' in denied.results['run']['msg']
    wrong = run_service(ansible, enms, 'name: Upgrade Workflow', env=enms_env(enms, 'admin', 'not-the-password'))
    assert 'HTTP 401 Unauthorized: Error 401 - Wrong Credentials.' in wrong.results['run']['msg']
    assert 'not-the-password' not in wrong.output


@pytest.mark.parametrize('targets', ['devices: []', 'pools: []', 'devices: []\nip_addresses: []'])
def test_only_empty_target_lists_fail_before_any_request(enms, ansible, targets):
    result = run_service(ansible, enms, 'name: "%s"\n%s' % (SHARED_SERVICE, targets)).results['run']
    assert result['failed'] is True and result['changed'] is False, result
    assert "eNMS would run '[Shared] Ping' on its own targets instead" in result['msg'] and 'allow_empty_targets' in result['msg']
    assert enms.requests() == []


def test_empty_targets_run_on_the_service_targets_when_allowed(enms, ansible):
    result = run_service(ansible, enms, 'name: "%s"\ndevices: []\nallow_empty_targets: true\npoll_interval: 0.5' % SHARED_SERVICE).results['run']
    assert result.get('failed') is not True, result
    assert result['summary']['success'] == ['Atlanta', 'Washington']
    assert 'devices' not in json.loads(enms.requests(route='run_service')[0]['body'])


def test_ignore_invalid_targets_runs_and_warns(enms, ansible):
    run = run_service(ansible, enms, 'name: Configuration Backup\ndevices: [Washington, Ghost]\nignore_invalid_targets: true\npoll_interval: 0.5')
    result = run.results['run']
    assert result['success'] is True and result['errors'] == ["No device with the name 'Ghost'"]
    assert "eNMS: No device with the name 'Ghost'" in run.output


def test_run_is_never_sent_twice(enms, ansible):
    enms.add_fault('after', route='run_service', then='drop')
    result = run_service(ansible, enms, 'name: Configuration Backup').results['run']
    assert result['failed'] is True and 'may have reached the server' in result['msg']
    assert enms.count(route='run_service') == 1 and len(enms.dump_state()['runs']) == 1


def test_polling_faults_do_not_resend_the_run(enms, ansible):
    enms.add_fault('status', route='get_result', status=503, times=1)
    enms.add_fault('drop', route='get_result', times=1)
    enms.add_fault('status', route='get_result', status=502, times=1)
    result = run_service(ansible, enms, 'name: Configuration Backup\npoll_interval: 0.5').results['run']
    assert result.get('failed') is not True and result['status'] == 'Completed', result
    assert enms.count(route='run_service') == 1


def test_bad_input_and_check_mode_send_nothing(enms, ansible):
    for options in ('name: X\npayload: {devices: [a]}', 'name: X\npayload: {async: false}', 'name: ""',
                    'name: X\nwait_timeout: 0', 'name: X\ndevices: [""]'):
        result = run_service(ansible, enms, options).results['run']
        assert result['failed'] is True and 'Traceback' not in json.dumps(result), (options, result)
    missing = run_service(ansible, enms, 'name: X', env={'ENMS_URL': enms.url})
    assert missing.results['run']['failed'] is True
    check = run_service(ansible, enms, 'name: Configuration Backup\ndevices: [Washington]', args=['--check'])
    assert check.results['run']['changed'] is True
    assert check.results['run']['would_run'] == {'name': 'Configuration Backup', 'async': True, 'devices': ['Washington']}
    assert [(r['method'], r['route']) for r in enms.requests()] == [('GET', 'get_instance')]


def test_result_info_and_adhoc(enms, ansible):
    enms.patch_state({'row_delay': 3.0, 'run_delay': 3.5})
    run = ansible.playbook(play('''
    - netops.bridge.enms_service_run:
        name: Configuration Backup
        wait: false
      register: started
    - netops.bridge.enms_result_info:
        name: Configuration Backup
        runtime: "{{ started.runtime }}"
      register: early
    - netops.bridge.enms_result_info:
        name: Configuration Backup
        runtime: "{{ started.runtime }}"
        wait: true
        poll_interval: 0.5
      register: late
''', "{'early': early, 'late': late}"), env=enms_env(enms))
    assert run.rc == 0, run
    assert run.results['early']['found'] is False and run.results['early']['finished'] is False
    assert run.results['late']['finished'] is True and run.results['late']['success'] is True
    assert run.results['late']['changed'] is False
    enms.patch_state({'row_delay': 0.3, 'run_delay': 0.5})
    adhoc = ansible.adhoc('netops.bridge.enms_service_run', 'name="Configuration Backup" devices=Atlanta poll_interval=0.5', env=enms_env(enms))
    assert adhoc.rc == 0 and '"status": "Completed"' in adhoc.stdout, adhoc
