# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options of every module checked before any request (url, ca_path), and what a refused
or unanswered request makes a module report (changed, the hint for a refused ZITADEL token)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.netops.bridge.plugins.modules import saymon_operation, saymon_session, zitadel_execution, zitadel_target, zitadel_target_info
from .module_runner import run
from .test_invalid_input import MODULES

ENV = {'saymon': 'SAYMON_CA_PATH', 'enms': 'ENMS_CA_PATH', 'omn': 'OMN_CA_PATH', 'zitadel': 'ZITADEL_CA_PATH'}
PREFIXES = {'saymon': ['/node/api', '/node/api/'], 'omn': ['/api/core/v1', '/api/core/v1/peo/peos'],
            'zitadel': ['/v2', '/v2beta/actions/targets']}
URL_CASES = [(m, p) for m in sorted(MODULES) for p in PREFIXES.get(m.split('_')[0], [])]
JSON = {'Content-Type': 'application/json'}


def args_for(module_name, server, **extra):
    module, base = MODULES[module_name]
    return module, dict(base, url=server.url, **extra)


@pytest.mark.parametrize('module_name', sorted(MODULES))
def test_a_missing_ca_path_is_refused_naming_the_option(server, module_name, tmp_path):
    module, args = args_for(module_name, server, ca_path=str(tmp_path / 'no-such-ca.pem'))
    out = run(module, args)
    assert out.failed and server.received == [], out.result
    message = out.result['msg']
    assert message.startswith('ca_path %s does not exist' % (tmp_path / 'no-such-ca.pem')), message
    assert ENV[module_name.split('_')[0]] in message, message


@pytest.mark.parametrize('module_name', sorted(MODULES))
def test_a_ca_path_without_certificates_is_refused(server, module_name, tmp_path):
    garbage = tmp_path / 'ca.pem'
    garbage.write_text('not a certificate\n')
    module, args = args_for(module_name, server, ca_path=str(garbage))
    out = run(module, args)
    assert out.failed and server.received == [], out.result
    assert 'ca_path %s holds no usable CA certificate' % garbage in out.result['msg'], out.result['msg']


@pytest.mark.parametrize('module_name', sorted(MODULES))
@pytest.mark.parametrize('url', ['saymon.example.com', 'ftp://saymon.example.com', 'https://', 'http:/x'])
def test_a_url_without_http_scheme_is_refused(server, module_name, url):
    module, args = args_for(module_name, server)
    out = run(module, dict(args, url=url))
    assert out.failed and server.received == [], out.result
    assert out.result['msg'].startswith('url must'), out.result['msg']
    assert 'http://' in out.result['msg'] or 'name a server' in out.result['msg'], out.result['msg']


@pytest.mark.parametrize('module_name', sorted(MODULES))
def test_credentials_in_url_are_refused_and_masked(server, module_name, monkeypatch):
    module, args = args_for(module_name, server)
    masked = []
    from ansible.module_utils import basic
    original = basic.AnsibleModule.fail_json
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', lambda self, **result: masked.append(set(self.no_log_values)) or original(self, **result))
    out = run(module, dict(args, url=server.url.replace('://', '://mallory:hunter2-secret@')))
    assert out.failed and server.received == [], out.result
    message = out.result['msg']
    assert 'must not contain credentials' in message and 'hunter2-secret' not in message, message
    assert ('token' if module_name.startswith(('omn', 'zitadel')) else 'username and password') in message, message
    assert 'hunter2-secret' in masked[0]


@pytest.mark.parametrize('module_name,prefix', URL_CASES)
def test_a_url_with_the_api_path_is_refused_with_the_base_url(server, module_name, prefix):
    module, args = args_for(module_name, server)
    out = run(module, dict(args, url=server.url + prefix))
    assert out.failed and server.received == [], out.result
    wanted = prefix if module_name.startswith('saymon') else prefix.split('/actions')[0].replace('/peo/peos', '')
    assert out.result['msg'] == "url must be the server's base URL without %s: use %s." % (wanted.rstrip('/'), server.url)


def test_a_token_url_without_scheme_is_refused(server):
    module = MODULES['omn_peo_info'][0]
    out = run(module, dict(url=server.url, refresh_token='offline', token_url='keycloak.example.com/token', project_tid='p'))
    assert out.failed and server.received == [] and out.result['msg'].startswith('token_url must start with http://'), out.result


def saymon_refusal(status=401):
    return (status, JSON, json.dumps({'code': 'InvalidCredentials', 'message': json.dumps({'errorCode': 3, 'message': 'Invalid login or password.'})}))


