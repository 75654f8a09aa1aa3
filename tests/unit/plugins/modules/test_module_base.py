# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module gets from PlatformModule before and after its own work: the option checks with their exact
messages, secrets stripped and masked, changed set from a write's outcome, and every failure a fail_json with the
session closed (conftest.py turns exit_json/fail_json into Exited)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.module_utils.common.parameters import AnsibleFallbackNotFound
from ansible.module_utils.testing import patch_module_args

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError, WaitTimeout
from ansible_collections.netops.bridge.plugins.module_utils._module import (
    CHECK_MODE_PLACEHOLDER, PlatformModule, has_control_character, non_empty_env_fallback)
from ..module_utils.pki import Pki
from .module_runner import Exited

URL = 'https://demo.example.com'


class FakeClient(object):
    def __init__(self, secrets=()):
        self.closed = 0
        self.learnt = list(secrets)

    def secrets(self):
        return self.learnt

    def close(self):
        self.closed += 1


class DemoModule(PlatformModule):
    platform = 'DEMO'
    api_prefixes = ('/api',)
    credential_options = 'token'
    built = []

    @classmethod
    def connection_argument_spec(cls):
        return dict(
            url=dict(type='str', required=True),
            token=dict(type='str', no_log=True, fallback=(non_empty_env_fallback, ['DEMO_TOKEN', 'DEMO_OLD_TOKEN'])),
            request_timeout=dict(type='float', default=10.0, fallback=(non_empty_env_fallback, ['DEMO_TIMEOUT'])),
            validate_certs=dict(type='bool', default=True),
            ca_path=dict(type='path'),
        )

    def build_client(self):
        client = FakeClient(['session-learnt'])
        self.built.append(client)
        return client


EXTRA = dict(
    label=dict(type='str'),
    session_id=dict(type='str', no_log=True),
    key_file=dict(type='path'),
    wait_timeout=dict(type='float'),
    poll_interval=dict(type='float'),
    not_found_timeout=dict(type='float'),
    count=dict(type='int'),
)


def demo(check_mode=False, module_class=DemoModule, **params):
    args = dict(dict(url=URL, token='tok-en'), **params)
    with patch_module_args(dict(args, _ansible_check_mode=check_mode)):
        return module_class(dict(EXTRA), supports_check_mode=True)


def refusal(**params):
    with pytest.raises(Exited) as exited:
        demo(**params)
    assert exited.value.failed
    return exited.value.result['msg']


@pytest.fixture(autouse=True)
def no_demo_environment(monkeypatch):
    for name in ('DEMO_TOKEN', 'DEMO_OLD_TOKEN', 'DEMO_TIMEOUT'):
        monkeypatch.delenv(name, raising=False)
    DemoModule.built = []


def test_the_environment_fallback_takes_the_first_variable_that_is_not_blank(monkeypatch):
    monkeypatch.setenv('DEMO_TOKEN', ' \t')
    monkeypatch.setenv('DEMO_OLD_TOKEN', ' old ')
    assert non_empty_env_fallback('DEMO_TOKEN', 'DEMO_OLD_TOKEN') == ' old '
    monkeypatch.setenv('DEMO_TOKEN', 'new')
    assert non_empty_env_fallback('DEMO_TOKEN', 'DEMO_OLD_TOKEN') == 'new'
    monkeypatch.setenv('DEMO_TOKEN', '')
    monkeypatch.setenv('DEMO_OLD_TOKEN', '')
    with pytest.raises(AnsibleFallbackNotFound):
        non_empty_env_fallback('DEMO_TOKEN', 'DEMO_OLD_TOKEN')


def test_a_blank_variable_leaves_the_default(monkeypatch):
    monkeypatch.setenv('DEMO_TIMEOUT', '  ')
    assert demo().params['request_timeout'] == 10.0


@pytest.mark.parametrize('text,control', [('tok\x7fen', True), ('\x00', True), ('tok en', False), ('tökén€', False), ('', False)])
def test_control_characters_are_the_unicode_cc_category(text, control):
    assert has_control_character(text) is control


def test_a_secret_is_stripped_and_the_stripped_value_masked():
    module = demo(token=' tok-en\n', label=' keep me ')
    assert module.params['token'] == 'tok-en'
    assert 'tok-en' in module.ansible.no_log_values
    assert module.params['label'] == ' keep me '  # not a secret: taken as given


def test_a_blank_secret_becomes_empty_and_masks_nothing():
    module = demo(token=' \n ')
    assert module.params['token'] == ''
    assert '' not in module.ansible.no_log_values


def test_a_secret_with_a_control_character_names_the_option_and_its_variables(monkeypatch):
    monkeypatch.setenv('DEMO_TOKEN', 'to\tken')
    with patch_module_args(dict(url=URL)):
        with pytest.raises(Exited) as exited:
            DemoModule(dict(EXTRA))
    assert exited.value.result['msg'] == (
        'token must not hold a control character (such as a line break or a tab) inside it; the value is not shown. '
        'Check the value set by the token option or DEMO_TOKEN or DEMO_OLD_TOKEN.')


