# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What loading an action plugin prepares in the controller process before Ansible forks the task's workers: its own
module and what that module needs, once, and nothing of the other platforms (docs/execution.md). Each check runs in a
new Python, so that what this test process imported before cannot hide what the load itself imported."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest
import requests
import requests.adapters
import urllib3.util.connection

from ansible_collections.netops.bridge.plugins.plugin_utils import _in_worker

COLLECTION = 'ansible_collections.netops.bridge.plugins'
PLATFORM_UTILS = dict((platform, '%s.module_utils.%s' % (COLLECTION, platform)) for platform in ('saymon', 'enms', 'omn', 'zitadel'))


def loaded_after(action_name):
    """The modules a new Python holds after importing the action plugin ``action_name``, and what it prepared."""
    script = textwrap.dedent('''
        import importlib, json, sys
        before = set(sys.modules)
        importlib.import_module('%s.action.%s')
        try:
            from ansible._internal._task import UnifiedTaskResult
            fields = UnifiedTaskResult.get_result_key_to_resolved_field_mapping.cache_info().currsize
        except ImportError:  # before ansible-core 2.21
            fields = None
        print(json.dumps({'new': sorted(set(sys.modules) - before), 'fields': fields}))
    ''' % (COLLECTION, action_name))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    done = subprocess.run([sys.executable, '-c', script], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


needs_profiles = pytest.mark.skipif(not _in_worker.HAS_PROFILES, reason='serialization profiles exist from ansible-core 2.19')


@pytest.mark.parametrize('action_name,platform', [('saymon_operation', 'saymon'), ('enms_device', 'enms'),
                                                  ('omn_peo_project_link', 'omn'), ('zitadel_target', 'zitadel')])
def test_an_action_imports_its_module_and_its_platform_only(action_name, platform):
    new = set(loaded_after(action_name)['new'])
    assert '%s.modules.%s' % (COLLECTION, action_name) in new
    assert PLATFORM_UTILS[platform] in new and 'requests' in new
    others = [name for other, name in PLATFORM_UTILS.items() if other != platform and name in new]
    assert not others, 'loading %s imported other platforms: %s' % (action_name, others)


@needs_profiles
def test_an_action_prepares_core_serialization_for_module_arguments_and_results():
    new = set(loaded_after('saymon_operation')['new'])
    assert 'ansible.module_utils._internal._json._profiles._module_legacy_c2m' in new
    assert 'ansible.module_utils._internal._json._profiles._module_legacy_m2c' in new


@pytest.mark.skipif(_in_worker.UnifiedTaskResult is None, reason='ansible-core 2.21 and later map a result\'s fields')
@pytest.mark.parametrize('source_is_module', [False, True], ids=['the action result every task has', 'a module result'])
def test_an_action_fills_core_maps_of_results_as_core_asks_for_them(source_is_module):
    assert loaded_after('saymon_operation')['fields'] == 2
    mapping = _in_worker.UnifiedTaskResult.get_result_key_to_resolved_field_mapping
    _in_worker.prepare_in_controller('saymon_operation')
    hits = mapping.cache_info().hits
    mapping(source_is_module=source_is_module)  # as core's task executor and _parse_returned_data ask
    assert mapping.cache_info().hits == hits + 1


def test_an_action_takes_the_http_client_to_a_request_without_connecting(monkeypatch):
    prepared, pooled, connected = [], [], []
    real_prepare = requests.Session.prepare_request
    real_pool = requests.adapters.HTTPAdapter.get_connection_with_tls_context

    def prepare(session, request):
        prepared.append((request.method, request.url, request.json))
        return real_prepare(session, request)

    def pool(adapter, request, verify, *args, **kwargs):
        pooled.append((request.url, verify))
        return real_pool(adapter, request, verify, *args, **kwargs)

    monkeypatch.setattr(requests.Session, 'prepare_request', prepare)
    monkeypatch.setattr(requests.adapters.HTTPAdapter, 'get_connection_with_tls_context', pool)
    monkeypatch.setattr(socket, 'create_connection', lambda *args, **kwargs: connected.append(args))
    monkeypatch.setattr(urllib3.util.connection, 'create_connection', lambda *args, **kwargs: connected.append(args))
    _in_worker.prepare_in_controller('saymon_operation')
    assert prepared == [('POST', 'http://127.0.0.1:9/', {})]
    assert pooled == [('http://127.0.0.1:9/', True)]  # the adapter's pool for it, as a request would take it
    assert connected == []


def test_a_part_that_fails_leaves_the_rest_prepared_and_raises_nothing(monkeypatch):
    monkeypatch.setattr(_in_worker.ModuleInWorker, '_import_module', staticmethod(lambda name: 1 / 0))
    _in_worker._same_interpreter.cache_clear()
    _in_worker.prepare_in_controller('no_such_module')
    assert _in_worker._same_interpreter.cache_info().currsize == 1  # the controller's own interpreter, after the failure
