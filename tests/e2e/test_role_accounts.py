# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One oracle for every role: each role's account, after a fault on its first, middle or last write (HTTP 500, HTTP
403, or the connection dropped after the server acted), is what the emulators' request logs say the server did, and
with no fault --check plans exactly the writes the real run makes (role_oracle.py says how the oracle judges).

An adapter per role: a declaration with at least three writes, the emulators' seeds, the write routes, the writes in
the order the role sends them, the writes the role still makes after a failure (network_change's operations after the
change), and two readers: the objects a logged request wrote, and the role's account as {object: outcome}."""

from __future__ import absolute_import, division, print_function

import json
import re
import textwrap

import pytest

from conftest import enms_env, omn_env, saymon_env, zitadel_env
from emulators.saymon import (LINK_L1, LINK_L2, OBJECT_O1, OP_CLEAR_MAINTENANCE, OP_L2_SET_MAINTENANCE, OP_PING,
                              OP_SET_MAINTENANCE)
from role_oracle import (DONE, FAILED, FAULTS, NOT_ATTEMPTED, POSITIONS, UNKNOWN, judge, position_index, refusal_words,
                         request_outcome, strike, write_requests)

ENVIRONMENTS = {'saymon': saymon_env, 'enms': enms_env, 'omn': omn_env, 'zitadel': zitadel_env}
SAYMON_WRITES = frozenset(['execute_link_operation', 'execute_object_operation'])
ENMS_RUN_WRITES = frozenset(['run_service'])


def play(role_vars, role, save):
    """The role under test in a block whose always saves its account, also when the role fails the play."""
    return textwrap.dedent('''\
        - hosts: localhost
          gather_facts: false
          vars:
        %s
          tasks:
            - name: Run the role
              block:
                - name: The role under test
                  ansible.builtin.include_role:
                    name: netops.bridge.%s
              always:
                - name: Save the account
                  ansible.builtin.copy:
                    content: "{{ %s | to_json }}"
                    dest: "{{ results_file }}"
                    mode: "0600"
                  check_mode: false
                  changed_when: false
        ''') % (textwrap.indent(textwrap.dedent(role_vars).strip('\n'), ' ' * 4), role, save)


def saymon_status(row):
    """A row of saymon_operations_summary as an outcome (the plan's 'would run' is what the run would do)."""
    if row['status'] in ('ok', 'not waited', 'would run'):
        return DONE
    if row['status'] == 'not attempted':
        return NOT_ATTEMPTED
    if row['status'] == 'outcome unknown':
        return UNKNOWN
    return FAILED


def saymon_row_words(row):
    return ' '.join(str(row.get(key) or '') for key in ('message', 'stdout'))


def service_account(summary, key):
    """enms_service_summary as {(key, device): outcome}, messages; in check mode the devices of the runs it would make."""
    account, messages = {}, {}
    for run in summary['runs']:
        if summary['check_mode'] and run.get('would_run'):
            for device in run['devices']:
                account[(key, device)] = DONE
        for device in run['devices']:
            messages[(key, device)] = ' '.join(str(run.get(field) or '') for field in ('error', 'errors'))
    for device in summary['succeeded']:
        account[(key, device)] = DONE
    for device in summary['failed'] + summary.get('refused', []):
        account[(key, device)] = FAILED
    for device in summary['not_run']:
        account[(key, device)] = NOT_ATTEMPTED
    for device in summary.get('outcome_unknown', []):
        account[(key, device)] = UNKNOWN
    return account, messages


def run_service_objects(key, entry):
    return [(key, device) for device in json.loads(entry['body'])['devices']]


