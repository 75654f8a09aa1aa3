# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a user sees, through ansible-playbook, for the usual mistakes in the connection options (a missing
ca_path, a url without scheme, with the API path or with credentials in it) and for requests the server
refuses: the fix named, nothing sent, no traceback, no secret at -vvv, and changed=false for a refusal."""

from __future__ import absolute_import, division, print_function

import pytest

from conftest import enms_env, omn_env, saymon_env, zitadel_env

SAVE = '''
    - name: Save results
      ansible.builtin.copy:
        content: "{{ results | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
      changed_when: false
'''

# fixture, environment, module, arguments, API prefix (None where the platform module declares none on this branch)
PLATFORMS = {
    'saymon': (saymon_env, 'saymon_session', 'state: present', '/node/api'),
    'enms': (enms_env, 'enms_result_info', 'name: Ping\n        runtime: "2026-01-01 00:00:00.000000"', None),
    'omn': (omn_env, 'omn_peo_info', 'project_tid: acc0000232', '/api/core/v1'),
    'zitadel': (zitadel_env, 'zitadel_target_info', 'name: anything', '/v2'),
}
SECRET = 'url-secret-4711'


def task(name, module, args, extra):
    return '''
    - name: %s
      netops.bridge.%s:
        %s
        %s
      register: outcome
      ignore_errors: true

    - name: Keep %s
      ansible.builtin.set_fact:
        results: "{{ results | default({}) | combine({%r: outcome}) }}"
''' % (name, module, args, extra, name, name)


@pytest.mark.parametrize('platform', sorted(PLATFORMS))
def test_bad_connection_options_fail_before_any_request_with_the_fix(platform, request, ansible, tmp_path):
    env, module, args, prefix = PLATFORMS[platform]
    emulator = request.getfixturevalue(platform)
    url = emulator.url
    cases = {
        'missing_ca': 'ca_path: %s' % (tmp_path / 'missing-ca.pem'),
        'no_scheme': 'url: %s' % url.split('://', 1)[1],
        'credentials': 'url: %s' % url.replace('://', '://mallory:%s@' % SECRET),
    }
    if prefix:
        cases['prefix'] = 'url: %s%s' % (url, prefix)
    tasks = ''.join(task(name, module, args, extra) for name, extra in sorted(cases.items()))
    run = ansible.playbook('- hosts: localhost\n  gather_facts: false\n  tasks:\n' + tasks + SAVE, env=env(emulator), args=['-vvv'])
    results = run.results
    assert set(results) == set(cases), run
    assert emulator.requests() == [], 'nothing may be sent: %r' % emulator.requests()
    for name in cases:
        assert results[name]['failed'] is True and results[name]['changed'] is False, (name, results[name])
    assert results['missing_ca']['msg'].startswith('ca_path %s does not exist' % (tmp_path / 'missing-ca.pem'))
    assert '%s_CA_PATH' % platform.upper() in results['missing_ca']['msg']
    assert results['no_scheme']['msg'].startswith('url must start with http:// or https://')
    assert 'must not contain credentials' in results['credentials']['msg']
    if prefix:
        assert results['prefix']['msg'] == "url must be the server's base URL without %s: use %s." % (prefix, url)
    assert SECRET not in run.output, 'the password in url was shown at -vvv'
    assert 'Traceback' not in run.output and '..' not in ''.join(r['msg'] for r in results.values())


def test_a_refused_saymon_login_changes_nothing(saymon, ansible):
    tasks = task('wrong_password', 'saymon_session', 'state: present', '')
    run = ansible.playbook('- hosts: localhost\n  gather_facts: false\n  tasks:\n' + tasks + SAVE,
                           env=saymon_env(saymon, password='wrong-password'))
    outcome = run.results['wrong_password']
    assert outcome['failed'] is True and outcome['changed'] is False and 'HTTP 401' in outcome['msg'], outcome
    assert run.recap['localhost']['changed'] == 0, run


def test_zitadel_read_only_token_changes_nothing_and_a_wrong_token_is_called_invalid(zitadel, ansible):
    create = 'name: hook\n        endpoint: https://hooks.example.com/x\n        target_type: webhook\n        timeout: 5s'
    tasks = (task('read_only', 'zitadel_target', create, 'token: reader-token')
             + task('wrong_token', 'zitadel_target', create, 'token: not-a-token'))
    run = ansible.playbook('- hosts: localhost\n  gather_facts: false\n  tasks:\n' + tasks + SAVE, env=zitadel_env(zitadel))
    read_only, wrong = run.results['read_only'], run.results['wrong_token']
    assert read_only['failed'] is True and read_only['changed'] is False, read_only
    assert 'HTTP 403' in read_only['msg'] and 'the token needs the action.target.write permission' in read_only['msg'], read_only
    assert wrong['failed'] is True and wrong['changed'] is False, wrong
    assert 'HTTP 401' in wrong['msg'] and 'invalid or expired' in wrong['msg'] and 'permission' not in wrong['msg'], wrong
    assert run.recap['localhost']['changed'] == 0, run
