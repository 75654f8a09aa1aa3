# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The netops.bridge.enms inventory plugin against an eNMS server the tests furnish themselves: the emulator by default,
a real eNMS 4.6 with ``bash scripts/test.sh real-enms`` (see enms_servers.py). Devices and pools with unique names,
deleted afterwards; the inventory is read for those pools only, so other objects on a real server do not matter."""

from __future__ import absolute_import, division, print_function

import json

import pytest

from enms_servers import server
from test_enms_inventory import failure_line, hostvars, members


@pytest.fixture(scope='module')
def enms_server():
    with server() as found:
        prefix = found.prefix
        found.core, found.odd = prefix + 'core', prefix + 'Core & Edge'
        found.names = [prefix + suffix for suffix in ('paris', 'lyon', 'nice')]
        found.add_device(found.names[0], '192.0.2.11', vendor='Arista', model='7050SX', operating_system='EOS',
                         os_version='4.30.1F', location='Paris')
        found.add_device(found.names[1], '192.0.2.12', vendor='Cisco', model='ISR4451', operating_system='IOS-XE',
                         os_version='17.9.4', location='Lyon')
        found.add_device(found.names[2], '192.0.2.13', vendor='Arista', model='7280R', operating_system='EOS',
                         os_version='4.29.2F', location='Nice')
        found.add_pool(found.core, found.names[:2])
        found.add_pool(found.odd, found.names[1:])
        yield found


def source(enms_server, extra='', pools=None):
    return '''
plugin: netops.bridge.enms
url: %s
username: %s
password: %s
pools: %s
''' % (enms_server.url, enms_server.username, enms_server.password,
       json.dumps(pools or [enms_server.core, enms_server.odd])) + extra


def group(name):
    return ''.join(character if character.isalnum() or character == '_' else '_' for character in name)


def test_hosts_variables_and_pool_groups(enms_server, ansible):
    run = ansible.inventory(source(enms_server))
    assert run.rc == 0, run
    found = hostvars(run)
    assert sorted(found) == sorted(enms_server.names)
    paris = found[enms_server.names[0]]
    assert paris['ansible_host'] == '192.0.2.11' and paris['enms_vendor'] == 'Arista' and paris['enms_model'] == '7050SX'
    assert paris['enms_operating_system'] == 'EOS' and paris['enms_os_version'] == '4.30.1F' and paris['enms_location'] == 'Paris'
    assert paris['enms_port'] == 22 and paris['enms_pools'] == [enms_server.core]
    assert members(run, group(enms_server.core)) == sorted(enms_server.names[:2])
    assert members(run, group(enms_server.odd)) == sorted(enms_server.names[1:])


def test_graph(enms_server, ansible):
    run = ansible.inventory(source(enms_server), args=('--graph',))
    assert run.rc == 0 and '@%s:' % group(enms_server.odd) in run.stdout, run


def test_a_filter_on_a_property_and_keyed_groups(enms_server, ansible):
    run = ansible.inventory(source(enms_server, '''
device_filters: {vendor: Arista}
compose:
  ansible_network_os: "'arista.eos.eos' if enms_vendor == 'Arista' else 'cisco.ios.ios'"
keyed_groups:
  - key: enms_location
    prefix: site
strict: true
'''))
    assert run.rc == 0, run
    found = hostvars(run)
    assert sorted(found) == sorted([enms_server.names[0], enms_server.names[2]])
    assert found[enms_server.names[2]]['ansible_network_os'] == 'arista.eos.eos'
    assert members(run, 'site_Nice') == [enms_server.names[2]]
    sent = enms_server.requests_to('search')
    if sent is not None:
        # eNMS compares the vendor: the search that reads the devices carries it.
        assert json.loads(sent[-1]['body'])['search_criteria']['vendor_filter'] == 'equality'


def test_pools_and_the_modules_form_in_device_filters_are_compared_by_enms(enms_server, ansible):
    # pools in device_filters is eNMS's relationship criterion (a list, union); the modules' form keeps its match.
    filters = {'pools': enms_server.odd, 'name': {'value': '(paris|lyon)$', 'match': 'regex'}}
    run = ansible.inventory(source(enms_server, 'device_filters: %s\n' % json.dumps(filters)))
    assert run.rc == 0 and sorted(hostvars(run)) == [enms_server.names[1]], run
    inverted = {'pools': [enms_server.core], 'name': {'value': 'LYON', 'match': 'inclusion', 'invert': True}}
    run = ansible.inventory(source(enms_server, 'device_filters: %s\n' % json.dumps(inverted)))
    assert run.rc == 0 and sorted(hostvars(run)) == [enms_server.names[0]], run


def test_the_cache_is_used_on_the_second_run(enms_server, ansible, tmp_path):
    extra = 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n' % (tmp_path / 'cache')
    first = ansible.inventory(source(enms_server, extra))
    assert first.rc == 0, first
    # With the cache, a wrong password is never sent: the answer comes from the cache.
    second = ansible.inventory(source(enms_server, extra).replace('password: %s' % enms_server.password, 'password: wrong'))
    assert second.rc == 0 and sorted(hostvars(second)) == sorted(enms_server.names), second


def test_wrong_credentials_and_an_unknown_pool(enms_server, ansible):
    wrong = ansible.inventory(source(enms_server).replace('password: %s' % enms_server.password, 'password: not-the-one'),
                              args=('--list', '-vvv'))
    failure_line(wrong, 'HTTP 401 Unauthorized: Error 401 - Wrong Credentials.')
    assert 'not-the-one' not in wrong.output
    unknown = ansible.inventory(source(enms_server, pools=[enms_server.core, enms_server.prefix + 'no such pool']))
    line = failure_line(unknown, 'HTTP 403 Forbidden')
    assert 'eNMS answers HTTP 403 for a pool name it does not know' in line and 'Error 403 - Not Authorized.' in line


# -- what eNMS says is data, never a template ---------------------------------------------------------------------
def payload(witness):
    """Text that runs a command on the controller if anything renders it as a template: ``touch witness``."""
    return "{{ lookup('ansible.builtin.pipe', 'touch %s') }}" % witness


def braceless_payload(witness):
    """The same without a brace: on ansible-core before 2.19 a #jinja2: header line chooses other delimiters."""
    return "#jinja2:variable_start_string:'[[',variable_end_string:']]'\n[[ lookup('ansible.builtin.pipe', 'touch %s') ]]" % witness


