# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""enms_pool and enms_configuration_info: main() against the eNMS emulator, one field or one case per test."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils.enms import EnmsApi
from ansible_collections.netops.bridge.plugins.modules import enms_configuration_info, enms_pool
from .module_runner import run

from emulators.enms import POOL_CRITERIA, EnmsEmulator, device  # the tests folder is on the path (tests/unit/plugins/conftest.py)

ARISTA = {'vendor': {'value': 'Arista', 'match': 'equality'}}


@pytest.fixture
def enms(enms):
    with enms.lock:
        enms.state['devices'].update({
            'site1-a': device('10.1.0.1', vendor='Arista', location='Paris'),
            'site1-b': device('10.1.0.2', vendor='arista', location='Lyon'),
        })
    return enms


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
    # One pool is written as a list of one, as many pools are (one POST).
    [body] = json.loads(enms.requests(route='update_pools')[-1]['body'])
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
    assert out.failed and out.result['msg'] == 'Nothing was written, 1 problem(s): site1: eNMS has no device named nowhere.'
    assert writes(enms) == []


def test_an_unknown_criterion_is_refused_before_any_write(enms):
    out = pool(enms, device_filters={'vendr': {'value': 'Arista'}})
    assert out.failed and out.result['msg'] == ('Nothing was written, 1 problem(s): site1: eNMS pools have no criterion for the device '
                                                'property vendr; eNMS would ignore it and select every device.')
    assert writes(enms) == []


def test_a_criterion_enms_did_not_keep_fails_the_task(enms):
    # No pool at all to learn the criteria from: the write goes out, and what eNMS stored is checked after it.
    enms.state['pools'].clear()
    out = pool(enms, device_filters={'vendr': {'value': 'Arista'}})
    assert out.failed and out.result['msg'] == (
        "eNMS did not write 1 pool(s): site1: eNMS did not keep the criteria of pool 'site1' as written (written "
        "{'vendr': {'value': 'Arista', 'match': 'inclusion', 'invert': False}}, stored {})")


@pytest.mark.parametrize('device_filters,words', [
    ({'vendor': {'value': ''}}, 'Nothing was written, 1 problem(s): site1: device_filters: vendor has an empty value, which eNMS '
                                'ignores with match inclusion (it would select every record); use match equality to select an empty '
                                'vendor'),
    ({'pools': {'value': 'Core'}}, 'Nothing was written, 1 problem(s): site1: device_filters: pools (pool membership) cannot be a '
                                   'criterion here: eNMS keeps criteria on device properties only'),
])
def test_filters_enms_would_misread_are_refused(enms, device_filters, words):
    out = pool(enms, device_filters=device_filters)
    assert out.failed and out.result['msg'] == words
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


def test_the_status_is_the_named_devices_own_never_that_of_a_name_holding_it(enms):
    # a-leaf1 comes first in name order: a search by substring (eNMS's default match) would report its status.
    enms.state['devices'].update({
        'leaf1': device('10.2.0.1', configuration='hostname leaf1\n', last_configuration_status='Success',
                        last_configuration_update='2026-12-01 10:00:00'),
        'a-leaf1': device('10.2.0.2', last_configuration_status='Failure', last_configuration_runtime='2026-12-02 10:00:00'),
    })
    found = configuration(enms, device='leaf1')
    assert (found['last_status'], found['last_update'], found['last_runtime']) == ('Success', '2026-12-01 10:00:00', 'Never')
    assert found['content'] == 'hostname leaf1\n', found


def test_the_other_stored_data_and_an_unknown_device(enms):
    enms.state['devices']['site1-a'].update(operational_data='uptime 3d', last_operational_data_status='Success')
    found = configuration(enms, device='site1-a', property='operational_data')
    assert found['content'] == 'uptime 3d' and found['property'] == 'operational_data' and found['last_status'] == 'Success'
    assert configuration(enms, device='site1-a')['content'] is None
    unknown = run(enms_configuration_info, dict(url=enms.url, username='admin', password='admin-pass', device='nowhere'))
    assert unknown.failed and "no device named 'nowhere'" in unknown.result['msg']
    assert [entry['route'] for entry in enms.requests()][-1] == 'search'


def test_the_emulator_state_with_a_written_pool_is_still_a_seed(enms):
    pool(enms, description='Arista', device_filters=ARISTA)
    state = enms.seed_state()
    EnmsEmulator.check_seed(state)
    assert state['pool_properties']['site1']['device_vendor'] == 'Arista'


@pytest.mark.parametrize('name', ['site/1', 'site\\1', "site'1", 'site"1'])
def test_a_name_enms_refuses_is_refused_before_any_request(enms, name):
    out = pool(enms, name=name, devices=['Atlanta'])
    assert out.failed and out.result['msg'] == ('Nothing was written, 1 problem(s): the pool: eNMS names cannot contain a slash, a '
                                                'backslash or a quote, got %r.' % name)
    assert enms.requests() == []


THREE_POOLS = [
    {'name': 'site1-arista', 'description': 'Arista', 'device_filters': ARISTA},
    {'name': 'site1-paris', 'device_filters': {'location': {'value': 'Paris', 'match': 'equality'}}},
    {'name': 'site1-list', 'devices': ['site1-b', 'Atlanta']},
]


def pools(enms, declared, check_mode=False, diff=False, **args):
    return run(enms_pool, dict(url=enms.url, username='admin', password='admin-pass', pools=declared, **args),
               check_mode=check_mode, diff=diff)


