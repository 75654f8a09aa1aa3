# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What eNMS says is data, never a template: the netops.bridge.enms inventory plugin against the eNMS emulator, on
every ansible-core the collection supports (scripts/test.sh runs it on 2.16 too, where core itself would render it).
The device properties' case is in test_enms_inventory_server.py, so that the real-eNMS stage runs it."""

from __future__ import absolute_import, division, print_function

import json

from ansible.release import __version__ as core_version

from test_enms_inventory import config

CORE = tuple(int(part) for part in core_version.split('.')[:2])


def lookup_payload(witness):
    return "{{ lookup('ansible.builtin.pipe', 'touch %s') }}" % witness


def test_host_names_pool_names_and_nested_values_are_text_never_templates(enms, ansible, tmp_path):
    """A device named after a lookup, in a pool named after one, with a custom property of nested dicts and lists
    holding them: printed as text, and nothing runs (compose, groups and keyed_groups over the nested values too)."""
    witness = tmp_path / 'witness'
    text = lookup_payload(witness)
    with enms.lock:
        enms.state['devices'][text] = {'ip_address': '10.0.0.9', 'interfaces': [{'name': text, 'tags': [text, '#' + text]}]}
        enms.state['pools'][text] = [text]
    inventory = tmp_path / 'trust.enms.yml'
    # The device chosen by its address, so that the pool names come from eNMS too (GET /rest/query/pool).
    inventory.write_text(config(enms, '''
device_filters: {ip_address: 10.0.0.9}
compose:
  first_tag: enms_interfaces[0].tags[0]
groups:
  tagged: enms_interfaces[0].tags | length == 2
keyed_groups:
  - key: enms_interfaces[0].name
    prefix: port
strict: true
'''))
    run = ansible.playbook('''
- hosts: all:!localhost
  gather_facts: false
  connection: local
  tasks:
    - ansible.builtin.debug:
        msg: "host={{ inventory_hostname }} pools={{ enms_pools }} tag={{ first_tag }} groups={{ group_names }}"
    - ansible.builtin.debug:
        var: enms_interfaces
''', args=('-i', str(inventory)))
    assert not witness.exists(), 'a text from eNMS was rendered as a template: %s' % run
    assert run.rc == 0 and 'ok=2 ' in run.stdout and 'failed=0 ' in run.stdout, run
    # The pool name in a list: Python's repr quotes it with " since it holds ', and the debug output escapes those.
    assert 'host=%s pools=[\\"%s\\"] tag=%s groups=' % (text, text, text) in run.stdout, run
    assert "'tagged'" in run.stdout and "'port____lookup__ansible_builtin_pipe____touch_" in run.stdout, run
    assert '"tags": [ "%s", "#%s" ]' % (text, text) in ' '.join(run.stdout.split()), run


def test_list_marks_what_could_be_a_template_and_host_and_yaml_show_plain_values(enms, ansible, tmp_path):
    """ansible-inventory --list prints a marked text as {"__ansible_unsafe": ...}, and so does --host before
    ansible-core 2.19; --host on 2.19+ and --yaml on every core print plain text. Texts that cannot be templates stay
    plain before 2.19 (2.19+ marks every text a plugin read itself in --list), and a group's hosts are always plain
    names, which is what AWX's inventory import reads (docs/enms.md says so)."""
    text = lookup_payload(tmp_path / 'witness')
    with enms.lock:
        enms.state['devices']['Boston']['description'] = text
    listed = ansible.inventory(config(enms))
    assert listed.rc == 0, listed
    boston = listed.results['_meta']['hostvars']['Boston']
    assert boston['enms_description'] == {'__ansible_unsafe': text}, boston
    if CORE < (2, 19):
        assert boston['ansible_host'] == '10.0.0.3' and boston['enms_vendor'] == 'Arista', boston
    groups = [listed.results[name]['hosts'] for name in ('Core', 'Edge')]
    assert groups == [['Atlanta', 'Washington'], ['Boston']], groups
    shown = ansible.inventory(config(enms), args=('--host', 'Boston'))
    assert shown.rc == 0, shown
    host_vars = json.loads(shown.stdout)
    assert host_vars['enms_description'] == (text if CORE >= (2, 19) else {'__ansible_unsafe': text}), host_vars
    assert host_vars['ansible_host'] == '10.0.0.3', host_vars
    as_yaml = ansible.inventory(config(enms), args=('--host', 'Boston', '--yaml'))
    assert as_yaml.rc == 0 and "enms_description: '{{ lookup(''ansible.builtin.pipe'', ''touch " in as_yaml.stdout, as_yaml
    assert '__ansible_unsafe' not in as_yaml.stdout, as_yaml