class Adapter(object):
    role = None
    emulators = ()
    role_vars = ''
    save = None
    # The write requests in the order the role sends them: (emulator, objects the request writes).
    writes = ()
    # {struck write: the later writes the role still makes after it failed}; any other write after a failure is a defect.
    continues = {}

    def write_routes(self, emulator):
        raise NotImplementedError

    def seed(self, emulators):
        pass

    def objects_of(self, emulator, entry):
        raise NotImplementedError

    def account(self, results):
        """({object: outcome}, {object: the account's words about it})."""
        raise NotImplementedError

    def planned(self):
        return [name for _emulator, objects in self.writes for name in objects]


class SaymonOperations(Adapter):
    role = 'saymon_operations'
    emulators = ('saymon',)
    role_vars = '''
        saymon_operations_poll_interval: 0.2
        saymon_operations_list:
          - {link_id: "%s", operation_name: set-maintenance}
          - {object_id: "%s", operation_name: ping}
          - {link_id: "%s", operation_name: set-maintenance}
        ''' % (LINK_L1, OBJECT_O1, LINK_L2)
    save = 'saymon_operations_summary'
    keys = (('execute', 'L1 set-maintenance'), ('execute', 'O1 ping'), ('execute', 'L2 set-maintenance'))
    by_path = {(LINK_L1, OP_SET_MAINTENANCE): keys[0], (OBJECT_O1, OP_PING): keys[1], (LINK_L2, OP_L2_SET_MAINTENANCE): keys[2]}
    writes = tuple(('saymon', [key]) for key in keys)

    def write_routes(self, emulator):
        return SAYMON_WRITES

    def objects_of(self, emulator, entry):
        entity, op_id = re.search(r'/(?:links|objects)/([^/]+)/operations/([^/]+)/execute$', entry['path']).groups()
        return [self.by_path[(entity, op_id)]]

    def account(self, results):
        rows = results or []
        return (dict((key, saymon_status(row)) for key, row in zip(self.keys, rows)),
                dict((key, saymon_row_words(row)) for key, row in zip(self.keys, rows)))


class EnmsService(Adapter):
    role = 'enms_service'
    emulators = ('enms',)
    role_vars = '''
        enms_service_name: Configuration Backup
        enms_service_devices: [Washington, Atlanta, Boston]
        enms_service_batch_size: 1
        enms_service_poll_interval: 0.2
        '''
    save = 'enms_service_summary'
    writes = tuple(('enms', [('run', device)]) for device in ('Washington', 'Atlanta', 'Boston'))

    def seed(self, emulators):
        # Every device succeeds, so that a failure is the fault's alone.
        emulators['enms'].seed.update(failing_devices=[], run_delay=0.2, row_delay=0.1)

    def write_routes(self, emulator):
        return ENMS_RUN_WRITES

    def objects_of(self, emulator, entry):
        return run_service_objects('run', entry)

    def account(self, results):
        return service_account(results, 'run')


class OmnProjectPeos(Adapter):
    role = 'omn_project_peos'
    emulators = ('omn',)
    # acc0000232 holds peo-0001 and peo-0002: exact mode links three PEOs in one request, then unlinks two in another.
    role_vars = '''
        omn_project_peos_project_tid: acc0000232
        omn_project_peos_peo_tids: [peo-0004, peo-0005, peo-0006]
        omn_project_peos_mode: exact
        '''
    save = 'omn_project_peos_summary'
    writes = (('omn', [('link', 'peo-0004'), ('link', 'peo-0005'), ('link', 'peo-0006')]),
              ('omn', [('unlink', 'peo-0001'), ('unlink', 'peo-0002')]))

    def write_routes(self, emulator):
        return frozenset(['links_persist', 'links_perform'])

    def objects_of(self, emulator, entry):
        action = 'link' if entry['route'] == 'links_persist' else 'unlink'
        return [(action, tid) for tid in re.findall(r'key="peoTid">([^<]*)<', entry['body'])]

    def account(self, results):
        account, messages = {}, {}
        for action in ('linked', 'unlinked'):
            for tid in results.get(action, []):
                account[(action[:-2], tid)] = DONE
        for row in results.get('failed', []):
            account[(row['action'], row['peo_tid'])] = UNKNOWN if 'may have applied' in row.get('reason', '') else FAILED
            messages[(row['action'], row['peo_tid'])] = '%s %s' % (row.get('reason'), results.get('error'))
        for line in results.get('not_attempted', []):
            action, tid = line.split(' ', 1)
            account[(action, tid)] = NOT_ATTEMPTED
        return account, messages


