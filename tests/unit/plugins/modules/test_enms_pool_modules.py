# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""enms_pool and enms_configuration_info: main() against the eNMS emulator, one field or one case per test."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import sys

import pytest

from ansible_collections.netops.bridge.plugins.modules import enms_configuration_info, enms_pool
from .module_runner import run

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))

from emulators.enms import EnmsEmulator, device  # noqa: E402  (the tests folder is on the path only now)

ARISTA = {'vendor': {'value': 'Arista', 'match': 'equality'}}


@pytest.fixture
def enms():
    emulator = EnmsEmulator()
    emulator.start()
    emulator.state['devices'].update({
        'site1-a': device('10.1.0.1', vendor='Arista', location='Paris'),
        'site1-b': device('10.1.0.2', vendor='arista', location='Lyon'),
    })
    yield emulator
    emulator.stop()


def pool(enms, check_mode=False, diff=False, **args):
    args.setdefault('name', 'site1')
    return run(enms_pool, dict(url=enms.url, username='admin', password='admin-pass', **args), check_mode=check_mode, diff=diff)


def writes(enms):
    return [(entry['method'], entry['route']) for entry in enms.requests() if entry['method'] != 'GET' and entry['route'] != 'search']


def stored(enms, name='site1'):
    found = enms.pool_properties(name)
    return dict((key, value) for key, value in found.items() if key.startswith('device_') and (value or key.endswith('_match')))


def test_a_pool_from_criteria_is_created_recomputed_and_then_left_alone(enms):
    first = pool(enms, description='Arista', device_filters=ARISTA)
    assert not first.failed and first.result['changed'] is True, first.result
    assert first.result['devices'] == ['Boston', 'Washington', 'site1-a']
    assert writes(enms) == [('POST', 'update_pools'), ('POST', 'update_all_pools')]
    assert enms.pool_properties('site1')['manually_defined'] is False
    enms.log[:] = []
    second = pool(enms, description='Arista', device_filters=ARISTA)
    assert second.result['changed'] is False and second.result['devices'] == first.result['devices']
    assert [entry['route'] for entry in enms.requests()] == ['get_instance']


def test_check_mode_writes_nothing_and_shows_the_diff(enms):
    out = pool(enms, check_mode=True, diff=True, device_filters=ARISTA)
    assert out.result['changed'] is True and writes(enms) == []
    assert 'site1' not in enms.state['pools']
    assert out.result['diff']['before'] == {}
    assert out.result['diff']['after']['device_filters'] == {'vendor': {'value': 'Arista', 'match': 'equality', 'invert': False}}


VENDOR_KEYS = ['device_vendor', 'device_vendor_invert', 'device_vendor_match']


@pytest.mark.parametrize('change,members,sent', [
    ({'description': 'other'}, ['Boston', 'Washington', 'site1-a'], ['description']),
    ({'device_filters': {'vendor': {'value': 'Cisco', 'match': 'equality'}}}, ['Atlanta'], VENDOR_KEYS),
    ({'device_filters': {'vendor': {'value': 'Arista', 'match': 'inclusion'}}}, ['Boston', 'Washington', 'site1-a', 'site1-b'],
     VENDOR_KEYS),
    ({'device_filters': {'vendor': {'value': 'Arista', 'match': 'equality', 'invert': True}}}, ['Atlanta', 'site1-b'], VENDOR_KEYS),
    ({'device_filters': {'vendor': {'value': 'Arista', 'match': 'equality'}, 'location': {'value': 'Par'}}}, ['site1-a'],
     ['device_location', 'device_location_invert', 'device_location_match'] + VENDOR_KEYS),
    ({'devices': ['Atlanta']}, ['Atlanta'], ['devices', 'manually_defined']),
])
def test_each_field_alone_is_written_and_the_members_follow(enms, change, members, sent):
    pool(enms, description='Arista', device_filters=ARISTA)
    args = dict({'description': 'Arista', 'device_filters': ARISTA}, **change)
    if 'devices' in change:
        del args['device_filters']
    out = pool(enms, diff=True, **args)
    assert out.result['changed'] is True and out.result['devices'] == members, out.result
    body = json.loads(enms.requests(route='update_pools')[-1]['body'])
    assert sorted(body) == sorted(['name'] + sent)
    assert out.result['diff']['before'] != out.result['diff']['after']
    assert pool(enms, **args).result['changed'] is False


