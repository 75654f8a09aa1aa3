# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""enms_service_run and enms_result_info: main() against the eNMS emulator, what a run returns and each refusal's words
(the same with the real ansible-playbook: tests/e2e/test_enms.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
from urllib.parse import unquote

import pytest

from ansible_collections.netops.bridge.plugins.modules import enms_result_info, enms_service_run
from .module_runner import run

from emulators.enms import SHARED_SERVICE  # the tests folder is on the path (tests/unit/plugins/conftest.py)

FAST = dict(poll_interval=0.02, wait_timeout=10)
READ_HINT = ('eNMS answers HTTP 403 both when no service has this name and when the user may not %s it (an eNMS admin gets '
             '403 only for a name that does not exist). Check the exact name in eNMS (a shared service is named "[Shared] '
             '<name>", a service in a workflow "[<workflow>] <name>"); if it is right, the user lacks the access')


@pytest.fixture
def enms(enms):
    enms.patch_state({'run_delay': 0.05, 'row_delay': 0.02})
    return enms


def service_run(enms, **args):
    return run(enms_service_run, dict(url=enms.url, username='admin', password='admin-pass', **args))


def result_info(enms, **args):
    return run(enms_result_info, dict(url=enms.url, username='admin', password='admin-pass', **args))


def test_a_run_waited_for_returns_its_outcome_read_under_the_scoped_name(enms):
    done = service_run(enms, name=SHARED_SERVICE, devices=['Washington', 'Atlanta'], **FAST)
    assert not done.failed, done.result
    result = done.result
    assert (result['changed'], result['status'], result['success'], result['scoped_name'], result['errors'],
            result['duration']) == (True, 'Completed', True, 'Ping', [], '0:00:01')
    assert result['summary'] == {'success': ['Atlanta', 'Washington'], 'failure': [], 'discard': []}
    polls = enms.requests(route='get_result')
    assert result['polls'] == len(polls) and all(unquote(poll['path']) == '/rest/result/Ping/%s' % result['runtime'] for poll in polls)
    assert [unquote(entry['path']) for entry in enms.requests(route='get_instance')] == ['/rest/instance/service/[Shared] Ping']


@pytest.mark.parametrize('name,what', [
    ('Configuration Backup', "the eNMS run of 'Configuration Backup' at %s"),
    (SHARED_SERVICE, "the eNMS run of '[Shared] Ping' (results kept under its scoped name 'Ping') at %s"),
])
def test_a_device_that_failed_fails_the_task_naming_the_run_and_the_device(enms, name, what):
    done = service_run(enms, name=name, devices=['Boston', 'Atlanta'], **FAST)
    assert done.failed and done.result['msg'] == (what + ' failed on: Boston.') % done.result['runtime']
    assert done.result['summary']['failure'] == ['Boston']


@pytest.mark.parametrize('wait,purpose,reads', [(True, 'read', 1), (False, 'run', 0)])
def test_an_unknown_service_fails_saying_what_enms_403_means_for_what_was_asked(enms, wait, purpose, reads):
    done = service_run(enms, name='No Such Service', wait=wait, **FAST)
    method, path = ('GET', 'instance/service/No%20Such%20Service') if wait else ('POST', 'run_service')
    assert done.failed and done.result['msg'] == 'eNMS %s %s/rest/%s failed: HTTP 403 Forbidden: %s: Error 403 - Not Authorized.' % (
        method, enms.url, path, READ_HINT % purpose)
    assert enms.count(route='get_instance') == reads


def test_a_run_enms_refuses_with_an_error_fails_with_its_words(enms):
    enms.patch_state({'rest_api_allowed': False})
    done = service_run(enms, name='Configuration Backup', wait=False)
    assert done.failed and done.result['changed'] is False
    assert done.result['msg'] == ("eNMS POST %s/rest/run_service failed: HTTP 200 OK: eNMS refused to run 'Configuration Backup': "
                                  "Runs from the REST API are not allowed on this server." % enms.url)


def test_a_run_enms_did_not_start_fails_with_every_reason_it_gave(enms):
    done = service_run(enms, name='Configuration Backup', devices=['Nowhere'], pools=['Nope'], wait=False)
    assert done.failed and done.result['msg'] == (
        "eNMS POST %s/rest/run_service failed: HTTP 200 OK: eNMS did not start 'Configuration Backup': No device with the "
        "name 'Nowhere'; No pool with the name 'Nope'" % enms.url)


@pytest.mark.parametrize('answer,words', [({}, 'no runtime in the answer'), ({'errors': 'busy'}, 'busy')])
def test_an_answer_without_a_runtime_fails_quoting_what_enms_said(enms, answer, words):
    enms.add_fault('status', route='run_service', status=200, body=json.dumps(answer))
    done = service_run(enms, name='Configuration Backup', wait=False)
    assert done.failed and done.result['msg'] == ("eNMS POST %s/rest/run_service failed: HTTP 200 OK: eNMS did not start "
                                                  "'Configuration Backup': %s" % (enms.url, words))


def test_a_service_without_a_scoped_name_fails_since_its_results_cannot_be_found(enms):
    enms.add_fault('status', route='get_instance', status=200, body=json.dumps({'name': 'Configuration Backup', 'type': 'service'}))
    done = result_info(enms, name='Configuration Backup', runtime='2026-01-01 00:00:00.000000')
    assert done.failed and done.result['msg'] == ("eNMS: eNMS gave the service 'Configuration Backup' without a scoped_name, "
                                                  "under which its results are kept: ['name', 'type']")


def test_a_run_enms_has_no_result_for_yet_is_not_found(enms):
    done = result_info(enms, name='Configuration Backup', runtime='2026-01-01 00:00:00.000000')
    assert not done.failed and (done.result['found'], done.result['finished'], done.result['polls']) == (False, False, 1)


def test_a_result_enms_refuses_fails_with_its_words(enms):
    enms.add_fault('status', route='get_result', status=200, body='{"error": "The database is locked."}')
    done = result_info(enms, name='Configuration Backup', runtime='2026-01-01 00:00:00.000000')
    assert done.failed and done.result['msg'] == ('eNMS GET %s/rest/result/Configuration%%20Backup/2026-01-01%%2000%%3A00%%3A00.000000 '
                                                  'failed: HTTP 200 OK: eNMS refused to give the result: The database is locked.' % enms.url)


def test_the_result_of_a_run_that_ended_is_found_finished(enms):
    started = service_run(enms, name='Configuration Backup', devices=['Washington'], **FAST)
    assert not started.failed, started.result
    done = result_info(enms, name='Configuration Backup', runtime=started.result['runtime'])
    assert (done.result['found'], done.result['finished'], done.result['status'], done.result['success']) == (True, True, 'Completed', True)
    assert done.result['summary'] == {'success': ['Washington'], 'failure': [], 'discard': []}


def test_a_run_enms_never_knows_is_given_up_after_not_found_timeout_naming_it(enms):
    done = result_info(enms, name=SHARED_SERVICE, runtime='2026-01-01 00:00:00.000000', wait=True, not_found_timeout=0.1,
                       poll_interval=0.02, wait_timeout=10)
    assert done.failed and done.result['msg'].startswith(
        "the eNMS run of '[Shared] Ping' (results kept under its scoped name 'Ping') at 2026-01-01 00:00:00.000000 was never "
        "found: the server still did not know it after "), done.result['msg']


def test_a_run_still_going_at_wait_timeout_is_named_and_not_called_unknown(enms):
    enms.patch_state({'run_delay': 30})
    started = service_run(enms, name='Configuration Backup', devices=['Washington'], wait=False)
    done = result_info(enms, name='Configuration Backup', runtime=started.result['runtime'], wait=True, wait_timeout=0.3,
                       not_found_timeout=0.1, poll_interval=0.02)
    assert done.failed and done.result['msg'].startswith(
        "the eNMS run of 'Configuration Backup' at %s did not finish within wait_timeout=0.3s" % started.result['runtime']), done.result['msg']


@pytest.mark.parametrize('service,keys', [
    ({'name': 'Configuration Backup', 'type': 'service'}, "['name', 'type']"),
    ({'name': 'Configuration Backup', 'scoped_name': 5}, "['name', 'scoped_name']"),
])
def test_a_service_without_a_scoped_name_text_fails_since_its_results_cannot_be_found(enms, service, keys):
    enms.add_fault('status', route='get_instance', status=200, body=json.dumps(service))
    done = result_info(enms, name='Configuration Backup', runtime='2026-01-01 00:00:00.000000')
    assert done.failed and done.result['msg'] == ("eNMS: eNMS gave the service 'Configuration Backup' without a scoped_name, "
                                                  "under which its results are kept: %s" % keys)


def test_a_service_answer_that_is_no_object_fails_naming_the_service(enms):
    enms.add_fault('status', route='get_instance', status=200, body='["Configuration Backup"]')
    done = result_info(enms, name='Configuration Backup', runtime='2026-01-01 00:00:00.000000')
    assert done.failed and done.result['msg'] == (
        'eNMS GET %s/rest/instance/service/Configuration%%20Backup failed: HTTP 200 OK: expected the service \'Configuration '
        'Backup\' as a JSON object: ["Configuration Backup"]' % enms.url)


def test_the_services_of_a_workflow_run_are_those_of_that_run_alone(enms):
    runs = [service_run(enms, name='Upgrade Workflow', devices=devices, **FAST) for devices in (['Atlanta'], ['Washington'])]
    assert not any(done.failed for done in runs), [done.result for done in runs]
    done = result_info(enms, name='Upgrade Workflow', runtime=runs[0].result['runtime'])
    assert [[device['name'] for device in service['devices']] for service in done.result['services']] == [['Atlanta']]
    criteria = [json.loads(entry['body'])['search_criteria'] for entry in enms.requests(route='search')]
    assert criteria[-1] == {'parent_runtime': runs[0].result['runtime'], 'parent_runtime_filter': 'equality'}


@pytest.mark.parametrize('options,verified', [({}, False), ({'validate_certs': False}, True), ('ca', True)])
def test_the_certificate_is_verified_against_ca_path_unless_validate_certs_is_false(enms_tls, options, verified):
    if options == 'ca':
        options = {'ca_path': enms_tls.ca}
    done = result_info(enms_tls, name='Configuration Backup', runtime='2026-01-01 00:00:00.000000', **options)
    assert done.failed is not verified, done.result
    if not verified:
        assert 'certificate' in done.result['msg'], done.result['msg']


def test_a_server_slower_than_request_timeout_fails_naming_it(enms):
    enms.add_fault('delay', route='get_instance', seconds=1.0, times=4)
    done = result_info(enms, name='Configuration Backup', runtime='2026-01-01 00:00:00.000000', request_timeout=0.2)
    assert done.failed and 'request_timeout=0.2s' in done.result['msg'], done.result['msg']


def test_a_blank_username_is_refused_before_any_request(enms):
    done = run(enms_result_info, dict(url=enms.url, username='  ', password='admin-pass', name='Configuration Backup',
                                      runtime='2026-01-01 00:00:00.000000'))
    assert done.failed and done.result['msg'] == 'username must not be empty.' and enms.requests() == []
