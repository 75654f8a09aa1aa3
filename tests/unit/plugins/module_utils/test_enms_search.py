# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared eNMS device search (POST /rest/search, paging, filters), against the eNMS emulator."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.netops.bridge.plugins.module_utils._auth import BasicAuth
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils.enms import EnmsApi, EnmsModule, FilterError, criteria_from_filters

from emulators.enms import device, seed_devices  # the tests folder is on the path (tests/unit/plugins/conftest.py)


def api_for(emulator):
    return EnmsApi(client=ApiClient('eNMS', emulator.url, BasicAuth('admin', 'admin-pass'), timeout=10))


@pytest.mark.parametrize('filters,criteria', [
    ({'vendor': {'value': 'Arista'}}, {'vendor': 'Arista', 'vendor_filter': 'inclusion', 'vendor_invert': False}),
    ({'name': {'value': '^site1-', 'match': 'regex', 'invert': True}},
     {'name': '^site1-', 'name_filter': 'regex', 'name_invert': True}),
    ({'port': {'value': 0, 'match': 'equality'}}, {'port': '0', 'port_filter': 'equality', 'port_invert': False}),
    ({'reachable': {'value': False}}, {'reachable': 'bool-false', 'reachable_filter': 'equality', 'reachable_invert': False}),
    ({'reachable': {'value': True, 'match': 'inclusion'}}, {'reachable': 'bool-true', 'reachable_filter': 'equality', 'reachable_invert': False}),
    ({'location': {'value': '', 'match': 'equality'}}, {'location': '', 'location_filter': 'empty', 'location_invert': False}),
    ({'pools': {'value': 'Core'}}, {'pools': ['Core'], 'pools_filter': 'union'}),
    ({'pools': {'value': ['Core', 'Edge'], 'match': 'equality', 'invert': False}}, {'pools': ['Core', 'Edge'], 'pools_filter': 'union'}),
    ({'pools': {'value': ''}}, {'pools_filter': 'empty'}),
    (None, {}),
])
def test_filters_become_the_criteria_enms_reads(filters, criteria):
    assert criteria_from_filters(filters) == criteria


@pytest.mark.parametrize('filters,words', [
    ({'vendor': 'Arista'}, 'must be a mapping with value'),
    ({'vendor': {'value': 'A', 'match': 'like'}}, 'match must be one of inclusion, equality, regex'),
    ({'vendor': {'value': 'A', 'matches': 'equality'}}, 'unknown keys matches'),
    ({'vendor': {'value': 'A', 'invert': 'yes'}}, 'invert must be true or false'),
    ({'vendor': {'value': ''}}, 'empty value, which eNMS ignores'),
    ({'vendor': {'value': '', 'match': 'regex'}}, 'empty value, which eNMS ignores'),
    ({'vendor': {'value': ['A']}}, 'value must be a text'),
    ({'ven dor': {'value': 'A'}}, 'is not a property name'),
    (['vendor'], 'must be a mapping of property name'),
    ({'Pools': {'value': 'Core'}}, 'Pools is not a property; pool membership is pools'),
    ({'pools': {'value': 'Core', 'match': 'inclusion'}}, 'pools match must be equality'),
    ({'pools': {'value': 'Core', 'invert': True}}, 'pools cannot be inverted'),
    ({'pools': {'value': []}}, 'pools value must be a pool name or a list of pool names'),
    ({'pools': {'value': 7}}, 'pools value must be a pool name or a list of pool names'),
])
def test_filters_eNMS_would_misread_are_refused(filters, words):
    with pytest.raises(FilterError, match=words):
        criteria_from_filters(filters, 'filters')


@pytest.mark.parametrize('wanted,words', [
    ({'value': 'Core', 'match': 'regex'}, "pools match must be equality (eNMS compares pool names exactly), got 'regex'"),
    ({'value': 'Core', 'invert': None}, 'pools cannot be inverted (eNMS ignores invert for pool membership and would select the '
                                        'members), got invert None'),
    ({'value': ['Core', ' ']}, "pools value must be a pool name or a list of pool names (or an empty text for devices in no "
                               "pool), got ['Core', ' ']"),
])
def test_pool_membership_eNMS_would_misread_is_refused_saying_why(wanted, words):
    with pytest.raises(FilterError) as refused:
        criteria_from_filters({'pools': wanted}, 'filters')
    assert str(refused.value) == 'filters: ' + words


