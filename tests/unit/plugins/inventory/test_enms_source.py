# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The eNMS inventory plugin parsed in this process against the eNMS emulator, as ansible-inventory parses a source:
what each option does to the hosts, groups, variables and requests, and each refusal's words (the end-to-end proofs,
with the real ansible-inventory, are tests/e2e/test_enms_inventory*.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest
import yaml
from ansible import constants as C
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import fragment_loader
from ansible.utils.display import Display
from ansible.utils.plugin_docs import add_fragments

from ansible_collections.netops.bridge.plugins.inventory import enms as plugin_module


NAME = 'netops.bridge.enms'
ENMS_VARIABLES = ('ENMS_URL', 'ENMS_USERNAME', 'ENMS_PASSWORD', 'ENMS_CA_PATH', 'ENMS_REQUEST_TIMEOUT', 'ENMS_VALIDATE_CERTS')


@pytest.fixture(autouse=True)
def plugin_options(monkeypatch):
    """The plugin's options known to ansible's configuration, as the plugin loader makes them known (its documentation
    with the constructed and inventory_cache fragments), and no ENMS_* variable of the machine running the tests."""
    documentation = yaml.safe_load(plugin_module.DOCUMENTATION)
    # The fragments by their short names: the ansible.builtin names need the collection loader, which unit tests lack.
    documentation['extends_documentation_fragment'] = [name.rsplit('.', 1)[-1] for name in documentation['extends_documentation_fragment']]
    add_fragments(documentation, plugin_module.__file__, fragment_loader=fragment_loader)
    C.config.initialize_plugin_configuration_definitions('inventory', NAME, documentation['options'])
    for variable in ENMS_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def source(enms, extra='', **options):
    text = 'plugin: netops.bridge.enms\nurl: %s\nusername: admin\npassword: admin-pass\n' % enms.url
    return text + ''.join('%s: %s\n' % (key, json.dumps(value)) for key, value in options.items()) + extra


def parse(tmp_path, text, cache=True, name='production.enms.yml'):
    """The inventory made from a source file holding ``text``, saved to its cache as ansible-inventory saves it."""
    path = tmp_path / name
    path.write_text(text)
    plugin = plugin_module.InventoryModule()
    plugin._load_name = NAME
    inventory = InventoryData()
    plugin.parse(inventory, DataLoader(), str(path), cache=cache)
    if getattr(plugin, '_cache', None) is not None:  # set when the cache option is on (as ansible-inventory checks)
        plugin.update_cache_if_changed()
    return inventory


def refusal(tmp_path, text):
    with pytest.raises(AnsibleParserError) as caught:
        parse(tmp_path, text)
    return str(caught.value)


def hostvars(inventory):
    """Each host's variables, but those the inventory sets itself."""
    return dict((name, dict((key, value) for key, value in host.vars.items() if key not in ('inventory_file', 'inventory_dir')))
                for name, host in inventory.hosts.items())


def groups(inventory):
    """Each group but all and ungrouped, with its hosts."""
    return dict((name, sorted(host.name for host in group.hosts)) for name, group in inventory.groups.items()
                if name not in ('all', 'ungrouped'))


def searches(enms):
    """The search_criteria and columns of every device search sent."""
    bodies = [json.loads(entry['body']) for entry in enms.requests(route='search')]
    return [(body['search_criteria'], body['columns']) for body in bodies if body['type'] == 'device']


# -- hosts, variables and groups ----------------------------------------------------------------------------------
def test_every_device_is_a_host_with_its_address_its_properties_and_its_pools(enms, tmp_path):
    inventory = parse(tmp_path, source(enms))
    found = hostvars(inventory)
    assert sorted(found) == ['Atlanta', 'Boston', 'Washington']
    atlanta = found['Atlanta']
    assert atlanta['ansible_host'] == '10.0.0.2' and atlanta['enms_vendor'] == 'Cisco' and atlanta['enms_port'] == 22
    assert atlanta['enms_name'] == 'Atlanta' and atlanta['enms_pools'] == ['Core'] and atlanta['enms_down'] is False
    assert atlanta['enms_custom_json'] == {'a': 'c', 'b': [1, 2, '3']}
    assert groups(inventory) == {'Core': ['Atlanta', 'Washington'], 'Edge': ['Boston']}
    assert enms.counts() == {'search': 2, 'query': 2, 'get_instance': 2}


def test_a_device_without_an_address_gets_no_ansible_host(enms, tmp_path):
    with enms.lock:
        enms.state['devices']['Boston']['ip_address'] = ''
    found = hostvars(parse(tmp_path, source(enms, properties=['vendor'], pool_groups=False)))
    assert found['Boston'] == {'enms_vendor': 'Arista'}
    assert found['Atlanta'] == {'ansible_host': '10.0.0.2', 'enms_vendor': 'Cisco'}


