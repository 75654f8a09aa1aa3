#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: zitadel_target_public_key
short_description: Manage the public keys ZITADEL encrypts a target's payloads with (JWE)
version_added: 1.1.0
description:
  - A target with O(netops.bridge.zitadel_target#module:payload_type=jwe) gets its payloads encrypted with the public key
    it registered. This module adds, activates, deactivates or removes one such key of one target.
  - The key is recognised among the target's keys by its content (the DER SubjectPublicKeyInfo inside the PEM text), so
    the module reads the target and every page of its keys (C(POST /v2/actions/targets/{target_id}/publickeys/search))
    first, and a second run reports C(changed=false) with reads only.
  - Writes are C(POST /v2/actions/targets/{target_id}/publickeys) to add the key,
    C(POST .../publickeys/{key_id}/activate) and C(POST .../publickeys/{key_id}/deactivate), and
    C(DELETE .../publickeys/{key_id}) to remove it.
  - ZITADEL keeps one active key per target. Activating this key makes the previously active one inactive; the diff says
    which. Rotating a key is adding the new one with O(active=true), then removing the old one.
  - ZITADEL 4.x (O(api_version=v2)) only; O(api_version=v2beta) fails before any request. A O(public_key) that is not
    the PEM text of an RSA or EC public key fails before any request too.
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.zitadel
  - netops.bridge.attributes
  - netops.bridge.attributes.zitadel_group
attributes:
  check_mode:
    support: full
    details: The target and its keys are read; nothing is written.
  diff_mode:
    support: full
    details:
      - The diff shows the key (ID, fingerprint, active, expiration) before and after, and the ID of the target's active key.
      - When the key is activated, the diff's C(after) names the previously active key in C(deactivated_key).
options:
  target:
    description:
      - The target whose key this is, by name or by ID.
    type: str
    required: true
    version_added: 1.1.0
  public_key:
    description:
      - The PEM text of an RSA or EC public key (C(-----BEGIN PUBLIC KEY-----), a SubjectPublicKeyInfo), at most 8192 bytes.
      - A private key, a certificate, a PKCS#1 C(RSA PUBLIC KEY) block or another algorithm (such as Ed25519) is refused
        before any request, with the C(openssl) command that gives the right form. The check is done without any
        crypto library.
      - The module sends it base64-encoded, as ZITADEL's JSON mapping of the C(bytes) field C(publicKey) requires.
    type: str
    required: true
    version_added: 1.1.0
  expiration_date:
    description:
      - When ZITADEL stops using the key, as an RFC 3339 time such as V(2027-01-31T00:00:00Z).
      - It is set when the key is added. A key added without it never expires.
      - For a key that exists, an omitted O(expiration_date) leaves the key's as it is (the task can change O(active)
        or remove the key without repeating the date). ZITADEL cannot change the date afterwards, so a given
        O(expiration_date) that differs from the key's (including a date for a key that never expires) fails the task
        before any write; remove the key and add it again to change it.
    type: str
    version_added: 1.1.0
  active:
    description:
      - V(true) makes this the key ZITADEL encrypts with (the previously active key of the target becomes inactive).
      - V(false) leaves the key registered but not used; the key is deactivated if it is active.
      - Ignored with O(state=absent).
    type: bool
    default: true
    version_added: 1.1.0
  state:
    description: V(present) adds the key if it is missing and sets O(active); V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
    version_added: 1.1.0
notes:
  - RV(fingerprint) is the one ZITADEL reports for the key. Before ZITADEL has the key (in check mode) the module computes
    it the way ZITADEL's API documents its form, C(SHA256:) and the unpadded base64 of the SHA-256 of the DER
    SubjectPublicKeyInfo, for example C(SHA256:STqK+Sd4qgdu+UjiwI8NBjOD6P7UqQ42EZYIdySEyTw).
  - The token needs C(action.target.read) to read the keys and C(action.target.write) to change them.
seealso:
  - module: netops.bridge.zitadel_target
  - module: netops.bridge.zitadel_target_info
'''

EXAMPLES = r'''
- name: A target that gets its payloads encrypted
  netops.bridge.zitadel_target:
    url: https://zitadel.example.com
    token: "{{ vault_zitadel_pat }}"
    name: user-checks
    endpoint: https://hooks.example.com/zitadel/user-checks
    target_type: webhook
    payload_type: jwe

- name: Its key, active (a second run changes nothing)
  netops.bridge.zitadel_target_public_key:
    url: https://zitadel.example.com
    token: "{{ vault_zitadel_pat }}"
    target: user-checks
    public_key: "{{ lookup('ansible.builtin.file', 'keys/user-checks-2026.pub.pem') }}"
    expiration_date: "2027-01-31T00:00:00Z"
  register: key

- name: Rotate - add and activate the new key (the 2026 key becomes inactive) ...
  netops.bridge.zitadel_target_public_key:
    target: user-checks
    public_key: "{{ lookup('ansible.builtin.file', 'keys/user-checks-2027.pub.pem') }}"

- name: ... then remove the old one
  netops.bridge.zitadel_target_public_key:
    target: user-checks
    public_key: "{{ lookup('ansible.builtin.file', 'keys/user-checks-2026.pub.pem') }}"
    state: absent
'''

RETURN = r'''
key_id:
  description:
    - ID of the key; ZITADEL also puts it in the C(kid) header of the JWE it sends.
    - V(null) in check mode when the key would be added, and with O(state=absent) when the key did not exist (else the
      ID the removed key had).
  returned: always
  type: str
  sample: "337246363446362001"