def condition_key(condition):
    return ('execution', json.dumps(condition, sort_keys=True))


class ZitadelActions(Adapter):
    role = 'zitadel_actions'
    emulators = ('zitadel',)
    role_vars = '''
        zitadel_actions_targets:
          - {name: user-checks, endpoint: "https://hooks.example.com/u", target_type: webhook, interrupt_on_error: true, timeout: 10s}
          - {name: audit-log, endpoint: "https://hooks.example.com/a", target_type: async, timeout: 5s}
        zitadel_actions_executions:
          - condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
            targets: [user-checks, audit-log]
          - condition: {event: {group: user.human}}
            targets: [audit-log]
        '''
    save = "{'summary': zitadel_actions_summary, 'steps': (zitadel_actions_plan or {}).steps | default([])}"
    writes = (('zitadel', [('target', 'user-checks')]), ('zitadel', [('target', 'audit-log')]),
              ('zitadel', [condition_key({'request': {'method': '/zitadel.user.v2.UserService/AddHumanUser'}})]),
              ('zitadel', [condition_key({'event': {'group': 'user.human'}})]))

    def write_routes(self, emulator):
        return frozenset('v2 %s' % name for name in ('create_target', 'update_target', 'delete_target', 'set_execution',
                                                     'add_public_key', 'activate_public_key', 'deactivate_public_key', 'remove_public_key'))

    def objects_of(self, emulator, entry):
        body = json.loads(entry['body'] or '{}')
        if entry['route'].endswith('set_execution'):
            return [condition_key(body['condition'])]
        return [('target', body.get('name'))]

    @staticmethod
    def step_key(step):
        if step['kind'] in ('execution', 'prune'):
            return condition_key(step['item']['condition'])
        return ('target' if step['kind'] in ('target', 'remove') else step['kind'], step['item']['name'])

    def account(self, results):
        summary = results['summary'] or {}
        keys = dict((step['label'], self.step_key(step)) for step in results['steps'])
        account, messages = {}, {}
        for name in summary.get('targets_changed', []) + summary.get('targets_removed', []):
            account[('target', name)] = DONE
        for condition in summary.get('executions_changed', []) + summary.get('executions_pruned', []):
            account[condition_key(condition)] = DONE
        if summary.get('failed'):
            key = keys.get(summary['failed']['step'], ('unknown step', summary['failed']['step']))
            account[key] = FAILED
            messages[key] = summary['failed']['reason']
        for step in summary.get('not_attempted', []):
            account[keys.get(step, ('unknown step', step))] = NOT_ATTEMPTED
        return account, messages


