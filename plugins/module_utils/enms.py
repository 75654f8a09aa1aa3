# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""eNMS REST API access for the netops.bridge enms_* modules.

eNMS accepts HTTP Basic only. Many refusals come back as HTTP 200 with an ``error`` or ``errors`` key,
an unknown service is a 403, and ``/rest/result`` answers 200 with an error until the run exists.
A run is started under the service's full name (``[Shared] Backup``, ``[Workflow] Backup``) but its
results are kept under the service's scoped name (``Backup``), which only the server can tell.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.netops.bridge.plugins.module_utils._auth import BasicAuth
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient, path_segment
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils._module import PlatformModule, non_empty_env_fallback
from ansible_collections.netops.bridge.plugins.module_utils._wait import wait_argument_spec as generic_wait_argument_spec, wait_as_asked

PLATFORM = 'eNMS'
API_PREFIX = '/rest'
RUN_REQUEST_KEYS = ('name', 'devices', 'pools', 'ip_addresses', 'async', 'form', 'ignore_invalid_targets')
NO_RESULT_YET = 'There are no results'
RUNNING = 'Running'
# A new run's row is written by a thread (or a task-queue worker) a moment after run_service answers.
DEFAULT_NOT_FOUND_TIMEOUT = 10
FORBIDDEN_HINT = ('eNMS answers HTTP 403 both when no service has this name and when the user may not %s it (an eNMS '
                  'admin gets 403 only for a name that does not exist). Check the exact name in eNMS (a shared service is '
                  'named "[Shared] <name>", a service in a workflow "[<workflow>] <name>"); if it is right, the user lacks '
                  'the access')


def enms_argument_spec():
    return dict(
        url=dict(type='str', required=True, fallback=(non_empty_env_fallback, ['ENMS_URL'])),
        username=dict(type='str', required=True, fallback=(non_empty_env_fallback, ['ENMS_USERNAME'])),
        password=dict(type='str', required=True, no_log=True, fallback=(non_empty_env_fallback, ['ENMS_PASSWORD'])),
        validate_certs=dict(type='bool', default=True, fallback=(non_empty_env_fallback, ['ENMS_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(non_empty_env_fallback, ['ENMS_CA_PATH'])),
        request_timeout=dict(type='float', default=30.0, fallback=(non_empty_env_fallback, ['ENMS_REQUEST_TIMEOUT'])),
    )


def wait_argument_spec(default_wait):
    return generic_wait_argument_spec(default_wait, 3600, DEFAULT_NOT_FOUND_TIMEOUT)


def run_finished(answer):
    return answer is not None and answer.get('status') != RUNNING


def run_outcome(answer):
    """The keys both modules return, from a ``/rest/result`` answer ``{status, result}``."""
    result = answer.get('result') if isinstance(answer, dict) else None
    if not isinstance(result, dict):
        result = {}
    summary = result.get('summary') if isinstance(result.get('summary'), dict) else {}
    return {
        'status': answer.get('status') if isinstance(answer, dict) else None,
        'success': result.get('success'),
        'summary': dict((key, device_names(summary.get(key))) for key in ('success', 'failure', 'discard')),
        'duration': result.get('duration'),
        'result': result,
    }


def device_names(value):
    """A summary list as names; anything else a server may send there counts as none."""
    return [to_text(name) for name in value] if isinstance(value, list) else []


class EnmsModule(PlatformModule):
    platform = PLATFORM
    api_prefixes = (API_PREFIX,)

    def __init__(self, argument_spec, **kwargs):
        super(EnmsModule, self).__init__(argument_spec, **kwargs)
        self.api = EnmsApi(self)
        self.require_non_empty('username')

    @classmethod
    def connection_argument_spec(cls):
        return enms_argument_spec()

    def build_client(self):
        return ApiClient(PLATFORM, self.params['url'], BasicAuth(self.params['username'], self.params['password']),
                         validate_certs=self.params['validate_certs'], ca_path=self.params['ca_path'],
                         timeout=self.params['request_timeout'])


def describe_errors(errors):
    """eNMS lists its reasons in ``errors``; a server that sends anything else is still quoted, never trusted."""
    if not errors:
        return 'no runtime in the answer'
    if isinstance(errors, list):
        return '; '.join(to_text(error) for error in errors)
    return to_text(errors)


class EnmsApi(object):
    def __init__(self, module):
        self.module = module

    @property
    def client(self):
        return self.module.client

    def run_service(self, body):
        """POST /rest/run_service once; refusals that eNMS answers with HTTP 200 become ApiError."""
        response = self.request_service('POST', '/rest/run_service', 'run', json_body=body)
        answer = response.json_object()
        if answer.get('error'):
            raise ApiError(PLATFORM, 'eNMS refused to run %r' % body['name'], method='POST', url=response.url,
                           status=response.status, detail=to_text(answer['error']))
        if not answer.get('runtime'):
            raise ApiError(PLATFORM, 'eNMS did not start %r' % body['name'], method='POST', url=response.url,
                           status=response.status, detail=describe_errors(answer.get('errors')))
        return answer

    def request_service(self, method, path, purpose, **kwargs):
        """A request about one service, whose 403 says what eNMS's 403 can mean."""
        try:
            return self.client.request(method, path, **kwargs)
        except ApiError as exc:
            if exc.status == 403:
                exc.summary = FORBIDDEN_HINT % purpose
            raise

    def service(self, name, purpose='read'):
        """The service or workflow ``name`` (its full name) as ``GET /rest/instance/service/<name>`` gives it."""
        response = self.request_service('GET', '/rest/instance/service/%s' % path_segment(name), purpose)
        return response.json_object('the service %r' % name)

    def scoped_name(self, name):
        """The name eNMS keeps ``name``'s results under: its ``scoped_name``, one read."""
        service = self.service(name)
        scoped = service.get('scoped_name')
        if not isinstance(scoped, str) or not scoped:
            raise ApiError(PLATFORM, 'eNMS gave the service %r without a scoped_name, under which its results are kept' % name,
                           detail=to_text(sorted(service)))
        return scoped

    def result(self, scoped_name, runtime):
        """``{status, result}`` of a run, or None while eNMS has no row for it (yet)."""
        path = '/rest/result/%s/%s' % (path_segment(scoped_name), path_segment(runtime))
        response = self.client.request('GET', path)
        answer = response.json_object()
        if answer.get('error'):
            if NO_RESULT_YET in to_text(answer['error']):
                return None
            raise ApiError(PLATFORM, 'eNMS refused to give the result', method='GET', url=response.url,
                           status=response.status, detail=to_text(answer['error']))
        return answer

    def wait_result(self, name, scoped_name, runtime, params):
        """Poll until the run has finished; fail once eNMS has not known the run for ``not_found_timeout``."""
        return wait_as_asked(lambda: self.result(scoped_name, runtime), run_finished, describe_run(name, scoped_name, runtime),
                             lambda answer: answer is None, params)


def describe_run(name, scoped_name, runtime):
    if scoped_name == name:
        return 'the eNMS run of %r at %s' % (name, runtime)
    return 'the eNMS run of %r (results kept under its scoped name %r) at %s' % (name, scoped_name, runtime)