def test_a_criterion_left_out_is_cleared(enms):
    pool(enms, device_filters=dict(ARISTA, location={'value': 'Par'}))
    assert pool(enms, device_filters=ARISTA).result['devices'] == ['Boston', 'Washington', 'site1-a']
    assert stored(enms)['device_location_match'] == 'inclusion' and 'device_location' not in stored(enms)


def test_a_manual_pool_is_its_device_list_in_any_order(enms):
    first = pool(enms, devices=['site1-b', 'Atlanta', 'site1-b'])
    assert first.result['changed'] is True and first.result['devices'] == ['Atlanta', 'site1-b']
    assert enms.state['pools']['site1'] == ['Atlanta', 'site1-b']
    assert ('POST', 'update_all_pools') not in writes(enms)
    assert pool(enms, devices=['site1-b', 'Atlanta']).result['changed'] is False


def test_an_unknown_device_is_refused_before_any_write(enms):
    out = pool(enms, devices=['Atlanta', 'nowhere'])
    assert out.failed and 'no device named nowhere' in out.result['msg']
    assert writes(enms) == []


def test_an_unknown_criterion_is_refused_before_any_write(enms):
    out = pool(enms, device_filters={'vendr': {'value': 'Arista'}})
    assert out.failed and 'no criterion for the device property vendr' in out.result['msg'], out.result
    assert writes(enms) == []


def test_a_criterion_enms_did_not_keep_fails_the_task(enms):
    # No pool at all to learn the criteria from: the write goes out, and what eNMS stored is checked after it.
    enms.state['pools'].clear()
    out = pool(enms, device_filters={'vendr': {'value': 'Arista'}})
    assert out.failed and 'did not keep the criteria' in out.result['msg'], out.result


def test_filters_enms_would_misread_are_refused(enms):
    out = pool(enms, device_filters={'vendor': {'value': ''}})
    assert out.failed and 'empty value' in out.result['msg']
    assert writes(enms) == []


def test_absent_deletes_once(enms):
    pool(enms, devices=['Atlanta'])
    out = pool(enms, state='absent', diff=True)
    assert out.result['changed'] is True and out.result['devices'] == [] and 'site1' not in enms.state['pools']
    assert out.result['diff']['before']['devices'] == ['Atlanta'] and out.result['diff']['after'] == {}
    again = pool(enms, state='absent')
    assert again.result['changed'] is False


def test_devices_and_device_filters_together_are_refused(enms):
    out = pool(enms, devices=['Atlanta'], device_filters=ARISTA)
    assert out.failed and 'mutually exclusive' in out.result['msg']
    assert enms.requests() == []


def configuration(enms, **args):
    return run(enms_configuration_info, dict(url=enms.url, username='admin', password='admin-pass', **args)).result


@pytest.mark.parametrize('fields,content,lines', [
    ({}, None, None),
    ({'last_configuration_runtime': '2026-12-01 10:00:00', 'last_configuration_status': 'Failure'}, None, None),
    ({'configuration': '', 'last_configuration_status': 'Success'}, '', []),
    ({'configuration': 'hostname a\nend\n', 'last_configuration_update': '2026-12-01 10:00:00',
      'last_configuration_status': 'Success'}, 'hostname a\nend\n', ['hostname a', 'end']),
    ({'configuration': 'set by the API'}, 'set by the API', ['set by the API']),
])
def test_no_configuration_is_told_from_an_empty_one_by_the_status_fields(enms, fields, content, lines):
    enms.state['devices']['site1-a'].update(fields)
    found = configuration(enms, device='site1-a')
    assert found['content'] == content and found['content_lines'] == lines, found
    assert found['last_status'] == fields.get('last_configuration_status', 'Never')
    assert ('holds no configuration' in found['msg']) is (content is None)


def test_the_other_stored_data_and_an_unknown_device(enms):
    enms.state['devices']['site1-a'].update(operational_data='uptime 3d', last_operational_data_status='Success')
    found = configuration(enms, device='site1-a', property='operational_data')
    assert found['content'] == 'uptime 3d' and found['property'] == 'operational_data' and found['last_status'] == 'Success'
    assert configuration(enms, device='site1-a')['content'] is None
    unknown = run(enms_configuration_info, dict(url=enms.url, username='admin', password='admin-pass', device='nowhere'))
    assert unknown.failed and "no device named 'nowhere'" in unknown.result['msg']
    assert [entry['route'] for entry in enms.requests()][-1] == 'query'
