# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options of every module checked before any request (url, ca_path)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from .module_runner import run
from .test_invalid_input import MODULES

ENV = {'saymon': 'SAYMON_CA_PATH', 'enms': 'ENMS_CA_PATH', 'omn': 'OMN_CA_PATH', 'zitadel': 'ZITADEL_CA_PATH'}
PREFIXES = {'saymon': ['/node/api', '/node/api/'], 'omn': ['/api/core/v1', '/api/core/v1/peo/peos'],
            'zitadel': ['/v2', '/v2beta/actions/targets']}
URL_CASES = [(m, p) for m in sorted(MODULES) for p in PREFIXES.get(m.split('_')[0], [])]


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