class NetworkChange(Adapter):
    role = 'network_change'
    emulators = ('saymon', 'enms')
    role_vars = '''
        network_change_name: CHG-7
        network_change_before:
          - {link_id: "%s", operation_name: set-maintenance}
        network_change_service: Configuration Backup
        network_change_devices: [Washington, Atlanta]
        network_change_after:
          - {link_id: "%s", operation_name: clear-maintenance}
        network_change_poll_interval: 0.2
        ''' % (LINK_L1, LINK_L1)
    save = 'network_change_summary'
    before, after = ('before', 'set-maintenance'), ('after', 'clear-maintenance')
    writes = (('saymon', [before]), ('enms', [('change', 'Washington'), ('change', 'Atlanta')]), ('saymon', [after]))
    # The README: a failed operation before the change skips the change; the operations after it run whatever happened.
    continues = {1: [3], 2: [3]}

    def seed(self, emulators):
        emulators['enms'].seed.update(run_delay=0.2, row_delay=0.1)

    def write_routes(self, emulator):
        return SAYMON_WRITES if emulator == 'saymon' else ENMS_RUN_WRITES

    def objects_of(self, emulator, entry):
        if emulator == 'enms':
            return run_service_objects('change', entry)
        return [{OP_SET_MAINTENANCE: self.before, OP_CLEAR_MAINTENANCE: self.after}[entry['path'].split('/')[-2]]]

    def account(self, results):
        # The refusal's words must reach the change's final account (failures), whole: the lines AWX users read.
        account, messages = {}, {}
        failures = '\n'.join(results.get('failures') or [])
        for phase, planned in (('before', self.before), ('after', self.after)):
            rows = results.get(phase) or []
            if not rows:
                account[planned] = NOT_ATTEMPTED
            for row in rows:
                key = (phase, row['operation'])
                account[key] = saymon_status(row)
                messages[key] = failures
        if results.get('change'):
            account_change, messages_change = service_account(results['change'], 'change')
            account.update(account_change)
            messages.update(dict((key, failures) for key in messages_change))
        else:
            account.update(dict((('change', device), NOT_ATTEMPTED) for device in ('Washington', 'Atlanta')))
        for key in ('change', 'Washington'), ('change', 'Atlanta'):
            messages.setdefault(key, failures)
        return account, messages


class EnmsInventory(Adapter):
    role = 'enms_inventory'
    emulators = ('enms',)
    # site1-a is updated and site1-new created in one request, site1-old (undeclared, in the scope) deleted, then the pool.
    role_vars = '''
        enms_inventory_devices:
          - {name: site1-new, ip_address: 10.1.0.2, vendor: Cisco}
          - {name: site1-a, ip_address: 10.1.0.1, vendor: Juniper}
        enms_inventory_pools:
          - {name: site1-pool, devices: [site1-new, site1-a]}
        enms_inventory_prune: true
        enms_inventory_prune_scope:
          name: {value: '^site1-', match: regex}
        '''
    save = 'enms_inventory_summary'
    writes = (('enms', [('device', 'created', 'site1-new'), ('device', 'updated', 'site1-a')]),
              ('enms', [('device', 'deleted', 'site1-old')]),
              ('enms', [('pool', 'created', 'site1-pool')]))
    seeded = ('site1-a', 'site1-old')

    def seed(self, emulators):
        devices = emulators['enms'].seed['devices']
        devices['site1-a'] = {'ip_address': '10.1.0.1', 'vendor': 'Arista'}
        devices['site1-old'] = {'ip_address': '10.1.0.9', 'vendor': 'Arista'}

    def write_routes(self, emulator):
        # POST /rest/update_all_pools recomputes pools from their criteria: it writes no declared object, so it is no write
        # position (the role sends it after the devices or the pools, depending on its version and the pools).
        return frozenset(['update_instance', 'delete_instance', 'update_pools', 'delete_pool'])

    def device_key(self, name):
        return ('device', 'updated' if name in self.seeded else 'created', name)

    def objects_of(self, emulator, entry):
        if entry['route'] == 'delete_instance':
            return [('device', 'deleted', entry['path'].rsplit('/', 1)[1])]
        if entry['route'] == 'delete_pool':
            return [('pool', 'deleted', entry['path'].rsplit('/', 1)[1])]
        body = json.loads(entry['body'])
        names = [record['name'] for record in (body if isinstance(body, list) else [body])]
        if entry['route'] == 'update_pools':
            return [('pool', 'created', name) for name in names]
        return [self.device_key(name) for name in names]

    def kind_key(self, kind, name):
        if kind == 'device':
            return ('device', 'deleted', name) if name == 'site1-old' else self.device_key(name)
        return ('pool', 'created', name)

    def account(self, results):
        account, messages = {}, {}
        words = ' '.join(results.get('failed', [])) + ' ' + str(results.get('error'))
        for kind in ('device', 'pool'):
            for outcome in ('created', 'updated', 'deleted'):
                for name in results.get(kind + 's', {}).get(outcome, []):
                    account[(kind, outcome, name)] = DONE
            refused = results.get(kind + 's', {}).get('refused', {})
            for name in refused:
                account[self.kind_key(kind, name)] = FAILED
                messages[self.kind_key(kind, name)] = '%s %s' % (refused[name] if isinstance(refused, dict) else '', words)
            for name in results.get(kind + 's', {}).get('not_attempted', []):
                account[self.kind_key(kind, name if isinstance(name, str) else name.get('name'))] = NOT_ATTEMPTED
        for line in results.get('not_attempted', []):
            if line.startswith('devices: '):
                for name in line[len('devices: '):].split(', '):
                    account.setdefault(self.kind_key('device', name), NOT_ATTEMPTED)
            elif line.startswith('pool '):
                account.setdefault(self.kind_key('pool', line[len('pool '):]), NOT_ATTEMPTED)
        # An account without 'refused' (before 1.2.0) names no refused object: a failed write stands for the declared
        # objects it leaves unaccounted.
        for line in results.get('failed', []):
            kind = 'device' if line.startswith('devices:') else 'pool'
            for name in self.planned():
                if name[0] == kind and name not in account and 'refused' not in results.get(kind + 's', {}):
                    account[name] = FAILED
        for name in self.planned():
            messages.setdefault(name, words)
        return account, messages


