# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The eNMS server the server-facing end-to-end tests run against: the emulator (default), or a real eNMS
(``bash scripts/test.sh real-enms``, NETOPS_ENMS_SERVER=real and ENMS_REAL_URL/USERNAME/PASSWORD).

Both make the same fixtures: devices, services that succeed or fail after some seconds, shared ones and ones
in a workflow. On a real eNMS they are created over its REST API with unique names and deleted afterwards.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import uuid
from urllib.parse import quote

import requests

from emulators.enms import EnmsEmulator, device, service

SNIPPET = 'import time\ntime.sleep(%s)\nresults["success"] = %s\nresults["result"] = "netops.bridge test"\n'


def wanted():
    return os.environ.get('NETOPS_ENMS_SERVER', 'emulator')


class EmulatedEnms(object):
    """The emulator, with fixtures written into its state."""

    kind = 'emulator'

    def __init__(self):
        self.emulator = EnmsEmulator()
        self.prefix = 'nb-'

    def __enter__(self):
        self.emulator.start()
        self.url, self.username, self.password = self.emulator.url, 'admin', 'admin-pass'
        return self

    def __exit__(self, *exc):
        self.emulator.stop()

    def add_device(self, name, address, **properties):
        with self.emulator.lock:
            self.emulator.state['devices'][name] = device(address, **properties)

    def add_devices(self, devices):
        """Many devices at once: a list of {name, ip_address, ...}."""
        with self.emulator.lock:
            for found in devices:
                found = dict(found)
                name = found.pop('name')
                self.emulator.state['devices'][name] = device(found.pop('ip_address'), **found)

    def add_pool(self, name, devices):
        with self.emulator.lock:
            self.emulator.state['pools'][name] = list(devices)

    def add_service(self, name, scoped_name, succeeds=True, seconds=0, shared=False, workflow=None):
        with self.emulator.lock:
            if workflow is not None and workflow not in self.emulator.state['services']:
                self.emulator.state['services'][workflow] = service('workflow', workflow)
            self.emulator.state['services'][name] = service(
                scoped_name=scoped_name, shared=shared, workflows=[workflow] if workflow else [],
                fails=not succeeds, run_delay=max(0.3, float(seconds)))

    def add_workflow(self, name, steps):
        """A workflow run once (no targets needed) of services run once, one after the other: steps are (scoped_name, succeeds, output)."""
        with self.emulator.lock:
            services = self.emulator.state['services']
            services[name] = service('workflow', name, run_method='once', services=['[%s] %s' % (name, step[0]) for step in steps])
            for scoped, succeeds, output in steps:
                services['[%s] %s' % (name, scoped)] = service(
                    scoped_name=scoped, workflows=[name], run_method='once', fails=not succeeds, output=output)

    def set_device_data(self, name, **fields):
        """A device's stored configuration (or other data) and its last_<property>_* fields, as a backup leaves them."""
        with self.emulator.lock:
            self.emulator.state['devices'][name].update(fields)

    def track(self, kind, name):
        """An object a test makes through the modules: the emulator forgets it when it stops."""

    def requests_to(self, route):
        return self.emulator.requests(route=route)