def test_many_pools_are_one_post_and_one_recompute_then_reads_only(enms):
    check = pools(enms, THREE_POOLS, check_mode=True, diff=True)
    assert check.result['changed'] is True and writes(enms) == [], check.result
    assert sorted(check.result['created']) == ['site1-arista', 'site1-list', 'site1-paris']
    assert check.result['diff']['before'] == {} and sorted(check.result['diff']['after']) == sorted(check.result['created'])
    first = pools(enms, THREE_POOLS)
    assert not first.failed and first.result['changed'] is True, first.result
    assert writes(enms) == [('POST', 'update_pools'), ('POST', 'update_all_pools')]
    assert len(json.loads(enms.requests(route='update_pools')[0]['body'])) == 3
    assert sorted(first.result['created']) == ['site1-arista', 'site1-list', 'site1-paris'] and first.result['updated'] == []
    members = dict((name, found['devices']) for name, found in first.result['pools'].items())
    assert members == {'site1-arista': ['Boston', 'Washington', 'site1-a'], 'site1-paris': ['site1-a'], 'site1-list': ['Atlanta', 'site1-b']}
    assert first.result['pools']['site1-list']['manually_defined'] is True
    assert 'pool' not in first.result and 'devices' not in first.result
    enms.log[:] = []
    second = pools(enms, THREE_POOLS)
    assert second.result['changed'] is False and sorted(second.result['unchanged']) == sorted(first.result['created'])
    assert second.result['pools'] == first.result['pools']
    assert set(entry['route'] for entry in enms.requests()) == set(['get_instance'])


def test_a_list_creates_updates_deletes_and_leaves_alone_each_reported(enms):
    pools(enms, [{'name': 'site1-arista', 'device_filters': ARISTA}, {'name': 'site1-old', 'devices': ['Atlanta']},
                 {'name': 'site1-list', 'devices': ['Atlanta']}])
    enms.log[:] = []
    done = pools(enms, [
        {'name': 'site1-arista', 'device_filters': ARISTA},             # unchanged
        {'name': 'site1-list', 'devices': ['Atlanta', 'site1-a']},     # updated
        {'name': 'site1-new', 'description': 'new'},                  # created
        {'name': 'site1-old', 'state': 'absent'},                      # deleted
        {'name': 'site1-gone', 'state': 'absent'},                     # absent already
    ], diff=True)
    assert not done.failed, done.result
    assert (done.result['created'], done.result['updated'], done.result['deleted'], done.result['unchanged']) == (
        ['site1-new'], ['site1-list'], ['site1-old'], ['site1-arista', 'site1-gone'])
    assert writes(enms) == [('POST', 'update_pools'), ('POST', 'update_all_pools'), ('DELETE', 'delete_pool')]
    assert [body['name'] for body in json.loads(enms.requests(route='update_pools')[0]['body'])] == ['site1-list', 'site1-new']
    assert done.result['diff']['before']['site1-list']['devices'] == ['Atlanta']
    assert done.result['diff']['after']['site1-list']['devices'] == ['Atlanta', 'site1-a']
    assert sorted(done.result['diff']['before']) == ['site1-list', 'site1-old'] and 'site1-old' not in done.result['pools']
    assert 'site1-old' not in enms.state['pools'] and enms.state['pools']['site1-list'] == ['Atlanta', 'site1-a']


def test_a_list_of_manual_pools_asks_for_no_recompute(enms):
    done = pools(enms, [{'name': 'site1-one', 'devices': ['Atlanta']}, {'name': 'site1-two', 'devices': ['site1-a']}])
    assert not done.failed and writes(enms) == [('POST', 'update_pools')], done.result


def test_every_problem_of_a_list_is_listed_before_any_write(enms):
    done = pools(enms, [
        {'name': 'site1/x', 'devices': ['Atlanta']},
        {'name': 'site1-both', 'devices': ['Atlanta'], 'device_filters': ARISTA},
        {'name': 'site1-twice', 'devices': ['Atlanta']},
        {'name': 'site1-twice', 'description': 'again'},
        {'name': 'site1-criteria', 'device_filters': {'vendr': {'value': 'Arista'}}},
        {'name': 'site1-ghosts', 'devices': ['Atlanta', 'ghost', 'nowhere']},
        {'name': 'site1-empty', 'device_filters': {'vendor': {'value': ''}}},
        {'name': 'site1-fine', 'devices': ['Atlanta']},
    ])
    assert done.failed and writes(enms) == [], writes(enms)
    problems = done.result['problems']
    assert len(problems) == 6, problems
    assert problems[0] == "pools[0]: eNMS names cannot contain a slash, a backslash or a quote, got 'site1/x'."
    assert problems[1] == 'site1-both: devices and device_filters are mutually exclusive (a pool is either a list of devices or computed).'
    assert problems[2] == 'site1-twice: declared twice (pools[2] and pools[3]).'
    assert problems[3] == ('site1-empty: device_filters: vendor has an empty value, which eNMS ignores with match inclusion (it '
                           'would select every record); use match equality to select an empty vendor')
    assert problems[4] == ('site1-criteria: eNMS pools have no criterion for the device property vendr; eNMS would ignore it '
                           'and select every device.')
    assert problems[5] == 'site1-ghosts: eNMS has no device named ghost, nowhere.'
    assert done.result['msg'] == 'Nothing was written, 6 problem(s): %s' % '; '.join(problems)
    assert 'site1-fine' not in enms.state['pools']


