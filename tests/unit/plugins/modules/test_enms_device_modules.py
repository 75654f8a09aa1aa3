# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""enms_device and enms_device_info against the eNMS emulator (and a scripted server for eNMS's HTTP-200 failures)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json

import pytest
import requests
from ansible.module_utils import basic

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils.enms import EnmsApi
from ansible_collections.netops.bridge.plugins.modules import enms_device, enms_device_info

from .module_runner import run

from emulators.enms import seed_devices  # the tests folder is on the path (tests/unit/plugins/conftest.py)

FIELD_VALUES = {
    'ip_address': '10.9.9.9', 'port': 830, 'vendor': 'Juniper', 'model': 'MX204', 'operating_system': 'Junos',
    'os_version': '22.4R1', 'location': 'Lyon', 'latitude': '45.76', 'longitude': '4.83', 'description': 'edge router',
    'netmiko_driver': 'juniper_junos', 'napalm_driver': 'junos', 'scrapli_driver': 'juniper_junos',
    'netconf_driver': 'junos',
}


def connection(emulator):
    return dict(url=emulator.url, username='admin', password='admin-pass')


def writes(emulator):
    return emulator.count(route='update_instance') + emulator.count(route='delete_instance')


def test_one_device_created_then_unchanged_with_reads_only(enms):
    args = dict(connection(enms), name='site1-leaf1', ip_address='10.1.0.11', vendor='Arista', port=22,
                properties={'reachable': False})
    first = run(enms_device, args)
    assert not first.failed, first.result
    assert first.result['changed'] and first.result['created'] == ['site1-leaf1']
    assert first.result['changes'] == {'site1-leaf1': ['ip_address', 'port', 'reachable', 'vendor']}
    assert enms.state['devices']['site1-leaf1'] == {'ip_address': '10.1.0.11', 'vendor': 'Arista', 'port': 22, 'reachable': False}
    # A new device: its fields' types and custom property names are learnt from another device (one more search).
    assert enms.counts() == {'search': 2, 'update_instance': 1}
    declared, sample = [json.loads(entry['body']) for entry in enms.requests(route='search')]
    assert declared['columns'] == ['name', 'ip_address', 'port', 'reachable', 'vendor']
    assert (sample['columns'], sample['search_criteria'], sample['start'], sample['maximum_return_records']) == (
        ['name', 'reachable'], {}, 0, 1)
    second = run(enms_device, args)
    assert not second.result['changed'] and second.result['unchanged'] == ['site1-leaf1']
    assert enms.counts() == {'search': 3, 'update_instance': 1}


@pytest.mark.parametrize('field', sorted(FIELD_VALUES))
def test_each_field_alone_is_compared_and_written_alone(enms, field):
    args = dict(connection(enms), name='Washington')
    args[field] = FIELD_VALUES[field]
    before = dict(enms.state['devices']['Washington'])
    done = run(enms_device, args, diff=True)
    assert not done.failed, done.result
    assert done.result['changed'] and done.result['changes'] == {'Washington': [field]}
    assert done.result['diff']['after'] == {'Washington': {field: FIELD_VALUES[field]}}
    sent = json.loads(enms.requests(route='update_instance')[0]['body'])
    assert sent == [{'name': 'Washington', field: FIELD_VALUES[field]}]
    assert enms.state['devices']['Washington'] == dict(before, **{field: FIELD_VALUES[field]})
    again = run(enms_device, args)
    assert not again.result['changed'] and enms.count(route='update_instance') == 1