def test_properties_and_prefix_choose_the_variables_in_one_search(enms, tmp_path):
    found = hostvars(parse(tmp_path, source(enms, properties=['vendor', 'model', 'vendor'], var_prefix='dev_', pool_groups=False)))
    assert found['Atlanta'] == {'ansible_host': '10.0.0.2', 'dev_vendor': 'Cisco', 'dev_model': 'ISR4451'}
    assert enms.counts() == {'search': 1} and searches(enms)[0][1] == ['name', 'ip_address', 'vendor', 'model']


def test_a_property_enms_does_not_give_is_no_variable(enms, tmp_path):
    found = hostvars(parse(tmp_path, source(enms, properties=['vendor', 'colour'], pool_groups=False)))
    assert found['Boston'] == {'ansible_host': '10.0.0.3', 'enms_vendor': 'Arista'}


def test_an_empty_prefix_names_the_variables_as_enms_names_the_properties(enms, tmp_path):
    found = hostvars(parse(tmp_path, source(enms, properties=['vendor'], var_prefix='', pools=['Edge'])))
    assert found == {'Boston': {'ansible_host': '10.0.0.3', 'vendor': 'Arista', 'pools': ['Edge']}}


def test_pools_choose_the_hosts_and_enms_selects_their_members(enms, tmp_path):
    inventory = parse(tmp_path, source(enms, pools=['Edge', 'Edge']))
    assert sorted(hostvars(inventory)) == ['Boston'] and groups(inventory) == {'Edge': ['Boston']}
    assert hostvars(inventory)['Boston']['enms_pools'] == ['Edge']
    assert enms.counts() == {'search': 2, 'query': 1, 'get_instance': 1}
    assert all(criteria == {'pools': ['Edge'], 'pools_filter': 'union'} for criteria, _columns in searches(enms))


def test_a_host_in_two_pools_read_is_in_both_groups(enms, tmp_path):
    with enms.lock:
        enms.state['pools']['Core & Edge'] = ['Washington', 'Boston']
    inventory = parse(tmp_path, source(enms, pools=['Core & Edge', 'Edge']))
    assert groups(inventory) == {'Core___Edge': ['Boston', 'Washington'], 'Edge': ['Boston']}
    assert hostvars(inventory)['Boston']['enms_pools'] == ['Core & Edge', 'Edge']
    assert hostvars(inventory)['Washington']['enms_pools'] == ['Core & Edge']


def test_pool_groups_can_be_turned_off_and_then_no_pool_is_read(enms, tmp_path):
    inventory = parse(tmp_path, source(enms, pool_groups=False))
    assert sorted(hostvars(inventory)) == ['Atlanta', 'Boston', 'Washington'] and groups(inventory) == {}
    assert 'enms_pools' not in hostvars(inventory)['Boston']
    assert enms.counts() == {'search': 2, 'query': 1}


def test_pool_groups_off_with_pools_still_choose_the_hosts_and_set_their_pools(enms, tmp_path):
    inventory = parse(tmp_path, source(enms, pools=['Core'], pool_groups=False))
    assert groups(inventory) == {} and sorted(hostvars(inventory)) == ['Atlanta', 'Washington']
    assert hostvars(inventory)['Washington']['enms_pools'] == ['Core']


def test_pool_groups_are_prefixed_and_made_valid_group_names(enms, tmp_path):
    with enms.lock:
        enms.state['pools']['2nd floor/lab'] = ['Atlanta']
    inventory = parse(tmp_path, source(enms, pool_group_prefix='pool_'))
    assert groups(inventory) == {'pool_Core': ['Atlanta', 'Washington'], 'pool_Edge': ['Boston'], 'pool_2nd_floor_lab': ['Atlanta']}
    assert hostvars(inventory)['Atlanta']['enms_pools'] == ['2nd floor/lab', 'Core']


def test_compose_groups_and_keyed_groups_use_the_variables(enms, tmp_path):
    inventory = parse(tmp_path, source(enms, '''
compose:
  ansible_network_os: "'arista.eos.eos' if enms_vendor == 'Arista' else 'cisco.ios.ios'"
groups:
  east_coast: enms_location in ['Washington', 'Boston']
keyed_groups:
  - key: enms_operating_system | lower
    prefix: os
strict: true
''', pool_groups=False))
    found = hostvars(inventory)
    assert found['Boston']['ansible_network_os'] == 'arista.eos.eos' and found['Atlanta']['ansible_network_os'] == 'cisco.ios.ios'
    assert groups(inventory) == {'east_coast': ['Boston', 'Washington'], 'os_eos': ['Boston', 'Washington'], 'os_ios_xe': ['Atlanta']}