@pytest.mark.parametrize('args,words', [
    (dict(name='a', pools=[dict(name='b')]),
     'Nothing was written, 1 problem(s): name cannot be given together with pools: give it in each pool (connection options '
     'apply to all).'),
    (dict(description='x', pools=[dict(name='b')]),
     'Nothing was written, 1 problem(s): description cannot be given together with pools: give it in each pool (connection '
     'options apply to all).'),
    (dict(description='x'), 'Nothing was written, 1 problem(s): name or pools is required.'),
    (dict(name=' '), 'Nothing was written, 1 problem(s): the pool: name must not be empty.'),
])
def test_declarations_refused_before_any_request(enms, args, words):
    done = run(enms_pool, dict(url=enms.url, username='admin', password='admin-pass', **args))
    assert done.failed and done.result['msg'] == words
    assert enms.requests() == []


def test_a_blank_name_in_a_list_is_refused_naming_its_entry_before_any_write(enms):
    done = pools(enms, [dict(name='a', state='absent'), dict(name='', devices=['Atlanta'])])
    assert done.failed and done.result['msg'] == 'Nothing was written, 1 problem(s): pools[1]: name must not be empty.'
    assert writes(enms) == []


def test_an_empty_pool_list_sends_no_request(enms):
    done = pools(enms, [])
    assert not done.failed and not done.result['changed'] and done.result['pools'] == {} and enms.requests() == []


def test_a_pool_enms_refuses_fails_the_task_naming_it_and_the_others_are_reported(enms):
    refusal = json.dumps({'success': ['site1-one', 'site1-three'],
                          'failure': [[{'name': 'site1-two'}, 'Traceback (most recent call last):\n  File "x.py"\nValueError: refused']]})
    enms.add_fault('after', route='update_pools', then='status', status=200, body=refusal)
    done = pools(enms, [{'name': 'site1-one', 'devices': ['Atlanta']}, {'name': 'site1-two', 'devices': ['Atlanta']},
                        {'name': 'site1-three', 'devices': ['site1-a']}])
    assert done.failed and done.result['changed'] is True
    assert done.result['msg'] == 'eNMS did not write 1 pool(s): site1-two: ValueError: refused'
    assert done.result['created'] == ['site1-one', 'site1-three'] and done.result['pools']['site1-three']['devices'] == ['site1-a']


def test_the_single_form_returns_the_account_too(enms):
    first = pool(enms, devices=['Atlanta'])
    assert first.result['created'] == ['site1'] and first.result['pools']['site1']['devices'] == ['Atlanta']
    assert first.result['pool']['manually_defined'] is True and first.result['devices'] == ['Atlanta']
    gone = pool(enms, state='absent')
    assert gone.result['deleted'] == ['site1'] and gone.result['pool'] is None and gone.result['devices'] == []


# -- the account is what eNMS confirmed, computed pools stay right, check mode plans (issue 30) --------------------------
CHANGES = [{'name': 'site1-new', 'devices': ['Atlanta']}, {'name': 'Core', 'description': 'core routers'},
           {'name': 'Edge', 'state': 'absent'}]


def test_a_bulk_write_answered_with_an_error_key_fails_with_enms_words_and_nothing_is_reported_written(enms):
    enms.add_fault('status', route='update_pools', status=200, body='{"error": "The database is locked."}')
    done = pools(enms, CHANGES)
    assert done.failed and 'eNMS refused the write: The database is locked.' in done.result['msg'], done.result['msg']
    assert (done.result['created'], done.result['updated'], done.result['deleted']) == ([], [], [])
    assert done.result['refused'] == {'site1-new': 'eNMS refused the write: The database is locked.',
                                      'Core': 'eNMS refused the write: The database is locked.'}
    assert done.result['not_attempted'] == ['Edge'] and 'site1-new' not in done.result['pools']
    assert writes(enms) == [('POST', 'update_pools')] and 'Edge' in enms.state['pools']


def test_http_500_on_the_bulk_write_sends_no_delete_and_reports_nothing_written(enms):
    enms.add_fault('status', route='update_pools', status=500, body='{"alert": "Error 500 - Internal Server Error."}')
    done = pools(enms, CHANGES)
    assert done.failed and not done.result['changed'] and done.result['status'] == 500
    assert (done.result['created'], done.result['updated'], done.result['deleted']) == ([], [], [])
    assert sorted(done.result['refused']) == ['Core', 'site1-new']
    assert all('HTTP 500' in words for words in done.result['refused'].values())
    assert done.result['not_attempted'] == ['Edge'] and 'Edge: not sent' in done.result['msg']
    assert writes(enms) == [('POST', 'update_pools')] and 'site1-new' not in enms.state['pools']


def test_a_connection_dropped_after_enms_wrote_is_read_back_and_reported_as_written(enms):
    enms.add_fault('after', route='update_pools', then='drop')
    done = pools(enms, CHANGES)
    assert not done.failed, done.result
    assert (done.result['created'], done.result['updated'], done.result['deleted']) == (['site1-new'], ['Core'], ['Edge'])
    assert done.result['refused'] == {} and enms.state['pools']['site1-new'] == ['Atlanta']
    assert writes(enms) == [('POST', 'update_pools'), ('DELETE', 'delete_pool')]