def test_an_unknown_property_is_refused_from_the_first_record_before_the_property_names_are_read(enms):
    with pytest.raises(ApiError) as refused:
        api_for(enms).devices(criteria={'colour': 'blue', 'colour_filter': 'equality'})
    assert refused.value.message == ('eNMS: eNMS devices have no property colour: eNMS would ignore that criterion and select '
                                     'every device, so nothing was read')
    assert enms.counts() == {'search': 1} and json.loads(enms.requests()[0]['body'])['columns'] == ['name', 'colour']


@pytest.mark.parametrize('answer,detail', [
    ({'delete_aborted': True, 'alert': 'in use', 'error': 'locked'}, 'in use'),
    ({'delete_aborted': True, 'error': 'locked'}, 'locked'),
    ({'delete_aborted': True}, "{'delete_aborted': True}"),
])
def test_a_delete_enms_aborted_fails_with_its_words(enms, answer, detail):
    enms.add_fault('status', route='delete_pool', status=200, body=json.dumps(answer))
    with pytest.raises(ApiError) as caught:
        api_for(enms).delete_instance('pool', 'Core')
    assert caught.value.message == ("eNMS DELETE %s/rest/instance/pool/Core failed: HTTP 200 OK: eNMS did not delete the pool "
                                    "'Core': %s" % (enms.url, detail))


def test_a_delete_of_an_instance_enms_does_not_know_says_what_its_403_means(enms):
    with pytest.raises(ApiError) as caught:
        api_for(enms).delete_instance('pool', 'Nowhere')
    assert caught.value.message == ('eNMS DELETE %s/rest/instance/pool/Nowhere failed: HTTP 403 Forbidden: eNMS answers HTTP 403 for '
                                    'a pool it does not know (deleted meanwhile?) or that the user may not edit: Error 403 - Not '
                                    'Authorized.' % enms.url)


def test_a_delete_answered_with_no_json_may_have_been_applied(enms):
    enms.add_fault('after', route='delete_pool', then='status', status=200, body='<html>proxy</html>', content_type='text/html')
    with pytest.raises(ApiError) as caught:
        api_for(enms).delete_instance('pool', 'Core')
    assert caught.value.maybe_applied is True and 'Core' not in enms.state['pools']


def test_a_pool_without_its_devices_or_no_pool_at_all_fails_naming_it(enms):
    enms.add_fault('status', route='get_instance', status=200, body=json.dumps({'name': 'Core'}))
    with pytest.raises(ApiError) as caught:
        api_for(enms).pool_members('Core')
    assert caught.value.message == "eNMS GET %s/rest/instance/pool/Core failed: HTTP 200 OK: eNMS gave the pool 'Core' without its devices" % enms.url
    enms.add_fault('status', route='get_instance', status=200, body='["Core"]')
    with pytest.raises(ApiError) as caught:
        api_for(enms).pool_members('Core')
    assert caught.value.message == ('eNMS GET %s/rest/instance/pool/Core failed: HTTP 200 OK: expected the pool \'Core\' as a JSON '
                                    'object: ["Core"]' % enms.url)


def test_an_unknown_pool_is_named_with_the_option_that_gave_it(enms):
    with pytest.raises(ApiError) as caught:
        api_for(enms).pool_members('Cor')
    assert caught.value.message == ("eNMS GET %s/rest/instance/pool/Cor failed: HTTP 403 Forbidden: eNMS answers HTTP 403 for a pool "
                                    "name it does not know (or that the user may not read): check the name 'Cor' in pools, exactly "
                                    "as eNMS shows it (case, spaces): Error 403 - Not Authorized." % enms.url)


@pytest.mark.parametrize('content,detail', [(7, '7'), (['x' * 300], '["' + 'x' * 198)])
def test_stored_data_that_is_no_text_fails_quoting_the_answer(enms, content, detail):
    enms.add_fault('status', route='get_configuration', status=200, body=json.dumps(content))
    with pytest.raises(ApiError) as caught:
        api_for(enms).configuration('Washington', 'configuration')
    assert caught.value.message == ("eNMS GET %s/rest/configuration/Washington failed: HTTP 200 OK: expected "
                                    "the configuration of 'Washington' as a JSON string: %s" % (enms.url, detail))


def test_stored_data_given_as_null_is_an_empty_text(enms):
    enms.add_fault('status', route='get_configuration', status=200, body='null')
    assert api_for(enms).configuration('Washington', 'configuration') == ''