def test_bulk_creates_updates_deletes_in_one_write_and_reports_each(enms):
    args = dict(connection(enms), devices=[
        dict(name='Washington', vendor='Arista'),                    # unchanged
        dict(name='Atlanta', location='Atlanta GA'),                 # updated
        dict(name='Boston', state='absent'),                          # deleted
        dict(name='Paris', ip_address='10.0.0.9', vendor='Nokia'),    # created
        dict(name='Nowhere', state='absent'),                         # absent already
    ])
    check = run(enms_device, args, check_mode=True, diff=True)
    assert check.result['changed'] and writes(enms) == 0
    assert check.result['diff']['before']['Atlanta'] == {'location': 'Atlanta'}
    assert check.result['diff']['after'] == {'Atlanta': {'location': 'Atlanta GA'}, 'Paris': {'ip_address': '10.0.0.9', 'vendor': 'Nokia'}}
    assert set(check.result['diff']['before']['Boston']) >= set(['name', 'vendor', 'location'])
    accounted = ('created', 'updated', 'deleted', 'unchanged', 'changes', 'refused', 'not_attempted', 'pools_updated')
    plan = dict((key, check.result[key]) for key in accounted)
    assert plan == dict(created=['Paris'], updated=['Atlanta'], deleted=['Boston'], unchanged=['Washington', 'Nowhere'],
                        changes={'Atlanta': ['location'], 'Paris': ['ip_address', 'vendor']}, refused={}, not_attempted=[],
                        pools_updated=False)
    done = run(enms_device, args)
    assert not done.failed, done.result
    assert dict((key, done.result[key]) for key in accounted) == plan
    assert enms.count(route='update_instance') == 1 and enms.count(route='delete_instance') == 1
    assert 'Boston' not in enms.state['devices'] and enms.state['devices']['Atlanta']['location'] == 'Atlanta GA'
    again = run(enms_device, args)
    assert not again.result['changed'] and writes(enms) == 2