ADAPTERS = dict((adapter.role, adapter) for adapter in (SaymonOperations(), EnmsService(), OmnProjectPeos(), ZitadelActions(),
                                                        NetworkChange(), EnmsInventory()))


def cases():
    for role, adapter in ADAPTERS.items():
        for position in POSITIONS:
            index = position_index(position, len(adapter.writes))
            if index is None:
                continue
            for fault in FAULTS:
                yield pytest.param(role, index, fault, id='%s-%s-%s' % (role, position, fault))


@pytest.fixture
def emulators(request):
    """The emulators of the role, each reset to the adapter's seed."""
    adapter = ADAPTERS[request.node.callspec.params['role']]
    found = dict((name, request.getfixturevalue(name)) for name in adapter.emulators)
    adapter.seed(found)
    for emulator in found.values():
        emulator.reset()
    return found


def environment(found):
    env = {}
    for name, emulator in found.items():
        env.update(ENVIRONMENTS[name](emulator))
    return env


def logged_writes(adapter, found):
    """[(emulator, objects, outcome)] of every write request, emulator by emulator, and {object: [outcome, ...]}."""
    sent, requests = {}, []
    for name, emulator in found.items():
        for entry in write_requests(emulator, adapter.write_routes(name)):
            objects = adapter.objects_of(name, entry)
            requests.append((name, objects, request_outcome(entry)))
            for found_object in objects:
                sent.setdefault(found_object, []).append(request_outcome(entry))
    return requests, sent


READS = re.compile(r'search|query|retrieve|list')


def read_after_fault(emulator):
    """Whether the emulator served a read after the request the fault struck (a role confirming what it cannot know)."""
    entries = emulator.requests()
    struck = [position for position, entry in enumerate(entries) if entry.get('fault')]
    return bool(struck) and any(entry['method'] == 'GET' or READS.search(entry['route'] or '')
                                for entry in entries[struck[0] + 1:] if entry['method'] in ('GET', 'POST'))


def run_role(ansible, adapter, found, args=()):
    return ansible.playbook(play(adapter.role_vars, adapter.role, adapter.save), env=environment(found), args=list(args))


