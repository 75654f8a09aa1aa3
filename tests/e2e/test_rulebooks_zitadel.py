# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The example rulebook extensions/eda/rulebooks/zitadel_user_added.yml run by the real ansible-rulebook against the
ZITADEL emulator, the whole loop once per payload type: zitadel_target and zitadel_execution in a playbook, the signing
key where the source reads it, an event raised in the emulator, the emulator's signed call, the source's verification,
the rule and the action's playbook, whose effect (the user's ID in a file) is checked. scripts/test.sh runs this file
in its rulebooks stage; elsewhere it is skipped."""

from __future__ import absolute_import, division, print_function

import socket
import time

import pytest
import requests

from conftest import zitadel_env
from test_rulebooks_enms import Rulebook, wait_for, pytestmark as needs_the_rulebook_runner

pytestmark = needs_the_rulebook_runner


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def listening(port):
    with socket.socket() as probe:
        return probe.connect_ex(('127.0.0.1', port)) == 0


@pytest.mark.parametrize('payload_type', ['json', 'jwt'])
def test_a_zitadel_user_added_runs_the_playbook_that_records_the_user(zitadel, ansible, collections_path, tmp_path, payload_type):
    port = free_port()
    keys_file, users_file = tmp_path / 'signing_keys', tmp_path / 'users'
    keys_file.write_text('# the signing keys of the targets that call the rulebook\nplaceholder-until-the-target-exists\n')
    rulebook = Rulebook(collections_path, tmp_path, 'zitadel_user_added', {},
                        {'zitadel_calls_host': '127.0.0.1', 'zitadel_calls_port': port, 'zitadel_signing_keys_file': str(keys_file),
                         'zitadel_users_file': str(users_file), 'zitadel_issuer': zitadel.url})
    try:
        wait_for(lambda: listening(port), rulebook, 'listener of the ZITADEL source')
        run = ansible.playbook('''
            - hosts: localhost
              gather_facts: false
              tasks:
                - name: The rulebook's listener as a ZITADEL target
                  netops.bridge.zitadel_target:
                    name: eda-listener
                    endpoint: http://127.0.0.1:%d/zitadel/events
                    target_type: async
                    timeout: 10s
                    payload_type: %s
                  register: target
                  no_log: true
                - name: Its signing key, where the source reads it
                  ansible.builtin.copy:
                    dest: %s
                    content: "{{ target.signing_key }}\\n"
                    mode: "0600"
                  no_log: true
                - name: Call it when a human user is added
                  netops.bridge.zitadel_execution:
                    condition:
                      event:
                        event: user.human.added
                    targets: [eda-listener]
            ''' % (port, payload_type, keys_file), env=zitadel_env(zitadel))
        assert run.rc == 0, run.stdout + run.stderr
        triggered = time.time()
        answer = requests.post(zitadel.url + '/_emulator/event', timeout=30, json={
            'event_type': 'user.human.added', 'aggregateID': '312909075211944344', 'event_payload': {'userName': '{{ 6 * 7 }}'}})
        assert answer.status_code == 200, answer.text
        wait_for(users_file.exists, rulebook, 'run of the playbook netops.bridge.zitadel_user_added')
        print('zitadel_user_added (%s): %.2f s from the emulator\'s event to the action\'s effect' % (payload_type, time.time() - triggered))
        assert users_file.read_text() == '312909075211944344\n'
        # The emulator signed its call with the target's key and sent it once, in the target's payload type.
        calls = requests.get(zitadel.url + '/_emulator/calls', timeout=30).json()
        assert [(call['name'], call['payload_type']) for call in calls] == [('user.human.added', 'PAYLOAD_TYPE_' + payload_type.upper())]
        wait_for(lambda: requests.get(zitadel.url + "/_emulator/calls", timeout=30).json()[0]["status"] == 200,
                 rulebook, '200 to the emulator\'s call', timeout=30)
    finally:
        rulebook.stop()
    output = rulebook.output()
    assert 'PLAY [Record a human user added in ZITADEL]' in output and 'signing-key-' not in output