TRUST_PLAY = '''
- hosts: %(host)s
  gather_facts: false
  connection: local
  tasks:
    - ansible.builtin.debug:
        var: enms_description
    - ansible.builtin.debug:
        msg: "model={{ enms_model }} vendor={{ enms_vendor }} summary={{ enms_summary }}"
    - ansible.builtin.debug:
        msg: "location={{ enms_location | to_json }}"
    - ansible.builtin.debug:
        msg: "in {{ group_names | select('match', 'vendor_') | list }}"
'''


def test_device_properties_are_printed_as_text_and_never_run(enms_server, ansible, tmp_path):
    """A device whose description, model, vendor and location hold a Jinja lookup: a play prints the text, and nothing
    runs; compose and keyed_groups over such a property neither (on ansible-core 2.16 as on 2.19+)."""
    witness = tmp_path / 'witness'
    name = enms_server.prefix + 'trust'
    pool = enms_server.prefix + 'trust pool'
    text, braceless = payload(witness), braceless_payload(witness)
    enms_server.add_device(name, '192.0.2.21', description=text, model=text, vendor=text, location=braceless)
    enms_server.add_pool(pool, [name])
    inventory = tmp_path / 'trust.enms.yml'
    inventory.write_text(source(enms_server, '''
compose:
  enms_summary: enms_description ~ ' / ' ~ enms_model
keyed_groups:
  - key: enms_vendor
    prefix: vendor
strict: true
''', pools=[pool]))
    run = ansible.playbook(TRUST_PLAY % {'host': name}, args=('-i', str(inventory)))
    assert not witness.exists(), 'a device property was rendered as a template: %s' % run
    assert run.rc == 0, run
    assert '"enms_description": "%s"' % text in run.stdout, run
    assert 'model=%s vendor=%s summary=%s / %s' % (text, text, text, text) in run.stdout, run
    assert 'location=%s' % json.dumps(json.dumps(braceless))[1:-1] in run.stdout, run
    assert "in ['vendor____lookup__ansible_builtin_pipe____touch_" in run.stdout, run