@pytest.mark.parametrize('value', ['nan', 'inf', '-inf'])
def test_a_float_option_must_be_finite(value):
    assert refusal(request_timeout=value) == (
        'request_timeout must be a finite number, got %s (set by the request_timeout option or DEMO_TIMEOUT).' % float(value))


def test_a_non_finite_float_option_without_variables_names_only_the_option():
    with patch_module_args(dict(url=URL, token='t', wait_timeout='nan')):
        with pytest.raises(Exited) as exited:
            DemoModule(dict(EXTRA))
    assert exited.value.result['msg'] == 'wait_timeout must be a finite number, got nan (set by the wait_timeout option).'


@pytest.mark.parametrize('value', [0, -1])
def test_the_request_timeout_must_be_positive(value):
    assert refusal(request_timeout=value) == 'request_timeout must be greater than 0, got %s.' % float(value)


def test_the_smallest_positive_request_timeout_is_accepted():
    assert demo(request_timeout=0.001).params['request_timeout'] == 0.001


@pytest.mark.parametrize('url', ['', '   '])
def test_an_empty_url_is_refused(url):
    assert refusal(url=url) == 'url must not be empty.'


def test_a_bad_url_is_refused_with_the_platform_terms():
    assert refusal(url='https://demo.example.com/api/') == "url must be the server's base URL without /api: use https://demo.example.com."
    assert refusal(url='https://a:b@demo.example.com') == (
        'url must not contain credentials (user:password@ before the host): give them in token instead.')


def test_credentials_in_a_url_are_masked_in_the_failure(monkeypatch):
    masked = []
    monkeypatch.setattr(DemoModule, 'fail', lambda self, msg, **extra: masked.append(set(self.ansible.no_log_values)))
    demo(url='https://mallory:hunter2@demo.example.com')
    assert set(['mallory:hunter2', 'hunter2']) <= masked[0]
    demo(url='https://mallory@demo.example.com')
    assert 'mallory' in masked[1] and '' not in masked[1]
    demo(url='https://mallory:hun:ter2@demo.example.com')
    assert 'hun:ter2' in masked[2]  # a password may hold a colon


def test_another_url_option_may_be_empty_but_not_malformed():
    module = demo()
    module.params['label'] = '  '
    module.require_url('label')
    module.params['label'] = None
    module.require_url('label')
    module.params['label'] = 'https://h.example.com/api?x#y'
    module.require_url('label')  # not a base URL: the API path, query and fragment are its own
    module.params['label'] = 'h.example.com'
    with pytest.raises(Exited) as exited:
        module.require_url('label')
    assert exited.value.result['msg'] == "label must start with http:// or https://, got 'h.example.com'."


def test_a_missing_path_is_refused_naming_the_option(tmp_path):
    missing = str(tmp_path / 'missing.pem')
    assert refusal(ca_path=missing) == 'ca_path %s does not exist (set by the ca_path option).' % missing
    assert refusal(key_file=missing) == 'key_file %s does not exist (set by the key_file option).' % missing


def test_a_ca_path_that_does_not_load_is_refused_with_the_reason_and_advice(tmp_path):
    garbage = tmp_path / 'ca.pem'
    garbage.write_text('garbage\n')
    assert refusal(ca_path=str(garbage)) == (
        'ca_path %s holds no usable CA certificate (NO_CERTIFICATE_OR_CRL_FOUND, set by the ca_path option): give a PEM file of '
        'the CA certificates that sign the DEMO server certificate.' % garbage)
    assert demo(key_file=str(garbage)).params['key_file'] == str(garbage)  # only ca_path is a CA bundle


def test_a_usable_or_empty_ca_path_is_accepted(tmp_path):
    ca = Pki(tmp_path).ca
    assert demo(ca_path=ca).params['ca_path'] == ca
    assert demo(ca_path='').params['ca_path'] == ''


def test_unverified_certificates_are_warned_about(monkeypatch):
    warnings = []
    monkeypatch.setattr('ansible.module_utils.basic.AnsibleModule.warn', lambda self, text: warnings.append(text))
    demo()
    assert warnings == []
    demo(validate_certs=False)
    assert warnings == ['validate_certs is false: the DEMO server certificate is not verified, so credentials can be intercepted. Prefer ca_path.']


def test_a_missing_library_fails_with_core_hint():
    class NeedsLibrary(DemoModule):
        requirements = (('requests', True, None), ('zitadel-client', False, 'Traceback: no module'))

    assert NeedsLibrary.missing_requirements() == ['zitadel-client']
    assert DemoModule.missing_requirements() == []
    with pytest.raises(Exited) as exited:
        demo(module_class=NeedsLibrary)
    assert exited.value.result['msg'].startswith('Failed to import the required Python library (zitadel-client)'), exited.value.result
    assert exited.value.result['exception'] == 'Traceback: no module'