def test_a_regex_enms_cannot_use_is_refused_with_its_words_before_any_write_and_later_pools_still_work(enms):
    broken = pool(enms, name='lab', device_filters={'name': {'value': '^lab-(', 'match': 'regex'}})
    assert broken.failed and writes(enms) == [] and 'lab' not in enms.state['pools']
    assert broken.result['problems'][0].startswith("lab: device_filters.name '^lab-(': eNMS POST ")
    assert 'HTTP 500' in broken.result['msg'] and 'Error 500 - Internal Server Error.' in broken.result['msg']
    assert broken.result['not_attempted'] == ['lab'] and broken.result['created'] == []
    fine = pool(enms, name='site1', device_filters={'name': {'value': '^site1-', 'match': 'regex'}})
    assert not fine.failed and fine.result['devices'] == ['site1-a', 'site1-b'], fine.result


def test_the_emulator_fails_update_all_pools_for_a_regex_as_enms_does_and_rolls_it_back(enms):
    enms.state['pools']['lab'] = []
    enms.state['pool_properties']['lab'] = {'manually_defined': False, 'device_name': '^lab-(', 'device_name_match': 'regex'}
    done = pool(enms, name='site1', device_filters=ARISTA)
    assert done.failed and 'HTTP 500' in done.result['msg'] and done.result['created'] == ['site1']
    assert enms.state['pools']['site1'] == []


def test_check_mode_warns_about_devices_an_earlier_task_would_create_and_the_real_run_refuses_them(enms, monkeypatch):
    warnings = []
    monkeypatch.setattr('ansible.module_utils.basic.AnsibleModule.warn', lambda self, text: warnings.append(text))
    planned = pools(enms, [{'name': 'site1-list', 'devices': ['Atlanta', 'site1-later']}], check_mode=True)
    assert not planned.failed and planned.result['created'] == ['site1-list'], planned.result
    assert warnings == ['site1-list: eNMS has no device named site1-later (yet); the real run refuses the pool unless an '
                        'earlier task creates it.']
    assert planned.result['missing_devices'] == {'site1-list': ['site1-later']}
    real = pools(enms, [{'name': 'site1-list', 'devices': ['Atlanta', 'site1-later']}])
    assert real.failed and real.result['problems'] == ['site1-list: eNMS has no device named site1-later.']
    assert real.result['not_attempted'] == ['site1-list'] and writes(enms) == []


@pytest.mark.parametrize('name', ['.', '..'])
def test_a_name_enms_cannot_address_is_refused_before_any_request(enms, name):
    out = pool(enms, name=name, devices=['Atlanta'])
    assert out.failed and out.result['msg'] == ('Nothing was written, 1 problem(s): the pool: name %r cannot be %r (the request path '
                                                '/rest/instance/<type>/%s collapses, so eNMS could never delete it).' % (name, name, name))
    assert enms.requests() == []


def test_a_delete_refused_midway_is_refused_and_the_others_deleted(enms):
    names = ['old-1', 'old-2', 'old-3']
    for name in names:
        enms.state['pools'][name] = ['Atlanta']
    enms.add_fault('status', route='delete_pool', status=500, body='{"alert": "Error 500 - Internal Server Error."}', skip=1)
    done = pools(enms, [{'name': name, 'state': 'absent'} for name in names])
    assert done.failed and done.result['changed']
    refused = sorted(done.result['refused'])
    assert len(refused) == 1 and sorted(done.result['deleted'] + refused) == names
    # The account is what the emulator holds: the refused one is still there, the others are gone.
    assert [name for name in names if name in enms.state['pools']] == refused
    assert 'HTTP 500' in done.result['refused'][refused[0]] and done.result['msg'] == (
        'eNMS did not write 1 pool(s): %s: eNMS DELETE %s/rest/instance/pool/%s failed: HTTP 500 Internal Server Error: Error 500 - '
        'Internal Server Error.' % (refused[0], enms.url, refused[0]))


NEVER_FIELDS = dict(last_update='Never', last_status='Never', last_runtime='Never', last_failure='Never', last_duration='Never')


@pytest.mark.parametrize('fields,expected', [
    ({}, dict(NEVER_FIELDS, content=None, content_lines=None, msg='eNMS holds no configuration for site1-a (never stored).')),
    ({'last_configuration_runtime': '2026-12-01 10:00:00', 'last_configuration_status': 'Failure',
      'last_configuration_failure': '2026-12-01 10:00:00', 'last_configuration_duration': '0:00:03'},
     dict(NEVER_FIELDS, content=None, content_lines=None, last_status='Failure', last_runtime='2026-12-01 10:00:00',
          last_failure='2026-12-01 10:00:00', last_duration='0:00:03',
          msg='eNMS holds no configuration for site1-a (never stored; its last collection, at 2026-12-01 10:00:00, stored nothing).')),
    ({'last_configuration_status': 'Success', 'last_configuration_runtime': '2026-12-02 09:00:00'},
     dict(NEVER_FIELDS, content='', content_lines=[], last_status='Success', last_runtime='2026-12-02 09:00:00',
          msg='eNMS holds an empty configuration for site1-a (last stored: Never, last collection: Success).')),
    # Stored once, then a collection failed: the empty text eNMS holds is the one it stored.
    ({'last_configuration_update': '2026-11-30 10:00:00', 'last_configuration_status': 'Failure'},
     dict(NEVER_FIELDS, content='', content_lines=[], last_update='2026-11-30 10:00:00', last_status='Failure',
          msg='eNMS holds an empty configuration for site1-a (last stored: 2026-11-30 10:00:00, last collection: Failure).')),
    ({'configuration': 'hostname a\nend\n', 'last_configuration_update': '2026-12-01 10:00:00', 'last_configuration_status': 'Success'},
     dict(NEVER_FIELDS, content='hostname a\nend\n', content_lines=['hostname a', 'end'], last_update='2026-12-01 10:00:00',
          last_status='Success',
          msg='eNMS holds the configuration for site1-a (last stored: 2026-12-01 10:00:00, last collection: Success).')),
])
def test_configuration_info_reports_every_status_field_and_says_what_it_found(enms, fields, expected):
    enms.state['devices']['site1-a'].update(fields)
    out = run(enms_configuration_info, dict(url=enms.url, username='admin', password='admin-pass', device='site1-a'))
    assert not out.failed
    assert dict((key, out.result[key]) for key in expected) == expected
    assert out.result['property'] == 'configuration' and out.result['changed'] is False