def test_strict_fails_on_an_undefined_variable_and_lax_does_not(enms, tmp_path):
    extra = 'compose:\n  ansible_user: enms_no_such_property\nstrict: %s\n'
    lax = parse(tmp_path, source(enms, extra % 'false'))
    assert 'ansible_user' not in hostvars(lax)['Boston']
    with pytest.raises(Exception) as caught:
        parse(tmp_path, source(enms, extra % 'true'))
    assert 'enms_no_such_property' in str(caught.value)


def test_lax_keyed_groups_skip_an_undefined_key_and_strict_ones_fail(enms, tmp_path):
    extra = 'keyed_groups:\n  - key: enms_no_such_property\n    prefix: x\nstrict: %s\n'
    assert groups(parse(tmp_path, source(enms, extra % 'false', pool_groups=False))) == {}
    with pytest.raises(Exception) as caught:
        parse(tmp_path, source(enms, extra % 'true', pool_groups=False))
    assert 'enms_no_such_property' in str(caught.value)


def test_lax_groups_skip_an_undefined_condition_and_strict_ones_fail(enms, tmp_path):
    extra = 'groups:\n  odd: enms_no_such_property == 1\nstrict: %s\n'
    assert groups(parse(tmp_path, source(enms, extra % 'false', pool_groups=False))) == {}
    with pytest.raises(Exception) as caught:
        parse(tmp_path, source(enms, extra % 'true', pool_groups=False))
    assert 'enms_no_such_property' in str(caught.value)


# -- filters ------------------------------------------------------------------------------------------------------
def test_a_text_or_number_filter_is_compared_by_enms_with_equality(enms, tmp_path):
    found = hostvars(parse(tmp_path, source(enms, device_filters={'vendor': 'Arista', 'port': 22}, pool_groups=False)))
    assert sorted(found) == ['Boston', 'Washington']
    assert searches(enms)[-1][0] == {'vendor': 'Arista', 'vendor_filter': 'equality', 'vendor_invert': False,
                                     'port': '22', 'port_filter': 'equality', 'port_invert': False}


def test_a_decimal_number_filter_is_compared_by_enms(enms, tmp_path):
    with enms.lock:
        enms.state['devices']['Boston']['latitude'] = '1.5'
    found = hostvars(parse(tmp_path, source(enms, device_filters={'latitude': 1.5}, pool_groups=False)))
    assert sorted(found) == ['Boston']
    assert searches(enms)[-1][0] == {'latitude': '1.5', 'latitude_filter': 'equality', 'latitude_invert': False}


def test_filters_in_the_modules_form_are_compared_by_enms(enms, tmp_path):
    filters = {'name': {'value': '^(Bos|Wash)', 'match': 'regex'}, 'vendor': {'value': 'arista', 'match': 'inclusion'},
               'location': {'value': 'Boston', 'match': 'equality', 'invert': True}}
    assert sorted(hostvars(parse(tmp_path, source(enms, device_filters=filters, pool_groups=False)))) == ['Washington']
    assert searches(enms)[-1][0] == {'name': '^(Bos|Wash)', 'name_filter': 'regex', 'name_invert': False,
                                     'vendor': 'arista', 'vendor_filter': 'inclusion', 'vendor_invert': False,
                                     'location': 'Boston', 'location_filter': 'equality', 'location_invert': True}


@pytest.mark.parametrize('pools,hosts,criteria', [
    ('Core', ['Atlanta', 'Washington'], {'pools': ['Core'], 'pools_filter': 'union'}),
    (['Edge', 'Core'], ['Atlanta', 'Boston', 'Washington'], {'pools': ['Edge', 'Core'], 'pools_filter': 'union'}),
    ({'value': 'Edge'}, ['Boston'], {'pools': ['Edge'], 'pools_filter': 'union'}),
    ('', [], {'pools_filter': 'empty'}),
])
def test_pools_in_the_filters_is_pool_membership_compared_by_enms(enms, tmp_path, pools, hosts, criteria):
    assert sorted(hostvars(parse(tmp_path, source(enms, device_filters={'pools': pools}, pool_groups=False)))) == hosts
    assert searches(enms)[-1][0] == criteria


def test_pools_in_the_filters_and_the_pools_option_both_choose(enms, tmp_path):
    inventory = parse(tmp_path, source(enms, device_filters={'pools': 'Core'}, pools=['Core', 'Edge']))
    assert sorted(hostvars(inventory)) == ['Atlanta', 'Washington']
    assert searches(enms)[-1][0] == {'pools': ['Core'], 'pools_filter': 'union'}
    # The pool named in the filters is among those read: it is not read a second time to check its name.
    assert [entry['path'] for entry in enms.requests(route='get_instance')] == ['/rest/instance/pool/Core', '/rest/instance/pool/Edge']


