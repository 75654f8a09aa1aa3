#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: saymon_session
short_description: Create, verify and delete SAYMON session IDs
version_added: 0.1.0
description:
  - Logs in to SAYMON once and returns a session ID that later tasks pass as O(session_id), for example through
    C(module_defaults) of C(group/netops.bridge.saymon), so a play authenticates once instead of on every request.
  - With O(state=present) and an existing O(session_id), the session is verified first and kept when still valid
    (C(changed=false)); an invalid one is replaced by a new session when O(username) and O(password) are given.
  - With O(state=absent), the session O(session_id) is deleted; a session that is already gone is C(changed=false).
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.saymon
  - netops.bridge.attributes
  - netops.bridge.attributes.saymon_group
attributes:
  check_mode:
    support: full
    details:
      - In check mode no session is created or deleted. An existing O(session_id) is verified; where a session would
        be created, O(username) and O(password) are verified with one read (C(GET /node/api/users/current)) and
        RV(session_id) is the placeholder V(netops.bridge-check-mode-placeholder), so that the tasks after it run in
        check mode too.
      - The other SAYMON modules, given that placeholder in check mode, use O(username) and O(password) when they
        have them and otherwise read nothing that needs a session (and warn). Outside check mode they refuse it
        before any request. O(state=absent) with the placeholder reports C(changed=true) and sends nothing.
  diff_mode:
    support: none
options:
  state:
    description:
      - V(present) makes sure a valid session exists and returns its ID.
      - V(absent) deletes the session O(session_id).
    type: str
    choices: [present, absent]
    default: present
notes:
  - The returned RV(session_id) is a credential. Register it in a task with C(no_log=true) or pass it on through
    C(module_defaults) without printing it.
seealso:
  - module: netops.bridge.saymon_operation
'''

EXAMPLES = r'''
- name: Log in to SAYMON once
  netops.bridge.saymon_session:
    url: https://saymon.example.com
    username: automation
    password: "{{ vault_saymon_password }}"
  register: saymon_login
  no_log: true

- name: Use the session for every SAYMON task of the block, then log out
  module_defaults:
    group/netops.bridge.saymon:
      url: https://saymon.example.com
      session_id: "{{ saymon_login.session_id }}"
  block:
    - name: Put the uplink into maintenance
      netops.bridge.saymon_operation:
        link_id: 62de902eb238aa0131bd3b01
        operation_name: set-maintenance
  always:
    - name: Log out
      netops.bridge.saymon_session:
        state: absent

- name: Reuse a session from the environment (SAYMON_SESSION_ID) while it is valid, else log in again
  netops.bridge.saymon_session:
    username: automation
    password: "{{ vault_saymon_password }}"
  register: saymon_login
  no_log: true
'''

RETURN = r'''
session_id:
  description:
    - The valid session ID. Absent after O(state=absent).
    - In check mode, where a session would be created, the placeholder V(netops.bridge-check-mode-placeholder).
  returned: when O(state=present)
  type: str
  sample: a5f946dc-4c21-4ccd-b78b-f0a5fce94f4d
'''

from ansible_collections.netops.bridge.plugins.module_utils._auth import BasicAuth, CookieSessionAuth
from ansible_collections.netops.bridge.plugins.module_utils._module import CHECK_MODE_PLACEHOLDER
from ansible_collections.netops.bridge.plugins.module_utils.saymon import SaymonModule


def verify_auth(params):
    """Verify with Basic when we have a login (the documented way), else with the session itself."""
    if params.get('username') and params.get('password'):
        return BasicAuth(params['username'], params['password'])
    return CookieSessionAuth('sid', params['session_id'])


def ensure_present(module):
    params = module.params
    session_id = params.get('session_id')
    can_login = bool(params.get('username') and params.get('password'))
    if module.session_placeholder:
        # It stands for the session an earlier task would have created, which a real run would find valid.
        module.result['session_id'] = CHECK_MODE_PLACEHOLDER
        return
    if session_id and module.api.session_valid(session_id, verify_auth(params)):
        # The caller asked for this very value back; without this Ansible would mask it in the result.
        module.ansible.no_log_values.discard(session_id)
        module.result['session_id'] = session_id
        return
    if not can_login:
        module.fail('the SAYMON session is no longer valid, and username and password are needed to create a new one.')
    if module.check_mode:
        # No session: check mode's logout could not delete it. The login is proven all the same, with one read.
        module.api.current_user(BasicAuth(params['username'], params['password']))
        module.result.update(changed=True, session_id=CHECK_MODE_PLACEHOLDER)
        return
    module.result['session_id'] = module.apply(module.api.create_session, params['username'], params['password'])


def ensure_absent(module):
    session_id = module.params.get('session_id')
    if module.session_placeholder:
        module.result['changed'] = True
        return
    if not module.api.session_valid(session_id, verify_auth(module.params)):
        return
    module.apply(module.api.delete_session, session_id)


def run(module):
    if module.params['state'] == 'present':
        ensure_present(module)
    else:
        ensure_absent(module)


def main():
    module = SaymonModule(
        argument_spec=dict(state=dict(type='str', choices=['present', 'absent'], default='present')),
        auth_required=False,
        required_if=[('state', 'absent', ['session_id'])],
        required_one_of=[('session_id', 'username')],
        required_together=[('username', 'password')],
        supports_check_mode=True,
    )
    module.run(run)


if __name__ == '__main__':
    main()