def test_configuration_info_names_the_other_data_it_read_and_the_device_it_did_not_find(enms):
    enms.state['devices']['site1-a'].update(specialized_data='', last_specialized_data_status='Success')
    out = run(enms_configuration_info, dict(url=enms.url, username='admin', password='admin-pass', device='site1-a',
                                            property='specialized_data'))
    assert out.result['msg'] == 'eNMS holds an empty specialized_data for site1-a (last stored: Never, last collection: Success).'
    unknown = run(enms_configuration_info, dict(url=enms.url, username='admin', password='admin-pass', device='nowhere'))
    assert unknown.failed and unknown.result['msg'] == "eNMS has no device named 'nowhere' (or the user may not read it)."


def test_configuration_info_refuses_a_blank_device_name_before_any_request(enms):
    out = run(enms_configuration_info, dict(url=enms.url, username='admin', password='admin-pass', device='  '))
    assert out.failed and out.result['msg'] == 'device must not be empty.'
    assert enms.requests() == []


# -- what each read asks, stored criteria as eNMS computes them, the outcome of a write read back -----------------------
def searched(enms, model):
    """The bodies of the POST /rest/search requests for ``model``."""
    return [body for body in (json.loads(entry['body']) for entry in enms.requests(route='search')) if body['type'] == model]


def test_a_new_pool_learns_the_criteria_from_one_pool_asked_for_the_match_columns_alone(enms):
    assert not pool(enms, device_filters=dict(ARISTA, location={'value': 'Paris'})).failed
    assert searched(enms, 'pool') == [{'type': 'pool', 'columns': ['name', 'device_location_match', 'device_vendor_match'],
                                       'search_criteria': {}, 'order': [{'column': 0, 'dir': 'asc'}], 'start': 0,
                                       'maximum_return_records': 1}]


def test_a_new_pool_with_an_unknown_criterion_is_refused_when_enms_has_a_single_pool(enms):
    del enms.state['pools']['Edge']
    out = pool(enms, device_filters={'vendr': {'value': 'Arista'}})
    assert out.failed and out.result['problems'] == ['site1: eNMS pools have no criterion for the device property vendr; eNMS '
                                                     'would ignore it and select every device.']


def test_a_regex_is_tried_by_a_search_of_one_device_with_that_criterion_alone(enms):
    assert not pool(enms, device_filters={'name': {'value': '^site1-', 'match': 'regex', 'invert': True}}).failed
    assert searched(enms, 'device') == [{'type': 'device', 'columns': ['name'], 'search_criteria': {
        'name': '^site1-', 'name_filter': 'regex', 'name_invert': False}, 'order': [{'column': 0, 'dir': 'asc'}], 'start': 0,
        'maximum_return_records': 1}]


def test_the_criteria_a_pool_can_have_are_told_by_its_match_columns_alone(enms):
    assert enms_pool.criterion_properties(enms.pool_properties('Core')) == set(POOL_CRITERIA)


def test_a_stored_criterion_without_a_match_is_inclusion_as_enms_computes_it(enms):
    enms.state['pools']['site1'] = []
    enms.state['pool_properties']['site1'] = {'manually_defined': False, 'device_vendor': 'arista', 'device_vendor_match': None}
    out = pool(enms, device_filters={'vendor': {'value': 'arista'}})
    assert not out.failed and out.result['changed'] is False, out.result
    assert out.result['pool']['device_filters'] == {'vendor': {'value': 'arista', 'match': 'inclusion', 'invert': False}}


def test_a_criterion_selecting_an_empty_property_is_kept_and_the_next_run_changes_nothing(enms):
    empty = {'location': {'value': '', 'match': 'equality'}}
    first = pool(enms, device_filters=empty)
    assert not first.failed and first.result['changed'] is True, first.result
    assert first.result['pool']['device_filters'] == {'location': {'value': '', 'match': 'empty', 'invert': False}}
    second = pool(enms, device_filters=empty)
    assert not second.failed and second.result['changed'] is False, second.result


def test_a_pool_enms_gives_without_its_members_is_read_as_having_none(enms):
    enms.add_fault('status', route='get_instance', status=200, body=json.dumps(enms.pool_properties('Core')))
    out = pool(enms, name='Core', description='core routers', diff=True)
    assert not out.failed and out.result['updated'] == ['Core'], out.result
    assert out.result['diff']['before']['devices'] == [] and out.result['devices'] == ['Atlanta', 'Washington']


def test_the_members_of_every_written_pool_are_read_back_even_after_one_eNMS_did_not_keep(enms):
    # No pool at all to learn the criteria from: both writes go out, and eNMS drops the criterion it has no column for.
    enms.state['pools'].clear()
    out = pools(enms, [{'name': 'a-typo', 'device_filters': {'vendr': {'value': 'Arista'}}}, {'name': 'b-arista', 'device_filters': ARISTA}])
    assert out.failed and "a-typo: eNMS did not keep the criteria of pool 'a-typo'" in out.result['msg']
    assert out.result['pools']['b-arista']['devices'] == ['Boston', 'Washington', 'site1-a']


