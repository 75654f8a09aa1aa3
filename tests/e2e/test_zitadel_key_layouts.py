# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zitadel_target_public_key knows a key by the key, not by its PEM text (issue 23): the same key written in another
layout (CRLF line ends, other line wrapping, trailing spaces) is the key ZITADEL holds, never added again."""

from __future__ import absolute_import, division, print_function

import json
import textwrap

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from conftest import zitadel_env

BEGIN, END = '-----BEGIN PUBLIC KEY-----', '-----END PUBLIC KEY-----'
KEY_WRITES = ('v2 add_public_key', 'v2 activate_public_key', 'v2 deactivate_public_key', 'v2 remove_public_key')
PLAY = '''
- hosts: localhost
  gather_facts: false
  vars:
    stored: %(stored)s
    layouts: %(layouts)s
  tasks:
    - netops.bridge.zitadel_target:
        name: jwe-hook
        endpoint: https://hooks.example.com/jwe
        target_type: webhook
        payload_type: jwe
    - netops.bridge.zitadel_target_public_key:
        target: jwe-hook
        public_key: "{{ stored }}"
      register: first
    - netops.bridge.zitadel_target_public_key:
        target: jwe-hook
        public_key: "{{ item.value }}"
      loop: "{{ layouts | dict2items }}"
      loop_control:
        label: "{{ item.key }}"
      register: again
      # Every layout is tried and reported, even when one is refused as a duplicate.
      ignore_errors: true
    - ansible.builtin.copy:
        content: "{{ {'first': first, 'again': again.results} | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
      changed_when: false
'''


def layouts(pem):
    body = ''.join(pem.strip().splitlines()[1:-1])
    return {
        'CRLF line ends': pem.replace('\n', '\r\n'),
        'wrapped at 76 columns': '\n'.join([BEGIN] + textwrap.wrap(body, 76) + [END]) + '\n',
        'one long base64 line': '\n'.join([BEGIN, body, END]),
        'trailing spaces': ''.join(line + '  \n' for line in pem.splitlines()),
        'blank lines around, CRLF, 72 columns': '\r\n\r\n' + '\r\n'.join([BEGIN] + textwrap.wrap(body, 72) + [END]) + '\r\n\r\n',
    }


def test_the_same_key_in_another_pem_layout_is_not_added_again(zitadel, ansible):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    others = layouts(pem)
    assert len(set(others.values()) | {pem}) == len(others) + 1 and all(BEGIN in text for text in others.values())
    # JSON strings are YAML double-quoted scalars: the layouts reach the play byte for byte (\r included).
    text = PLAY % {'stored': json.dumps(pem), 'layouts': json.dumps(others)}
    run = ansible.playbook(text, env=zitadel_env(zitadel))
    assert run.rc == 0, run
    assert run.results['first']['changed'] is True
    outcomes = dict((result['item']['key'], (result.get('failed', False), result['changed'], result.get('msg')))
                    for result in run.results['again'])
    assert outcomes == dict((name, (False, False, None)) for name in others), outcomes
    assert [r['route'] for r in zitadel.requests() if r['route'] in KEY_WRITES] == ['v2 add_public_key', 'v2 activate_public_key']
    (keys,) = zitadel.dump_state()['public_keys'].values()
    assert len(keys) == 1 and keys[0]['active'] is True