def test_a_thousand_devices_are_one_read_and_one_write_then_reads_only(enms):
    declared = [dict(name='bulk-%04d' % index, ip_address='10.64.%d.%d' % (index // 256, index % 256), vendor='Arista')
                for index in range(1000)]
    args = dict(connection(enms), devices=declared)
    first = run(enms_device, args)
    assert len(first.result['created']) == 1000 and enms.counts() == {'search': 1, 'update_instance': 1}
    second = run(enms_device, args)
    assert not second.result['changed'] and len(second.result['unchanged']) == 1000
    # 1,003 devices (the seed's 3 too) in pages of 1,000: two searches, no write.
    assert enms.counts() == {'search': 3, 'update_instance': 1}


def test_rename_once_then_unchanged_and_refused_when_both_exist(enms):
    args = dict(connection(enms), name='Atlanta', new_name='Atlanta-1')
    first = run(enms_device, args, diff=True)
    assert first.result['changed'] and first.result['updated'] == ['Atlanta-1'] and first.result['changes'] == {'Atlanta-1': ['name']}
    assert 'Atlanta-1' in enms.state['devices'] and 'Atlanta' not in enms.state['devices']
    assert enms.state['pools']['Core'] == ['Washington', 'Atlanta-1']
    second = run(enms_device, args)
    assert not second.result['changed'] and second.result['unchanged'] == ['Atlanta-1']
    both = run(enms_device, dict(connection(enms), name='Washington', new_name='Boston'))
    assert both.failed and both.result['msg'] == 'Nothing was written: Washington: cannot be renamed to Boston, a device of that name exists too.'
    assert enms.count(route='update_instance') == 1


@pytest.mark.parametrize('args,problems', [
    (dict(name='a', devices=[dict(name='b')]),
     ['name cannot be given together with devices: give it in each device (connection options apply to all).']),
    (dict(vendor='X', devices=[dict(name='b')]),
     ['vendor cannot be given together with devices: give it in each device (connection options apply to all).']),
    (dict(name='a', vendor='X', devices=[dict(name='b')]),
     ['name, vendor cannot be given together with devices: give it in each device (connection options apply to all).']),
    (dict(vendor='X'), ['name or devices is required.']),
    (dict(devices=[dict(name='a'), dict(name='a')]), ["devices[1]: the name 'a' is declared twice (also in devices[0])."]),
    (dict(devices=[dict(name='a', new_name='b'), dict(name='b')]),
     ["devices[1]: the name 'b' is declared twice (also in devices[0])."]),
    (dict(name='a/b'), ["the device: name 'a/b' must not hold a slash, a backslash or a quote (eNMS refuses them)."]),
    (dict(name='..'),
     ["the device: name '..' cannot be '..' (the request path /rest/instance/<type>/.. collapses, so eNMS could never delete it)."]),
    (dict(devices=[dict(name='a', new_name='.'), dict(name='b', port='ssh'), dict(name='c', port=2 ** 64)]),
     ["devices[0]: new_name '.' cannot be '.' (the request path /rest/instance/<type>/. collapses, so eNMS could never delete it).",
      "devices[1] (b): port 'ssh' is not an integer.",
      'devices[2] (c): port 18446744073709551616 is beyond the signed 64-bit integers eNMS stores.']),
    (dict(name='a', new_name='b', state='absent'), ['the device (a): new_name cannot be given with state absent.']),
    (dict(name='a', properties={'vendor': 'X'}),
     ['the device (a): properties.vendor is not a custom property name (use the option vendor).']),
    (dict(name='a', properties={'rack-1': 'X', 'id': 1}),
     ['the device (a): properties.id is not a custom property name.',
      'the device (a): properties.rack-1 is not a custom property name.']),
])
def test_declarations_refused_before_any_request(enms, args, problems):
    done = run(enms_device, dict(connection(enms), **args))
    assert done.failed and done.result['msg'] == 'Nothing was written: %s' % ' '.join(problems)
    assert done.result['problems'] == problems and done.result['changed'] is False
    assert enms.counts() == {}


def test_the_diff_of_a_rename_shows_the_old_name_and_the_fields_it_changes(enms):
    args = dict(connection(enms), name='Atlanta', new_name='Atlanta-1', location='Atlanta GA', vendor='Cisco')
    planned = run(enms_device, args, check_mode=True, diff=True)
    assert planned.result['diff'] == {'before': {'Atlanta-1': {'name': 'Atlanta', 'location': 'Atlanta'}},
                                      'after': {'Atlanta-1': {'name': 'Atlanta-1', 'location': 'Atlanta GA'}}}
    assert planned.result['changes'] == {'Atlanta-1': ['location', 'name']} and writes(enms) == 0


def test_a_rename_of_a_device_that_does_not_exist_creates_it_under_its_new_name(enms):
    done = run(enms_device, dict(connection(enms), name='Ghost', new_name='Ghost-1', ip_address='10.9.0.2'))
    assert not done.failed and done.result['created'] == ['Ghost-1'], done.result
    assert json.loads(enms.requests(route='update_instance')[0]['body']) == [{'name': 'Ghost-1', 'ip_address': '10.9.0.2'}]
    assert 'Ghost-1' in enms.state['devices'] and 'Ghost' not in enms.state['devices']


def test_a_rename_onto_an_existing_device_is_refused_with_every_other_device_planned(enms):
    done = run(enms_device, dict(connection(enms), devices=[dict(name='Washington', new_name='Boston'),
                                                            dict(name='Atlanta', location='Atlanta GA'),
                                                            dict(name='Paris', ip_address='10.0.0.9')]))
    assert done.failed and done.result['msg'] == 'Nothing was written: Washington: cannot be renamed to Boston, a device of that name exists too.'
    assert done.result['not_attempted'] == ['Paris', 'Atlanta'] and writes(enms) == 0


def test_a_declaration_refused_before_any_request_lists_each_device_under_its_name_after_the_write(enms):
    done = run(enms_device, dict(connection(enms), devices=[dict(name='Atlanta', new_name='Atlanta-1'), dict(name='c', port='ssh')]))
    assert done.failed and done.result['msg'] == "Nothing was written: devices[1] (c): port 'ssh' is not an integer."
    assert done.result['not_attempted'] == ['Atlanta-1', 'c'] and enms.counts() == {}


def test_a_custom_property_devices_do_not_have_is_refused_before_any_write(enms):
    done = run(enms_device, dict(connection(enms), name='Washington', properties={'rack': 'r4', 'row': 'b'}))
    assert done.failed and done.result['msg'] == ('Nothing was written: eNMS devices have no property rack, row: eNMS would ignore it '
                                                  'without saying so.')
    assert writes(enms) == 0


def test_enms_failures_in_a_200_answer_fail_the_task_naming_the_device_and_keep_the_successes(server):
    traceback = 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: invalid literal for int()'
    server.answers = [
        (200, {'Content-Type': 'application/json'}, b'[]'),
        (200, {'Content-Type': 'application/json'},
         json.dumps({'success': ['a'], 'failure': [[{'name': 'b', 'port': 'x'}, traceback]]}).encode()),
    ]
    done = run(enms_device, dict(url=server.url, username='admin', password='p', devices=[dict(name='a'), dict(name='b')]))
    assert done.failed and done.result['changed']
    assert done.result['msg'] == 'eNMS did not write 1 device(s): b: ValueError: invalid literal for int()'
    assert done.result['created'] == ['a'] and 'Traceback' not in done.result['msg']


def test_device_info_pages_past_ten_and_selects_by_names_pool_and_filters(enms):
    seed_devices(enms.state, 25, pool='Lab')
    args = connection(enms)
    every = run(enms_device_info, args).result['devices']
    assert len(every) == 28 and every[0]['name'] == 'Atlanta' and every[0]['last_configuration_status'] == 'Never'
    lab = run(enms_device_info, dict(args, pool='Lab', filters={'vendor': {'value': 'arista'}})).result['devices']
    assert [found['name'] for found in lab] == ['device-%05d' % index for index in range(3, 26, 3)]
    named = run(enms_device_info, dict(args, names=['Boston', 'Washington', 'Nowhere'])).result['devices']
    assert [found['name'] for found in named] == ['Boston', 'Washington'] and named[0]['model'] == '7280R'
    missing = run(enms_device_info, dict(args, pool='No Such Pool'))
    assert missing.failed and 'HTTP 403 for a pool name' in missing.result['msg']
    unknown = run(enms_device_info, dict(args, filters={'vendr': {'value': 'x'}}))
    assert unknown.failed and 'no property vendr' in unknown.result['msg'] and 'devices' not in unknown.result


def test_device_info_filters_pools_as_pool_membership(enms):
    args = connection(enms)
    core = run(enms_device_info, dict(args, filters={'pools': {'value': 'Core'}})).result['devices']
    assert [found['name'] for found in core] == ['Atlanta', 'Washington']
    both = run(enms_device_info, dict(args, pool='Core', filters={'pools': {'value': 'Edge'}}))
    assert both.failed and 'pool and filters.pools both choose the pools' in both.result['msg'], both.result


def test_an_update_enms_refuses_midway_fails_naming_the_device_and_reports_changed(enms):
    done = run(enms_device, dict(connection(enms), devices=[
        dict(name='Washington', vendor='Nokia', properties={'custom_json': 'oops'}),
        dict(name='Atlanta', location='Atlanta GA'),
    ]))
    assert done.failed and done.result['changed'] and done.result['updated'] == ['Atlanta']
    assert done.result['msg'] == ("eNMS did not write 1 device(s): Washington: TypeError: 'str' object is not a mapping. "
                                  "eNMS keeps the fields of an existing device it set before a failure: read the device "
                                  "(enms_device_info) before running again")
    # As a real eNMS 4.6 does: the vendor, given before the property that failed, was kept.
    assert enms.state['devices']['Washington']['vendor'] == 'Nokia'


def test_a_refused_update_alone_still_reports_changed_since_enms_kept_part_of_it(enms):
    done = run(enms_device, dict(connection(enms), name='Washington', vendor='Nokia', properties={'custom_json': 'oops'}))
    assert done.failed and done.result['changed'] and done.result['updated'] == []
    assert enms.state['devices']['Washington']['vendor'] == 'Nokia'


def test_a_refused_creation_alone_reports_no_change(server):
    server.answers = [(200, {'Content-Type': 'application/json'}, b'[]'),
                      (200, {'Content-Type': 'application/json'}, json.dumps({'failure': [[{'name': 'b'}, 'Exception: no']]}).encode())]
    done = run(enms_device, dict(url=server.url, username='admin', password='p', name='b'))
    assert done.failed and not done.result['changed'] and done.result['created'] == []
    assert done.result['msg'] == 'eNMS did not write 1 device(s): b: Exception: no'


@pytest.mark.parametrize('current,wanted,equal', [
    ('45.76', '45.76', True), ('5', 5, True), (22, '22', True), (22, 22, True), ({'a': 1}, {'a': 1}, True),
    (True, 'True', False), (None, '', False), ('', None, False), ({'a': 1}, {'a': 2}, False), (['a'], 'a', False),
    ('True', True, False), ("{'a': 1}", {'a': 1}, False), ("['a']", ['a'], False),
])
def test_values_compare_as_enms_keeps_them(current, wanted, equal):
    assert enms_device.same(current, wanted) is equal


def test_an_empty_device_list_sends_no_request(enms):
    done = run(enms_device, dict(connection(enms), devices=[]))
    assert not done.failed and not done.result['changed'] and done.result['unchanged'] == [] and enms.counts() == {}


# -- the account is what eNMS confirmed (issue 30) ----------------------------------------------------------------------
CHANGES = [dict(name='Washington', vendor='Nokia'), dict(name='site9-new', ip_address='10.9.0.1'),
           dict(name='Boston', state='absent')]
ALERT_500 = '{"alert": "Error 500 - Internal Server Error."}'


def routes(emulator):
    return [found['route'] for found in emulator.requests()]


def test_a_bulk_write_answered_with_an_error_key_fails_with_enms_words_and_nothing_is_reported_written(enms):
    enms.add_fault('status', route='update_instance', status=200, body='{"error": "The database is locked."}')
    done = run(enms_device, dict(connection(enms), devices=CHANGES))
    assert done.failed and done.result['msg'] == (
        'eNMS did not write 3 device(s): Washington, site9-new: eNMS refused the write: The database is locked.; '
        'Boston: not sent, since eNMS did not write every device'), done.result['msg']
    assert (done.result['created'], done.result['updated'], done.result['deleted']) == ([], [], [])
    assert done.result['refused'] == {'Washington': 'eNMS refused the write: The database is locked.',
                                      'site9-new': 'eNMS refused the write: The database is locked.'}
    assert done.result['not_attempted'] == ['Boston'] and not done.result['changed']
    assert 'delete_instance' not in routes(enms) and 'Boston' in enms.state['devices']


def test_http_500_on_the_bulk_write_sends_no_delete_and_reports_nothing_written(enms):
    # A real eNMS answers HTTP 500 when its database refuses the commit, and rolls the whole request back.
    enms.add_fault('status', route='update_instance', status=500, body=ALERT_500)
    done = run(enms_device, dict(connection(enms), devices=CHANGES))
    assert done.failed and not done.result['changed']
    assert (done.result['created'], done.result['updated'], done.result['deleted']) == ([], [], [])
    assert sorted(done.result['refused']) == ['Washington', 'site9-new']
    assert all('HTTP 500 Internal Server Error: Error 500 - Internal Server Error.' in words
               for words in done.result['refused'].values())
    assert done.result['not_attempted'] == ['Boston'] and done.result['msg'] == (
        'eNMS did not write 3 device(s): Washington, site9-new: eNMS POST %s/rest/instance/device failed: HTTP 500 Internal '
        'Server Error: Error 500 - Internal Server Error.; Boston: not sent, since eNMS did not write every device' % enms.url)
    assert done.result['status'] == 500
    # One read, the write, one read back; no DELETE.
    assert routes(enms) == ['search', 'update_instance', 'search']
    assert enms.state['devices']['Washington']['vendor'] == 'Arista' and 'site9-new' not in enms.state['devices']


def test_a_connection_dropped_after_enms_wrote_is_read_back_and_reported_as_written(enms):
    enms.add_fault('after', route='update_instance', then='drop')
    done = run(enms_device, dict(connection(enms), devices=CHANGES))
    assert not done.failed, done.result
    assert (done.result['created'], done.result['updated'], done.result['deleted']) == (['site9-new'], ['Washington'], ['Boston'])
    assert done.result['refused'] == {} and done.result['not_attempted'] == []
    assert enms.state['devices']['Washington']['vendor'] == 'Nokia' and 'Boston' not in enms.state['devices']
    assert routes(enms).count('update_instance') == 1
    # The write's outcome is read back: the written devices under their names after it, with the fields declared.
    read_back = json.loads(enms.requests(route='search')[-1]['body'])
    assert read_back['columns'] == ['name', 'ip_address', 'vendor'], read_back


def test_the_emulator_rolls_back_a_write_beyond_64_bits_and_stores_booleans_as_enms_does(enms):
    # What the old module sent: a real eNMS 4.6 answers HTTP 500 and keeps nothing of the request, and stores the text
    # "False" of a boolean property as true (value not in (False, "false")).
    session = requests.Session()
    session.auth = ('admin', 'admin-pass')
    url = enms.url + '/rest/instance/device'
    rolled_back = session.post(url, json=[dict(name='Washington', vendor='Nokia'), dict(name='Atlanta', port=2 ** 64)])
    assert rolled_back.status_code == 500 and enms.state['devices']['Washington']['vendor'] == 'Arista'
    stored = session.post(url, json=[dict(name='Washington', reachable='False', port='830')])
    assert stored.json() == {'success': ['Washington']}
    assert enms.state['devices']['Washington']['reachable'] is True and enms.state['devices']['Washington']['port'] == 830


def test_a_delete_refused_midway_is_refused_and_the_others_deleted(enms):
    seed_devices(enms.state, 3, prefix='old-')
    names = ['old-00001', 'old-00002', 'old-00003']
    enms.add_fault('status', route='delete_instance', status=500, body=ALERT_500, skip=1)
    done = run(enms_device, dict(connection(enms), devices=[dict(name=name, state='absent') for name in names]))
    assert done.failed and done.result['changed']
    refused = sorted(done.result['refused'])
    assert len(refused) == 1 and sorted(done.result['deleted'] + refused) == names
    # The account is what the emulator holds: the refused one is still there, the others are gone.
    assert [name for name in names if name in enms.state['devices']] == refused
    assert 'HTTP 500' in done.result['refused'][refused[0]] and done.result['not_attempted'] == []
    # Whether the delete answered 500 was applied is read back: that device alone, by its name.
    read_back = json.loads(enms.requests(route='search')[-1]['body'])
    assert (read_back['columns'], read_back['search_criteria']) == (
        ['name'], {'name': refused[0], 'name_filter': 'equality', 'name_invert': False})


def test_a_boolean_text_is_stored_as_enms_stores_booleans_and_a_second_run_is_unchanged(enms):
    args = dict(connection(enms), devices=[dict(name='Washington', properties={'reachable': 'False'}),
                                           dict(name='site9-new', ip_address='10.9.0.1', properties={'reachable': 'no'})])
    first = run(enms_device, args)
    assert not first.failed, first.result
    assert enms.state['devices']['Washington']['reachable'] is False and enms.state['devices']['site9-new']['reachable'] is False
    assert json.loads(enms.requests(route='update_instance')[0]['body'])[0]['reachable'] is False
    second = run(enms_device, args)
    assert not second.failed and not second.result['changed'], second.result


def test_the_task_arguments_shown_at_vvv_are_what_the_user_wrote_not_what_was_converted(enms, monkeypatch):
    """-vvv prints a module's invocation, its params when it exits: the conversion to eNMS's types works on a copy."""
    at_exit = []
    exit_json = basic.AnsibleModule.exit_json  # the test's own (conftest.py), which ends the run

    def recording_exit_json(self, **result):
        at_exit.append(copy.deepcopy(self.params))
        exit_json(self, **result)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', recording_exit_json)
    given = [dict(name='Washington', properties={'reachable': 'False'}), dict(name='site9-new', properties={'reachable': 'no'})]
    done = run(enms_device, dict(connection(enms), devices=given))
    single = run(enms_device, dict(connection(enms), name='Boston', properties={'reachable': 'yes'}))
    assert not done.failed and not single.failed, (done.result, single.result)
    assert enms.state['devices']['Washington']['reachable'] is False  # converted for eNMS all the same
    assert [device['properties'] for device in at_exit[0]['devices']] == [{'reachable': 'False'}, {'reachable': 'no'}]
    assert at_exit[1]['properties'] == {'reachable': 'yes'}


def test_integer_properties_are_converted_and_values_that_cannot_be_are_refused_naming_each_device(enms):
    enms.state['devices']['Washington']['rack_units'] = 2
    done = run(enms_device, dict(connection(enms), devices=[
        dict(name='Washington', properties={'rack_units': '4'}), dict(name='Atlanta', properties={'rack_units': 'four'}),
        dict(name='Boston', properties={'rack_units': str(2 ** 63), 'reachable': 'maybe'})]))
    assert done.failed and writes(enms) == 0
    assert done.result['problems'] == [
        "devices[1] (Atlanta): rack_units 'four' is not an integer.",
        'devices[2] (Boston): rack_units 9223372036854775808 is beyond the signed 64-bit integers eNMS stores.',
        "devices[2] (Boston): reachable 'maybe' is not a boolean (true/false, yes/no, on/off, 1/0)."]
    assert done.result['not_attempted'] == ['Washington', 'Atlanta', 'Boston'] and done.result['updated'] == []
    fixed = run(enms_device, dict(connection(enms), name='Washington', properties={'rack_units': '4'}))
    assert not fixed.failed and enms.state['devices']['Washington']['rack_units'] == 4
    assert not run(enms_device, dict(connection(enms), name='Washington', properties={'rack_units': 4})).result['changed']


def test_a_custom_property_takes_the_type_of_the_first_device_that_has_a_value(enms):
    enms.state['devices']['Atlanta']['rack_units'] = 2
    done = run(enms_device, dict(connection(enms), devices=[dict(name='Atlanta', properties={'rack_units': '4'}),
                                                            dict(name='Washington', properties={'rack_units': '6'})]))
    assert not done.failed, done.result
    assert (enms.state['devices']['Atlanta']['rack_units'], enms.state['devices']['Washington']['rack_units']) == (4, 6)


def test_update_pools_recomputes_the_criteria_pools_once_after_a_change(enms):
    enms.state['pools']['arista'] = []
    enms.state['pool_properties']['arista'] = {'manually_defined': False, 'device_vendor': 'Arista',
                                               'device_vendor_match': 'equality'}
    args = dict(connection(enms), name='site9-new', ip_address='10.9.0.1', vendor='Arista', update_pools=True)
    planned = run(enms_device, args, check_mode=True)
    assert planned.result['changed'] is True and planned.result['pools_updated'] is False and enms.count(route='update_all_pools') == 0
    not_asked = run(enms_device, dict(args, name='site9-other', update_pools=False))
    assert not_asked.result['changed'] is True and not_asked.result['pools_updated'] is False
    assert enms.count(route='update_all_pools') == 0
    done = run(enms_device, args)
    assert not done.failed and done.result['pools_updated'] is True
    assert 'site9-new' in enms.state['pools']['arista'] and enms.count(route='update_all_pools') == 1
    again = run(enms_device, args)
    assert again.result['pools_updated'] is False and enms.count(route='update_all_pools') == 1


@pytest.mark.parametrize('args,message', [
    (dict(filters={'vendor': {'value': 'Arista', 'match': 'like'}}),
     "filters: vendor match must be one of inclusion, equality, regex, got 'like'."),
    (dict(pool='Core', filters={'pools': {'value': 'Edge'}}),
     'pool and filters.pools both choose the pools: give the pools in one of them.'),
    (dict(pool='Core', filters={'pools': {'value': ''}}),
     'pool and filters.pools both choose the pools: give the pools in one of them.'),
    (dict(names=['Boston', ' ']), 'names must not hold an empty name.'),
    (dict(pool=' '), 'pool must not be empty.'),
])
def test_device_info_refuses_a_selection_it_cannot_send_before_any_request_saying_why(enms, args, message):
    out = run(enms_device_info, dict(connection(enms), **args))
    assert out.failed and out.result['msg'] == message and 'devices' not in out.result
    assert enms.requests() == []


def test_device_info_reads_without_changing_in_check_mode_too(enms):
    out = run(enms_device_info, dict(connection(enms), names=['Boston']), check_mode=True)
    assert not out.failed and out.result['changed'] is False and [found['name'] for found in out.result['devices']] == ['Boston']


def test_a_write_never_sent_leaves_every_device_and_the_deletes_not_attempted(enms, monkeypatch):
    def refused_connection(self, devices):
        raise ApiError('eNMS', 'Connection refused', method='POST', url='%s/rest/instance/device' % enms.url)

    monkeypatch.setattr(EnmsApi, 'update_devices', refused_connection)
    done = run(enms_device, dict(connection(enms), devices=CHANGES))
    assert done.failed and not done.result['changed']
    assert (done.result['created'], done.result['updated'], done.result['deleted'], done.result['refused']) == ([], [], [], {})
    assert done.result['not_attempted'] == ['Washington', 'site9-new', 'Boston']
    assert done.result['msg'] == ('eNMS did not write 3 device(s): Washington, site9-new: not sent: eNMS POST %s/rest/instance/device '
                                  'failed: Connection refused; Boston: not sent, since eNMS did not write every device' % enms.url)
    assert 'delete_instance' not in routes(enms) and 'Boston' in enms.state['devices']


def test_an_empty_device_list_reports_an_empty_account_and_sends_nothing(enms):
    done = run(enms_device, dict(connection(enms), devices=[]))
    assert not done.failed and enms.requests() == []
    assert dict((key, done.result[key]) for key in ('created', 'updated', 'deleted', 'unchanged', 'changes', 'refused', 'not_attempted')) == {
        'created': [], 'updated': [], 'deleted': [], 'unchanged': [], 'changes': {}, 'refused': {}, 'not_attempted': []}


def test_every_problem_found_by_reading_is_in_the_message_one_after_the_other(enms):
    done = run(enms_device, dict(connection(enms), devices=[dict(name='Atlanta', properties={'rack': 'A1'}),
                                                            dict(name='Washington', new_name='Boston')]))
    assert done.failed and len(done.result['problems']) == 2 and enms.count(route='search') > 0, done.result
    assert done.result['msg'] == 'Nothing was written: ' + ' '.join(done.result['problems']) and writes(enms) == 0


def test_check_mode_with_only_deletes_is_a_change(enms):
    done = run(enms_device, dict(connection(enms), devices=[dict(name='Boston', state='absent')]), check_mode=True)
    assert not done.failed and done.result['changed'] is True and done.result['deleted'] == ['Boston']
    assert 'Boston' in enms.state['devices']


def test_the_deletes_not_sent_after_a_failed_write_are_named_together(enms):
    enms.add_fault('status', route='update_instance', status=500, body=ALERT_500)
    done = run(enms_device, dict(connection(enms), devices=CHANGES + [dict(name='Atlanta', state='absent')]))
    assert done.failed and done.result['msg'].endswith('; Boston, Atlanta: not sent, since eNMS did not write every device'), done.result['msg']


def test_deletes_never_sent_are_not_attempted(enms, monkeypatch):
    def refused_connection(self, kind, name):
        raise ApiError('eNMS', 'Connection refused', method='DELETE', url='%s/rest/instance/%s' % (enms.url, kind))

    monkeypatch.setattr(EnmsApi, 'delete_instance', refused_connection)
    done = run(enms_device, dict(connection(enms), devices=[dict(name='Boston', state='absent'), dict(name='Atlanta', state='absent')]))
    assert done.failed and done.result['not_attempted'] == ['Boston', 'Atlanta'] and done.result['deleted'] == []


def test_deletes_go_to_enms_four_at_a_time(enms):
    """eNMS checks the password of every request: the module sends a few deletes at once, never all of them (the
    figures behind four are in docs/benchmark.md). Each delete is held a second, so the first wave is what was in flight."""
    names = seed_devices(enms.state, 9, prefix='site7-')
    enms.add_fault('delay', route='delete_instance', times=9, seconds=1.0)
    done = run(enms_device, dict(connection(enms), devices=[dict(name=name, state='absent') for name in names]))
    assert not done.failed and sorted(done.result['deleted']) == names, done.result
    arrivals = sorted(entry['time'] for entry in enms.requests(route='delete_instance'))
    waves = [len([moment for moment in arrivals if start <= moment < start + 0.5]) for start in (arrivals[0], arrivals[4], arrivals[8])]
    assert waves == [4, 4, 1], arrivals
