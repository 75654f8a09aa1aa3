#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: enms_pool
short_description: Declare eNMS pools, from a list of devices or from device criteria, one per task or many in one bulk write
version_added: 1.2.0
description:
  - Creates, updates or deletes eNMS pools, identified by name. One pool with O(name) and its options, or many with
    O(pools) (a list of the same options, O(pools[].state) included) in one task. Connection options apply to all;
    a pool option at the top level together with O(pools) is refused.
  - A pool is either B(manually defined), a fixed list of devices (O(devices)), or B(computed) from criteria on the
    devices' properties (O(device_filters)), eNMS's own pool criteria. Give one of them, or neither to leave the
    members as they are.
  - The module reads each declared pool (C(GET /rest/instance/pool/<name>), one request each; two for a pool eNMS
    does not have yet) and writes the fields that differ, of every created and updated pool together, in one
    C(POST /rest/instance/pool) (eNMS creates or updates by name). After a write of a computed pool it asks eNMS once
    to recompute the members (C(POST /rest/update_all_pools), which recomputes every pool the user may edit, as
    eNMS's "Update all pools" does), then reads each written pool again and returns its members. A second run with
    the same declaration only reads and reports C(changed=false).
  - eNMS computes a pool only when asked. An unchanged computed pool returns the members eNMS holds, which do not
    include devices created since eNMS last recomputed it.
  - O(device_filters) declares the whole criteria set. A criterion the pool has in eNMS but O(device_filters) does not
    name is cleared.
  - Every problem is listed, one line each, before any request that writes, and then nothing is written. A name with
    a slash, a backslash or a quote (eNMS refuses them), O(pools[].devices) together with O(pools[].device_filters), a
    name declared twice, or a filter eNMS would misread is found before any request. A filter property that eNMS pools
    have no criterion for (eNMS would ignore it and the pool would select every device) and a device in O(devices)
    that eNMS does not have are found by reading (one search of the device names for every listed pool). A name eNMS
    cannot address in a request path (V(.), V(..)) is refused too.
  - Each regular expression of a computed pool to write is tried first by a read (C(POST /rest/search) of the devices
    with that criterion, as M(netops.bridge.enms_device_info) sends it). One eNMS's database cannot use is refused with
    eNMS's words before any pool is written, since written it would make every later "Update all pools" fail.
  - O(state=absent) deletes the pool with C(DELETE /rest/instance/pool/<name>); eNMS has no bulk delete and checks the
    password on every request (about 0.2 seconds each on eNMS 4.6), so the module sends up to 4 at a time.
  - The account is what eNMS confirmed, never the plan. eNMS answers a pool it could not write with HTTP 200 and a
    C(failure) entry; each fails the task, naming the pool and eNMS's words (in RV(refused)), while RV(created) and
    RV(updated) report what eNMS did write. When the answer does not say (an C(error) answer, an HTTP 5xx, after which a real
    eNMS has rolled the whole bulk write back; a connection dropped after the request was sent), the module reads the
    written pools back once and reports each as eNMS holds it, written or refused with the request's own words.
  - B(No delete is sent after a write eNMS did not fully confirm); the pools to delete are then reported in
    RV(not_attempted) and the task fails.
author:
  - netops.bridge maintainers (@netops)
extends_documentation_fragment:
  - netops.bridge.enms
  - netops.bridge.attributes
  - netops.bridge.attributes.enms_group
attributes:
  check_mode:
    support: full
    details:
      - The pools are read; nothing is written, and eNMS is not asked to recompute them. The members are then the
        declared list of a manually defined pool, and the current members of a computed one.
      - A device in O(devices) that eNMS does not have is a warning, not a failure, since an earlier task of the play
        may create it; the real run refuses it if it is still missing.
  diff_mode:
    support: full
    details:
      - The diff shows the pool's description, kind, criteria and members before and after. With O(pools), per pool
        (name to the pool) for each created, updated or deleted pool.
options:
  name:
    description: Name of the pool, its identity for this module. Required unless O(pools) is given.
    type: str
  state:
    description:
      - V(present) creates or updates the pool, V(absent) deletes it.
      - Not given, the pool is V(present). It has no declared default, since it must not be given together with
        O(pools) (each pool has its own O(pools[].state)).
    type: str
    choices: [present, absent]
  description:
    description: The pool's description. Left as it is when not given.
    type: str
  devices:
    description:
      - The names of the pool's devices, making it a manually defined pool holding exactly these.
      - Mutually exclusive with O(device_filters).
    type: list
    elements: str
  device_filters:
    description:
      - The pool's criteria, making it a computed pool. A mapping of a device property (V(vendor), V(name),
        V(ip_address), V(model), V(location), a custom property, ...) to V({value, match, invert}).
      - C(value) is a text, a number, or V(true)/V(false) for a boolean property. An empty text
        needs V(match=equality) (it selects the devices where the property is empty).
      - C(match) is V(inclusion) (the property contains the value; the default, case-insensitive on
        eNMS's default SQLite database), V(equality), or V(regex).
      - C(invert=true) selects the devices that do not match.
      - All criteria must hold for a device to be a member. An empty mapping leaves the pool without members.
      - Mutually exclusive with O(devices).
    type: dict
  pools:
    description:
      - Many pools in one task, each a dict of the pool options above (O(pools[].name) required). Each read, written
        in one request.
    type: list
    elements: dict
    version_added: 1.2.0
    suboptions:
      name:
        description: The pool's name.
        type: str
        required: true
      state:
        description: As O(state).
        type: str
        choices: [present, absent]
        default: present
      description:
        description: As O(description).
        type: str
      devices:
        description: As O(devices). Mutually exclusive with O(pools[].device_filters).
        type: list
        elements: str
      device_filters:
        description: As O(device_filters). Mutually exclusive with O(pools[].devices).
        type: dict
seealso:
  - module: netops.bridge.enms_device
  - module: netops.bridge.enms_device_info
  - module: netops.bridge.enms_service_run
'''

EXAMPLES = r'''
- name: A pool of the Arista devices of site 1
  netops.bridge.enms_pool:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    name: site1-arista
    description: Arista devices of site 1
    device_filters:
      vendor: {value: Arista, match: equality}
      name: {value: '^site1-', match: regex}
  register: site1_arista

- name: Show its members
  ansible.builtin.debug:
    var: site1_arista.devices

- name: A pool of exactly these devices
  netops.bridge.enms_pool:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    name: core-routers
    devices: [Washington, Atlanta]

- name: Remove a pool (its devices stay)
  netops.bridge.enms_pool:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    name: old-pool
    state: absent

- name: Every pool of the source of truth in one write
  netops.bridge.enms_pool:
    url: https://enms.example.com
    username: automation
    password: "{{ vault_enms_password }}"
    pools:
      - name: site1-spines
        devices: [site1-spine1, site1-spine2]
      - name: site1-arista
        device_filters:
          name: {value: '^site1-', match: regex}
          vendor: {value: Arista, match: equality}
      - name: site1-old
        state: absent
  register: written

- name: Show the members of each pool
  ansible.builtin.debug:
    msg: "{{ written.pools | dict2items | map(attribute='value.devices') | list }}"
'''

RETURN = r'''
devices:
  description:
    - The names of the pool's members, sorted; empty after O(state=absent).
    - After a change to a computed pool, the members eNMS computed; see the check mode attribute for check mode.
  returned: when O(name) is given (not with O(pools))
  type: list
  elements: str
  sample: [site1-leaf1, site1-spine1]
pool:
  description: The pool as declared, after the change; V(null) after O(state=absent).
  returned: when O(name) is given (not with O(pools))
  type: dict
  contains:
    name:
      description: The pool's name.
      type: str
      returned: always
    description:
      description: The pool's description.
      type: str
      returned: always
    manually_defined:
      description: V(true) for a fixed list of devices, V(false) for a pool computed from its criteria.
      type: bool
      returned: always
    device_filters:
      description: The pool's criteria in eNMS's terms (a boolean as V(bool-true)/V(bool-false), an empty text as V(match=empty)).
      type: dict
      returned: always
pools:
  description:
    - Each declared pool that is present, name to the pool as declared after the change (the keys of RV(pool)) and
      its C(devices) (as RV(devices)). A pool declared absent is not in it.
  returned: always
  type: dict
  version_added: 1.2.0
  sample: {site1-spines: {name: site1-spines, description: '', manually_defined: true, device_filters: {}, devices: [site1-spine1]}}
created:
  description: The pools eNMS confirmed it created (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  version_added: 1.2.0
  sample: [site1-arista]
updated:
  description: The pools eNMS confirmed it updated (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  version_added: 1.2.0
  sample: [site1-spines]
deleted:
  description: The pools eNMS confirmed it deleted (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  version_added: 1.2.0
  sample: [site1-old]
unchanged:
  description: The declared pools that were already as declared (or absent, for V(state=absent)).
  returned: always
  type: list
  elements: str
  version_added: 1.2.0
  sample: []
refused:
  description:
    - Each pool whose write or delete eNMS refused or rolled back, name to the server's words (eNMS's C(failure) or
      C(error) text, or the failed request's HTTP status and message). Empty in check mode and when every change was
      confirmed.
  returned: always
  type: dict
  version_added: 1.2.0
  sample: {site1-two: 'ValueError: refused'}
not_attempted:
  description:
    - The pools whose write or delete was never sent. The planned changes (and the declared pools with a problem) when
      the task found problems before any write; the deletes when eNMS did not confirm the write (no delete is sent
      then); the changes of a request that could not be sent at all.
  returned: always
  type: list
  elements: str
  version_added: 1.2.0
  sample: [site1-old]
missing_devices:
  description:
    - Each pool to write that lists devices eNMS does not have, pool name to those device names. In check mode they
      are a warning (an earlier task may create them), so that a caller that knows what it creates can tell the rest;
      in a real run they are a problem and nothing is written.
  returned: always
  type: dict
  version_added: 1.2.0
  sample: {site1-ghosts: [ghost]}
problems:
  description: Every problem found before any write, one line each, naming the pool (or its place in O(pools)); nothing was written.
  returned: when the task failed on them
  type: list
  elements: str
  version_added: 1.2.0
  sample: ["site1-ghosts: eNMS has no device named ghost."]
'''

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils.enms import (
    UNADDRESSABLE_NAMES, EnmsModule, FilterError, criteria_from_filters, unaddressable)

KIND = 'pool'
CRITERION_PREFIX = 'device_'
MATCH_SUFFIX = '_match'
UNSET_CRITERION = {'value': '', 'match': 'inclusion', 'invert': False}
# eNMS's factory refuses them in a name, and a slash would split the name in the URL path of a read.
FORBIDDEN_IN_NAMES = '/\\\'"'
POOL_OPTIONS = ('name', 'state', 'description', 'devices', 'device_filters')
PARTLY_NOTE = ' (eNMS keeps the fields of an existing pool it set before a failure: run again once the cause is fixed)'
NOT_SENT_AFTER_FAILURE = 'not sent, since eNMS did not write every pool'


def criterion_properties(record):
    """The device properties a pool record has criteria for (its ``device_<property>_match`` columns)."""
    return set(key[len(CRITERION_PREFIX):-len(MATCH_SUFFIX)] for key in record
               if key.startswith(CRITERION_PREFIX) and key.endswith(MATCH_SUFFIX))


def active_criteria(record):
    """The criteria eNMS's compute_pool applies: a property with a value, or with the match ``empty``."""
    found = {}
    for name in criterion_properties(record):
        value = record.get(CRITERION_PREFIX + name) or ''
        match = record.get(CRITERION_PREFIX + name + MATCH_SUFFIX) or 'inclusion'
        if value or match == 'empty':
            found[name] = {'value': to_text(value), 'match': match,
                           'invert': bool(record.get(CRITERION_PREFIX + name + '_invert'))}
    return found


def wanted_criteria(device_filters):
    """``device_filters`` as the pool stores them, through the same translation as a device search."""
    criteria = criteria_from_filters(device_filters, 'device_filters', pools=False)
    return dict((name, {'value': to_text(criteria[name]), 'match': criteria[name + '_filter'], 'invert': criteria[name + '_invert']})
                for name in device_filters)


def pool_view(record, name):
    members = record.get('devices')
    return {'name': name, 'description': to_text(record.get('description') or ''),
            'manually_defined': bool(record.get('manually_defined')), 'device_filters': active_criteria(record),
            'devices': sorted(to_text(member) for member in members) if isinstance(members, list) else []}


def wanted_view(params, current):
    """The pool as declared: what the options give, the rest as eNMS has it (or its defaults for a new pool)."""
    new_pool = {'name': params['name'], 'description': '', 'manually_defined': False, 'device_filters': {}, 'devices': []}
    after = dict(current or new_pool)
    if params['description'] is not None:
        after['description'] = params['description']
    if params['devices'] is not None:
        after.update(manually_defined=True, devices=sorted(set(params['devices'])))
    elif params['device_filters'] is not None:
        after.update(manually_defined=False, device_filters=wanted_criteria(params['device_filters']))
    return after


def request_body(current, after):
    """The fields of ``after`` that differ from ``current``, in eNMS's pool columns; criteria to drop are cleared."""
    body = {'name': after['name']}
    before = current or {}
    if after['description'] != before.get('description'):
        body['description'] = after['description']
    if after['manually_defined'] != before.get('manually_defined'):
        body['manually_defined'] = after['manually_defined']
    if after['manually_defined'] and after['devices'] != before.get('devices'):
        body['devices'] = after['devices']
    if not after['manually_defined'] and after['device_filters'] != before.get('device_filters'):
        dropped = set(before.get('device_filters') or {}) - set(after['device_filters'])
        for name in sorted(dropped) + sorted(after['device_filters']):
            wanted = after['device_filters'].get(name, UNSET_CRITERION)
            body[CRITERION_PREFIX + name] = wanted['value']
            body[CRITERION_PREFIX + name + MATCH_SUFFIX] = wanted['match']
            body[CRITERION_PREFIX + name + '_invert'] = wanted['invert']
    return body


def pool_spec(top_level):
    return dict(name=dict(type='str', required=not top_level),
                state=dict(type='str', choices=['present', 'absent'], default=None if top_level else 'present'),
                description=dict(type='str'), devices=dict(type='list', elements='str'), device_filters=dict(type='dict'))


def declared_pools(params):
    """The declared pools, as dicts of the pool options; the problems found without a request, as lines."""
    given = [option for option in POOL_OPTIONS if params.get(option) is not None]
    if params['pools'] is not None:
        if given:
            return [], ['%s cannot be given together with pools: give it in each pool (connection options apply to all).'
                        % ', '.join(given)]
        declared = [dict(pool) for pool in params['pools']]
    elif params['name'] is None:
        return [], ['name or pools is required.']
    else:
        declared = [dict((option, params.get(option)) for option in POOL_OPTIONS)]
        declared[0]['state'] = declared[0]['state'] or 'present'
    return declared, problems_of(declared)


def label_of(declared, index):
    name = declared[index]['name']
    if name is not None and not unaddressable(name):
        return name
    return 'pools[%d]' % index if len(declared) > 1 else 'the pool'


def entry_problems(pool):
    """What is wrong with one declared pool, found without a request."""
    name = pool['name']
    if not name.strip():
        return ['name must not be empty.']
    if set(FORBIDDEN_IN_NAMES) & set(name):
        return ['eNMS names cannot contain a slash, a backslash or a quote, got %r.' % name]
    if name in UNADDRESSABLE_NAMES:
        return ['name %r %s.' % (name, unaddressable(name))]
    if pool['state'] == 'absent':
        return []
    if pool['devices'] is not None and pool['device_filters'] is not None:
        return ['devices and device_filters are mutually exclusive (a pool is either a list of devices or computed).']
    try:
        wanted_criteria(pool['device_filters'] or {})
    except FilterError as exc:
        return [to_text(exc)]
    return []


def problems_of(declared):
    """Every problem of the declaration that needs no request, one line each, naming the pool."""
    problems, seen = [], {}
    for index, pool in enumerate(declared):
        label = label_of(declared, index)
        problems.extend('%s: %s' % (label, line) for line in entry_problems(pool))
        if pool['name'] in seen:
            problems.append('%s: declared twice (pools[%d] and pools[%d]).' % (label, seen[pool['name']], index))
        seen.setdefault(pool['name'], index)
    return problems


def plan(declared, existing):
    """What to write: {'writes': [body], 'deletes': [name], 'created', 'updated', 'deleted', 'unchanged', 'views':
    {name: the pool as declared}, 'before', 'after' (the diff of each changed pool)}. ``existing`` maps a declared
    name to eNMS's record of the pool, or None."""
    steps = dict(writes=[], deletes=[], created=[], updated=[], deleted=[], unchanged=[], views={}, before={}, after={})
    for pool in declared:
        name = pool['name']
        current = pool_view(existing[name], name) if existing.get(name) is not None else None
        if pool['state'] == 'absent':
            if current is None:
                steps['unchanged'].append(name)
            else:
                steps['deletes'].append(name)
                steps['deleted'].append(name)
                steps['before'][name] = current
            continue
        after = wanted_view(pool, current)
        steps['views'][name] = after
        body = request_body(current, after)
        if current is not None and len(body) == 1:
            steps['unchanged'].append(name)
            continue
        steps['updated' if current is not None else 'created'].append(name)
        steps['writes'].append(body)
        if current is not None:
            steps['before'][name] = current
        steps['after'][name] = after
    return steps


def criteria_problems(module, steps, existing):
    """The computed pools whose criteria name a property eNMS pools have no criterion for (eNMS would ignore it and the
    pool would select every device). A new pool learns the criteria from another pool, one read for all of them."""
    computed = [(name, view) for name, view in sorted(steps['views'].items())
                if view['device_filters'] and not view['manually_defined']]
    new = set(key for name, view in computed if existing.get(name) is None for key in view['device_filters'])
    learnt = criteria_of_other_pools(module, new) if new else None
    problems = []
    for name, view in computed:
        known = criterion_properties(existing[name]) if existing.get(name) is not None else learnt
        unknown = sorted(set(view['device_filters']) - known) if known is not None else []
        if unknown:
            problems.append('%s: eNMS pools have no criterion for the device propert%s %s; eNMS would ignore %s and select '
                            'every device.' % (name, 'y' if len(unknown) == 1 else 'ies', ', '.join(unknown),
                                               'it' if len(unknown) == 1 else 'them'))
    return problems


def device_problems(module, writes):
    """The written pools that list a device eNMS does not have: one read of every device name for all of them."""
    listing = [body for body in writes if 'devices' in body]
    if not listing:
        return []
    known = set(to_text(record.get('name')) for record in module.api.search('device', ['name']))
    problems = []
    for body in listing:
        unknown = sorted(set(body['devices']) - known)
        if not unknown:
            continue
        module.result['missing_devices'][body['name']] = unknown
        if module.check_mode:
            # An earlier task of the same play may create them: the plan says so, the real run refuses what is still missing.
            module.ansible.warn('%s: eNMS has no device named %s (yet); the real run refuses the pool unless an earlier task '
                                'creates it.' % (body['name'], ', '.join(unknown)))
            continue
        problems.append('%s: eNMS has no device named %s.' % (body['name'], ', '.join(unknown)))
    return problems


def regex_problems(module, steps):
    """The computed pools to write whose regex eNMS's database cannot use: each regex tried once by a read
    (``POST /rest/search`` with that criterion, as enms_device_info sends it), so that no pool is written that would
    make eNMS's "Update all pools" fail."""
    tried, problems = {}, []
    for body in steps['writes']:
        view = steps['views'][body['name']]
        if view['manually_defined']:
            continue
        for prop, wanted in sorted(view['device_filters'].items()):
            if wanted['match'] != 'regex':
                continue
            key = (prop, wanted['value'])
            if key not in tried:
                tried[key] = regex_refusal(module, prop, wanted['value'])
            if tried[key]:
                problems.append('%s: device_filters.%s %r: %s' % (body['name'], prop, wanted['value'], tried[key]))
    return problems


def regex_refusal(module, prop, value):
    """eNMS's words when it cannot search the devices with the regex ``value`` on ``prop``, or None."""
    try:
        module.api.search_page('device', ['name'], {prop: value, prop + '_filter': 'regex', prop + '_invert': False}, 0, 1)
    except ApiError as exc:
        if exc.status == 500:
            return exc.message
        raise
    return None


def criteria_of_other_pools(module, wanted):
    """Which of ``wanted`` eNMS pools have criteria for, learnt from one pool (eNMS creates three at setup) asked for
    their ``device_<property>_match`` columns; None when eNMS has no pool at all."""
    columns = ['name'] + [CRITERION_PREFIX + name + MATCH_SUFFIX for name in sorted(wanted)]
    for other in module.api.search_page(KIND, columns, {}, 0, 1):
        return criterion_properties(other)
    return None


def post_pools(api, bodies):
    return api.post_instances(KIND, bodies)[1]


def held_as_declared(module, steps, names):
    """Of ``names``, the pools eNMS holds as declared: one read of each."""
    held = []
    for name in names:
        stored = module.api.instance(KIND, name)
        if stored is not None and len(request_body(pool_view(stored, name), steps['views'][name])) == 1:
            held.append(name)
    return held


def gone(module, names):
    return [name for name in names if module.api.instance(KIND, name) is None]


def write(module, steps):
    """One POST of every created and updated pool, its account kept in ``steps`` and the result: the refusals as lines."""
    account = module.bulk_write(lambda bodies: post_pools(module.api, bodies), steps['writes'],
                                lambda names: held_as_declared(module, steps, names))
    done = set(account.written)
    partly = account.partly_refused(steps['updated'])
    steps['created'] = [name for name in steps['created'] if name in done]
    steps['updated'] = [name for name in steps['updated'] if name in done]
    steps['refused'].update(account.refused)
    steps['not_attempted'].extend(account.not_attempted)
    module.result['changed'] = bool(done) or bool(partly)
    lines = account.failure_lines()
    if partly:
        lines[-1] += PARTLY_NOTE
    return lines, account.failed_request


def verify_kept(after, stored):
    """eNMS drops a criterion on a property it has no column for without a word: what it stored must be what was sent."""
    if stored is None:
        return 'eNMS does not have the pool after writing it'
    if not after['manually_defined'] and active_criteria(stored) != after['device_filters']:
        return 'eNMS did not keep the criteria of pool %r as written (written %r, stored %r)' % (
            after['name'], after['device_filters'], active_criteria(stored))
    return None


def read_back(module, steps, written):
    """Recompute the members once if a written pool is computed, then read each written pool: its members, and
    whether eNMS kept its criteria. Returns the failures as lines."""
    if any(not steps['views'][name]['manually_defined'] for name in written):
        module.api.update_all_pools()
    failures = []
    for name in written:
        stored = module.api.instance(KIND, name)
        problem = verify_kept(steps['views'][name], stored)
        if problem:
            failures.append('%s: %s' % (name, problem))
            continue
        steps['views'][name]['devices'] = pool_view(stored, name)['devices']
    return failures


def report(module, steps, single):
    """The account, each pool as declared (with its members), and for one pool its keys of old: ``pool`` and ``devices``.
    A pool eNMS did not create is not in it."""
    missing = set(steps['refused']) | set(steps['not_attempted'])
    views = dict((name, dict(view)) for name, view in steps['views'].items()
                 if name not in missing or name in steps['updated_before'])
    module.result.update(created=steps['created'], updated=steps['updated'], deleted=steps['deleted'],
                         unchanged=steps['unchanged'], refused=dict(steps['refused']), not_attempted=list(steps['not_attempted']),
                         pools=views)
    if single is None:
        module.result['diff'] = {'before': steps['before'], 'after': steps['after']}
        return
    view = views.get(single['name'])
    module.result.update(pool=dict((k, v) for k, v in view.items() if k != 'devices') if view else None,
                         devices=view['devices'] if view else [])
    # One pool: the diff of old, the pool itself before and after.
    before = single['current']
    module.result['diff'] = {'before': before or {}, 'after': steps['views'].get(single['name']) or {}}


def planned(steps):
    return steps['created'] + steps['updated'] + steps['deleted']


def run(module):
    module.result.update(created=[], updated=[], deleted=[], unchanged=[], refused={}, not_attempted=[], pools={},
                         missing_devices={})
    declared, problems = declared_pools(module.params)
    if not declared and not problems:
        # Nothing declared: nothing to read.
        return
    # The pools that can be read are read and planned even when another has a problem, so that every problem is listed.
    readable, existing = [], {}
    for pool in declared:
        if not entry_problems(pool) and pool['name'] not in existing:
            readable.append(pool)
            existing[pool['name']] = module.api.instance(KIND, pool['name'])
    steps = plan(readable, existing)
    steps.update(refused={}, not_attempted=[], updated_before=list(steps['updated']))
    single = None
    if module.params['pools'] is None and readable:
        found = existing.get(readable[0]['name'])
        single = {'name': readable[0]['name'], 'current': pool_view(found, readable[0]['name']) if found is not None else None}
    problems += criteria_problems(module, steps, existing) + regex_problems(module, steps) + device_problems(module, steps['writes'])
    if problems:
        steps['not_attempted'] = planned(steps) + [pool['name'] for pool in declared if entry_problems(pool) and pool['name']]
        steps.update(created=[], updated=[], deleted=[])
        report(module, steps, single)
        module.fail('Nothing was written, %d problem(s): %s' % (len(problems), '; '.join(problems)), problems=problems)
    if module.check_mode:
        module.result['changed'] = bool(steps['writes'] or steps['deletes'])
        report(module, steps, single)
        return
    failures, failed_request, unkept = [], None, []
    if steps['writes']:
        failures, failed_request = write(module, steps)
        report(module, steps, single)
        unkept = read_back(module, steps, steps['created'] + steps['updated'])
    if failures:
        # A module does not delete after its write failed: the declaration is not what eNMS holds.
        steps['not_attempted'].extend(steps['deletes'])
        steps['deleted'] = []
        if steps['deletes']:
            failures.append('%s: %s' % (', '.join(steps['deletes']), NOT_SENT_AFTER_FAILURE))
    else:
        deleted = module.delete_instances(KIND, steps['deletes'], lambda names: gone(module, names))
        steps['deleted'] = deleted.written
        steps['refused'].update(deleted.refused)
        steps['not_attempted'].extend(deleted.not_attempted)
        failures = deleted.failure_lines()
    count = len(steps['refused']) + len(steps['not_attempted'])
    failures.extend(unkept)
    report(module, steps, single)
    if failures:
        extra = failed_request.as_result() if failed_request is not None else {}
        module.fail('eNMS did not write %d pool(s): %s' % (count or len(failures), '; '.join(failures)), **extra)


def main():
    spec = pool_spec(top_level=True)
    spec['pools'] = dict(type='list', elements='dict', options=pool_spec(top_level=False))
    module = EnmsModule(argument_spec=spec, mutually_exclusive=[('devices', 'device_filters')], supports_check_mode=True)
    module.run(run)


if __name__ == '__main__':
    main()
