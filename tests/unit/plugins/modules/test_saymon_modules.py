# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SAYMON modules' main() against a scripted HTTP server: what they send and what they return."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest


from ansible_collections.netops.bridge.plugins.modules import saymon_job_info, saymon_operation, saymon_session
from .module_runner import run


def creds(server, **args):
    return dict(url=server.url, username='admin', password='admin-pass', **args)


def test_execute_by_id_without_arguments_sends_no_body(server):
    server.answers = [(200, {'Content-Type': 'application/json'}, '"62de902eb238aa0131bd3b8b"')]
    out = run(saymon_operation, creds(server, link_id='L1', operation_id='OP1'))
    assert not out.failed and out.result['changed'] is True
    assert out.result['job_id'] == '62de902eb238aa0131bd3b8b'
    assert [(r['method'], r['path'], r['body']) for r in server.received] == [('POST', '/node/api/links/L1/operations/OP1/execute', b'')]


def test_execute_on_object_with_arguments_and_wait(server):
    server.answers = [
        (200, {}, '"job1"'),
        (200, {}, json.dumps({'id': 'job1', 'description': {}})),
        (200, {}, json.dumps({'id': 'job1', 'description': {'exitCode': 0, 'stdout': 'done'}})),
    ]
    out = run(saymon_operation, creds(server, object_id='O1', operation_id='OP1', arguments={'count': 4}, wait=True, poll_interval=0.01))
    assert not out.failed, out.result
    assert json.loads(server.received[0]['body']) == {'count': 4}
    assert server.received[0]['path'] == '/node/api/objects/O1/operations/OP1/execute'
    assert out.result['exit_code'] == 0 and out.result['stdout'] == 'done' and out.result['polls'] == 2


def test_check_mode_reads_but_does_not_execute(server):
    server.answers = [(200, {}, json.dumps({'id': 'L1', 'operations': [{'id': 'OP1', 'name': 'set-maintenance'}]}))]
    out = run(saymon_operation, creds(server, link_id='L1', operation_name='set-maintenance'), check_mode=True)
    assert not out.failed and out.result['changed'] is True and out.result['operation_id'] == 'OP1'
    assert [(r['method'], r['path']) for r in server.received] == [('GET', '/node/api/links/L1?fields=operations')]


@pytest.mark.parametrize('check_mode', [True, False])
def test_require_listed_refuses_an_unlisted_id_before_executing(server, check_mode):
    server.answers = [(200, {}, json.dumps({'id': 'L1', 'operations': [{'id': 'OP1', 'name': 'set-maintenance'}]}))]
    out = run(saymon_operation, creds(server, link_id='L1', operation_id='OP9', require_listed=True), check_mode=check_mode)
    assert out.failed and 'link L1 has no operation with ID OP9 (its operations: set-maintenance (OP1))' in out.result['msg']
    assert [(r['method'], r['path']) for r in server.received] == [('GET', '/node/api/links/L1?fields=operations')]


def test_require_listed_executes_a_listed_id(server):
    server.answers = [(200, {}, json.dumps({'id': 'L1', 'operations': [{'id': 'OP1', 'name': 'set-maintenance'}]})), (200, {}, '"job1"')]
    out = run(saymon_operation, creds(server, link_id='L1', operation_id='OP1', require_listed=True))
    assert not out.failed and out.result['job_id'] == 'job1' and out.result['operation_id'] == 'OP1'


@pytest.mark.parametrize('args', [
    dict(link_id='L1', object_id='O1', operation_id='x'),
    dict(operation_id='x'),
    dict(link_id='L1'),
    dict(link_id='', operation_id='x'),
    dict(link_id='L1', operation_id='x', wait_timeout=0),
    dict(link_id='L1', operation_id='x', poll_interval=-1),
])
def test_bad_input_fails_before_any_request(server, args):
    out = run(saymon_operation, creds(server, **args))
    assert out.failed and server.received == []


def test_session_present_with_valid_session_is_unchanged_and_returned(server):
    server.answers = [(200, {}, 'true')]
    out = run(saymon_session, dict(url=server.url, session_id='sid-1'))
    assert not out.failed and out.result['changed'] is False and out.result['session_id'] == 'sid-1'
    assert server.received[0]['path'] == '/node/api/users/session/verify/sid-1'
    assert server.received[0]['headers']['cookie'] == 'sid=sid-1'


def test_session_present_replaces_an_invalid_session(server):
    server.answers = [(200, {}, 'null'), (200, {}, '"sid-2"')]
    out = run(saymon_session, creds(server, session_id='sid-1'))
    assert out.result['changed'] is True and out.result['session_id'] == 'sid-2'
    assert json.loads(server.received[1]['body']) == {'login': 'admin', 'password': 'admin-pass'}


def test_session_absent_on_an_expired_session_changes_nothing(server):
    server.answers = [(401, {}, json.dumps({'code': 'Unauthorized', 'message': json.dumps({'errorCode': 3, 'message': 'Session expired.'})}))]
    out = run(saymon_session, dict(url=server.url, session_id='old', state='absent'))
    assert not out.failed and out.result['changed'] is False
    assert [r['method'] for r in server.received] == ['GET']


def test_job_info_unknown_job_fails_with_the_status(server):
    server.answers = [(404, {}, json.dumps({'code': 'NotFound', 'message': 'Job with id j does not exist.'}))]
    out = run(saymon_job_info, creds(server, job_id='j'))
    assert out.failed and 'HTTP 404 Not Found: NotFound: Job with id j does not exist.' in out.result['msg']
