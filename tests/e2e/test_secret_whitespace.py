# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A token as a vault block scalar or an env file gives it, with a line break at the end, works on both execution
paths; one with a control character inside fails before any request, naming the option, and its value appears
nowhere: not in stdout or stderr at -vvv, not in the registered result, not in ansible.log."""

from __future__ import absolute_import, division, print_function

import base64
import json

import pytest

from conftest import enms_env, omn_env, saymon_env, zitadel_env

# fixture, environment, module, its arguments, the token the emulator accepts
PLATFORMS = {
    'zitadel': (zitadel_env, 'zitadel_target_info', 'name: existing', 'admin-token'),
    'omn': (omn_env, 'omn_peo_info', 'project_tid: acc0000232', 'omn-token'),
}
SAVE = '''
    - name: Save results
      ansible.builtin.copy:
        content: "{{ outcome | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
      changed_when: false
'''


def playbook(module, args, token_option, no_log):
    # A block scalar (|) keeps the line break at the end, exactly as a vault-encrypted block scalar does.
    token = '        token: |\n          %s\n' % token_option if token_option else ''
    return '''- hosts: localhost
  gather_facts: false
  tasks:
    - name: Use the token
      netops.bridge.%s:
        %s
%s      register: outcome
      ignore_errors: true
      no_log: %s
''' % (module, args, token, 'true' if no_log else 'false') + SAVE


@pytest.mark.parametrize('execution', ['auto', 'module'])
@pytest.mark.parametrize('source', ['environment', 'option'])
@pytest.mark.parametrize('platform', sorted(PLATFORMS))
def test_a_token_ending_in_a_line_break_is_sent_without_it(platform, source, execution, request, ansible):
    env_of, module, args, token = PLATFORMS[platform]
    emulator = request.getfixturevalue(platform)
    env = env_of(emulator)
    env['%s_TOKEN' % platform.upper()] = token + '\n'
    if source == 'option':
        del env['%s_TOKEN' % platform.upper()]
    run = ansible.playbook(playbook(module, args, token if source == 'option' else None, no_log=False), env=env,
                           args=['-e', 'netops_bridge_execution=%s' % execution])
    assert run.results and not run.results.get('failed'), run
    sent = emulator.requests()
    assert sent and all(entry['headers'].get('authorization') == 'Bearer %s' % token for entry in sent), sent


# the secret's variable: fixture, environment, module, its arguments
SECRET_VARIABLES = {
    'ZITADEL_TOKEN': ('zitadel', zitadel_env, 'zitadel_target_info', 'name: existing'),
    'OMN_TOKEN': ('omn', omn_env, 'omn_peo_info', 'project_tid: acc0000232'),
    'SAYMON_SESSION_ID': ('saymon', saymon_env, 'saymon_job_info', 'job_id: J1'),
    'SAYMON_PASSWORD': ('saymon', saymon_env, 'saymon_job_info', 'job_id: J1'),
    'ENMS_PASSWORD': ('enms', enms_env, 'enms_result_info', 'name: Ping\n        runtime: "2026-01-01 00:00:00.000000"'),
}


@pytest.mark.parametrize('execution', ['auto', 'module'])
@pytest.mark.parametrize('no_log', [True, False])
@pytest.mark.parametrize('variable', sorted(SECRET_VARIABLES))
def test_a_secret_with_a_control_character_inside_fails_unseen(variable, no_log, execution, request, ansible, tmp_path):
    fixture, env_of, module, args = SECRET_VARIABLES[variable]
    emulator = request.getfixturevalue(fixture)
    log = tmp_path / 'ansible.log'
    env = dict(env_of(emulator), ANSIBLE_LOG_PATH=str(log))
    env[variable] = 'SeCrEt\x01ToKeN\n'
    option = variable.split('_', 1)[1].lower()
    run = ansible.playbook(playbook(module, args, None, no_log=no_log), env=env,
                           args=['-vvv', '-e', 'netops_bridge_execution=%s' % execution])
    assert run.results.get('failed') is True, run
    assert emulator.requests() == []
    if not no_log:
        assert run.results['msg'].startswith('%s must not hold a control character' % option), run.results
        assert variable in run.results['msg'], run.results
        assert 'Traceback' not in run.output, run
    everything = run.output + json.dumps(run.results) + log.read_text()
    for fragment in ('SeCrEt', 'ToKeN'):
        at = everything.find(fragment)
        assert at < 0, 'the secret leaked: ...%s...' % everything[max(0, at - 200):at + 200]


@pytest.mark.parametrize('execution', ['auto', 'module'])
@pytest.mark.parametrize('variable', ['SAYMON_PASSWORD', 'ENMS_PASSWORD'])
def test_a_password_ending_in_a_line_break_is_sent_without_it(variable, execution, request, ansible):
    fixture, env_of, module, args = SECRET_VARIABLES[variable]
    emulator = request.getfixturevalue(fixture)
    env = dict(env_of(emulator), **{variable: 'admin-pass\r\n'})
    ansible.playbook(playbook(module, args, None, no_log=False), env=env, args=['-e', 'netops_bridge_execution=%s' % execution])
    sent = emulator.requests()
    expected = 'Basic ' + base64.b64encode(b'admin:admin-pass').decode()
    assert sent and all(entry['headers'].get('authorization') == expected for entry in sent), sent