def test_a_pool_of_the_filters_not_read_otherwise_is_read_once_to_check_its_name(enms, tmp_path):
    inventory = parse(tmp_path, source(enms, device_filters={'pools': 'Edge'}, pool_groups=False))
    assert sorted(hostvars(inventory)) == ['Boston']
    assert [entry['path'] for entry in enms.requests(route='get_instance')] == ['/rest/instance/pool/Edge']


def test_an_unknown_pool_in_the_filters_fails_instead_of_selecting_no_device(enms, tmp_path):
    words = refusal(tmp_path, source(enms, device_filters={'pools': 'Cor'}))
    assert "check the name 'Cor' in device_filters" in words and 'HTTP 403 Forbidden' in words, words
    assert not words.startswith('netops.bridge.enms: ') and enms.count(route='search') == 0


def test_filters_enms_cannot_compare_are_applied_to_the_devices_it_returns(enms, tmp_path):
    filters = {'location': ['Atlanta', 'Boston'], 'reachable': True, 'vendor': 'Arista'}
    assert sorted(hostvars(parse(tmp_path, source(enms, device_filters=filters, pool_groups=False)))) == ['Boston']
    assert all(criteria == {'vendor': 'Arista', 'vendor_filter': 'equality', 'vendor_invert': False} for criteria, _columns in searches(enms))


@pytest.mark.parametrize('filters,hosts', [
    ({'reachable': False}, []),
    ({'reachable': [True]}, ['Atlanta', 'Boston', 'Washington']),
    ({'port': [22, 23]}, ['Atlanta', 'Boston', 'Washington']),
    ({'port': [23, 'x']}, []),
    ({'down': ['false', 0]}, []),
    ({'location': ['Boston'], 'vendor': ['Cisco']}, []),
    ({'location': ['Boston', 'Atlanta'], 'vendor': ['Cisco']}, ['Atlanta']),
])
def test_local_filters_compare_texts_and_numbers_as_text_and_true_false_only_with_itself(enms, tmp_path, filters, hosts):
    assert sorted(hostvars(parse(tmp_path, source(enms, device_filters=filters, pool_groups=False)))) == hosts


def test_local_filters_are_asked_for_with_the_properties(enms, tmp_path):
    found = hostvars(parse(tmp_path, source(enms, device_filters={'reachable': True, 'location': ['Boston']},
                                            properties=['vendor'], pool_groups=False)))
    assert found == {'Boston': {'ansible_host': '10.0.0.3', 'enms_vendor': 'Arista'}}
    assert searches(enms) == [({}, ['name', 'ip_address', 'vendor', 'location', 'reachable'])]


@pytest.mark.parametrize('filters', [{'colour': ['blue', 'red']}, {'vendor': 'Arista', 'colour': True}])
def test_an_unknown_filter_property_fails_instead_of_selecting_every_device_or_none(enms, tmp_path, filters):
    words = refusal(tmp_path, source(enms, device_filters=filters))
    assert words == 'netops.bridge.enms: device_filters: eNMS devices have no property colour, so no device could match.'
    assert enms.count(route='get_instance') == 0


def test_unknown_filter_properties_are_all_named(enms, tmp_path):
    words = refusal(tmp_path, source(enms, device_filters={'weight': [1], 'colour': True}))
    assert words == 'netops.bridge.enms: device_filters: eNMS devices have no property colour, weight, so no device could match.'


def test_a_local_filter_on_no_device_at_all_is_no_refusal(enms, tmp_path):
    with enms.lock:
        enms.state['devices'].clear()
    assert hostvars(parse(tmp_path, source(enms, device_filters={'colour': True}, properties=['vendor']))) == {}


VALUE_WORDS = 'device_filters: vendor must be a text, number or true/false, a list of them, or a mapping with value, match and invert, got '


