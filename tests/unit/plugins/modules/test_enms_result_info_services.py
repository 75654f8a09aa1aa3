# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""enms_result_info's ``services`` of a workflow run, against the eNMS emulator (which writes eNMS 4.6's result rows)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import time

import pytest

from ansible_collections.netops.bridge.plugins.module_utils._auth import BasicAuth
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient
from ansible_collections.netops.bridge.plugins.module_utils.enms import EnmsApi, workflow_services
from ansible_collections.netops.bridge.plugins.modules import enms_result_info
from .module_runner import run

from emulators.enms import service  # the tests folder is on the path (tests/unit/plugins/conftest.py)

WORKFLOW = 'Nightly'


@pytest.fixture
def enms(enms):
    with enms.lock:
        services = enms.state['services']
        services[WORKFLOW] = service('workflow', WORKFLOW, run_method='once', services=['[Nightly] Save', '[Nightly] Check'])
        # Declared in the other order than the workflow runs them: the entries follow the run, not the declaration.
        services['[Nightly] Check'] = service(scoped_name='Check', workflows=[WORKFLOW], run_method='once', fails=True, output='drift')
        services['[Nightly] Save'] = service(scoped_name='Save', workflows=[WORKFLOW], run_method='once', output='saved')
        services['Per Device'] = service('workflow', 'Per Device', devices=['Washington', 'Boston'], services=['[Per Device] Ping'])
        services['[Per Device] Ping'] = service(scoped_name='Ping', workflows=['Per Device'])
        services['No Targets'] = service('workflow', 'No Targets', services=['[No Targets] Ping'])
        services['[No Targets] Ping'] = service(scoped_name='Ping', workflows=['No Targets'], run_method='once')
    return enms


def start(emulator, name):
    api = EnmsApi(client=ApiClient('eNMS', emulator.url, BasicAuth('admin', 'admin-pass'), timeout=10))
    return api.run_service({'name': name, 'async': False})['runtime']


def read(emulator, name, runtime, **args):
    return run(enms_result_info, dict(url=emulator.url, username='admin', password='admin-pass', name=name, runtime=runtime, **args))


def test_each_service_of_a_workflow_run_once_is_returned_in_the_order_it_ran(enms):
    runtime = start(enms, WORKFLOW)
    out = read(enms, WORKFLOW, runtime)
    assert not out.failed, out.result
    assert out.result['success'] is False and out.result['changed'] is False
    services = out.result['services']
    assert [(found['name'], found['success'], found['devices']) for found in services] == [('Save', True, []), ('Check', False, [])]
    assert [found['result']['result'] for found in services] == ['saved', 'drift']
    assert all(found['runtime'] > runtime for found in services) and services[0]['runtime'] < services[1]['runtime']
    # One paged search, ordered by runtime (the emulator answers 500 to an association column, as eNMS 4.6 does).
    searches = enms.requests(route='search')
    assert len(searches) == 1
    sent = json.loads(searches[0]['body'])
    # Pages of one order cannot overlap or skip, and rows of one runtime are the order the services ran in.
    assert [(sent['columns'][order['column']], order['dir']) for order in sent['order']] == [('runtime', 'asc')], sent


def test_a_workflow_still_running_gives_the_services_ended_so_far(enms):
    api = EnmsApi(client=ApiClient('eNMS', enms.url, BasicAuth('admin', 'admin-pass'), timeout=10))
    runtime = api.run_service({'name': WORKFLOW, 'async': True})['runtime']
    with enms.lock:
        # A run of 30 s whose two services end at 10 s and 20 s, read at 12 s: Save has ended, Check not yet.
        now = time.time()
        enms.state['runs'][runtime].update(started_at=now - 12, row_at=now - 12, done_at=now + 18)
    out = read(enms, WORKFLOW, runtime)
    assert (out.result['status'], out.result['finished']) == ('Running', False), out.result
    assert [(found['name'], found['success'], found['result']['result']) for found in out.result['services']] == [
        ('Save', True, 'saved')]


def test_a_per_device_service_gives_each_device_its_result(enms):
    runtime = start(enms, 'Per Device')
    out = read(enms, 'Per Device', runtime)
    assert not out.failed, out.result
    (ping,) = out.result['services']
    assert ping['name'] == 'Ping' and ping['success'] is False and ping['result']['summary']['failure'] == ['Boston']
    assert [(found['name'], found['success']) for found in ping['devices']] == [('Boston', False), ('Washington', True)]
    assert all(found['result']['device_target'] == found['name'] for found in ping['devices'])


def test_a_per_device_workflow_without_targets_fails_before_any_service(enms):
    runtime = start(enms, 'No Targets')
    out = read(enms, 'No Targets', runtime)
    assert out.result['success'] is False and 'no targets have been selected' in out.result['result']['result']
    assert out.result['services'] == []


def test_a_service_run_reads_no_services(enms):
    runtime = start(enms, 'Configuration Backup')
    out = read(enms, 'Configuration Backup', runtime)
    assert not out.failed and out.result['success'] is True
    assert 'services' not in out.result and enms.requests(route='search') == []


def test_an_unknown_runtime_of_a_workflow_reads_no_services(enms):
    out = read(enms, WORKFLOW, '2001-01-01 00:00:00.000000')
    assert out.result['found'] is False and 'services' not in out.result and enms.requests(route='search') == []


def row(path, service_name, runtime, success, device=None, result=None):
    return {'path': path, 'service_name': service_name, 'runtime': runtime, 'success': success, 'device_name': device,
            'result': result or {'runtime': runtime}}


def test_rows_of_a_workflow_run_device_by_device_become_one_entry_per_service():
    # As eNMS 4.6 writes them for a workflow in per-device mode: no row of its own for the service, the workflow's per device.
    records = [
        row('8', 'WF', 't0', False),
        row('8>9', 'C', 't1', True, 'd1'),
        row('8', 'WF', 't2', True, 'd1'),
        row('8>9', 'C', 't3', False, 'd2'),
        row('8', 'WF', 't4', False, 'd2'),
    ]
    assert workflow_services(records) == [{'name': 'C', 'success': False, 'runtime': 't1', 'result': None, 'devices': [
        {'name': 'd1', 'success': True, 'runtime': 't1', 'result': {'runtime': 't1'}},
        {'name': 'd2', 'success': False, 'runtime': 't3', 'result': {'runtime': 't3'}}]}]


def test_a_retried_service_counts_its_last_attempt_and_services_in_a_nested_workflow_are_kept_apart():
    records = [
        row('5', 'WF', 't0', True),
        row('5>6', 'Try', 't1', False),
        row('5>6', 'Try', 't2', True),
        row('5>7', 'Inner', 't3', True),
        row('5>7>6', 'Try', 't4', True),
    ]
    assert [(found['name'], found['success'], found['runtime']) for found in workflow_services(records)] == [
        ('Try', True, 't2'), ('Inner', True, 't3'), ('Try', True, 't4')]
