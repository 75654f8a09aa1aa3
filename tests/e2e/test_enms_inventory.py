# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The netops.bridge.enms inventory plugin, run by the real ansible-inventory against the eNMS emulator."""

from __future__ import absolute_import, division, print_function

import base64
import json
import socket
import time
from urllib.parse import parse_qs

import pytest

from emulators.enms import seed_devices

BASE = '''
plugin: netops.bridge.enms
url: %(url)s
username: admin
password: admin-pass
'''


def config(enms, extra='', password='admin-pass'):
    return (BASE % {'url': enms.url}).replace('admin-pass', password) + extra


def plain(value):
    """A value of ansible-inventory --list without the marks of untrusted (unsafe) text that ansible-core 2.19+ puts
    on what an inventory plugin read from a server: {"__ansible_unsafe": "10.0.0.1"} is "10.0.0.1"."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def hostvars(run):
    return plain(run.results['_meta']['hostvars'])


def members(run, group):
    return sorted(run.results.get(group, {}).get('hosts', []))


def unwrapped(text):
    """Warnings as one line each: ansible-core before 2.19 wraps them at 80 columns (at a space or after a hyphen)."""
    lines = []
    for line in text.splitlines():
        if lines and line and not line.startswith(('[', ' ')):
            lines[-1] += line if lines[-1].endswith('-') else ' ' + line
        else:
            lines.append(line)
    return lines


def searched(enms):
    """The search_criteria and columns of every device search the plugin sent."""
    bodies = [json.loads(entry['body']) for entry in enms.requests(route='search')]
    return [(body['search_criteria'], body['columns']) for body in bodies if body['type'] == 'device']


def failure_line(run, words):
    """The one warning line that says why the source could not be parsed: it holds ``words``."""
    lines = [line for line in unwrapped(run.stderr) if 'Failed to parse' in line and words in line]
    assert len(lines) == 1, run
    assert 'Traceback' not in run.output, run
    return lines[0]


def test_every_device_becomes_a_host_with_its_address_properties_and_pool_groups(enms, ansible):
    run = ansible.inventory(config(enms))
    assert run.rc == 0, run
    found = hostvars(run)
    assert sorted(found) == ['Atlanta', 'Boston', 'Washington']
    washington = found['Washington']
    assert washington['ansible_host'] == '10.0.0.1'
    assert (washington['enms_vendor'], washington['enms_model'], washington['enms_operating_system'],
            washington['enms_os_version'], washington['enms_location']) == ('Arista', '7050SX', 'EOS', '4.30.1F', 'Washington')
    assert washington['enms_port'] == 22 and washington['enms_name'] == 'Washington' and washington['enms_pools'] == ['Core']
    assert members(run, 'Core') == ['Atlanta', 'Washington'] and members(run, 'Edge') == ['Boston']
    # The devices read as enms_device_info reads them (one device's property names, then a search of every device with
    # them), one read of the pool list, one per pool: nothing per device.
    assert enms.counts() == {'search': 2, 'query': 2, 'get_instance': 2}
    assert [entry['path'] for entry in enms.requests(route='query')] == ['/rest/query/device', '/rest/query/pool']
    assert parse_qs(enms.requests(route='query')[0]['query']) == {'name': ['Atlanta']}
    assert 'enms_vendor' in found['Atlanta'] and len(searched(enms)[-1][1]) > 10


def test_graph_shows_the_pool_groups(enms, ansible):
    run = ansible.inventory(config(enms), args=('--graph',))
    assert run.rc == 0, run
    assert '@Core:\n  |  |--Atlanta\n  |  |--Washington' in run.stdout and '@Edge:\n  |  |--Boston' in run.stdout, run


def test_odd_pool_names_make_valid_groups_and_are_url_encoded(enms, ansible):
    with enms.lock:
        enms.state['pools']['Core & Edge'] = ['Washington', 'Boston']
        enms.state['pools']['2nd floor/lab'] = ['Atlanta']
        enms.state['pools']['Empty'] = []
    run = ansible.inventory(config(enms, 'pools: ["Core & Edge", "2nd floor/lab", "Empty"]\n'))
    assert run.rc == 0, run
    assert members(run, 'Core___Edge') == ['Boston', 'Washington'] and members(run, '_nd_floor_lab') == ['Atlanta']
    assert 'Empty' not in run.results and 'Core' not in run.results
    paths = sorted(entry['path'] for entry in enms.requests(route='get_instance'))
    assert paths == ['/rest/instance/pool/2nd%20floor%2Flab', '/rest/instance/pool/Core%20%26%20Edge', '/rest/instance/pool/Empty']


def test_pools_choose_the_hosts(enms, ansible):
    run = ansible.inventory(config(enms, 'pools: [Edge]\n'))
    assert run.rc == 0, run
    assert sorted(hostvars(run)) == ['Boston'] and members(run, 'Edge') == ['Boston']
    assert enms.counts() == {'search': 2, 'query': 1, 'get_instance': 1}
    # eNMS selects the members: the other devices are not transferred.
    assert all(criteria['pools'] == ['Edge'] and criteria['pools_filter'] == 'union' for criteria, _columns in searched(enms))


def test_pool_groups_can_be_turned_off_and_prefixed(enms, ansible):
    off = ansible.inventory(config(enms, 'pool_groups: false\n'))
    assert off.rc == 0, off
    assert sorted(hostvars(off)) == ['Atlanta', 'Boston', 'Washington'] and 'Core' not in off.results
    assert 'enms_pools' not in hostvars(off)['Boston']
    assert enms.counts() == {'search': 2, 'query': 1}
    prefixed = ansible.inventory(config(enms, 'pool_group_prefix: pool_\n'))
    assert members(prefixed, 'pool_Core') == ['Atlanta', 'Washington'] and 'Core' not in prefixed.results


def test_properties_and_prefix_choose_the_variables(enms, ansible):
    run = ansible.inventory(config(enms, 'properties: [vendor, model]\nvar_prefix: dev_\npool_groups: false\n'))
    assert run.rc == 0, run
    assert hostvars(run)['Atlanta'] == {'ansible_host': '10.0.0.2', 'dev_vendor': 'Cisco', 'dev_model': 'ISR4451'}
    # Only the properties asked for are transferred, in one search: no read of the property names.
    assert enms.counts() == {'search': 1} and searched(enms)[0][1] == ['name', 'ip_address', 'vendor', 'model']


def test_a_property_filter_is_sent_to_enms(enms, ansible):
    run = ansible.inventory(config(enms, 'device_filters: {vendor: Arista, port: 22}\npool_groups: false\n'))
    assert run.rc == 0, run
    assert sorted(hostvars(run)) == ['Boston', 'Washington']
    criteria = searched(enms)[-1][0]
    assert criteria == {'vendor': 'Arista', 'vendor_filter': 'equality', 'vendor_invert': False,
                        'port': '22', 'port_filter': 'equality', 'port_invert': False}, criteria


def test_filters_in_the_modules_form_are_compared_by_enms(enms, ansible):
    filters = ('{name: {value: "^(Bos|Wash)", match: regex}, vendor: {value: arista, match: inclusion}, '
               'location: {value: Boston, match: equality, invert: true}}')
    run = ansible.inventory(config(enms, 'device_filters: %s\npool_groups: false\n' % filters))
    assert run.rc == 0, run
    assert sorted(hostvars(run)) == ['Washington']
    assert searched(enms)[-1][0] == {'name': '^(Bos|Wash)', 'name_filter': 'regex', 'name_invert': False,
                                     'vendor': 'arista', 'vendor_filter': 'inclusion', 'vendor_invert': False,
                                     'location': 'Boston', 'location_filter': 'equality', 'location_invert': True}


@pytest.mark.parametrize('pools,hosts', [
    ('Core', ['Atlanta', 'Washington']),
    ('{value: [Edge, Core]}', ['Atlanta', 'Boston', 'Washington']),
    ('""', []),
])
def test_pools_in_the_filters_is_pool_membership_compared_by_enms(enms, ansible, pools, hosts):
    run = ansible.inventory(config(enms, 'device_filters: {pools: %s}\npool_groups: false\n' % pools))
    assert run.rc == 0, run
    assert sorted(hostvars(run)) == hosts
    criteria = searched(enms)[-1][0]
    assert criteria.get('pools_filter') == ('empty' if pools == '""' else 'union') and 'pools_invert' not in criteria, criteria


def test_pools_in_the_filters_and_the_pools_option_both_choose(enms, ansible):
    run = ansible.inventory(config(enms, 'device_filters: {pools: Core}\npools: [Core, Edge]\n'))
    assert run.rc == 0, run
    assert sorted(hostvars(run)) == ['Atlanta', 'Washington']
    assert searched(enms)[-1][0] == {'pools': ['Core'], 'pools_filter': 'union'}


def test_an_unknown_pool_in_the_filters_fails_instead_of_selecting_no_device(enms, ansible):
    run = ansible.inventory(config(enms, 'device_filters: {pools: Cor}\n'))
    line = failure_line(run, 'HTTP 403 Forbidden')
    assert "check the name 'Cor' in device_filters" in line, line


def test_filters_enms_cannot_apply_are_applied_to_what_it_returns(enms, ansible):
    run = ansible.inventory(config(enms, 'device_filters: {location: [Atlanta, Boston], reachable: true, vendor: Arista}\n'
                                         'pool_groups: false\n'))
    assert run.rc == 0, run
    assert sorted(hostvars(run)) == ['Boston']
    assert all(criteria == {'vendor': 'Arista', 'vendor_filter': 'equality', 'vendor_invert': False}
               for criteria, _columns in searched(enms))


def test_compose_groups_and_keyed_groups(enms, ansible):
    run = ansible.inventory(config(enms, '''
compose:
  ansible_network_os: "'arista.eos.eos' if enms_vendor == 'Arista' else 'cisco.ios.ios'"
groups:
  east_coast: enms_location in ['Washington', 'Boston']
keyed_groups:
  - key: enms_vendor
    prefix: vendor
  - key: enms_operating_system | lower
    prefix: os
strict: true
'''))
    assert run.rc == 0, run
    assert hostvars(run)['Boston']['ansible_network_os'] == 'arista.eos.eos'
    assert hostvars(run)['Atlanta']['ansible_network_os'] == 'cisco.ios.ios'
    assert members(run, 'east_coast') == ['Boston', 'Washington']
    assert members(run, 'vendor_Arista') == ['Boston', 'Washington'] and members(run, 'os_ios_xe') == ['Atlanta']


def test_strict_fails_on_an_undefined_variable_and_lax_does_not(enms, ansible):
    extra = 'compose:\n  ansible_user: enms_no_such_property\nstrict: %s\n'
    lax = ansible.inventory(config(enms, extra % 'false'))
    assert lax.rc == 0 and 'ansible_user' not in hostvars(lax)['Boston'], lax
    strict = ansible.inventory(config(enms, extra % 'true'), env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'})
    assert strict.rc != 0 and 'enms_no_such_property' in strict.stderr, strict


def test_the_cache_answers_the_second_run_without_a_request(enms, ansible, tmp_path):
    extra = 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\ncache_timeout: 600\n' % (tmp_path / 'cache')
    first = ansible.inventory(config(enms, extra))
    assert first.rc == 0 and sorted(hostvars(first)) == ['Atlanta', 'Boston', 'Washington'], first
    sent = len(enms.requests())
    assert sent == 6
    second = ansible.inventory(config(enms, extra + 'keyed_groups: [{key: enms_vendor, prefix: vendor}]\n'))
    # The same hosts with the same variables as the run that read eNMS: the cache holds everything eNMS answered.
    assert second.rc == 0 and hostvars(second) == hostvars(first), second
    assert len(enms.requests()) == sent, 'the second run sent requests'
    assert members(second, 'vendor_Arista') == ['Boston', 'Washington'] and members(second, 'Core') == ['Atlanta', 'Washington']
    assert 'admin-pass' not in ''.join(path.read_text() for path in (tmp_path / 'cache').iterdir())
    # Other pools or filters are not answered from a cache written for different ones; --flush-cache reads again.
    # (Each read sends four requests: two searches, one property-name read, one pool read.)
    ansible.inventory(config(enms, extra + 'pools: [Edge]\n'))
    assert len(enms.requests()) == sent + 4
    # Other properties are other columns: not answered from the cache either (a search and a pool read).
    third = ansible.inventory(config(enms, extra + 'pools: [Edge]\nproperties: [vendor]\n'))
    assert len(enms.requests()) == sent + 6
    assert hostvars(third) == {'Boston': {'ansible_host': '10.0.0.3', 'enms_vendor': 'Arista', 'enms_pools': ['Edge']}}, third
    ansible.inventory(config(enms, extra + 'pools: [Edge]\n'), args=('--list', '--flush-cache'))
    assert len(enms.requests()) == sent + 10


def test_the_connection_comes_from_the_enms_environment_variables(enms, ansible):
    run = ansible.inventory('plugin: netops.bridge.enms\npools: [Core]\n', env={
        'ENMS_URL': enms.url, 'ENMS_USERNAME': 'operator', 'ENMS_PASSWORD': 'operator-pass', 'ENMS_CA_PATH': '',
        'ENMS_VALIDATE_CERTS': 'false', 'ENMS_REQUEST_TIMEOUT': '5'})
    assert run.rc == 0 and sorted(hostvars(run)) == ['Atlanta', 'Washington'], run
    assert enms.requests()[0]['headers']['authorization'].startswith('Basic ')


def test_the_requests_grow_by_one_search_per_thousand_devices(enms, ansible):
    with enms.lock:
        seed_devices(enms.state, 1000, pool='Lab & Test')
    started = time.monotonic()
    run = ansible.inventory(config(enms, 'pools: ["Lab & Test"]\n'))
    elapsed = time.monotonic() - started
    assert run.rc == 0, run
    assert len(hostvars(run)) == 1000 and len(members(run, 'Lab___Test')) == 1000
    assert hostvars(run)['device-00001']['ansible_host'] == '10.128.0.1'
    # One search for the property names, then pages of 1,000: a full page, and the empty one after it.
    assert enms.counts() == {'search': 3, 'query': 1, 'get_instance': 1}
    assert elapsed < 60, elapsed


def test_wrong_credentials_fail_with_enms_words_and_no_password(enms, ansible):
    run = ansible.inventory(config(enms, password='s3cret-wrong'), args=('--list', '-vvv'))
    line = failure_line(run, 'HTTP 401 Unauthorized: Error 401 - Wrong Credentials.')
    assert 'username (or ENMS_USERNAME) and password (or ENMS_PASSWORD)' in line, line
    assert 's3cret-wrong' not in run.output
    assert enms.count() == 1


def test_nothing_listening_fails_naming_url(ansible):
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    run = ansible.inventory(BASE % {'url': 'http://127.0.0.1:%d' % port} + 'request_timeout: 2\n',
                            env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'})
    line = failure_line(run, 'connection failed')
    assert 'Check url (or ENMS_URL)' in line and run.rc != 0, line
    assert 'admin-pass' not in run.output


def test_an_unknown_pool_fails_saying_what_enms_403_means(enms, ansible):
    run = ansible.inventory(config(enms, 'pools: [Core, "No Such Pool"]\n'))
    line = failure_line(run, 'HTTP 403 Forbidden')
    assert "eNMS answers HTTP 403 for a pool name it does not know" in line and "'No Such Pool'" in line, line
    assert 'Error 403 - Not Authorized.' in line


@pytest.mark.parametrize('filters', ['{colour: blue}', '{colour: [blue, red]}', '{vendor: Arista, colour: true}'])
def test_an_unknown_filter_property_fails_instead_of_selecting_every_device_or_none(enms, ansible, filters):
    run = ansible.inventory(config(enms, 'device_filters: %s\n' % filters))
    line = failure_line(run, 'no property colour')
    assert 'eNMS devices have no property colour' in line, line


@pytest.mark.parametrize('extra,words', [
    ('', 'url (or ENMS_URL) must not contain credentials'),
    ('request_timeout: 0\n', 'request_timeout (or ENMS_REQUEST_TIMEOUT) must be greater than 0'),
    ('ca_path: /nonexistent/ca.pem\n', 'ca_path (or ENMS_CA_PATH) /nonexistent/ca.pem does not exist'),
    ('var_prefix: "enms-"\n', 'var_prefix must be empty or start with a letter'),
    ('device_filters: {Pools: Core}\n', 'device_filters: Pools is not a property; pool membership is pools, in lower case'),
    ('device_filters: {pools: {value: Core, match: inclusion}}\n', 'device_filters: pools match must be equality'),
    ('device_filters: {pools: {value: Core, invert: true}}\n', 'device_filters: pools cannot be inverted'),
    ('device_filters: {vendor: {value: Arista, match: like}}\n', 'device_filters: vendor match must be one of'),
])
def test_bad_options_fail_before_any_request(enms, ansible, extra, words):
    text = config(enms, extra)
    if not extra:
        text = text.replace('http://', 'http://admin:admin-pass@')
    run = ansible.inventory(text, args=('--list', '-vvv'))
    failure_line(run, 'netops.bridge.enms: ' + words)
    assert enms.count() == 0 and 'admin-pass' not in run.output


# -- options ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('extra,words', [
    ('pool: [Edge]\n', 'netops.bridge.enms: pool is not an option of this plugin (did you mean pools?)'),
    ('device_filter: {vendor: Arista}\n', 'netops.bridge.enms: device_filter is not an option of this plugin (did you mean device_filters?)'),
    ('Pools: [Edge]\n', 'netops.bridge.enms: Pools is not an option of this plugin (did you mean pools?)'),
])
def test_an_unknown_option_fails_naming_it_instead_of_reading_every_device(enms, ansible, extra, words):
    run = ansible.inventory(config(enms, extra), env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'})
    failure_line(run, words)
    assert run.rc != 0 and enms.count() == 0, run


def test_a_file_not_named_enms_yml_gets_a_warning_saying_so(enms, ansible):
    run = ansible.inventory(config(enms), name='production.yml')
    lines = [line for line in unwrapped(run.stderr) if 'must end in enms.yml or enms.yaml' in line]
    assert len(lines) == 1 and 'production.yml names plugin: netops.bridge.enms' in lines[0], run
    assert enms.count() == 0
    named = ansible.inventory(config(enms), name='production.enms.yaml')
    assert named.rc == 0 and 'must end in' not in named.stderr and sorted(hostvars(named)) == ['Atlanta', 'Boston', 'Washington'], named


@pytest.mark.parametrize('password', ['""', '"{{ lookup(\'ansible.builtin.env\', \'NETOPS_NO_SUCH_VARIABLE\') }}"'])
def test_an_empty_value_in_the_file_counts_as_unset_so_the_variable_applies(enms, ansible, password):
    run = ansible.inventory('plugin: netops.bridge.enms\nurl: ""\nusername: ""\npassword: %s\nca_path: ""\npools: [Core]\n' % password, env={
        'ENMS_URL': enms.url, 'ENMS_USERNAME': 'operator', 'ENMS_PASSWORD': 'operator-pass'})
    assert run.rc == 0 and sorted(hostvars(run)) == ['Atlanta', 'Washington'], run
    assert enms.requests()[0]['headers']['authorization'] == 'Basic ' + base64.b64encode(b'operator:operator-pass').decode()


def test_an_empty_password_without_the_variable_is_still_required(enms, ansible):
    run = ansible.inventory(config(enms, password='""'), args=('--list', '-vvv'))
    failure_line(run, 'netops.bridge.enms: password (or ENMS_PASSWORD) is required and must not be empty.')
    assert enms.count() == 0


def test_a_password_ending_in_a_line_break_is_sent_without_it(enms, ansible):
    run = ansible.inventory('plugin: netops.bridge.enms\npools: [Core]\n', env={
        'ENMS_URL': enms.url, 'ENMS_USERNAME': 'operator', 'ENMS_PASSWORD': 'operator-pass\n'})
    assert run.rc == 0 and sorted(hostvars(run)) == ['Atlanta', 'Washington'], run
    assert enms.requests()[0]['headers']['authorization'] == 'Basic ' + base64.b64encode(b'operator:operator-pass').decode()


def test_a_password_with_a_control_character_fails_unseen_before_any_request(enms, ansible):
    run = ansible.inventory('plugin: netops.bridge.enms\n', args=('--list', '-vvv'), env={
        'ENMS_URL': enms.url, 'ENMS_USERNAME': 'operator', 'ENMS_PASSWORD': 'opera\x01tor-pass-unseen'})
    failure_line(run, 'netops.bridge.enms: password (or ENMS_PASSWORD) must not hold a control character')
    assert 'tor-pass-unseen' not in run.output, run
    assert enms.count() == 0