# -- refusals before any request ----------------------------------------------------------------------------------
@pytest.mark.parametrize('extra,words', [
    ('request_timeout: 0\n', 'request_timeout (or ENMS_REQUEST_TIMEOUT) must be greater than 0, got 0.0.'),
    ('request_timeout: -1\n', 'request_timeout (or ENMS_REQUEST_TIMEOUT) must be greater than 0, got -1.0.'),
    ('ca_path: /nonexistent/ca.pem\n', 'ca_path (or ENMS_CA_PATH) /nonexistent/ca.pem does not exist.'),
    ('var_prefix: "enms-"\n', "var_prefix must be empty or start with a letter or _ and hold only letters, digits and _, got 'enms-'."),
    ('var_prefix: "1x"\n', "var_prefix must be empty or start with a letter or _ and hold only letters, digits and _, got '1x'."),
    ('device_filters: {Pools: Core}\n', 'device_filters: Pools is not a property; pool membership is pools, in lower case.'),
    ('device_filters: {pools: {value: Core, match: inclusion}}\n', 'device_filters: pools match must be equality'),
    ('device_filters: {vendor: {value: Arista, match: like}}\n', 'device_filters: vendor match must be one of'),
    ('device_filters: {"vendor name": [Arista]}\n', "device_filters: 'vendor name' is not a device property name."),
    ('device_filters: {vendor: []}\n', VALUE_WORDS + '[].'),
    ('device_filters: {vendor: [Arista, [x]]}\n', VALUE_WORDS + "['Arista', ['x']]."),
    ('device_filters: {vendor: null}\n', VALUE_WORDS + 'None.'),
    ('pools: [Core, ""]\n', "pools must be a list of non-empty names, got ''."),
    ('pools: [Core, " "]\n', "pools must be a list of non-empty names, got ' '."),
    ('properties: [vendor, 1]\n', 'properties must be a list of non-empty names, got 1.'),
])
def test_bad_options_fail_naming_the_option_before_any_request(enms, tmp_path, extra, words):
    found = refusal(tmp_path, source(enms, extra))
    assert found.startswith('netops.bridge.enms: ' + words), found
    assert enms.count() == 0


@pytest.mark.parametrize('url,words', [
    ('http://admin:admin-pass@127.0.0.1:1', 'url (or ENMS_URL) must not contain credentials'),
    ('ftp://127.0.0.1', 'url (or ENMS_URL) must start with http:// or https://'),
    ('http://127.0.0.1/rest', "url (or ENMS_URL) must be the server's base URL without /rest"),
])
def test_a_bad_url_fails_naming_it_and_its_variable(tmp_path, url, words):
    found = refusal(tmp_path, 'plugin: netops.bridge.enms\nurl: %s\nusername: admin\npassword: admin-pass\n' % url)
    assert found.startswith('netops.bridge.enms: ' + words), found
    assert 'admin-pass' not in found


@pytest.mark.parametrize('option', ['url', 'username', 'password'])
@pytest.mark.parametrize('value', ['""', '"  "'])
def test_a_connection_option_missing_or_empty_is_required_naming_its_variable(enms, tmp_path, option, value):
    lines = source(enms).splitlines()
    lines = [line for line in lines if not line.startswith(option + ':')] + ['%s: %s' % (option, value)]
    found = refusal(tmp_path, '\n'.join(lines) + '\n')
    assert found == 'netops.bridge.enms: %s (or ENMS_%s) is required and must not be empty.' % (option, option.upper())
    assert enms.count() == 0


@pytest.mark.parametrize('option', ['url', 'username', 'password'])
def test_a_control_character_fails_without_showing_the_value(enms, tmp_path, monkeypatch, option):
    monkeypatch.setenv('ENMS_' + option.upper(), 'ab\x01cd-unseen')
    text = '\n'.join(line for line in source(enms).splitlines() if not line.startswith(option + ':')) + '\n'
    found = refusal(tmp_path, text)
    assert found == ('netops.bridge.enms: %s (or ENMS_%s) must not hold a control character (a line break or tab inside '
                     'it, for example); the value is not shown.' % (option, option.upper()))
    assert enms.count() == 0


@pytest.mark.parametrize('key,words', [
    ('pool', 'pool is not an option of this plugin (did you mean pools?)'),
    ('Pools', 'Pools is not an option of this plugin (did you mean pools?)'),
    ('colour', 'colour is not an option of this plugin'),
])
def test_an_unknown_option_fails_naming_it_before_any_request(enms, tmp_path, key, words):
    found = refusal(tmp_path, source(enms, '%s: [Edge]\n' % key))
    assert found == 'netops.bridge.enms: %s; ansible-doc -t inventory netops.bridge.enms lists them.' % words
    assert enms.count() == 0


def test_a_file_that_is_not_a_certificate_bundle_fails_naming_ca_path(enms, tmp_path):
    bundle = tmp_path / 'ca.pem'
    bundle.write_text('not a certificate\n')
    found = refusal(tmp_path, source(enms, ca_path=str(bundle)))
    assert found == ('netops.bridge.enms: ca_path (or ENMS_CA_PATH) %s holds no usable CA certificate (NO_CERTIFICATE_OR_CRL_FOUND): '
                     'give a PEM file of the CA certificates that sign the eNMS server certificate.' % bundle)
    assert enms.count() == 0


