# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The eNMS inventory plugin's own decisions: what it marks as untrusted text, and which files it takes (the end-to-end
proofs are tests/e2e/test_enms_inventory_trust.py and test_enms_inventory_server.py, on ansible-core 2.16 and 2.19+)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
from ansible.utils.display import Display

from ansible_collections.netops.bridge.plugins.inventory import enms
from ansible_collections.netops.bridge.plugins.inventory.enms import InventoryModule, untrusted

PAYLOAD = "{{ lookup('ansible.builtin.pipe', 'id') }}"
HEADER = "#jinja2:variable_start_string:'[[',variable_end_string:']]'\n[[ lookup('ansible.builtin.pipe', 'id') ]]"


try:
    from ansible.template import is_trusted_as_template
except ImportError:  # ansible-core before 2.19: a text is a template unless it carries the unsafe mark
    is_trusted_as_template = None


def is_marked(value):
    """Whether ansible-core's template engine takes this text as data. Before 2.19 only the unsafe mark says so (the
    test's teeth are there); 2.19+ renders no text that lacks the trust only the text of trusted files has."""
    if is_trusted_as_template is None:
        return getattr(value, '__UNSAFE__', False) is True
    return not is_trusted_as_template(value)


@pytest.mark.parametrize('text', [PAYLOAD, HEADER, '#' + 'jinja2:', 'x}', '{x'])
def test_every_text_that_could_be_a_template_is_marked_in_nested_values(text):
    found = untrusted({'devices': [{'name': text, 'interfaces': [{'tags': [text], text: 1}]}], 'pools': {text: [text]}})
    device = found['devices'][0]
    assert device['name'] == text and is_marked(device['name'])
    interface = device['interfaces'][0]
    assert is_marked(interface['tags'][0]) and [is_marked(key) for key in interface if key == text] == [True]
    assert [is_marked(key) for key in found['pools']] == [True] and is_marked(found['pools'][text][0])


def test_text_that_cannot_be_a_template_and_other_values_stay_as_they_are():
    # ansible-core 2.16 would print a marked text as {"__ansible_unsafe": ...} in ansible-inventory --list, host names
    # in a group's list too, which AWX's inventory import cannot read.
    found = untrusted({'name': 'Boston', 'ip_address': '10.0.0.3', 'port': 22, 'down': False, 'latitude': 0.5,
                       'creator': None, 'tags': ('a', 'b')})
    assert found == {'name': 'Boston', 'ip_address': '10.0.0.3', 'port': 22, 'down': False, 'latitude': 0.5,
                     'creator': None, 'tags': ['a', 'b']}
    assert not any(getattr(value, '__UNSAFE__', False) for value in (found['name'], found['ip_address'], found['tags'][0]))


@pytest.fixture
def warnings(monkeypatch):
    said = []
    monkeypatch.setattr(Display, 'warning', lambda self, message, *args, **kwargs: said.append(message))
    return said


@pytest.mark.parametrize('name,text,taken,warned', [
    ('production.enms.yml', 'plugin: netops.bridge.enms\n', True, False),
    ('production.enms.yaml', 'plugin: netops.bridge.enms\n', True, False),
    ('production.yml', 'plugin: netops.bridge.enms\n', False, True),
    ('production.yaml', '# eNMS\nplugin: "netops.bridge.enms"  # the devices\nurl: https://enms.example.com\n', False, True),
    ('hosts.yml', 'all:\n  hosts:\n    router1:\n', False, False),
    ('aws.yml', 'plugin: amazon.aws.aws_ec2\n', False, False),
])
def test_verify_file_takes_enms_yml_and_warns_about_a_misnamed_enms_file(tmp_path, warnings, name, text, taken, warned):
    path = tmp_path / name
    path.write_text(text)
    assert InventoryModule().verify_file(str(path)) is taken
    assert len(warnings) == (1 if warned else 0), warnings
    if warned:
        assert warnings[0] == ('%s names plugin: netops.bridge.enms but is not read as an eNMS inventory source: the file '
                               'name must end in enms.yml or enms.yaml, for example production.enms.yml.' % path)


def test_verify_file_refuses_a_missing_file_without_a_warning(tmp_path, warnings):
    assert InventoryModule().verify_file(str(tmp_path / 'missing.yml')) is False and warnings == []
    assert enms.names_this_plugin(str(tmp_path / 'missing.yml')) is False