class RealEnms(object):
    """A real eNMS: fixtures over its REST API (POST /rest/instance/<type>), removed again on exit."""

    kind = 'real'

    def __init__(self):
        self.url = os.environ['ENMS_REAL_URL'].rstrip('/')
        self.username = os.environ.get('ENMS_REAL_USERNAME', 'admin')
        self.password = os.environ.get('ENMS_REAL_PASSWORD', 'admin')
        self.prefix = 'nb-%s-' % uuid.uuid4().hex[:8]
        self.session = requests.Session()
        self.session.auth = (self.username, self.password)
        self.created = []

    def __enter__(self):
        answer = self.session.get(self.url + '/rest/is_alive', timeout=10)
        answer.raise_for_status()
        return self

    def __exit__(self, *exc):
        # Services first (a workflow last), then pools and devices: eNMS refuses nothing here, but order keeps its log readable.
        for kind, name in reversed(self.created):
            self.session.delete('%s/rest/instance/%s/%s' % (self.url, kind, quote(name, safe='')), timeout=30)
        self.session.close()

    def create(self, kind, properties, listed_as):
        answer = self.session.post('%s/rest/instance/%s' % (self.url, kind), json=properties, timeout=30)
        answer.raise_for_status()
        outcome = answer.json()
        assert outcome.get('success') == [properties['name']], 'eNMS did not create %s: %s' % (properties['name'], json.dumps(outcome)[:2000])
        self.created.append((listed_as, properties['name']))

    def add_device(self, name, address, **properties):
        values = {'name': name, 'ip_address': address}
        values.update(properties)
        self.create('device', values, 'device')

    def add_devices(self, devices):
        """Many devices with one POST /rest/instance/device (eNMS accepts a JSON list): a list of {name, ip_address, ...}."""
        answer = self.session.post('%s/rest/instance/device' % self.url, json=list(devices), timeout=600)
        answer.raise_for_status()
        outcome = answer.json()
        names = [found['name'] for found in devices]
        assert sorted(outcome.get('success') or []) == sorted(names), 'eNMS did not create all devices: %s' % json.dumps(outcome)[:2000]
        self.created.extend(('device', name) for name in names)

    def add_pool(self, name, devices):
        # manually_defined: POST /rest/update_all_pools would otherwise recompute the members from the (empty)
        # device_* criteria and empty the pool.
        self.create('pool', {'name': name, 'devices': list(devices), 'manually_defined': True}, 'pool')

    def add_service(self, name, scoped_name, succeeds=True, seconds=0, shared=False, workflow=None):
        if workflow is not None and ('service', workflow) not in self.created:
            # skip_value: the model's default makes every run fail with KeyError: 'True' (an eNMS 4.6 bug).
            self.create('workflow', {'name': workflow, 'scoped_name': workflow, 'skip_value': 'success'}, 'service')
        properties = {'name': name, 'scoped_name': scoped_name, 'skip_value': 'success',
                      'source_code': SNIPPET % (seconds, bool(succeeds))}
        if shared:
            properties['shared'] = True
        if workflow is not None:
            properties['workflows'] = [workflow]
        self.create('python_snippet_service', properties, 'service')

    def add_workflow(self, name, steps):
        """A workflow run once (eNMS fails a per-device run without targets) of services run once, chained by success
        edges from Start to End: steps are (scoped_name, succeeds, output)."""
        self.create('workflow', {'name': name, 'scoped_name': name, 'skip_value': 'success', 'run_method': 'once'}, 'service')
        chain = ['[Shared] Start']
        for scoped, succeeds, output in steps:
            full = '[%s] %s' % (name, scoped)
            self.create('python_snippet_service', {
                'name': full, 'scoped_name': scoped, 'skip_value': 'success', 'run_method': 'once', 'workflows': [name],
                'source_code': 'results["success"] = %s\nresults["result"] = %r\n' % (bool(succeeds), output)}, 'service')
            chain.append(full)
        chain.append('[Shared] End')
        for index, (source, destination) in enumerate(zip(chain, chain[1:])):
            # Deleted with the workflow (its edges cascade), so not listed for deletion.
            answer = self.session.post('%s/rest/instance/workflow_edge' % self.url, timeout=30, json={
                'name': '%sedge-%d' % (self.prefix, index), 'subtype': 'success', 'source': source,
                'destination': destination, 'workflow': name})
            answer.raise_for_status()
            assert answer.json().get('success'), answer.text[:2000]

    def set_device_data(self, name, **fields):
        """Through the instance API (no backup service can reach a device here): eNMS writes any device column it is given."""
        answer = self.session.post('%s/rest/instance/device' % self.url, json=dict(fields, name=name), timeout=30)
        answer.raise_for_status()
        assert answer.json().get('success') == [name], answer.text[:2000]

    def track(self, kind, name):
        """An object a test makes through the modules, deleted on exit if the test did not (a 403 for one already gone)."""
        self.created.append((kind, name))

    def requests_to(self, route):
        return None


def server():
    return RealEnms() if wanted() == 'real' else EmulatedEnms()