def test_the_placeholder_is_no_secret():
    module = demo(session_id=CHECK_MODE_PLACEHOLDER)
    assert CHECK_MODE_PLACEHOLDER not in module.ansible.no_log_values


def test_the_placeholder_is_refused_outside_check_mode():
    module = demo(session_id=CHECK_MODE_PLACEHOLDER, label='real')
    assert module.placeholder_given('label') is False
    with pytest.raises(Exited) as exited:
        module.placeholder_given('label', 'session_id')
    assert exited.value.result['msg'] == ('session_id is the placeholder that netops.bridge modules return in check mode, not a real ID: '
                                          'it comes from a task that ran in check mode.')
    assert demo(check_mode=True, session_id=CHECK_MODE_PLACEHOLDER).placeholder_given('label', 'session_id') is True


def test_blank_ids_are_refused():
    module = demo(label=' ')
    module.require_non_empty('session_id')  # unset is fine
    with pytest.raises(Exited) as exited:
        module.require_non_empty('session_id', 'label')
    assert exited.value.result['msg'] == 'label must not be empty.'


@pytest.mark.parametrize('params,message', [
    (dict(wait_timeout=0), 'wait_timeout must be greater than 0, got 0.0.'),
    (dict(poll_interval=-0.5), 'poll_interval must be greater than 0, got -0.5.'),
    (dict(not_found_timeout=-1), 'not_found_timeout must not be negative, got -1.0.'),
])
def test_wait_options_are_checked(params, message):
    module = demo(**params)
    with pytest.raises(Exited) as exited:
        module.validate_wait()
    assert exited.value.result['msg'] == message


def test_wait_options_at_their_bounds_are_accepted():
    demo(wait_timeout=0.1, poll_interval=0.1, not_found_timeout=0).validate_wait()
    demo().validate_wait()


def test_apply_in_check_mode_sends_nothing_and_reports_a_change():
    sent = []
    module = demo(check_mode=True)
    assert module.check_mode is True
    assert module.apply(sent.append, 'x') is None
    assert sent == [] and module.result == {'changed': True}


def test_apply_returns_the_answer_and_reports_a_change():
    module = demo()
    assert module.check_mode is False
    assert module.apply(lambda a, b: a + b, 2, 3) == 5
    assert module.result['changed'] is True


@pytest.mark.parametrize('maybe_applied', [False, True])
def test_apply_of_a_failed_write_reports_changed_only_if_it_may_have_reached_the_server(maybe_applied):
    module = demo()

    def refused():
        raise ApiError('DEMO', 'no', maybe_applied=maybe_applied)

    with pytest.raises(ApiError):
        module.apply(refused)
    assert module.result['changed'] is maybe_applied


def test_the_client_is_built_once_and_closed_at_exit():
    module = demo()
    assert module.client is module.client
    assert len(DemoModule.built) == 1

    def task(m):
        m.result['answer'] = 42

    with pytest.raises(Exited) as exited:
        module.run(task)
    assert exited.value.failed is False
    assert exited.value.result == {'changed': False, 'answer': 42}
    assert DemoModule.built[0].closed == 1 and module._client is None


def test_an_api_error_fails_redacted_with_its_details_and_the_session_closed():
    module = demo(token='tok-en')

    def task(m):
        m.client
        m.result['changed'] = True
        raise ApiError('DEMO', 'refused tok-en and session-learnt', method='GET', url=URL + '/x', status=403, detail='bad tok-en')

    with pytest.raises(Exited) as exited:
        module.run(task)
    assert exited.value.failed
    assert exited.value.result == {
        'msg': 'DEMO GET %s/x failed: HTTP 403 Forbidden: refused ******** and ********: bad ********' % URL,
        'changed': True, 'status': 403, 'url': URL + '/x', 'method': 'GET', 'error': 'bad ********'}
    assert DemoModule.built[0].closed == 1


def test_a_wait_timeout_fails_with_the_number_of_polls():
    module = demo()

    def task(m):
        raise WaitTimeout('still running after 5 s', polls=7)

    with pytest.raises(Exited) as exited:
        module.run(task)
    assert exited.value.failed
    assert exited.value.result == {'msg': 'still running after 5 s', 'changed': False, 'polls': 7}


def test_the_secrets_are_the_no_log_values_and_what_the_client_learnt():
    module = demo(token='tok-en')
    assert module.secrets() == ['tok-en']
    module.client
    assert module.secrets() == ['tok-en', 'session-learnt']
    module.params['token'] = ''
    module._client.learnt = [None, 3, 'other']
    assert module.secrets() == ['other']
    module.close()
    module.close()
    assert DemoModule.built[0].closed == 1
