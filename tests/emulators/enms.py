# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""eNMS REST API emulator (/rest), after eNMS's code (its REST API's behaviour, docs/enms.md), checked against
a real eNMS 4.6.

HTTP Basic only; per-service run and read rights; run_service with async defaulting to true, HTTP-200
refusals ({"error"} / {"errors"} without runtime); runs that finish after a delay with
per-device success; /rest/result answering 200 with an error until the run row exists, and for ever
when asked under a name that is not the service's scoped name (a shared service is run as
"[Shared] X" and its results are kept under "X", a service in a workflow W is named "[W] X");
GET /rest/instance/<type>/<name> giving the object (a service with its scoped_name, a pool with its device names),
403 when unknown; GET /rest/query/<type>[?<property>=<value>...] listing devices with every property (pools without
members), filtered by equality as eNMS's SQL does it (the first value of a repeated parameter; a boolean column
matches 1/0, never true/false), 500 for a property the type does not have. Pools: POST /rest/instance/pool writes
one (an unknown device fails the record with HTTP 200), DELETE /rest/instance/pool/<name>, POST /rest/update_all_pools
recomputes every pool that is not manually defined from its device_<property> criteria (only the device criteria;
eNMS 4.6 has link criteria too). GET /rest/configuration/<device>?property=... gives a device's stored configuration,
operational_data or specialized_data ('' when never stored), kept in the device's state beside its last_<property>_*
fields.

state['devices'] maps a device name to its properties (device(ip_address, vendor=...)); a seed file may still give
the name -> ip address string of earlier versions. seed_devices(state, count) adds many devices (benchmarks).
"""

from __future__ import absolute_import, division, print_function

import base64
import binascii
import copy
import re
import time
from datetime import datetime, timedelta

from emulators.base import Emulator, Response

NO_RESULTS = 'There are no results or on-going services for the requested service and runtime.'
NO_TARGETS = "The service 'Run method' is set to 'Per device' mode, but no targets have been selected (in Step 3 > Targets)"
# The columns POST /rest/search accepts for results on eNMS 4.6 (model properties); service_name is always added.
RESULT_COLUMNS = ('runtime', 'parent_runtime', 'service_name', 'workflow_name', 'device_name', 'parent_device_name', 'success',
                  'duration', 'path', 'result')
# eNMS 4.6's Run model: the properties POST /rest/search of type run can give (its tables_additional add path and the
# server, service and worker properties to every record), and the relationships GET /rest/instance/run/<name> names.
RUN_COLUMNS = ('id', 'name', 'runtime', 'service_name', 'status', 'success', 'duration', 'trigger', 'creator', 'path', 'labels',
               'parameterized_run', 'server_version', 'server_commit_sha', 'start_services', 'properties', 'payload', 'state')
RESULT_ASSOCIATIONS = ('service_name', 'workflow_name', 'device_name', 'parent_device_name', 'parent_service_name')
SHARED_SERVICE = '[Shared] Ping'
WORKFLOW_SERVICE = '[Upgrade Workflow] Check Version'
RUN_REQUEST_KEYS = ('name', 'devices', 'pools', 'ip_addresses', 'async', 'form', 'ignore_invalid_targets')


def service(kind='service', scoped_name=None, devices=(), pools=(), shared=False, workflows=(), **extra):
    """A service as the emulator keeps it; its full name is the key it is stored under."""
    value = {'type': kind, 'scoped_name': scoped_name, 'devices': list(devices), 'pools': list(pools),
             'shared': shared, 'workflows': list(workflows)}
    value.update(extra)
    return value


# The properties GET /rest/query/device gives for every device on eNMS 4.6 (no relations: no pools, services),
# with the defaults of a device created with name and ip_address only.
DEVICE_DEFAULTS = {
    'creator': '', 'description': '', 'down': False, 'icon': 'router', 'ip_address': '', 'latitude': '0.0',
    'location': '', 'longitude': '0.0', 'model': '', 'napalm_driver': 'ios', 'netconf_driver': 'default',
    'netmiko_driver': 'cisco_ios', 'operating_system': '', 'os_version': '', 'port': 22, 'reachable': True,
    'scrapli_driver': 'cisco_iosxe', 'subtype': '', 'type': 'device', 'vendor': '', 'last_modified_by': 'admin',
    'last_modified': '2026-01-01 00:00:00.000000',
    # The custom device properties eNMS 4.6 ships in setup/properties.json, with their defaults (property3 is private:
    # eNMS gives it empty).
    'property1': '10.145.14.1', 'property2': 'CP', 'property3': '', 'custom_select': 'b',
    'custom_multiselect': ['a', 'c'], 'custom_json': {'a': 'c', 'b': [1, 2, '3']},
}
# A custom JSON property marked merge_update: eNMS merges a dict written to an existing device into the value it has
# ({**current, **value}) and fails on any other value, keeping the properties it had already set on the device;
# a new device takes the value as it is.
MERGED_PROPERTIES = ('custom_json',)
for _kind in ('configuration', 'operational_data', 'specialized_data'):
    for _field in ('duration', 'failure', 'runtime', 'status', 'update'):
        DEVICE_DEFAULTS['last_%s_%s' % (_kind, _field)] = 'Never'
# What GET /rest/query/pool gives for a pool (eNMS 4.6 adds a device_<property>, _match and _invert per property).
POOL_KEYS = ('admin_only', 'creator', 'description', 'device_number', 'id', 'last_modified', 'last_modified_by',
             'manually_defined', 'name', 'type')
# The device properties an eNMS 4.6 pool has criteria for (device_<property>, _match, _invert each), in its default setup
# (properties.json's filtering list, property1 a custom property, and the three stored data properties).
POOL_CRITERIA = ('configuration', 'creator', 'description', 'icon', 'ip_address', 'latitude', 'location', 'longitude', 'model',
                 'name', 'napalm_driver', 'netconf_driver', 'netmiko_driver', 'operating_system', 'operational_data',
                 'os_version', 'port', 'property1', 'scrapli_driver', 'specialized_data', 'subtype', 'vendor')
# A device's stored data: read with GET /rest/configuration/<device>?property=..., never listed with its properties.
DEVICE_DATA = ('configuration', 'operational_data', 'specialized_data')


# The type of each built-in device column, from its default.
DEVICE_TYPES = dict((key, type(value)) for key, value in DEVICE_DEFAULTS.items() if isinstance(value, (bool, int)))
INTEGER_TEXT = re.compile(r'^\s*[+-]?[0-9]+\s*$')


def stored_device_value(key, value):
    """A value as eNMS 4.6 stores it in a device column: a boolean as ``value not in (False, "false")`` (eNMS's
    base.update, so the text "False" becomes true), an integer's text as the integer (SQLite's column affinity)."""
    kind = DEVICE_TYPES.get(key)
    if kind is bool:
        return value not in (False, 'false')
    if kind is int and isinstance(value, str) and INTEGER_TEXT.match(value):
        return int(value)
    return value


def pool_criteria_defaults():
    found = {}
    for name in POOL_CRITERIA:
        found.update({'device_%s' % name: '', 'device_%s_match' % name: 'inclusion', 'device_%s_invert' % name: False})
    return found


def device(ip_address, **properties):
    """A device's own properties as the emulator keeps them (its name is the key it is stored under)."""
    value = {'ip_address': ip_address}
    value.update(properties)
    return value