fingerprint:
  description: C(SHA256:) and the unpadded base64 of the key's SHA-256, as ZITADEL reports it.
  returned: always
  type: str
  sample: SHA256:STqK+Sd4qgdu+UjiwI8NBjOD6P7UqQ42EZYIdySEyTw
active:
  description: Whether ZITADEL encrypts with this key after the task (V(false) after O(state=absent)).
  returned: always
  type: bool
  sample: true
expiration_date:
  description: When ZITADEL stops using the key (RFC 3339, UTC); V(null) when never.
  returned: always
  type: str
  sample: "2027-01-31T00:00:00Z"
'''

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils.zitadel import (
    ZitadelModule, decode_public_key, encode_public_key, normalize_timestamp, parse_public_key, public_key_fingerprint,
    public_key_view)


def find_target(module, ref):
    """The target named or with the ID ``ref``; None when there is none."""
    known = module.api.targets()
    by_id = [t for t in known if t.get('id') == ref]
    by_name = [t for t in known if t.get('name') == ref]
    if by_id:
        return by_id[0]
    if len(by_name) > 1:
        module.fail('more than one target is named %r (IDs %s); give the ID instead.' % (ref, ', '.join(to_text(t.get('id')) for t in by_name)))
    return by_name[0] if by_name else None


def run(module):
    params = module.params
    der = parse_public_key(params['public_key'])[0]
    expiration = normalize_timestamp(params['expiration_date']) if params.get('expiration_date') else None
    wanted_view = {'key_id': None, 'fingerprint': public_key_fingerprint(der), 'active': params['active'],
                   'expiration_date': expiration}
    target = find_target(module, params['target'])
    present = params['state'] == 'present'
    if target is None:
        if not present:
            module.result.update(wanted_view, active=False, diff={'before': {}, 'after': {}})
            return
        if not module.check_mode:
            module.fail('target %r does not exist; create it first with netops.bridge.zitadel_target.' % params['target'])
        module.ansible.warn('check mode: no target is named %s yet; assuming an earlier task creates it (outside check mode '
                            'this fails).' % params['target'])
        module.result.update(wanted_view, changed=True, diff={'before': {}, 'after': dict(wanted_view, target=params['target'])})
        return
    target_id = target['id']
    keys = module.api.public_keys(target_id)
    mine = [k for k in keys if decode_public_key(k.get('publicKey')) == der]
    existing = mine[0] if mine else None
    active_key = next((k for k in keys if k.get('active') is True), None)
    current = public_key_view(existing, der) if existing else None
    before = dict(current, active_key=active_key.get('keyId') if active_key else None) if current else \
        {'active_key': active_key.get('keyId') if active_key else None}

    if not present:
        module.result.update(current or wanted_view, active=False)
        module.result['diff'] = {'before': before, 'after': {'active_key': None if current and current['active'] else before['active_key']}}
        if current:
            module.apply(module.api.remove_public_key, target_id, current['key_id'])
        return

    # An omitted expiration_date is no opinion about the key's: only a given one that differs is a conflict.
    if current and expiration is not None and expiration != current['expiration_date']:
        module.fail('key %s of target %r expires %s, not %s, and ZITADEL cannot change that: remove the key (state=absent) and '
                    'add it again.' % (current['key_id'], target.get('name'), current['expiration_date'] or 'never',
                                       expiration or 'never'))
    after = dict(current or wanted_view, active=params['active'])
    displaced = active_key if params['active'] and active_key is not None and active_key is not existing else None
    if params['active']:
        after['active_key'] = after['key_id']
    else:
        after['active_key'] = None if current and current['active'] else before['active_key']
    if displaced is not None:
        after['deactivated_key'] = {'key_id': displaced.get('keyId'), 'fingerprint': public_key_view(displaced)['fingerprint'],
                                    'active': False}
    module.result['diff'] = {'before': before, 'after': after}
    module.result.update((k, after[k]) for k in ('key_id', 'fingerprint', 'active', 'expiration_date'))
    add = current is None
    toggle = add and params['active'] or (not add and current['active'] != params['active'])
    if not (add or toggle):
        return
    if module.check_mode:
        module.result['changed'] = True
        return
    key_id = current['key_id'] if current else None
    if add:
        body = {'publicKey': encode_public_key(params['public_key'])}
        if expiration:
            body['expirationDate'] = expiration
        key_id = module.apply(module.api.add_public_key, target_id, body).get('keyId')
        module.result['key_id'] = key_id
        if module.result['diff']['after'].get('active_key') is None and params['active']:
            module.result['diff']['after']['active_key'] = key_id
        module.result['diff']['after']['key_id'] = key_id
    if toggle:
        action = module.api.activate_public_key if params['active'] else module.api.deactivate_public_key
        module.apply(action, target_id, key_id)


def main():
    module = ZitadelModule(
        argument_spec=dict(
            target=dict(type='str', required=True),
            public_key=dict(type='str', required=True, no_log=False),
            expiration_date=dict(type='str'),
            active=dict(type='bool', default=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if 'PRIVATE KEY' in (params['public_key'] or ''):
        # A private key given by mistake: keep it out of the invocation shown with the failure.
        module.ansible.no_log_values.add(params['public_key'])
    if params['api_version'] != 'v2':
        module.fail('target public keys need api_version v2 (ZITADEL 4.x); v2beta (ZITADEL 3.x) has no public-key RPCs.')
    module.require_non_empty('target')
    if len(params['target']) > 1000:
        module.fail('target must be a target name or ID of 1 to 1000 characters.')
    try:
        parse_public_key(params['public_key'])
        if params.get('expiration_date'):
            normalize_timestamp(params['expiration_date'])
    except ValueError as exc:
        module.fail(str(exc))
    module.run(run)


if __name__ == '__main__':
    main()