def test_search_pages_until_a_short_page_in_name_order(enms):
    enms.state['devices'].clear()
    seed_devices(enms.state, 25)
    found = api_for(enms).search('device', ['ip_address'], page_size=10)
    assert [record['name'] for record in found] == ['device-%05d' % index for index in range(1, 26)]
    assert set(found[0]) == set(['name', 'ip_address'])
    assert enms.count(route='search') == 3


def test_search_sends_one_more_page_when_the_last_is_full(enms):
    enms.state['devices'].clear()
    seed_devices(enms.state, 20)
    assert len(api_for(enms).search('device', [], page_size=10)) == 20
    assert enms.count(route='search') == 3


def test_search_refuses_a_criterion_on_a_property_enms_does_not_have(enms):
    criteria = criteria_from_filters({'vendr': {'value': 'Arista'}})
    with pytest.raises(ApiError, match='no property vendr: eNMS would ignore that criterion and select every device'):
        api_for(enms).search('device', ['vendor'], criteria)
    assert enms.count(route='search') == 1


def test_search_applies_each_match_as_enms_does(enms):
    enms.state['devices'].update({
        'site1-a': device('10.1.0.1', vendor='Arista', port=22, reachable=False, location=''),
        'site1-b': device('10.1.0.2', vendor='arista networks', port=830, location='Paris'),
    })
    enms.state['pools']['Site1'] = ['site1-a']
    api = api_for(enms)

    def names(filters, **criteria):
        found = criteria_from_filters(filters)
        found.update(criteria)
        return sorted(record['name'] for record in api.search('device', [], found))

    assert names({'vendor': {'value': 'ARISTA'}}) == ['Boston', 'Washington', 'site1-a', 'site1-b']
    assert names({'vendor': {'value': 'Arista', 'match': 'equality'}}) == ['Boston', 'Washington', 'site1-a']
    assert names({'name': {'value': '^site1-', 'match': 'regex'}}) == ['site1-a', 'site1-b']
    assert names({'name': {'value': '^site1-', 'match': 'regex', 'invert': True}}) == ['Atlanta', 'Boston', 'Washington']
    assert names({'port': {'value': 830, 'match': 'equality'}}) == ['site1-b']
    assert names({'reachable': {'value': False}}) == ['site1-a']
    assert names({'location': {'value': '', 'match': 'equality'}}) == ['site1-a']
    assert names({}, pools=['Site1']) == ['site1-a']
    assert names({}, pools=['Core', 'Site1'], pools_filter='union') == ['Atlanta', 'Washington', 'site1-a']
    # eNMS reads a text as one pool name per character: the translation sends a list.
    assert names({}, pools='Site1') == []
    assert names({'pools': {'value': 'Site1'}}) == ['site1-a']
    assert names({'pools': {'value': ['Edge', 'Site1']}}) == ['Boston', 'site1-a']
    assert names({'pools': {'value': ''}}) == ['site1-b']


def test_a_pool_stores_no_pool_membership_criterion():
    with pytest.raises(FilterError, match='device_filters: pools .pool membership. cannot be a criterion here'):
        criteria_from_filters({'pools': {'value': 'Core'}}, 'device_filters', pools=False)


def test_an_invalid_regular_expression_is_explained(enms):
    with pytest.raises(ApiError, match='HTTP 500.*regular expression'):
        api_for(enms).search('device', [], criteria_from_filters({'name': {'value': '(', 'match': 'regex'}}))


def test_emulated_search_gives_ten_records_unless_asked_and_only_known_columns(enms):
    seed_devices(enms.state, 30)
    client = ApiClient('eNMS', enms.url, BasicAuth('admin', 'admin-pass'), timeout=10)
    answer = client.request('POST', '/rest/search', json_body={'type': 'device', 'columns': ['name', 'nosuch', 'pools']}).json()
    assert len(answer) == 10 and set(answer[0]) == set(['name'])
    ignored = client.request('POST', '/rest/search', json_body={
        'type': 'device', 'columns': ['name'], 'search_criteria': {'nosuch': 'x'}, 'maximum_return_records': 100}).json()
    assert len(ignored) == 33


