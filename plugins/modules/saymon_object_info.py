#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: saymon_object_info
short_description: Read SAYMON objects and links with their state and, on request, their state history
version_added: 1.3.0
description:
  - Reads each object (C(GET /node/api/objects/:id)) and link (C(GET /node/api/links/:id)) by its ID and returns its
    name, class, state (ID and name) and the time of its last state change.
  - State names come from SAYMON's states (C(GET /node/api/states)), read once per task. A SAYMON that answers HTTP 404
    there gives no names; the module then warns and returns RV(objects[].state_name=null).
  - With O(history=true), also reads each entity's state changes in a time window (C(GET /node/api/objects/:id/state-history),
    C(GET /node/api/links/:id/state-history), with C(from), C(to), C(skip) and C(limit)), page by page.
  - SAYMON's REST reference documents no search of objects or links by name, so both are selected by ID only.
  - Every ID is read before the task fails. IDs SAYMON does not know (HTTP 404) fail the task together, each named with
    SAYMON's own words, and are listed in RV(missing). Any other error fails the task at once.
  - In check mode the module reads as it does otherwise. Given the placeholder session ID that
    M(netops.bridge.saymon_session) returns in check mode, and no O(username) and O(password), it reads nothing, warns,
    and returns empty lists.
  - This module only reads; it never changes anything and always reports C(changed=false).
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.saymon
  - netops.bridge.attributes
  - netops.bridge.attributes.info_module
  - netops.bridge.attributes.saymon_group