@pytest.mark.parametrize('role', sorted(ADAPTERS))
def test_check_plans_exactly_the_writes_the_run_makes(role, emulators, ansible):
    adapter = ADAPTERS[role]
    plan = run_role(ansible, adapter, emulators, ['--check'])
    assert plan.rc == 0, plan
    assert logged_writes(adapter, emulators)[0] == [], 'check mode sent writes'
    planned = sorted(name for name, outcome in adapter.account(plan.results)[0].items() if outcome == DONE)
    # The plan shows itself as the run will: changed in the recap.
    assert plan.recap['localhost']['changed'] > 0, 'the plan of %d write(s) is reported unchanged: %s' % (len(planned), plan.recap)
    for emulator in emulators.values():
        emulator.reset()

    run = run_role(ansible, adapter, emulators)
    assert run.rc == 0, run
    requests, sent = logged_writes(adapter, emulators)
    for name in emulators:
        assert [sorted(objects) for emulator, objects, _outcome in requests if emulator == name] == \
            [sorted(objects) for emulator, objects in adapter.writes if emulator == name], 'the adapter\'s writes to %s are not the run\'s' % name
    account, _messages = adapter.account(run.results)
    assert planned == sorted(sent) == sorted(name for name, outcome in account.items() if outcome == DONE)
    assert judge(adapter.planned(), sent, account, {}, None) == []


@pytest.mark.parametrize('role, index, fault', list(cases()))
def test_account_after_a_fault_is_what_the_server_did(role, index, fault, emulators, ansible):
    adapter = ADAPTERS[role]
    target = adapter.writes[index - 1][0]
    skip = len([name for name, _objects in adapter.writes[:index - 1] if name == target])
    strike(emulators[target], adapter.write_routes(target), skip, index, fault)

    run = run_role(ansible, adapter, emulators)
    struck = [adapter.objects_of(target, entry) for entry in write_requests(emulators[target], adapter.write_routes(target))
              if entry.get('fault')]
    # Else the case proves nothing: the role made fewer writes, or others, than its adapter says.
    assert [sorted(objects) for objects in struck[:1]] == [sorted(adapter.writes[index - 1][1])], 'the fault did not strike write %d (%s): %s\n%r' % (
        index, adapter.writes[index - 1][1], struck, run)
    _requests, sent = logged_writes(adapter, emulators)
    account, messages = adapter.account(run.results)
    words = None if fault == 'after' else refusal_words(index, fault)
    problems = judge(adapter.planned(), sent, account, messages, words)
    # A struck write the role made good (an idempotent PUT retried after a 500) or confirmed by a read (the answer was
    # lost, the server had acted) is no failure: the role goes on. Any other fails the play, and the role writes after
    # it only what it promises to write whatever happened.
    guessed = [name for name in adapter.writes[index - 1][1]
               if account.get(name) == DONE and sent.get(name) == ['dropped'] and not read_after_fault(emulators[target])]
    problems += ['%s: reported done, but its answer was lost and the role read nothing after it: a guess, not what the '
                 'server confirmed' % ' '.join(name) for name in guessed]
    recovered = not guessed and all(account.get(name) == DONE and set(sent.get(name, ())) & set(['written', 'dropped'])
                                    for name in adapter.writes[index - 1][1])
    if not recovered:
        allowed = set(name for position, (_emulator, objects) in enumerate(adapter.writes, 1)
                      if position <= index or position in adapter.continues.get(index, ()) for name in objects)
        problems += ['%s: written after the failure of write %d, where the role promises to stop' % (' '.join(name), index)
                     for name in sorted(set(sent) - allowed)]
        problems += ['%s: not written, though the role promises to make it whatever happened' % ' '.join(name)
                     for position in adapter.continues.get(index, ()) for name in adapter.writes[position - 1][1] if name not in sent]
        if run.rc == 0:
            problems.append('the play succeeded although write %d failed' % index)
    assert not problems, '\n'.join(problems) + '\n\naccount: %s\n%r' % (json.dumps(run.results)[:3000], run)
