# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based: whatever a server answers (any JSON, any text, any bytes), every module ends in
exit_json or fail_json; its response parsers never raise anything but the collection's own errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from .module_runner import Exited, run
from .test_invalid_input import MODULES

# Keys the platforms' answers use, so that drawn documents reach past the first shape check.
KEYS = st.sampled_from(['status', 'result', 'summary', 'success', 'failure', 'runtime', 'duration', 'description', 'exitCode',
                        'stdout', 'topic', 'id', 'name', 'operations', 'targets', 'target', 'details', 'totalResult', 'executions',
                        'condition', 'request', 'method', 'timeout', 'endpoint', 'restWebhook', 'restCall', 'restAsync',
                        'interruptOnError', 'payloadType', 'code', 'message', 'signingKey', 'creationDate', 'errors',
                        'publicKeys', 'keyId', 'publicKey', 'fingerprint', 'active', 'expirationDate', 'pagination'])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
DOCUMENTS = st.recursive(SCALARS, lambda children: st.one_of(st.lists(children, max_size=4),
                                                             st.dictionaries(st.one_of(KEYS, st.text(max_size=6)), children, max_size=6)),
                         max_leaves=25)
BODIES = st.one_of(DOCUMENTS.map(lambda value: json.dumps(value).encode('utf-8')), st.binary(max_size=200),
                   st.text(max_size=200).map(lambda text: text.encode('utf-8')))
STATUSES = st.sampled_from([200, 200, 200, 201, 204, 400, 401, 403, 404, 409, 500])
# Keep any waiting short: an answer that never says "finished" must end in a time-out failure, quickly.
# A deeper search for a release or after a parser change: NETOPS_HOSTILE_EXAMPLES=1000.
EXAMPLES = int(os.environ.get('NETOPS_HOSTILE_EXAMPLES', '25'))
WAITS = {'saymon_operation': {'wait': True, 'wait_timeout': 0.3, 'poll_interval': 0.05},
         'saymon_job_info': {'wait': True, 'wait_timeout': 0.3, 'poll_interval': 0.05},
         'enms_service_run': {'wait_timeout': 0.3, 'poll_interval': 0.05},
         'enms_result_info': {'wait': True, 'wait_timeout': 0.3, 'poll_interval': 0.05}}


@pytest.mark.parametrize('module_name', sorted(MODULES))
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(status=STATUSES, body=BODIES, content_type=st.sampled_from(['application/json', 'application/xml', 'text/html']))
def test_any_answer_ends_in_exit_or_fail_json(server, module_name, status, body, content_type):
    module, base = MODULES[module_name]
    server.default = (status, {'Content-Type': content_type}, body)
    server.received.clear()
    args = dict(base, url=server.url, request_timeout=2, **WAITS.get(module_name, {}))
    if module_name == 'saymon_operation':
        args.pop('operation_id')
        args['operation_name'] = 'set-maintenance'
    out = run(module, args)
    assert isinstance(out, Exited)
    if out.failed:
        assert out.result['msg'], out.result