@pytest.mark.parametrize('kind', ['device', 'pool'])
def test_a_delete_enms_aborted_fails_for_every_kind(enms, kind):
    # eNMS's db.delete answers HTTP 200 with delete_aborted when the instance refused its own deletion.
    enms.add_fault('status', route='delete_instance' if kind == 'device' else 'delete_pool', status=200,
                   body='{"delete_aborted": true, "alert": "in use"}')
    api = api_for(enms)
    with pytest.raises(ApiError) as caught:
        if kind == 'device':
            api.delete_instance('device', 'site1-a')
        else:
            api.delete_instance(kind, 'site1-a')
    assert 'did not delete the %s' % kind in caught.value.message and 'in use' in caught.value.message


def test_every_property_is_learnt_from_one_device_read_by_its_name(enms):
    found = api_for(enms).devices(criteria={'vendor': 'Cisco', 'vendor_filter': 'equality'})
    assert [device['name'] for device in found] == ['Atlanta'] and found[0]['model'] == 'ISR4451'
    first, query = enms.requests()[:2]
    assert json.loads(first['body']) == {'type': 'device', 'columns': ['name', 'vendor'], 'order': [{'column': 0, 'dir': 'asc'}],
                                         'search_criteria': {'vendor': 'Cisco', 'vendor_filter': 'equality'}, 'start': 0,
                                         'maximum_return_records': 1}
    assert (query['path'], query['query']) == ('/rest/query/device', 'name=Atlanta')


def test_a_device_gone_before_its_properties_were_read_gives_no_device(enms):
    enms.add_fault('status', route='query', status=200, body='[]')
    assert api_for(enms).devices() == []


def test_an_unknown_pool_of_a_device_read_is_named_with_the_pool_option(enms):
    with pytest.raises(ApiError) as caught:
        api_for(enms).devices(pool='Cor')
    assert "check the name 'Cor' in pool, exactly as eNMS shows it" in caught.value.message, caught.value.message


def test_one_name_and_a_name_criterion_must_both_hold(enms):
    api = api_for(enms)
    assert api.devices(names=['Atlanta'], criteria={'name': 'Bos', 'name_filter': 'inclusion', 'name_invert': False}) == []
    assert [found['name'] for found in api.devices(names=['Boston'], criteria={'name': 'Bos', 'name_filter': 'inclusion'})] == ['Boston']


@pytest.fixture
def check_mode_module():
    with patch_module_args({'url': 'http://127.0.0.1:9', 'username': 'admin', 'password': 'admin-pass', '_ansible_check_mode': True}):
        yield EnmsModule(argument_spec={}, supports_check_mode=True)


def test_a_bulk_write_in_check_mode_sends_nothing_and_is_a_change(check_mode_module):
    assert check_mode_module.bulk_write(lambda bodies: pytest.fail('sent'), [{'name': 'a'}], lambda names: names) is None
    assert check_mode_module.result['changed'] is True


def test_deletes_in_check_mode_send_nothing_and_are_a_change(check_mode_module):
    account = check_mode_module.delete_instances('pool', ['a', 'b'], lambda names: pytest.fail('read'))
    assert account.written == ['a', 'b'] and check_mode_module.result['changed'] is True


def test_a_filter_value_of_another_type_is_refused_saying_which_types_are_taken():
    with pytest.raises(FilterError) as refused:
        criteria_from_filters({'vendor': {'value': ['Arista']}}, 'filters')
    assert str(refused.value) == "filters: vendor value must be a text, a number or true/false, got ['Arista']"


def test_every_unknown_property_of_a_search_is_named(enms):
    with pytest.raises(ApiError) as refused:
        api_for(enms).search('device', ['name'], {'colour': 'blue', 'colour_filter': 'equality', 'weight': '1'})
    assert refused.value.message == ('eNMS: eNMS devices have no property colour, weight: eNMS would ignore that criterion and '
                                     'select every device, so nothing was read')


def test_a_listing_that_is_no_list_fails_quoting_it(enms):
    enms.add_fault('status', route='query', status=200, body='{"error": "no"}')
    with pytest.raises(ApiError) as caught:
        api_for(enms).query('device', {'name': 'Atlanta'})
    assert caught.value.message == ('eNMS GET %s/rest/query/device failed: HTTP 200 OK: expected the devices as a JSON list: '
                                    '{"error": "no"}' % enms.url)
    enms.add_fault('status', route='query', status=200, body=json.dumps({'error': 'x' * 300}))
    with pytest.raises(ApiError) as caught:
        api_for(enms).query('device', {'name': 'Atlanta'})
    assert caught.value.message.endswith(': {"error": "' + 'x' * 189), caught.value.message


