# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets as a vault block scalar or an env file gives them (a line break at the end): sent without it; a control
character inside one refused before any request, naming the option and never showing the value. And an environment
variable set to the empty string is unset: the default applies."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import json
from urllib.parse import quote

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils.zitadel import ZitadelModule
from ansible_collections.netops.bridge.plugins.modules import enms_result_info, omn_peo_info, saymon_job_info, zitadel_execution_info
from .module_runner import Exited, run
from .test_invalid_input import MODULES, argument_spec

JSON = {'Content-Type': 'application/json'}


def basic(user, password):
    return 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode()).decode()


# (module, its other arguments, the option, the environment variable, the Authorization or Cookie header expected)
SENT_STRIPPED = {
    'zitadel token': (zitadel_execution_info, {}, 'token', 'ZITADEL_TOKEN', ('authorization', 'Bearer tok-42')),
    'omn token': (omn_peo_info, dict(project_tid='acc0000232'), 'token', 'OMN_TOKEN', ('authorization', 'Bearer tok-42')),
    'saymon session_id': (saymon_job_info, dict(job_id='J1'), 'session_id', 'SAYMON_SESSION_ID', ('cookie', 'sid=tok-42')),
    'saymon password': (saymon_job_info, dict(job_id='J1', username='admin'), 'password', 'SAYMON_PASSWORD',
                        ('authorization', basic('admin', 'tok-42'))),
    'enms password': (enms_result_info, dict(name='Backup', runtime='2026-01-01 00:00:00.000000', username='admin'), 'password',
                      'ENMS_PASSWORD', ('authorization', basic('admin', 'tok-42'))),
}


@pytest.mark.parametrize('raw', ['tok-42\n', ' tok-42\r\n', '\ttok-42 '])
@pytest.mark.parametrize('source', ['option', 'environment'])
@pytest.mark.parametrize('case', sorted(SENT_STRIPPED))
def test_a_secret_is_sent_without_its_surrounding_whitespace(server, monkeypatch, case, source, raw):
    module, args, option, variable, (header, expected) = SENT_STRIPPED[case]
    args = dict(args, url=server.url)
    if source == 'option':
        args[option] = raw
    else:
        monkeypatch.setenv(variable, raw)
    run(module, args)
    assert server.received, 'nothing was sent'
    assert server.received[0]['headers'].get(header) == expected, server.received[0]['headers']


def test_the_omn_refresh_token_is_sent_without_its_surrounding_whitespace(server):
    server.answers = [(200, JSON, '{"access_token": "access-1"}')]
    run(omn_peo_info, dict(url=server.url, project_tid='acc0000232', refresh_token='offline-1\n',
                           token_url=server.url + '/auth/realms/OMN/protocol/openid-connect/token'))
    assert b'refresh_token=offline-1&' in server.received[0]['body'] + b'&', server.received[0]['body']
    assert server.received[1]['headers']['authorization'] == 'Bearer access-1'


SECRET_OPTIONS = [(name, option) for name, (module, base) in sorted(MODULES.items())
                  for option, spec in sorted(argument_spec(module).items()) if spec.get('no_log')]


def test_every_platform_has_secret_options_to_check():
    assert set(name.split('_')[0] for name, option in SECRET_OPTIONS) == set(['saymon', 'enms', 'omn', 'zitadel'])


def assert_never_shown(secret, result):
    shown = json.dumps(result) + repr(result)
    forms = [secret, secret.strip(), repr(secret)[1:-1], repr(secret.encode())[2:-1], json.dumps(secret)[1:-1], quote(secret, safe='')]
    for form in forms:
        assert form not in shown, (form, result)


@pytest.mark.parametrize('inner', ['\x01', '\n', '\r', '\t', '\x00', '\x7f', '\x85'])
@pytest.mark.parametrize('module_name, option', SECRET_OPTIONS)
def test_a_secret_with_a_control_character_inside_is_refused_unseen(server, module_name, option, inner):
    module, base = MODULES[module_name]
    secret = 'SeCrEt' + inner + 'VaLuE\n'
    out = run(module, dict(base, url=server.url, **{option: secret}))
    assert out.failed and server.received == [], out.result
    assert out.result['msg'].startswith('%s must not hold a control character' % option), out.result['msg']
    assert_never_shown(secret, out.result)
    assert 'SeCrEt' not in json.dumps(out.result)


@pytest.mark.parametrize('variable, option, module_name', [
    ('ZITADEL_TOKEN', 'token', 'zitadel_target_info'), ('OMN_TOKEN', 'token', 'omn_peo_info'),
    ('OMN_REFRESH_TOKEN', 'refresh_token', 'omn_peo_info'), ('SAYMON_SESSION_ID', 'session_id', 'saymon_job_info'),
    ('SAYMON_PASSWORD', 'password', 'saymon_job_info'), ('ENMS_PASSWORD', 'password', 'enms_result_info')])