options:
  objects:
    description: IDs of the objects to read.
    type: list
    elements: str
    default: []
  links:
    description: IDs of the links to read.
    type: list
    elements: str
    default: []
  history:
    description:
      - Also read each object's and link's state changes from O(since) to O(until).
    type: bool
    default: false
  since:
    description:
      - With O(history=true), the start of the window (SAYMON's C(from)); unset, 24 hours ago (V(-24h)).
      - Milliseconds since the epoch, V(now), a time relative to now (V(-15m), V(-2h), V(-7d); units C(s), C(m),
        C(h), C(d), C(w)), or an ISO 8601 date or date and time (UTC unless it carries an offset, for example
        V(2026-12-07T14:00:00Z) or V(2026-12-07T15:00:00+01:00)).
      - Set without O(history=true), it fails the task before any request.
    type: str
  until:
    description:
      - With O(history=true), the end of the window (SAYMON's C(to)), in the forms of O(since); unset, V(now).
      - Set without O(history=true), it fails the task before any request.
    type: str
  page_size:
    description: With O(history=true), entries asked for per request (SAYMON's C(limit)); the next page starts after them (C(skip)).
    type: int
    default: 100
  max_entries:
    description:
      - With O(history=true), most entries read per object or link. When reached, reading stops and
        RV(objects[].history_truncated=true).
    type: int
    default: 1000
seealso:
  - module: netops.bridge.saymon_operation
notes:
  - SAYMON's REST reference names the state-history endpoints and their C(from), C(to), C(skip) and C(limit)
    parameters, but not the fields of a history entry; entries are returned as SAYMON gives them, with
    C(state_name) added where an entry carries C(stateId) (or C(state_id)).
'''

EXAMPLES = r'''
- name: Is the uplink healthy before the change?
  netops.bridge.saymon_object_info:
    links:
      - 62de902eb238aa0131bd3b01
  register: before

- name: Refuse to touch a link that is not Normal
  ansible.builtin.assert:
    that: before.links[0].state_name == 'Normal'
    fail_msg: "{{ before.links[0].name }} is {{ before.links[0].state_name }}"

- name: Two routers and their state changes of the last two hours
  netops.bridge.saymon_object_info:
    objects:
      - 5e9465cb00000000000000a1
      - 5e9465cb00000000000000a2
    history: true
    since: -2h
  register: routers

- name: A link's state changes on one day, UTC
  netops.bridge.saymon_object_info:
    links:
      - 62de902eb238aa0131bd3b01
    history: true
    since: "2026-12-07T00:00:00Z"
    until: "2026-12-08T00:00:00Z"
    page_size: 500
'''

RETURN = r'''
objects:
  description: The objects asked for, in the order of O(objects), without the missing ones.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The object's ID.
      type: str
      sample: 5e9465cb00000000000000a1
    name:
      description: The object's name.
      type: str
      sample: core-router-1
    class_id:
      description: The object's class.
      type: raw
      sample: 1
    state_id:
      description: The object's state, as SAYMON's C(state_id) gives it.
      type: raw
      sample: 1
    state_name:
      description: The name of that state in SAYMON's states; V(null) when SAYMON does not name it.
      type: str
      sample: Normal
    last_state_change:
      description: When the state last changed, in milliseconds since the epoch (SAYMON's C(last_state_update)).
      type: int
      sample: 1765094400000
    entity:
      description: The object as SAYMON returns it.
      type: dict
    history:
      description:
        - The state changes in the window, as SAYMON returns them (oldest first on the emulator), each with
          C(state_name) added from its C(stateId).
      returned: when O(history=true)
      type: list
      elements: dict
      sample:
        - {entityId: 5e9465cb00000000000000a1, entityType: 1, stateId: 3, prevStateId: 1, timestamp: 1765094400000,
           state_name: Critical}
    history_truncated:
      description: True when O(max_entries) entries were read, so the window may hold more.
      returned: when O(history=true)
      type: bool
      sample: false
    history_pages:
      description: How many requests read the history.
      returned: when O(history=true)
      type: int
      sample: 1
links:
  description:
    - The links asked for, in the order of O(links), without the missing ones; each has the keys of RV(objects) and
      C(source), C(target), C(source_name) and C(target_name).
    - A link's C(name) is its own when SAYMON gives one, else C(<source_name> -> <target_name>).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 62de902eb238aa0131bd3b01
      name: core-router-1 -> core-router-2
      class_id: 35
      state_id: 1
      state_name: Normal
      last_state_change: 1765094400000
      source: 5e9465cb00000000000000a1
      target: 5e9465cb00000000000000a2
      source_name: core-router-1
      target_name: core-router-2
      entity: {}
missing:
  description: The IDs SAYMON answered HTTP 404 for, by kind; the task then fails.
  returned: always
  type: dict
  sample: {objects: [], links: [000000000000000000000000]}
window:
  description: The history window as sent, in milliseconds since the epoch.
  returned: when O(history=true)
  type: dict
  sample: {since: 1765008000000, until: 1765094400000}
'''

import time

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils.saymon import SaymonModule, entity_display_name, history_state_id, time_ms

LINK_KEYS = ('source', 'target', 'source_name', 'target_name')
KINDS = (('object', 'objects'), ('link', 'links'))
WINDOW_DEFAULTS = (('since', '-24h'), ('until', 'now'))


def state_name(names, state_id):
    if names is None or state_id is None:
        return None
    return names.get(to_text(state_id))


def summary(kind, entity, names):
    found = {
        'id': entity.get('id'),
        'name': entity_display_name(kind, entity),
        'class_id': entity.get('class_id'),
        'state_id': entity.get('state_id'),
        'state_name': state_name(names, entity.get('state_id')),
        'last_state_change': entity.get('last_state_update'),
        'entity': entity,
    }
    if kind == 'link':
        found.update((key, entity.get(key)) for key in LINK_KEYS)
    return found


def named_history(entries, names):
    named = []
    for entry in entries:
        if isinstance(entry, dict):
            entry = dict(entry, state_name=state_name(names, history_state_id(entry)))
        named.append(entry)
    return named


def history_window(module):
    """The window in milliseconds, refused before any request when a time cannot be read or the window is empty."""
    params = module.params
    now_ms = int(time.time() * 1000)
    window = {}
    for key, default in WINDOW_DEFAULTS:
        try:
            window[key] = time_ms(params[key] if params[key] is not None else default, now_ms)
        except ValueError as exc:
            module.fail('%s: %s.' % (key, exc))
    if window['since'] > window['until']:
        module.fail('since (%s) is after until (%s).' % (params['since'] or '-24h', params['until'] or 'now'))
    return window


def validate_input(module):
    params = module.params
    if not params['objects'] and not params['links']:
        module.fail('Give at least one ID in objects or links.')
    for plural in ('objects', 'links'):
        if any(not entity_id.strip() for entity_id in params[plural]):
            module.fail('%s must not hold an empty ID.' % plural)
    for key in ('page_size', 'max_entries'):
        if params[key] < 1:
            module.fail('%s must be at least 1, got %s.' % (key, params[key]))
    if not params['history']:
        given = [key for key, _default in WINDOW_DEFAULTS if params[key] is not None]
        if given:
            module.fail('%s set, but history is false: set history to true to read the state history.' % ' and '.join(given))
        return None
    return history_window(module)


def read_history(module, kind, entity_id, names, window):
    entries, pages, truncated = module.api.state_history(kind, entity_id, window['since'], window['until'],
                                                         module.params['page_size'], module.params['max_entries'])
    return dict(history=named_history(entries, names), history_pages=pages, history_truncated=truncated)


def read_entity(module, kind, entity_id, names):
    """(summary, None), or (None, SAYMON's words) when it answers 404 for the entity, which is recorded in ``missing``."""
    try:
        entity = module.api.get_entity(kind, entity_id)
    except ApiError as exc:
        if exc.status != 404:
            raise
        exc.redact(module.secrets())
        module.result['missing'][kind + 's'].append(entity_id)
        return None, '%s %s: %s' % (kind, entity_id, exc.message)
    return summary(kind, entity, names), None


def argument_spec():
    return dict(
        objects=dict(type='list', elements='str', default=[]),
        links=dict(type='list', elements='str', default=[]),
        history=dict(type='bool', default=False),
        since=dict(type='str'),
        until=dict(type='str'),
        page_size=dict(type='int', default=100),
        max_entries=dict(type='int', default=1000),
    )


MODULE_OPTIONS = dict(supports_check_mode=True)


def run(module):
    window = validate_input(module)
    module.result.update(objects=[], links=[], missing={'objects': [], 'links': []})
    if window is not None:
        module.result['window'] = window
    if not module.can_read:
        module.ansible.warn('check mode: session_id is the placeholder from a saymon_session task that ran in check mode; '
                            'nothing was read.')
        return
    names = module.api.states()
    if names is None:
        module.ansible.warn('SAYMON answered HTTP 404 for GET /node/api/states: state names are unknown (state_name is null).')
    refusals = []
    for kind, plural in KINDS:
        for entity_id in module.params[plural]:
            found, refusal = read_entity(module, kind, entity_id, names)
            if refusal:
                refusals.append(refusal)
                continue
            if window is not None:
                # A 404 here is no unknown ID: the entity was just read.
                found.update(read_history(module, kind, entity_id, names, window))
            module.result[plural].append(found)
    if refusals:
        module.fail('SAYMON does not know every ID asked for: %s' % ' | '.join(refusals))


def main():
    SaymonModule(argument_spec=argument_spec(), **MODULE_OPTIONS).run(run)


if __name__ == '__main__':
    main()