def test_a_pool_gone_when_read_back_after_its_write_fails_the_task_saying_so(enms):
    # Another user deleted it in between: the read back gets eNMS's 403 for an unknown name, and the name is not listed.
    enms.add_fault('status', route='get_instance', status=403, body='{"alert": "Error 403 - Not Authorized."}', skip=1)
    enms.add_fault('status', route='query', status=200, body='[]', skip=1)
    out = pool(enms, devices=['Atlanta'])
    assert out.failed and out.result['msg'] == 'eNMS did not write 1 pool(s): site1: eNMS does not have the pool after writing it'


def test_a_manual_pool_given_criteria_becomes_computed_and_its_members_follow(enms):
    out = pool(enms, name='Core', device_filters=ARISTA)
    assert not out.failed and out.result['changed'] is True, out.result
    assert enms.pool_properties('Core')['manually_defined'] is False and out.result['pool']['manually_defined'] is False
    assert out.result['devices'] == ['Boston', 'Washington', 'site1-a']


def test_a_new_pool_without_a_description_has_an_empty_one(enms):
    out = pool(enms, devices=['Atlanta'])
    assert not out.failed and out.result['pool']['description'] == '' and enms.pool_properties('site1')['description'] == ''


def test_an_update_enms_refused_per_record_counts_as_a_change_and_says_that_eNMS_may_have_kept_some_fields(enms):
    refusal = json.dumps({'failure': [[{'name': 'Core'}, 'Traceback (most recent call last):\n  File "x.py"\nValueError: refused']]})
    enms.add_fault('after', route='update_pools', then='status', status=200, body=refusal)
    out = pools(enms, [{'name': 'Core', 'description': 'core routers'}])
    assert out.failed and out.result['changed'] is True and out.result['refused'] == {'Core': 'ValueError: refused'}
    assert out.result['msg'] == ('eNMS did not write 1 pool(s): Core: ValueError: refused (eNMS keeps the fields of an existing '
                                 'pool it set before a failure: run again once the cause is fixed)')


def test_an_existing_pool_given_a_criterion_enms_pools_do_not_have_is_refused_before_any_write(enms):
    out = pool(enms, name='Core', device_filters={'vendr': {'value': 'Arista'}})
    assert out.failed and out.result['problems'] == ['Core: eNMS pools have no criterion for the device property vendr; eNMS '
                                                     'would ignore it and select every device.']
    assert writes(enms) == []


def test_every_unknown_criterion_of_a_pool_is_named_in_one_line(enms):
    out = pool(enms, device_filters={'vendr': {'value': 'Arista'}, 'colour': {'value': 'blue'}})
    assert out.failed and out.result['problems'] == ['site1: eNMS pools have no criterion for the device properties colour, vendr; '
                                                     'eNMS would ignore them and select every device.']


def test_the_device_names_are_read_in_one_search_of_the_names_alone(enms):
    assert not pools(enms, [{'name': 'site1-a', 'devices': ['Atlanta']}, {'name': 'site1-b', 'devices': ['Boston']}]).failed
    assert searched(enms, 'device') == [{'type': 'device', 'columns': ['name'], 'search_criteria': {},
                                         'order': [{'column': 0, 'dir': 'asc'}], 'start': 0, 'maximum_return_records': 1000}]


def test_check_mode_warns_about_every_missing_device_of_every_pool(enms, monkeypatch):
    warnings = []
    monkeypatch.setattr('ansible.module_utils.basic.AnsibleModule.warn', lambda self, text: warnings.append(text))
    planned = pools(enms, [{'name': 'site1-one', 'devices': ['site1-later', 'site1-after']},
                           {'name': 'site1-two', 'devices': ['Atlanta', 'site1-later']}], check_mode=True)
    assert not planned.failed and planned.result['created'] == ['site1-one', 'site1-two'], planned.result
    assert planned.result['missing_devices'] == {'site1-one': ['site1-after', 'site1-later'], 'site1-two': ['site1-later']}
    assert warnings == ['site1-one: eNMS has no device named site1-after, site1-later (yet); the real run refuses the pool '
                        'unless an earlier task creates it.',
                        'site1-two: eNMS has no device named site1-later (yet); the real run refuses the pool unless an '
                        'earlier task creates it.']


def test_check_mode_names_each_pool_it_would_delete_with_what_it_holds(enms):
    planned = pools(enms, [{'name': 'Edge', 'state': 'absent'}], check_mode=True, diff=True)
    assert not planned.failed and planned.result['changed'] is True and planned.result['deleted'] == ['Edge']
    assert planned.result['diff']['before']['Edge']['devices'] == ['Boston'] and planned.result['diff']['after'] == {}
    assert 'Edge' in enms.state['pools']


def test_a_regex_is_tried_for_every_computed_pool_whatever_comes_before_it(enms):
    out = pools(enms, [{'name': 'a-manual', 'devices': ['Atlanta']},
                       {'name': 'b-lab', 'device_filters': {'location': {'value': 'Paris'}, 'name': {'value': '^lab-(', 'match': 'regex'}}}])
    assert out.failed and len(out.result['problems']) == 1, out.result
    assert out.result['problems'][0].startswith("b-lab: device_filters.name '^lab-(': eNMS POST ") and writes(enms) == []