def seed_devices(state, count, pool=None, prefix='device-'):
    """Add ``count`` devices (device-00001 ... with addresses in 10.128.0.0/9) to a state, and into ``pool`` if given."""
    names = []
    vendors = (('Arista', '7050', 'EOS', '4.30'), ('Cisco', 'ISR4451', 'IOS-XE', '17.9'), ('Juniper', 'MX204', 'Junos', '22.4'))
    for index in range(1, count + 1):
        name = '%s%05d' % (prefix, index)
        vendor, model, system, version = vendors[index % len(vendors)]
        state['devices'][name] = device('10.%d.%d.%d' % (128 + index // 65536, (index // 256) % 256, index % 256),
                                        vendor=vendor, model=model, operating_system=system, os_version=version,
                                        location='Site %d' % (index % 10))
        names.append(name)
    if pool is not None:
        state['pools'].setdefault(pool, []).extend(names)
    return names


def default_seed():
    return {
        'users': {
            'admin': {'password': 'admin-pass', 'admin': True, 'run': []},
            'operator': {'password': 'operator-pass', 'admin': False, 'run': ['Configuration Backup', SHARED_SERVICE],
                         'read': ['Upgrade Workflow']},
            'auditor': {'password': 'auditor-pass', 'admin': False, 'run': []},
            'automation': {'password': 'automation-pass', 'admin': True, 'run': []},  # the user of the README's and docs' examples
        },
        'devices': {
            'Washington': device('10.0.0.1', vendor='Arista', model='7050SX', operating_system='EOS', os_version='4.30.1F',
                                 location='Washington'),
            'Atlanta': device('10.0.0.2', vendor='Cisco', model='ISR4451', operating_system='IOS-XE', os_version='17.9.4',
                              location='Atlanta'),
            'Boston': device('10.0.0.3', vendor='Arista', model='7280R', operating_system='EOS', os_version='4.29.2F',
                             location='Boston'),
        },
        'pools': {'Core': ['Washington', 'Atlanta'], 'Edge': ['Boston']},
        # A pool's own properties (description, manually_defined, device_<property> criteria) once written over the API.
        'pool_properties': {},
        'services': {
            'Configuration Backup': service(scoped_name='Configuration Backup', devices=['Washington']),
            SHARED_SERVICE: service(scoped_name='Ping', devices=['Washington', 'Atlanta'], shared=True),
            'Upgrade Workflow': service('workflow', 'Upgrade Workflow', pools=['Core']),
            WORKFLOW_SERVICE: service(scoped_name='Check Version', devices=['Atlanta'], workflows=['Upgrade Workflow']),
            'Disabled Workflow': service('workflow', 'Disabled Workflow', devices=['Atlanta'], disabled=True),
            # Named by the README's and docs' examples.
            'Push Configuration': service(scoped_name='Push Configuration', devices=['Washington']),
            '[Shared] Backup': service(scoped_name='Backup', devices=['Washington'], shared=True),
        },
        'failing_devices': ['Boston'],
        'rest_api_allowed': True,
        'run_delay': 0.5,
        'row_delay': 0.3,
        'runs': {},
    }


def sql_equal(value, text):
    """column == 'text' as eNMS's database compares it: a number by its value, a boolean as 1/0."""
    if isinstance(value, bool):
        return text == ('1' if value else '0')
    if isinstance(value, (int, float)):
        try:
            return float(text) == value
        except ValueError:
            return False
    return value == text


def merge_traceback(value):
    return ('Traceback (most recent call last):\n  File "eNMS/models/base.py", line 88, in update\n'
            '    value = {**current_value, **value}\n'
            "TypeError: '%s' object is not a mapping\n" % type(value).__name__)


def to_sql_text(value):
    if isinstance(value, bool):
        return '1' if value else '0'
    return '' if value is None else '%s' % (value,)


def sort_key(value):
    return (0, value) if isinstance(value, (int, float)) and not isinstance(value, bool) else (1, to_sql_text(value))


class EnmsEmulator(Emulator):
    platform = 'enms'

    default_seed = staticmethod(default_seed)

    def reset_state(self):
        super(EnmsEmulator, self).reset_state()
        devices = self.state.get('devices') or {}
        for name, value in list(devices.items()):
            if not isinstance(value, dict):
                devices[name] = device(value)

    def register_routes(self):
        self.route('GET', '/rest/is_alive', self.is_alive, 'is_alive')
        self.route('POST', '/rest/run_service', self.run_service, 'run_service')
        self.route('GET', '/rest/result/<name>/<runtime>', self.get_result, 'get_result')
        self.route('GET', '/rest/instance/<instance_type>/<name>', self.get_instance, 'get_instance')
        self.route('GET', '/rest/query/<instance_type>', self.query, 'query')
        self.route('POST', '/rest/instance/pool', self.update_pools, 'update_pools')
        self.route('DELETE', '/rest/instance/pool/<name>', self.delete_pool, 'delete_pool')
        self.route('POST', '/rest/update_all_pools', self.update_all_pools, 'update_all_pools')
        self.route('GET', '/rest/configuration/<device_name>', self.get_configuration, 'get_configuration')
        self.route('POST', '/rest/search', self.search, 'search')
        self.route('POST', '/rest/instance/<instance_type>', self.update_instance, 'update_instance')
        self.route('DELETE', '/rest/instance/<instance_type>/<name>', self.delete_instance, 'delete_instance')

    def error_response(self, status, code, message):
        return Response.json({'alert': 'Error %d - %s' % (status, message)}, status)

    def alert(self, status):
        text = {401: 'Wrong Credentials.', 403: 'Not Authorized.', 404: 'Not Found.', 500: 'Internal Server Error.'}[status]
        return Response.json({'alert': 'Error %d - %s' % (status, text)}, status)

    def authenticate(self, request):
        authorization = request.header('authorization') or ''
        if not authorization.startswith('Basic '):
            return None
        try:
            login, password = base64.b64decode(authorization[6:]).decode('utf-8').split(':', 1)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None
        user = self.state['users'].get(login)
        return login if user and user['password'] == password else None

    def is_alive(self, request):
        return Response.json({'name': 123456789, 'cluster_id': True})

    def run_service(self, request):
        login = self.authenticate(request)
        if login is None:
            return self.alert(401)
        try:
            body = request.json()
        except ValueError:
            return self.alert(500)
        if not isinstance(body, dict):
            return self.alert(500)
        service = self.service_for(login, body.get('name'), 'run')
        if service is None:
            return self.alert(403)
        if not self.state['rest_api_allowed']:
            return Response.json({'error': 'Runs from the REST API are not allowed on this server.'})
        if service.get('disabled'):
            return Response.json({'error': 'The workflow is disabled.'})
        targets, errors = self.targets(body, service)
        if errors and not body.get('ignore_invalid_targets'):
            return Response.json({'errors': errors})
        run_name = (body.get('form') or {}).get('name')
        if run_name and any(run['run_name'] == run_name for run in self.state['runs'].values()):
            return Response.json({'error': 'There is already a run with the same name.'})
        runtime = self.new_runtime()
        payload = dict((k, v) for k, v in body.items() if k not in RUN_REQUEST_KEYS)
        now = time.time()
        self.state['runs'][runtime] = {
            'service': body['name'], 'service_name': service['scoped_name'], 'targets': targets, 'payload': payload, 'creator': login,
            'target_devices': sorted(set(body.get('devices') or [])), 'target_pools': sorted(set(body.get('pools') or [])),
            'run_name': run_name, 'async': body.get('async', True), 'started_at': now, 'row_at': now + self.state['row_delay'],
            'done_at': now + service.get('run_delay', self.state['run_delay']), 'aborted': False,
            'no_targets': not targets and service.get('run_method', 'per_device') == 'per_device',
        }
        if not body.get('async', True):
            self.state['runs'][runtime]['row_at'] = self.state['runs'][runtime]['done_at'] = now
            result = self.result_of(runtime)
            result['errors'] = errors
            return Response.json(result)
        return Response.json({'errors': errors, 'runtime': runtime})

    def service_for(self, login, name, right):
        """The service ``name`` if it exists and ``login`` has ``right`` on it; eNMS's db.fetch raises (403) otherwise."""
        user = self.state['users'][login]
        found = self.state['services'].get(name)
        allowed = user['admin'] or name in user['run'] or (right == 'read' and name in user.get('read', []))
        return found if found is not None and allowed else None

    def get_instance(self, request):
        login = self.authenticate(request)
        if login is None:
            return self.alert(401)
        kind, name = request.params['instance_type'], request.params['name']
        if kind == 'service':
            found = self.service_for(login, name, 'read')
            if found is None:
                return self.alert(403)
            return Response.json(self.service_properties(name, found))
        if kind == 'device' and name in self.state['devices']:
            found = self.device_properties(name)
            found['pools'] = sorted(pool for pool, members in self.state['pools'].items() if name in members)
            return Response.json(found)
        if kind == 'pool' and name in self.state['pools']:
            found = self.pool_properties(name)
            found.update(devices=list(self.state['pools'][name]), links=[], runs=[], tasks=[], target_services=[])
            return Response.json(found)
        run = self.run_named(name) if kind == 'run' else None
        if run is not None:
            found = dict(run)
            # eNMS 4.6 names no target here for a run the REST API started: they are in its properties (devices by name).
            found.update(target_devices=[], target_pools=[], services=[])
            return Response.json(found)
        if kind not in ('service', 'device', 'pool', 'link', 'user', 'task', 'result', 'run'):
            return self.alert(500)
        return self.alert(403)

    def device_properties(self, name, index=None):
        """A device as GET /rest/query/device gives it: every property, the defaults for those never set."""
        found = dict(DEVICE_DEFAULTS)
        found.update((key, value) for key, value in self.state['devices'][name].items() if key not in DEVICE_DATA)
        found['name'] = name
        found['id'] = index if index is not None else self.object_id('devices', name)
        return found

    def pool_properties(self, name, index=None):
        """A pool as GET /rest/query/pool gives it: without its members."""
        found = {'admin_only': False, 'creator': '', 'description': '', 'device_number': len(self.state['pools'][name]),
                 'id': index if index is not None else self.object_id('pools', name),
                 'last_modified': '2026-01-01 00:00:00.000000', 'last_modified_by': 'admin', 'manually_defined': True, 'name': name, 'type': 'pool'}
        found.update(pool_criteria_defaults())
        # A pool written over POST /rest/instance/pool keeps what was written; a seeded one is a fixed list of devices.
        found.update(self.state['pool_properties'].get(name, {}))
        return found

    def object_id(self, table, name):
        for index, known in enumerate(self.state[table], 1):
            if known == name:
                return index
        return 0

    def query(self, request):
        """GET /rest/query/<type>?<property>=<value>: eNMS's filtering_query, equality on each given column."""
        if self.authenticate(request) is None:
            return self.alert(401)
        kind = request.params['instance_type']
        if kind == 'device':
            rows = [self.device_properties(name, index) for index, name in enumerate(self.state['devices'], 1)]
        elif kind == 'pool':
            rows = [self.pool_properties(name, index) for index, name in enumerate(self.state['pools'], 1)]
        else:
            return self.alert(500)
        # The first value of a repeated parameter counts, as in Flask's request.args.to_dict().
        criteria = dict((key, values[0]) for key, values in (request.query or {}).items())
        columns = set(DEVICE_DEFAULTS) | set(['name', 'id']) if kind == 'device' else self.model_columns('pool')
        if kind == 'device':
            for values in self.state['devices'].values():
                columns.update(values)
        if any(key not in columns for key in criteria):
            return self.alert(500)
        return Response.json([row for row in rows if all(sql_equal(row.get(k), v) for k, v in criteria.items())])

    def update_instance(self, request):
        """POST /rest/instance/device with one device or a JSON list (list_data), as eNMS's update_instance: each
        created or updated by name (new_name renames), properties devices do not have ignored, a refusal a
        failure entry [device, traceback] beside the successes, all with HTTP 200. A boolean column stores
        ``value not in (False, "false")`` (the text "False" is true), an integer column an integer's text as the integer;
        a value beyond 64 bits for an integer column makes the database refuse the commit: HTTP 500, nothing kept."""
        if self.authenticate(request) is None:
            return self.alert(401)
        if request.params['instance_type'] != 'device':
            return self.alert(500)
        try:
            body = request.json()
        except ValueError:
            return self.alert(500)
        listed = body if isinstance(body, list) else [body]
        if any(not isinstance(instance, dict) for instance in listed) or self.beyond_64_bits(listed):
            # The database refuses the commit: eNMS rolls the whole request back and answers HTTP 500.
            return self.alert(500)
        answer = {}
        for instance in listed:
            instance = dict(instance)
            if 'name' not in instance:
                answer.setdefault('failure', []).append([instance, 'Name is missing'])
                continue
            new_name = instance.pop('new_name', None)
            problem = self.device_refusal(instance)
            if problem:
                answer.setdefault('failure', []).append([instance, problem])
                continue
            name = instance.pop('name')
            known = self.model_columns('device')
            values = self.state['devices'].pop(name, None)
            created, values = values is None, values if values is not None else {}
            problem = None
            # As eNMS's update: the properties in the order given, each kept once set, the first failure ending it.
            for key, value in instance.items():
                if key not in known or key in ('id', 'type'):
                    continue
                if key in MERGED_PROPERTIES and not created:
                    if not isinstance(value, dict):
                        problem = merge_traceback(value)
                        break
                    value = dict(values.get(key, DEVICE_DEFAULTS[key]), **value)
                values[key] = stored_device_value(key, value)
            if problem:
                self.state['devices'][name] = values
                answer.setdefault('failure', []).append([dict(instance, name=name), problem])
                continue
            self.state['devices'][new_name or name] = values
            for members in self.state['pools'].values():
                if new_name and name in members:
                    members[members.index(name)] = new_name
            answer.setdefault('success', []).append(new_name or name)
        return Response.json(answer)

    @staticmethod
    def beyond_64_bits(listed):
        """Whether a value written to an integer column is beyond the database's signed 64 bits."""
        for instance in listed:
            for key, value in instance.items():
                if DEVICE_TYPES.get(key) is int and INTEGER_TEXT.match('%s' % (value,)) and not -2 ** 63 <= int(value) < 2 ** 63:
                    return True
        return False

    def device_refusal(self, instance):
        """eNMS's traceback for a device it refuses: a slash or a quote in the name (db.factory), as a real one ends."""
        if set('/\\\'"') & set('%s' % instance['name']):
            return ('Traceback (most recent call last):\n  File "eNMS/database.py", line 493, in transaction\n'
                    '    raise Exception("Names cannot contain a slash or a quote.")\n'
                    'Exception: Names cannot contain a slash or a quote.\n')
        return None

    def delete_instance(self, request):
        """DELETE /rest/instance/device/<name>: the deleted device's properties; 403 for a name eNMS does not know."""
        if self.authenticate(request) is None:
            return self.alert(401)
        name = request.params['name']
        if request.params['instance_type'] != 'device' or name not in self.state['devices']:
            return self.alert(403)
        found = self.device_properties(name)
        del self.state['devices'][name]
        for members in self.state['pools'].values():
            if name in members:
                members.remove(name)
        return Response.json(found)

    def run_rows(self):
        """The run table: a row from the moment eNMS accepts the run (status Running), Completed (or Aborted) when it ends;
        its name is eNMS's own, "<runtime> (<creator>)", unless the run request named it."""
        rows, now = [], time.time()
        for index, (runtime, run) in enumerate(sorted(self.state['runs'].items()), 1):
            done = now >= run['done_at']
            status = 'Aborted' if run['aborted'] else 'Completed' if done else 'Running'
            path = str(self.object_id('services', run['service']))
            outcome = {'runtime': runtime, 'success': self.result_of(runtime)['success']} if done and not run['aborted'] else {}
            # eNMS 4.6's Runner sets its own success, never the run's: the run table's success stays false; the outcome
            # is in its state (and its result).
            rows.append({'id': index, 'name': run.get('run_name') or '%s (%s)' % (runtime, run.get('creator', 'admin')),
                         'runtime': runtime, 'service_name': run['service_name'], 'status': status, 'success': False,
                         'state': {path: {'status': 'Running', 'success': outcome.get('success', False), 'result': outcome}},
                         'payload': dict(run['payload'], devices=run['target_devices']),
                         'duration': '0:00:01' if done else None, 'trigger': 'REST API', 'creator': run.get('creator', 'admin'),
                         'path': path, 'labels': None, 'parameterized_run': False,
                         'server_version': '4.6', 'server_commit_sha': '', 'start_services': [],
                         'properties': dict(run['payload'], devices=run['target_devices']),
                         'type': 'run', 'server_properties': {'name': 'emulator', 'ip_address': '127.0.0.1'},
                         'service_properties': {'name': run['service'], 'scoped_name': run['service_name']},
                         'worker_properties': {}})
        return rows

    def run_named(self, name):
        return next((row for row in self.run_rows() if row['name'] == name), None)

    def model_columns(self, kind):
        if kind == 'run':
            return set(RUN_COLUMNS)
        if kind == 'result':
            return set(RESULT_COLUMNS)
        if kind == 'pool':
            return set(POOL_KEYS) | set(pool_criteria_defaults())
        columns = set(DEVICE_DEFAULTS) | set(['name', 'id'])
        for values in self.state['devices'].values():
            columns.update(values)
        return columns

    def search(self, request):
        """POST /rest/search as eNMS's controller.filtering answers a REST request: the asked columns that are properties
        (a pool adds type, device_number and link_number), 10 records unless maximum_return_records says otherwise,
        a criterion on an unknown property ignored, an empty or false value ignored, inclusion case-insensitive (SQL
        LIKE), an invalid regular expression HTTP 500."""
        if self.authenticate(request) is None:
            return self.alert(401)
        try:
            body = request.json()
            kind, columns = body['type'], list(body['columns'])
            order = body.get('order') or [{'column': 0, 'dir': 'asc'}]
            order_column, descending = columns[int(order[0]['column'])], order[0].get('dir') == 'desc'
            start, length = int(body.get('start', 0)), int(body.get('maximum_return_records', 10))
            # eNMS spreads search_criteria into its filter form ({**form}): null is a TypeError there, HTTP 500.
            criteria = body.get('search_criteria', {})
            if not isinstance(criteria, dict):
                raise TypeError('search_criteria must be an object')
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return self.alert(500)
        if kind == 'device':
            rows = [self.device_properties(name, index) for index, name in enumerate(self.state['devices'], 1)]
        elif kind == 'pool':
            rows = [self.pool_properties(name, index) for index, name in enumerate(self.state['pools'], 1)]
        elif kind == 'result':
            if order_column in RESULT_ASSOCIATIONS:
                # eNMS 4.6 cannot order by an association proxy (service_name, device_name...): HTTP 500.
                return self.alert(500)
            rows = self.result_rows()
        elif kind == 'run':
            rows = self.run_rows()
        else:
            return self.alert(500)
        properties = self.model_columns(kind)
        member_of = self.memberships() if kind == 'device' and (criteria.get('pools') or criteria.get('pools_filter')) else None
        try:
            rows = [row for row in rows if self.selected(kind, row, properties, criteria, member_of)]
        except re.error:
            return self.alert(500)
        if order_column in properties:
            rows.sort(key=lambda row: sort_key(row.get(order_column)), reverse=descending)
        shown = [column for column in columns if column in properties and (kind == 'device' or column != 'type')]
        extra = {'pool': ('type', 'device_number', 'link_number'), 'result': ('type', 'service_name'),
                 'run': ('type', 'path', 'server_properties', 'service_properties', 'worker_properties')}.get(kind, ())
        records = []
        for row in rows[start:start + length]:
            record = dict((column, row.get(column)) for column in shown)
            record.update((column, row.get(column, 0)) for column in extra)
            records.append(record)
        return Response.json(records)

    def selected(self, kind, row, properties, criteria, member_of=None):
        for name in properties:
            value, match = criteria.get(name), criteria.get('%s_filter' % name)
            if not value and match != 'empty':
                continue
            found = row.get(name)
            if value in ('bool-true', 'bool-false'):
                hit = found is (value == 'bool-true')
            elif match == 'equality':
                hit = sql_equal(found, to_sql_text(value))
            elif match == 'empty':
                hit = found == ''
            elif not match or match == 'inclusion':
                hit = to_sql_text(value).lower() in to_sql_text(found).lower()
            else:
                hit = re.search(to_sql_text(value), to_sql_text(found)) is not None
            if criteria.get('%s_invert' % name):
                hit = not hit
            if not hit:
                return False
        if member_of is not None:
            return self.in_pools(member_of.get(row['name'], set()), criteria)
        return True

    def memberships(self):
        """Each device's pools, indexed once per search: a search of 10,000 devices must not scan every pool per device."""
        member_of = {}
        for pool, members in self.state['pools'].items():
            for member in members:
                member_of.setdefault(member, set()).add(pool)
        return member_of

    @staticmethod
    def in_pools(member_of, criteria):
        """eNMS's relationship criterion: every named pool (one join per pool), any with union, none with empty."""
        match = criteria.get('pools_filter')
        if match == 'empty':
            return not member_of
        wanted = criteria.get('pools') or []
        if not wanted:
            return True
        if match == 'union':
            return bool(member_of & set(wanted))
        return all(pool in member_of for pool in wanted)

    def service_properties(self, name, found):
        """What eNMS's to_dict(relation_names_only=True) gives for a service, in the keys the modules may read."""
        return {'name': name, 'scoped_name': found['scoped_name'], 'type': found['type'], 'shared': found['shared'],
                'workflows': list(found['workflows']), 'devices': list(found['devices']), 'pools': list(found['pools']),
                'disabled': bool(found.get('disabled')), 'status': 'Idle', 'skip_value': 'success'}

    def new_runtime(self):
        stamp = datetime.now()
        while str(stamp) in self.state['runs']:
            stamp += timedelta(microseconds=1)
        return str(stamp)

    def targets(self, body, service):
        errors, devices = [], []
        given = any(body.get(key) for key in ('devices', 'pools', 'ip_addresses'))
        names = body.get('devices') or [] if given else service['devices']
        pools = body.get('pools') or [] if given else service['pools']
        for name in names:
            if name in self.state['devices']:
                devices.append(name)
            else:
                errors.append("No device with the name '%s'" % name)
        for address in body.get('ip_addresses') or []:
            match = [n for n, found in self.state['devices'].items() if found.get('ip_address') == address]
            if match:
                devices.extend(match)
            else:
                errors.append("No device with the IP address '%s'" % address)
        for pool in pools:
            if pool in self.state['pools']:
                devices.extend(self.state['pools'][pool])
            else:
                errors.append("No pool with the name '%s'" % pool)
        return sorted(set(devices)), errors

    def result_of(self, runtime):
        run = self.state['runs'][runtime]
        found = self.state['services'].get(run['service']) or {}
        if run.get('no_targets'):
            # eNMS's Runner: a main run in per_device mode without targets fails before any service runs.
            return {'runtime': runtime, 'success': False, 'result': NO_TARGETS, 'duration': '0:00:00', 'trigger': 'REST API',
                    'summary': {'success': [], 'failure': [], 'discard': []}, 'devices': {}, 'payload': {},
                    'properties': self.service_properties(run['service'], found) if found else {}}
        failed = [d for d in run['targets'] if found.get('fails') or d in self.state['failing_devices']]
        succeeded = [d for d in run['targets'] if d not in failed]
        # A workflow succeeds when the End node is reached: here, when every service inside it succeeded.
        inner_success = all(row['success'] for row in self.inner_rows(runtime))
        return {
            'runtime': runtime, 'success': not failed and inner_success, 'duration': '0:00:01', 'trigger': 'REST API',
            'summary': {'success': succeeded, 'failure': failed, 'discard': []},
            'devices': dict((d, {'device_target': d, 'success': d not in failed, 'runtime': runtime}) for d in run['targets']),
            'payload': copy.deepcopy(run['payload']),
            'properties': self.service_properties(run['service'], found) if found else {},
        }

    def inner_services(self, workflow):
        """The services of ``workflow`` in the order its edges run them: its ``services`` list, else declaration order."""
        found = self.state['services'].get(workflow) or {}
        names = found.get('services') or [name for name, inner in self.state['services'].items() if workflow in inner['workflows']]
        return [name for name in names if name in self.state['services']]

    def inner_rows(self, runtime, until=None):
        """The result rows eNMS writes for the services that ran inside a workflow run (see result_rows); with ``until``
        (a time.time() while the run goes on), those of the services ended by then, the services ending one after the
        other at even steps of the run's time (eNMS writes each service's rows when it ends)."""
        run = self.state['runs'][runtime]
        workflow = self.state['services'].get(run['service']) or {}
        if workflow.get('type') != 'workflow' or run.get('no_targets'):
            return []
        rows, start = [], datetime.strptime(runtime, '%Y-%m-%d %H:%M:%S.%f')
        workflow_id = self.object_id('services', run['service'])
        names = self.inner_services(run['service'])
        started = run.get('started_at', run['done_at'])
        step = (run['done_at'] - started) / (len(names) + 1)
        for position, name in enumerate(names, 1):
            if until is not None and started + step * position > until:
                break
            inner = self.state['services'][name]
            stamp = str(start + timedelta(milliseconds=100 * position))
            row = {'type': 'result', 'parent_runtime': runtime, 'service_name': inner['scoped_name'],
                   'workflow_name': workflow['scoped_name'], 'parent_device_name': None, 'duration': '0:00:00',
                   'path': '%d>%d' % (workflow_id, self.object_id('services', name))}
            if inner.get('run_method', 'per_device') == 'once':
                succeeded = not inner.get('fails')
                rows.append(dict(row, runtime=stamp, device_name=None, success=succeeded, result={
                    'runtime': stamp, 'success': succeeded, 'duration': '0:00:00', 'device_target': None, 'trigger': 'REST API',
                    'result': inner.get('output', 'netops.bridge test'), 'summary': {'success': [], 'failure': [], 'discard': []}}))
                continue
            summary = {'success': [], 'failure': [], 'discard': []}
            for offset, target in enumerate(run['targets'], 1):
                device_stamp = str(start + timedelta(milliseconds=100 * position + offset))
                succeeded = not (inner.get('fails') or target in self.state['failing_devices'])
                summary['success' if succeeded else 'failure'].append(target)
                rows.append(dict(row, runtime=device_stamp, device_name=target, success=succeeded, result={
                    'runtime': device_stamp, 'success': succeeded, 'duration': '0:00:00', 'device_target': target,
                    'result': inner.get('output', 'netops.bridge test')}))
            succeeded = not summary['failure']
            rows.append(dict(row, runtime=stamp, device_name=None, success=succeeded, result={
                'runtime': stamp, 'success': succeeded, 'duration': '0:00:00', 'device_target': None, 'trigger': 'REST API',
                'summary': summary}))
        return rows

    def result_rows(self):
        """Every finished run's rows of eNMS's result table: the main run's (runtime = parent_runtime, path its id) and,
        for a workflow, one per service inside it (device_name empty), plus one per device for a per-device service
        (path "<workflow id>>...", each its own runtime); of a workflow still running, the rows of the services ended."""
        rows, now = [], time.time()
        for runtime, run in self.state['runs'].items():
            if run['aborted'] or now < run['row_at']:
                continue
            if now < run['done_at']:
                # The workflow's own row is written when it ends, its services' rows as each of them ends.
                rows.extend(self.inner_rows(runtime, until=now))
                continue
            result = self.result_of(runtime)
            found = self.state['services'].get(run['service']) or {}
            rows.append({'type': 'result', 'runtime': runtime, 'parent_runtime': runtime, 'service_name': run['service_name'],
                         'workflow_name': None, 'device_name': None, 'parent_device_name': None, 'success': result['success'],
                         'duration': result['duration'], 'path': str(self.object_id('services', run['service'])),
                         'result': result})
            if found.get('type') == 'workflow':
                rows.extend(self.inner_rows(runtime))
        return rows

    def get_result(self, request):
        if self.authenticate(request) is None:
            return self.alert(401)
        run = self.state['runs'].get(request.params['runtime'])
        now = time.time()
        # eNMS looks the run up by its service_name, the service's scoped name, never by the full name.
        if run is None or run['service_name'] != request.params['name'] or now < run['row_at']:
            return Response.json({'error': NO_RESULTS})
        if run['aborted']:
            return Response.json({'status': 'Aborted', 'result': 'No results yet.'})
        if now < run['done_at']:
            return Response.json({'status': 'Running', 'result': 'No results yet.'})
        return Response.json({'status': 'Completed', 'result': self.result_of(request.params['runtime'])})

    # -- pools and stored data ---------------------------------------------------------------------------------------
    def update_pools(self, request):
        """POST /rest/instance/pool (an object, or a list of them): eNMS's update_instance, by name, creating or updating;
        an unknown property is ignored, an unknown device fails that record (HTTP 200, its traceback in failure).
        The members are not recomputed: that is POST /rest/update_all_pools."""
        if self.authenticate(request) is None:
            return self.alert(401)
        try:
            body = request.json()
        except ValueError:
            return self.alert(500)
        outcome = {}
        for record in body if isinstance(body, list) else [body]:
            failure = self.write_pool(dict(record))
            if failure:
                outcome.setdefault('failure', []).append([record, failure])
            else:
                outcome.setdefault('success', []).append(record['name'])
        return Response.json(outcome)

    def write_pool(self, record):
        if 'name' not in record:
            return 'Name is missing'
        name = record.pop('name')
        if set('/\\\'"') & set(name):
            return 'Traceback (most recent call last):\nException: Names cannot contain a slash or a quote.'
        unknown = [device for device in record.get('devices') or [] if device not in self.state['devices']]
        if unknown:
            return ('Traceback (most recent call last):\n  File "eNMS/database.py", line 450, in fetch\n'
                    "eNMS.database.RbacError: There is no device in the database with the following characteristics: "
                    "{'name': '%s'}" % unknown[0])
        columns = self.model_columns('pool') - set(['id', 'type', 'device_number'])
        stored = self.state['pool_properties'].setdefault(name, {})
        members = self.state['pools'].setdefault(name, [])
        if 'devices' in record:
            members[:] = list(record['devices'])
        for key, value in record.items():
            if key in columns:
                stored[key] = value not in (False, 'false') if key in ('manually_defined', 'admin_only') or key.endswith('_invert') else value
        return None

    def delete_pool(self, request):
        if self.authenticate(request) is None:
            return self.alert(401)
        name = request.params['name']
        if name not in self.state['pools']:
            return self.alert(403)
        found = self.pool_properties(name)
        del self.state['pools'][name]
        self.state['pool_properties'].pop(name, None)
        return Response.json(found)

    def update_all_pools(self, request):
        """eNMS's compute_pool for every pool: a computed pool's members become the devices its criteria select (a
        criterion counts when it has a value or the match empty; no criterion, no members)."""
        if self.authenticate(request) is None:
            return self.alert(401)
        computed = {}
        for name in list(self.state['pools']):
            found = self.pool_properties(name)
            if found['manually_defined']:
                continue
            criteria = {}
            for prop in POOL_CRITERIA:
                value, match = found['device_%s' % prop], found['device_%s_match' % prop]
                if value or match == 'empty':
                    criteria.update({prop: value, '%s_filter' % prop: match, '%s_invert' % prop: found['device_%s_invert' % prop]})
            properties = self.model_columns('device') | set(DEVICE_DATA)
            try:
                computed[name] = [device_name for device_name in self.state['devices'] if criteria and self.selected(
                    'device', dict(self.device_properties(device_name), **self.device_data(device_name)), properties, criteria)]
            except re.error:
                # eNMS's database cannot use the regex: the request fails (HTTP 500) and is rolled back, and so does every
                # later one until the pool is fixed, since eNMS recomputes every pool each time.
                return self.alert(500)
        self.state['pools'].update(computed)
        return Response.json(None)

    def device_data(self, name):
        found = self.state['devices'][name]
        return dict((key, found.get(key) or '') for key in DEVICE_DATA)

    def get_configuration(self, request):
        """GET /rest/configuration/<device>?property=...: the stored text as a JSON string ('' when never stored), 403 for an
        unknown device (eNMS's db.fetch), 500 for a property a device does not have."""
        if self.authenticate(request) is None:
            return self.alert(401)
        name = request.params['device_name']
        if name not in self.state['devices']:
            return self.alert(403)
        wanted = (request.query.get('property') or ['configuration'])[0]
        if wanted not in DEVICE_DATA and wanted not in self.device_properties(name):
            return self.alert(500)
        found = self.device_properties(name)
        found.update(self.device_data(name))
        return Response.json(found[wanted])

    def dump_state(self):
        return {'runs': dict((k, dict((f, v) for f, v in run.items() if f not in ('started_at', 'row_at', 'done_at')))
                             for k, run in self.state['runs'].items()),
                'rest_api_allowed': self.state['rest_api_allowed'], 'run_delay': self.state['run_delay']}