# -- the connection -----------------------------------------------------------------------------------------------
def test_the_connection_comes_from_the_enms_environment_variables(enms, tmp_path, monkeypatch):
    for variable, value in (('ENMS_URL', enms.url), ('ENMS_USERNAME', 'operator'), ('ENMS_PASSWORD', 'operator-pass\n'),
                            ('ENMS_CA_PATH', ''), ('ENMS_REQUEST_TIMEOUT', '5')):
        monkeypatch.setenv(variable, value)
    inventory = parse(tmp_path, 'plugin: netops.bridge.enms\npools: [Core]\n')
    assert sorted(hostvars(inventory)) == ['Atlanta', 'Washington']
    assert {entry['headers']['authorization'] for entry in enms.requests()} == {'Basic b3BlcmF0b3I6b3BlcmF0b3ItcGFzcw=='}


@pytest.mark.parametrize('password', ['""', '"{{ lookup(\'env\', \'NETOPS_NO_SUCH_VARIABLE\') }}"'])
def test_an_empty_value_in_the_file_counts_as_unset_so_the_variable_applies(enms, tmp_path, monkeypatch, password):
    for variable, value in (('ENMS_URL', enms.url), ('ENMS_USERNAME', 'operator'), ('ENMS_PASSWORD', 'operator-pass')):
        monkeypatch.setenv(variable, value)
    inventory = parse(tmp_path, 'plugin: netops.bridge.enms\nurl: ""\nusername: " "\npassword: %s\nca_path: ""\npools: [Core]\n' % password)
    assert sorted(hostvars(inventory)) == ['Atlanta', 'Washington']
    assert {entry['headers']['authorization'] for entry in enms.requests()} == {'Basic b3BlcmF0b3I6b3BlcmF0b3ItcGFzcw=='}


def test_a_password_template_is_rendered(enms, tmp_path, monkeypatch):
    monkeypatch.setenv('NETOPS_TEST_SECRET', 'operator-pass')
    text = source(enms, pools=['Edge']).replace('username: admin', 'username: operator').replace(
        'password: admin-pass', 'password: "{{ lookup(\'env\', \'NETOPS_TEST_SECRET\') }}"')
    assert sorted(hostvars(parse(tmp_path, text))) == ['Boston']
    assert {entry['headers']['authorization'] for entry in enms.requests()} == {'Basic b3BlcmF0b3I6b3BlcmF0b3ItcGFzcw=='}


def test_the_url_may_end_in_a_slash_and_the_credentials_around_spaces(enms, tmp_path):
    text = 'plugin: netops.bridge.enms\nurl: " %s/ "\nusername: " admin "\npassword: admin-pass\npools: [Edge]\n' % enms.url
    assert sorted(hostvars(parse(tmp_path, text))) == ['Boston']
    assert all(entry['path'].startswith('/rest/') for entry in enms.requests())