def test_an_empty_pool_list_reports_an_empty_account(enms):
    done = pools(enms, [])
    assert dict((key, done.result[key]) for key in ('created', 'updated', 'deleted', 'unchanged', 'refused', 'not_attempted')) == {
        'created': [], 'updated': [], 'deleted': [], 'unchanged': [], 'refused': {}, 'not_attempted': []}


def test_every_pool_option_given_beside_pools_is_named(enms):
    out = run(enms_pool, dict(url=enms.url, username='admin', password='admin-pass', pools=[{'name': 'site1'}], name='site1',
                              description='Site 1'))
    assert out.failed and out.result['problems'] == ['name, description cannot be given together with pools: give it in each pool '
                                                     '(connection options apply to all).']
    assert enms.requests() == []


def test_a_pool_to_delete_is_deleted_whatever_else_its_entry_declares(enms):
    done = pools(enms, [{'name': 'Edge', 'state': 'absent', 'devices': ['Boston'], 'device_filters': {'Pools': {'value': 'x'}}}])
    assert not done.failed and done.result['deleted'] == ['Edge'] and 'Edge' not in enms.state['pools'], done.result


def test_each_regex_is_tried_on_its_own(enms):
    out = pools(enms, [{'name': 'a-fine', 'device_filters': {'name': {'value': '^site1-', 'match': 'regex'}}},
                       {'name': 'b-broken', 'device_filters': {'name': {'value': '^lab-(', 'match': 'regex'}}}])
    assert out.failed and len(out.result['problems']) == 1 and out.result['problems'][0].startswith("b-broken: device_filters.name '^lab-('")
    assert writes(enms) == []


def test_the_single_form_returns_the_pool_without_its_members_beside_them(enms):
    out = pool(enms, devices=['Atlanta'])
    assert sorted(out.result['pool']) == ['description', 'device_filters', 'manually_defined', 'name']
    assert out.result['devices'] == ['Atlanta']


def test_the_diff_of_one_pool_names_it_before_and_after(enms):
    out = pool(enms, name='Core', description='core routers', diff=True)
    assert out.result['diff']['before']['name'] == 'Core' and out.result['diff']['after']['name'] == 'Core'
    assert (out.result['diff']['before']['description'], out.result['diff']['after']['description']) == ('', 'core routers')


def test_a_single_pool_refused_before_any_write_is_no_pool_in_the_result(enms):
    out = pool(enms, devices=['Atlanta', 'nowhere'])
    assert out.failed and out.result['pool'] is None and out.result['devices'] == []
    assert out.result['not_attempted'] == ['site1'] and out.result['created'] == []


def test_a_list_with_a_problem_plans_nothing_as_done_and_everything_as_not_attempted(enms):
    out = pools(enms, [{'name': 'Core', 'description': 'core routers'}, {'name': 'Edge', 'state': 'absent'},
                       {'name': 'site1-new', 'devices': ['Atlanta']}, {'name': 'bad/name'}])
    assert out.failed and (out.result['created'], out.result['updated'], out.result['deleted']) == ([], [], [])
    assert out.result['not_attempted'] == ['site1-new', 'Core', 'Edge', 'bad/name'] and writes(enms) == []


def test_a_failed_bulk_write_counts_every_pool_not_written_and_names_the_deletes_not_sent(enms):
    enms.state['pools']['Old'] = ['Atlanta']
    enms.add_fault('status', route='update_pools', status=500, body='{"alert": "Error 500 - Internal Server Error."}')
    done = pools(enms, CHANGES + [{'name': 'Old', 'state': 'absent'}])
    assert done.failed and done.result['not_attempted'] == ['Edge', 'Old']
    assert done.result['msg'] == (
        'eNMS did not write 4 pool(s): Core, site1-new: eNMS POST %s/rest/instance/pool failed: HTTP 500 Internal Server Error: '
        'Error 500 - Internal Server Error.; Edge, Old: not sent, since eNMS did not write every pool' % enms.url)


def test_check_mode_of_one_pool_returns_the_pool_as_planned(enms):
    out = pool(enms, check_mode=True, description='Arista', device_filters=ARISTA)
    assert out.result['changed'] is True and out.result['created'] == ['site1']
    assert out.result['pool'] == {'name': 'site1', 'description': 'Arista', 'manually_defined': False,
                                  'device_filters': {'vendor': {'value': 'Arista', 'match': 'equality', 'invert': False}}}


def test_devices_and_device_filters_of_one_pool_are_refused_as_ansible_refuses_exclusive_options(enms):
    out = pool(enms, devices=['Atlanta'], device_filters=ARISTA)
    assert out.failed and out.result['msg'] == 'parameters are mutually exclusive: devices|device_filters'
    assert enms.requests() == []


def test_one_pool_written_before_enms_failed_to_recompute_is_reported_with_the_pool(enms):
    enms.add_fault('status', route='update_all_pools', status=500, body='{"alert": "Error 500 - Internal Server Error."}', times=4)
    out = pool(enms, description='Arista', device_filters=ARISTA, diff=True)
    assert out.failed and 'HTTP 500' in out.result['msg'] and out.result['created'] == ['site1']
    assert out.result['pool'] == {'name': 'site1', 'description': 'Arista', 'manually_defined': False,
                                  'device_filters': {'vendor': {'value': 'Arista', 'match': 'equality', 'invert': False}}}
    assert out.result['diff']['before'] == {} and out.result['diff']['after']['name'] == 'site1'