@pytest.mark.parametrize('filters,words', [
    (['vendor'], "filters must be a mapping of property name to {value, match, invert}, got ['vendor']"),
    ({'ven dor': {'value': 'A'}}, "filters: 'ven dor' is not a property name"),
    ({'vendor': 'Arista'}, "filters: vendor must be a mapping with value (and optionally match and invert), got 'Arista'"),
    ({'vendor': {'match': 'equality'}}, "filters: vendor must be a mapping with value (and optionally match and invert), got "
                                        "{'match': 'equality'}"),
    ({'vendor': {'value': 'A', 'matches': 'x', 'inverted': True}}, 'filters: vendor has unknown keys inverted, matches (known: '
                                                                   'value, match, invert)'),
    ({'vendor': {'value': 'A', 'invert': 'yes'}}, "filters: vendor invert must be true or false, got 'yes'"),
])
def test_filters_eNMS_would_misread_are_refused_in_whole_words(filters, words):
    with pytest.raises(FilterError) as refused:
        criteria_from_filters(filters, 'filters')
    assert str(refused.value) == words


def test_pool_membership_and_properties_are_criteria_together():
    assert criteria_from_filters({'pools': {'value': 'Core'}, 'vendor': {'value': 'Arista'}}, 'filters') == {
        'pools': ['Core'], 'pools_filter': 'union', 'vendor': 'Arista', 'vendor_filter': 'inclusion', 'vendor_invert': False}


def test_a_listing_keeps_the_named_objects_sorted_by_name(enms):
    enms.add_fault('status', route='query', status=200, body=json.dumps([{'name': 'b'}, 'x', {'name': ''}, {'name': None}, {'name': 'a'}]))
    assert api_for(enms).query('device') == [{'name': 'a'}, {'name': 'b'}]


def test_a_search_pages_on_past_the_second_page(enms):
    assert [record['name'] for record in api_for(enms).search('device', [], page_size=2)] == ['Atlanta', 'Boston', 'Washington']
    assert [json.loads(entry['body'])['start'] for entry in enms.requests(route='search')] == [0, 2]
    with enms.lock:
        seed_devices(enms.state, 3)
    enms.log[:] = []
    assert len(api_for(enms).search('device', [], page_size=2)) == 6
    assert [json.loads(entry['body'])['start'] for entry in enms.requests(route='search')] == [0, 2, 4, 6]


def test_a_search_is_sent_again_after_a_dropped_connection(enms):
    enms.add_fault('drop', route='search')
    assert [record['name'] for record in api_for(enms).search('device', [])] == ['Atlanta', 'Boston', 'Washington']
    assert enms.count(route='search') == 2


def test_a_search_failing_without_a_regex_says_nothing_of_regexes(enms):
    enms.add_fault('status', route='search', status=500, body='{"alert": "Error 500 - Internal Server Error."}', times=4)
    with pytest.raises(ApiError) as caught:
        api_for(enms).search('device', [], {'vendor': 'Arista', 'vendor_filter': 'inclusion'})
    assert 'regular expression' not in caught.value.message and 'HTTP 500' in caught.value.message, caught.value.message


def test_a_regular_expression_enms_cannot_use_is_refused_in_whole_words(enms):
    with pytest.raises(ApiError) as caught:
        api_for(enms).search('device', ['name'], criteria_from_filters({'name': {'value': '(', 'match': 'regex'}}))
    error = caught.value
    assert (error.platform, error.method, error.url, error.status) == ('eNMS', 'POST', enms.url + '/rest/search', 500)
    assert error.summary == 'eNMS answers HTTP 500 for a regular expression its database cannot use: check the regex filters'


@pytest.mark.parametrize('answer', ['{"records": []}', '[1, 2]', '"x' + 'y' * 300 + '"'])
def test_a_search_answer_that_is_not_a_list_of_records_is_refused_naming_the_request(enms, answer):
    enms.add_fault('status', route='search', status=200, body=answer)
    with pytest.raises(ApiError) as caught:
        api_for(enms).search('device', ['name'])
    error = caught.value
    assert (error.platform, error.method, error.url, error.status) == ('eNMS', 'POST', enms.url + '/rest/search', 200)
    assert error.summary == 'expected the device records as a JSON list of objects'
    assert error.detail == answer[:200]