def test_the_certificate_is_verified_against_the_ca_path_under_the_home_directory(enms_tls, tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    assert sorted(hostvars(parse(tmp_path, source(enms_tls, ca_path='~/ca.pem', pools=['Edge'])))) == ['Boston']


def test_a_certificate_of_an_unknown_ca_fails_unless_validate_certs_is_false(enms_tls, tmp_path):
    found = refusal(tmp_path, source(enms_tls, pools=['Edge']))
    assert 'certificate' in found and 'Check url' not in found, found
    assert sorted(hostvars(parse(tmp_path, source(enms_tls, pools=['Edge'], validate_certs=False)))) == ['Boston']


def test_a_timeout_below_a_second_is_taken(enms, tmp_path):
    assert sorted(hostvars(parse(tmp_path, source(enms, pools=['Edge'], request_timeout=0.5)))) == ['Boston']


def test_wrong_credentials_fail_with_enms_words_naming_the_options_and_no_password(enms, tmp_path):
    found = refusal(tmp_path, source(enms).replace('admin-pass', 's3cret-wrong'))
    words = ': HTTP 401 Unauthorized: Error 401 - Wrong Credentials. Check username (or ENMS_USERNAME) and password (or ENMS_PASSWORD).'
    assert found.endswith(words), found
    assert enms.count() == 1


def test_nothing_listening_fails_naming_url(tmp_path):
    found = refusal(tmp_path, 'plugin: netops.bridge.enms\nurl: http://127.0.0.1:1\nusername: admin\npassword: admin-pass\n'
                              'request_timeout: 2\n')
    assert 'connection failed' in found and found.endswith('. Check url (or ENMS_URL): is eNMS listening there.'), found
    assert 'admin-pass' not in found


def test_an_unknown_pool_fails_with_enms_words_saying_what_403_means(enms, tmp_path):
    found = refusal(tmp_path, source(enms, pools=['Core', 'No Such Pool']))
    assert ': HTTP 403 Forbidden: ' in found and "'No Such Pool'" in found and found.endswith('.'), found
    assert 'Check url' not in found and 'Check username' not in found and not found.endswith('..')


# -- the cache ----------------------------------------------------------------------------------------------------
def cached_source(enms, tmp_path, **options):
    return source(enms, 'cache: true\ncache_plugin: jsonfile\ncache_connection: %s\ncache_timeout: 600\n' % (tmp_path / 'cache'),
                  **options)


def test_the_cache_answers_the_same_source_without_a_request_and_keeps_no_password(enms, tmp_path):
    first = parse(tmp_path, cached_source(enms, tmp_path))
    sent = enms.count()
    second = parse(tmp_path, cached_source(enms, tmp_path))
    assert enms.count() == sent and hostvars(second) == hostvars(first) and groups(second) == groups(first)
    assert 'admin-pass' not in ''.join(path.read_text() for path in (tmp_path / 'cache').iterdir())


@pytest.mark.parametrize('options', [
    {'pools': ['Edge']}, {'pool_groups': False}, {'device_filters': {'vendor': 'Arista'}}, {'properties': ['vendor']},
])
def test_a_cache_written_for_other_options_is_not_used(enms, tmp_path, options):
    parse(tmp_path, cached_source(enms, tmp_path))
    sent = enms.count()
    parse(tmp_path, cached_source(enms, tmp_path, **options))
    assert enms.count() > sent


def test_a_cache_written_for_another_user_or_server_is_not_used(enms, tmp_path):
    parse(tmp_path, cached_source(enms, tmp_path))
    sent = enms.count()
    parse(tmp_path, cached_source(enms, tmp_path).replace(enms.url, enms.url + '/'))
    assert enms.count() == sent, 'the same server, written otherwise'
    parse(tmp_path, cached_source(enms, tmp_path).replace('username: admin', 'username: operator').replace('admin-pass', 'operator-pass'))
    assert enms.count() > sent
    sent = enms.count()
    parse(tmp_path, cached_source(enms, tmp_path).replace('127.0.0.1', 'localhost'))
    assert enms.count() > sent


def test_refreshing_reads_again_and_the_next_run_takes_what_it_read(enms, tmp_path):
    parse(tmp_path, cached_source(enms, tmp_path))
    sent = enms.count()
    with enms.lock:
        enms.state['pools']['Edge'].append('Atlanta')
    refreshed = parse(tmp_path, cached_source(enms, tmp_path), cache=False)
    assert enms.count() > sent and groups(refreshed)['Edge'] == ['Atlanta', 'Boston']
    sent = enms.count()
    assert groups(parse(tmp_path, cached_source(enms, tmp_path)))['Edge'] == ['Atlanta', 'Boston'] and enms.count() == sent


def test_without_the_cache_option_nothing_is_cached(enms, tmp_path):
    text = source(enms, 'cache_plugin: jsonfile\ncache_connection: %s\n' % (tmp_path / 'cache'))
    parse(tmp_path, text)
    sent = enms.count()
    parse(tmp_path, text)
    assert enms.count() == 2 * sent and not (tmp_path / 'cache').exists()


# -- what the mutation run of the plugin showed untested ---------------------------------------------------------------
@pytest.mark.parametrize('filters,hosts', [
    ({'reachable': ['True']}, []),
    ({'property3': [True]}, []),
    ({'property3': ['True']}, ['Boston']),
])
def test_a_true_false_filter_matches_only_true_false_and_a_text_only_a_text(enms, tmp_path, filters, hosts):
    with enms.lock:
        enms.state['devices']['Boston']['property3'] = 'True'
    assert sorted(hostvars(parse(tmp_path, source(enms, device_filters=filters, pool_groups=False)))) == hosts


@pytest.mark.parametrize('filtered,read,hosts', [
    (['Edge'], ['Core'], []),
    (['Core', 'Edge'], ['Edge'], ['Boston']),
])
def test_only_members_of_the_pools_read_are_hosts_whatever_the_filters_select(enms, tmp_path, filtered, read, hosts):
    inventory = parse(tmp_path, source(enms, device_filters={'pools': filtered}, pools=read))
    assert sorted(hostvars(inventory)) == hosts


def test_pool_groups_made_from_names_with_other_characters_are_made_without_a_warning(enms, tmp_path, warnings):
    with enms.lock:
        enms.state['pools']['Core & Edge'] = ['Washington', 'Boston']
    assert groups(parse(tmp_path, source(enms, pools=['Core & Edge']))) == {'Core___Edge': ['Boston', 'Washington']}
    assert warnings == []


def test_the_server_words_are_kept_as_they_end(enms, tmp_path):
    enms.add_fault('status', route='get_instance', status=403, body='{"alert": "Denied by policy X"}')
    found = refusal(tmp_path, source(enms, pools=['Core']))
    assert found.endswith(": Denied by policy X."), found


@pytest.fixture
def warnings(monkeypatch):
    said = []
    monkeypatch.setattr(Display, 'warning', lambda self, message, *args, **kwargs: said.append(message))
    return said


def test_only_the_first_64_kib_of_a_misnamed_file_are_read_for_the_plugin_name(tmp_path, warnings):
    line = '\nplugin: netops.bridge.enms'
    path = tmp_path / 'production.yml'
    path.write_text('#' * (65537 - len(line)) + line + '\n')
    assert plugin_module.InventoryModule().verify_file(str(path)) is False and warnings == []
    path.write_text('#' * (65536 - len(line)) + line + '\n')
    assert plugin_module.InventoryModule().verify_file(str(path)) is False and len(warnings) == 1


def test_a_misnamed_file_that_is_not_utf8_is_still_recognised(tmp_path, warnings):
    path = tmp_path / 'production.yml'
    path.write_bytes(b'# caf\xe9\nplugin: netops.bridge.enms\n')
    assert plugin_module.InventoryModule().verify_file(str(path)) is False and len(warnings) == 1


def test_a_device_in_no_pool_is_a_host_in_no_pool_group(enms, tmp_path):
    with enms.lock:
        enms.state['devices']['Lab'] = {'ip_address': '10.0.0.9', 'vendor': 'Juniper'}
    inventory = parse(tmp_path, source(enms))
    assert hostvars(inventory)['Lab']['enms_pools'] == [] and groups(inventory) == {'Core': ['Atlanta', 'Washington'], 'Edge': ['Boston']}


def test_a_server_slower_than_request_timeout_fails_naming_it(enms, tmp_path):
    enms.add_fault('delay', route='search', seconds=1.0, times=4)
    found = refusal(tmp_path, source(enms, request_timeout=0.2))
    assert found.startswith('eNMS POST %s/rest/search failed: ' % enms.url) and 'request_timeout=0.2s' in found, found


def test_a_base_url_with_a_path_keeps_it_without_its_final_slash(enms, tmp_path):
    found = refusal(tmp_path, source(enms).replace(enms.url, enms.url + '/proxyX/'))
    assert found.startswith('eNMS POST %s/proxyX/rest/search failed: HTTP 404' % enms.url), found


def test_an_unknown_filter_property_is_found_on_a_single_device(enms, tmp_path):
    found = refusal(tmp_path, source(enms, pools=['Edge'], device_filters={'colour': ['blue']}))
    assert found == 'netops.bridge.enms: device_filters: eNMS devices have no property colour, so no device could match.'


def test_each_source_file_has_its_own_cache_entry(enms, tmp_path):
    parse(tmp_path, cached_source(enms, tmp_path), name='core.enms.yml')
    parse(tmp_path, cached_source(enms, tmp_path, pools=['Edge']), name='edge.enms.yml')
    sent = enms.count()
    assert sorted(hostvars(parse(tmp_path, cached_source(enms, tmp_path), name='core.enms.yml'))) == ['Atlanta', 'Boston', 'Washington']
    assert sorted(hostvars(parse(tmp_path, cached_source(enms, tmp_path, pools=['Edge']), name='edge.enms.yml'))) == ['Boston']
    assert enms.count() == sent


def test_the_server_words_end_in_one_period_whatever_space_follows_them(enms, tmp_path):
    enms.add_fault('status', route='get_instance', status=403, body='{"alert": "Error 403 - Not Authorized.\\n"}')
    found = refusal(tmp_path, source(enms, pools=['Core']))
    assert found.endswith(': Error 403 - Not Authorized.'), repr(found)


def test_the_connection_to_enms_is_closed_after_a_parse_and_after_a_refusal(enms, tmp_path, monkeypatch):
    """ansible-inventory may parse many sources in one process: each source's client is closed when its read ends."""
    closed = []
    real_close = plugin_module.ApiClient.close
    monkeypatch.setattr(plugin_module.ApiClient, 'close', lambda client: closed.append(client) or real_close(client))
    parse(tmp_path, source(enms), cache=False)
    assert len(closed) == 1
    enms.add_fault('status', route='search', status=403, times=5)
    refusal(tmp_path, source(enms))
    assert len(closed) == 2 and closed[0] is not closed[1]


def test_a_client_that_cannot_be_made_is_a_refusal_not_a_traceback(enms, tmp_path, monkeypatch):
    def no_client(*args, **kwargs):
        raise plugin_module.ApiError('eNMS', 'the client cannot be made here')
    monkeypatch.setattr(plugin_module, 'ApiClient', no_client)
    assert 'the client cannot be made here' in str(refusal(tmp_path, source(enms)))