def test_a_delete_never_sent_is_not_attempted_and_says_why(enms, monkeypatch):
    def refused_connection(self, kind, name):
        raise ApiError('eNMS', 'Connection refused', method='DELETE', url='%s/rest/instance/%s/%s' % (enms.url, kind, name))

    monkeypatch.setattr(EnmsApi, 'delete_instance', refused_connection)
    done = pools(enms, [{'name': 'Edge', 'state': 'absent'}, {'name': 'Core', 'state': 'absent'}])
    assert done.failed and not done.result['changed'] and done.result['refused'] == {}
    assert done.result['not_attempted'] == ['Edge', 'Core'] and done.result['deleted'] == []
    assert done.result['msg'] == ('eNMS did not write 2 pool(s): Core: not sent: eNMS DELETE {0}/rest/instance/pool/Core failed: '
                                  'Connection refused; Edge: not sent: eNMS DELETE {0}/rest/instance/pool/Edge failed: Connection '
                                  'refused'.format(enms.url))


def test_a_delete_enms_refuses_before_acting_is_refused_in_its_words(enms):
    enms.add_fault('status', route='delete_pool', status=403, body='{"alert": "Error 403 - Not Authorized."}')
    done = pools(enms, [{'name': 'Edge', 'state': 'absent'}])
    assert done.failed and done.result['not_attempted'] == [] and done.result['deleted'] == []
    words = ('eNMS DELETE %s/rest/instance/pool/Edge failed: HTTP 403 Forbidden: eNMS answers HTTP 403 for a pool it does not know '
             '(deleted meanwhile?) or that the user may not edit: Error 403 - Not Authorized.' % enms.url)
    assert done.result['refused'] == {'Edge': words}


def test_a_run_with_nothing_to_delete_reports_no_delete(enms):
    done = pools(enms, [{'name': 'site1-new', 'devices': ['Atlanta']}])
    assert not done.failed and done.result['deleted'] == [] and done.result['changed'] is True
    assert sorted(done.result) == ['changed', 'created', 'deleted', 'diff', 'missing_devices', 'not_attempted', 'pools', 'refused',
                                   'unchanged', 'updated']


def test_an_answer_to_the_bulk_write_that_is_no_object_is_read_back_as_an_unknown_outcome(enms, monkeypatch):
    warnings = []
    monkeypatch.setattr('ansible.module_utils.basic.AnsibleModule.warn', lambda self, text: warnings.append(text))
    enms.add_fault('after', route='update_pools', then='status', status=200, body='["site1-new"]')
    done = pools(enms, [{'name': 'site1-new', 'devices': ['Atlanta']}])
    assert not done.failed and done.result['created'] == ['site1-new'], done.result
    assert warnings == ['The outcome of the write was unknown (eNMS POST %s/rest/instance/pool failed: HTTP 200 OK: expected the '
                        'outcome of the pool write as a JSON object: ["site1-new"]); read back, eNMS holds as declared: site1-new.'
                        % enms.url]


@pytest.mark.parametrize('fault,written,held', [('status', [], 'none'), ('after', ['site1-two', 'site1-three'], 'site1-two, site1-three')])
def test_a_pool_enms_does_not_name_in_its_answer_is_read_back(enms, monkeypatch, fault, written, held):
    warnings = []
    monkeypatch.setattr('ansible.module_utils.basic.AnsibleModule.warn', lambda self, text: warnings.append(text))
    options = dict(then='status') if fault == 'after' else {}
    enms.add_fault(fault, route='update_pools', status=200, body='{"success": ["site1-one"]}', **options)
    done = pools(enms, [{'name': 'site1-one', 'devices': ['Atlanta']}, {'name': 'site1-two', 'devices': ['Boston']},
                        {'name': 'site1-three', 'devices': ['Boston']}])
    assert done.result['created'] == ['site1-one'] + written
    words = 'eNMS did not name it in its answer, and does not hold it as declared'
    assert done.result['refused'] == ({} if written else {'site1-two': words, 'site1-three': words})
    assert warnings == ['The outcome of the write was unknown (%s); read back, eNMS holds as declared: %s.' % (words, held)]


def test_a_bulk_write_enms_refuses_before_acting_refuses_every_pool_in_its_words(enms):
    enms.add_fault('status', route='update_pools', status=403, body='{"alert": "Error 403 - Not Authorized."}')
    done = pools(enms, [{'name': 'site1-one', 'devices': ['Atlanta']}, {'name': 'site1-two', 'devices': ['Boston']}])
    words = 'eNMS POST %s/rest/instance/pool failed: HTTP 403 Forbidden: Error 403 - Not Authorized.' % enms.url
    assert done.failed and done.result['refused'] == {'site1-one': words, 'site1-two': words} and done.result['status'] == 403
    assert done.result['msg'] == 'eNMS did not write 2 pool(s): site1-one, site1-two: ' + words


def test_a_read_of_a_pool_that_fails_is_no_absent_pool_and_nothing_is_written(enms):
    enms.add_fault('status', route='get_instance', status=500, body='{"alert": "Error 500 - Internal Server Error."}', times=4)
    done = pool(enms, devices=['Atlanta'])
    assert done.failed and 'HTTP 500' in done.result['msg'] and writes(enms) == [] and 'site1' not in enms.state['pools']


def test_a_pool_answer_that_is_no_object_fails_naming_the_pool(enms):
    enms.add_fault('status', route='get_instance', status=200, body='["Core"]')
    done = pool(enms, name='Core', description='core routers')
    assert done.failed and writes(enms) == [] and done.result['msg'] == (
        'eNMS GET %s/rest/instance/pool/Core failed: HTTP 200 OK: expected the pool \'Core\' as a JSON object: ["Core"]' % enms.url)