def test_a_secret_from_the_environment_with_a_control_character_names_the_variable(server, monkeypatch, variable, option, module_name):
    module, base = MODULES[module_name]
    args = dict(base, url=server.url)
    args.pop(option, None)
    monkeypatch.setenv(variable, 'to\x01k-SECRET')
    out = run(module, args)
    assert out.failed and server.received == [], out.result
    assert out.result['msg'].startswith('%s must not hold a control character' % option), out.result['msg']
    assert variable in out.result['msg'], out.result['msg']
    assert 'SECRET' not in json.dumps(out.result)


def test_a_blank_token_is_refused_as_empty(server):
    module, base = MODULES['zitadel_target_info']
    out = run(module, dict(base, url=server.url, token=' \n'))
    assert out.failed and server.received == [], out.result
    assert out.result['msg'] == 'token must not be empty.', out.result['msg']


# One module per platform, and the connection option of each kind whose environment variable is set to '' (or blanks).
PLATFORM_MODULES = {'saymon': 'saymon_job_info', 'enms': 'enms_result_info', 'omn': 'omn_peo_info', 'zitadel': 'zitadel_execution_info'}
EMPTY_VARIABLES = [(platform, kind, variable) for platform in sorted(PLATFORM_MODULES)
                   for kind, variable in [('float', '%s_REQUEST_TIMEOUT'), ('bool', '%s_VALIDATE_CERTS'), ('path', '%s_CA_PATH')]] + [
    ('zitadel', 'choices', 'ZITADEL_API_VERSION'), ('omn', 'str with a default', 'OMN_SCHEMA_VERSION'),
    ('omn', 'str with a default', 'OMN_CLIENT_ID')]


@pytest.mark.parametrize('empty', ['', ' '])
@pytest.mark.parametrize('platform, kind, variable', EMPTY_VARIABLES)
def test_an_empty_environment_variable_is_unset(server, monkeypatch, platform, kind, variable, empty):
    variable = variable % platform.upper() if '%s' in variable else variable
    module, base = MODULES[PLATFORM_MODULES[platform]]
    monkeypatch.setenv(variable, empty)
    out = run(module, dict(base, url=server.url))
    assert server.received, out.result
    if platform == 'zitadel':
        assert server.received[0]['path'].startswith('/v2/'), server.received[0]['path']


@pytest.mark.parametrize('platform, option, variable', [
    ('enms', 'url', 'ENMS_URL'), ('zitadel', 'token', 'ZITADEL_TOKEN'), ('saymon', 'url', 'SAYMON_URL'), ('omn', 'url', 'OMN_URL')])
def test_a_required_option_whose_variable_is_empty_names_the_variable(server, monkeypatch, platform, option, variable):
    module, base = MODULES[PLATFORM_MODULES[platform]]
    args = dict(base, url=server.url, token='tok-42', username='admin', password='admin-pass')
    monkeypatch.setenv(variable, ' ')
    out = run(module, dict((key, value) for key, value in args.items() if key != option and key in argument_spec(module)))
    assert out.failed and server.received == [], out.result
    assert out.result['msg'] == 'missing required arguments: %s (%s is set but empty, which counts as unset)' % (option, variable)


@pytest.mark.parametrize('variable, value, option', [('ZITADEL_API_VERSION', 'v2beta', 'api_version'),
                                                     ('ZITADEL_REQUEST_TIMEOUT', '0', 'request_timeout')])
def test_a_set_environment_variable_still_applies(server, monkeypatch, variable, value, option):
    module, base = MODULES['zitadel_execution_info']
    monkeypatch.setenv(variable, value)
    out = run(module, dict(base, url=server.url))
    if option == 'api_version':
        assert server.received[0]['path'].startswith('/v2beta/'), server.received
    else:
        assert out.failed and out.result['msg'].startswith('request_timeout must be greater than 0'), out.result


def test_an_api_error_raised_outside_the_client_is_redacted_too(server):
    def task(module):
        raise ApiError('ZITADEL', 'the server quoted %r and %r' % ('tok-SECRET', b'Bearer tok-SECRET'), detail='tok-SECRET')

    with patch_module_args(dict(url=server.url, token='tok-SECRET\n')):
        with pytest.raises(Exited) as exited:
            ZitadelModule(argument_spec={}).run(task)
    assert exited.value.failed and 'SECRET' not in json.dumps(exited.value.result), exited.value.result