def test_saymon_login_refused_changes_nothing(server):
    server.answers = [saymon_refusal()]
    out = run(saymon_session, dict(url=server.url, username='admin', password='wrong'))
    assert out.failed and out.result['changed'] is False, out.result
    assert 'HTTP 401' in out.result['msg'] and 'may have reached' not in out.result['msg']


def test_saymon_logout_refused_changes_nothing(server):
    server.answers = [(200, {}, 'true'), (403, JSON, '{"code": "Forbidden", "message": "no"}')]
    out = run(saymon_session, dict(url=server.url, username='admin', password='admin-pass', session_id='s1', state='absent'))
    assert out.failed and out.result['changed'] is False, out.result


def test_saymon_execute_refused_changes_nothing_but_unanswered_may_have(server):
    server.answers = [(403, JSON, '{"code": "Forbidden", "message": "no"}')]
    out = run(saymon_operation, dict(url=server.url, username='admin', password='admin-pass', link_id='L1', operation_id='OP1'))
    assert out.failed and out.result['changed'] is False, out.result
    server.answers = ['drop']
    out = run(saymon_operation, dict(url=server.url, username='admin', password='admin-pass', link_id='L1', operation_id='OP1'))
    assert out.failed and out.result['changed'] is True and 'may have reached' in out.result['msg'], out.result


def zitadel_refusal(status, code, message):
    return (status, JSON, json.dumps({'code': code, 'message': message}))


NO_TARGETS = (200, JSON, json.dumps({'pagination': {'totalResult': '0'}, 'targets': []}))
ONE_TARGET = (200, JSON, json.dumps({'pagination': {'totalResult': '1'}, 'targets': [
    {'id': 'T1', 'name': 'hook', 'endpoint': 'https://old.example.com', 'restWebhook': {}, 'timeout': '5s'}]}))
READ_ONLY = zitadel_refusal(403, 7, 'No matching permissions found (AUTH-5mWD2)')
# What a delete reads first: no execution calls the target (zitadel_target refuses to delete one that is called).
NO_EXECUTIONS = (200, JSON, json.dumps({'pagination': {'totalResult': '0'}, 'executions': []}))


@pytest.mark.parametrize('answers,extra', [
    ([NO_TARGETS, READ_ONLY], {}),
    ([ONE_TARGET, READ_ONLY], {}),
    ([ONE_TARGET, NO_EXECUTIONS, READ_ONLY], {'state': 'absent'}),
])
def test_zitadel_target_write_refused_changes_nothing(server, answers, extra):
    server.answers = list(answers)
    module, args = args_for('zitadel_target', server, **extra)
    out = run(module, args)
    assert out.failed and out.result['changed'] is False, out.result
    assert 'HTTP 403' in out.result['msg'] and 'the token needs the action.target.' in out.result['msg'], out.result['msg']


def test_zitadel_target_create_unanswered_may_have_changed(server):
    server.answers = [NO_TARGETS, 'drop']
    module, args = args_for('zitadel_target', server)
    out = run(module, args)
    assert out.failed and out.result['changed'] is True and 'may have reached' in out.result['msg'], out.result


def test_zitadel_execution_write_refused_changes_nothing(server):
    server.answers = [ONE_TARGET, (200, JSON, json.dumps({'pagination': {'totalResult': '0'}, 'result': []})), READ_ONLY]
    module, args = args_for('zitadel_execution', server)
    out = run(zitadel_execution, args)
    assert out.failed and out.result['changed'] is False, out.result


@pytest.mark.parametrize('module', [zitadel_target, zitadel_target_info])
def test_zitadel_wrong_token_is_called_invalid_not_a_missing_permission(server, module):
    server.answers = [zitadel_refusal(401, 16, 'Errors.Token.Invalid (AUTH-7fs1e)')]
    args = dict(MODULES[module.__name__.rsplit('.', 1)[-1]][1], url=server.url)
    out = run(module, args)
    assert out.failed and 'HTTP 401' in out.result['msg'], out.result
    assert 'invalid or expired' in out.result['msg'] and 'permission' not in out.result['msg'], out.result['msg']
    assert out.result['changed'] is False


@pytest.mark.parametrize('body', ['{}', 'not json'])
def test_saymon_write_answered_with_success_but_unreadable_has_changed(server, body):
    server.answers = [(200, JSON, body)]
    out = run(saymon_operation, dict(url=server.url, username='admin', password='admin-pass', link_id='L1', operation_id='OP1'))
    assert out.failed and out.result['changed'] is True and 'may have reached' in out.result['msg'], out.result
    server.answers = [(200, JSON, body)]
    out = run(saymon_session, dict(url=server.url, username='admin', password='admin-pass'))
    assert out.failed and out.result['changed'] is True, out.result
