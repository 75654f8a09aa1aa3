# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An update of each compared field alone is sent, reported and kept by the platform, and a second run changes
nothing (issue 23): one case per field the module compares, so that a field whose change is never sent fails here."""

from __future__ import absolute_import, division, print_function

import ast
import json

import pytest
import requests

from conftest import REPO_ROOT, zitadel_env
from test_saymon import play

TARGET_NAME = 'field-check'
TARGET_BEFORE = {'name': TARGET_NAME, 'endpoint': 'https://hooks.example.com/before', 'restWebhook': {'interruptOnError': True},
                 'timeout': '10s', 'payloadType': 'PAYLOAD_TYPE_JSON'}
# option: (its new value in the task, the update request's body, the target's fields in ZITADEL afterwards)
TARGET_UPDATES = {
    'endpoint': ('https://hooks.example.com/after', {'endpoint': 'https://hooks.example.com/after'},
                 {'endpoint': 'https://hooks.example.com/after'}),
    'target_type': ('call', {'restCall': {'interruptOnError': True}}, {'restCall': {'interruptOnError': True}, 'restWebhook': None}),
    'interrupt_on_error': (False, {'restWebhook': {'interruptOnError': False}}, {'restWebhook': {'interruptOnError': False}}),
    'timeout': ('20s', {'timeout': '20s'}, {'timeout': '20s'}),
    'payload_type': ('jwt', {'payloadType': 'PAYLOAD_TYPE_JWT'}, {'payloadType': 'PAYLOAD_TYPE_JWT'}),
}
UPDATE_ROUTES = ('v2 create_target', 'v2 update_target', 'v2 delete_target')


def module_constant(module, name):
    """A literal constant of a module, read from its source (the e2e tests do not import the collection)."""
    tree = ast.parse((REPO_ROOT / 'plugins' / 'modules' / ('%s.py' % module)).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None) == name for target in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError('%s has no constant %s' % (module, name))


def test_every_compared_target_field_has_an_update_case():
    assert sorted(TARGET_UPDATES) == sorted(module_constant('zitadel_target', 'COMPARED'))


@pytest.mark.parametrize('field', sorted(TARGET_UPDATES))
def test_zitadel_target_update_of_one_field_alone_is_sent_and_kept(field, zitadel, ansible):
    value, body, kept = TARGET_UPDATES[field]
    created = requests.post(zitadel.url + '/v2/actions/targets', json=TARGET_BEFORE, headers={'Authorization': 'Bearer admin-token'},
                            timeout=10)
    assert created.status_code == 200, created.text
    target_id = created.json()['id']
    before = dict(zitadel.dump_state()['targets'][target_id])
    zitadel.log.clear()
    text = play('''
    - netops.bridge.zitadel_target:
        name: %s
        %s: %s
      register: target
''' % (TARGET_NAME, field, json.dumps(value)), "{'target': target}")

    update = ansible.playbook(text, env=zitadel_env(zitadel))
    assert update.rc == 0, update
    assert update.results['target']['changed'] is True, update.results['target']
    assert update.results['target']['target'][field] == value
    (sent,) = [r for r in zitadel.requests() if r['route'] in UPDATE_ROUTES]
    assert (sent['route'], sent['path']) == ('v2 update_target', '/v2/actions/targets/%s' % target_id)
    assert json.loads(sent['body']) == body
    after = zitadel.dump_state()['targets'][target_id]
    expected = dict((k, v) for k, v in dict(before, **kept).items() if v is not None)
    assert dict(after, changeDate=None) == dict(expected, changeDate=None)

    zitadel.log.clear()
    again = ansible.playbook(text, env=zitadel_env(zitadel))
    assert again.rc == 0 and again.results['target']['changed'] is False, again
    assert [r for r in zitadel.requests() if r['route'] in UPDATE_ROUTES] == []
