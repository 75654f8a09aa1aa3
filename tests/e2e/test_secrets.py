# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No password, token, refresh token or session ID in any output: every module with -vvv, in success and
in failure against a server that echoes the request (headers and body) back in its error; and a
~/.netrc entry for the same host never replaces the collection's credentials."""

from __future__ import absolute_import, division, print_function

import base64
import json

import pytest
from ansible.release import __version__ as core_version

from conftest import saymon_env
from emulators.omn import TOKEN_PATH
from test_reliability import CASES

SAVE = '''
    - name: Save results
      ansible.builtin.copy:
        # saymon_session returns the session ID, as it must (a caller registers it with no_log): it is left out here, and
        # so are the arguments it was given (ANSIBLE_INJECT_INVOCATION), which hold it too; -vvv shows every other task's.
        content: "{{ {'ok': ok | dict2items | rejectattr('key', 'in', ['session_id', 'invocation']) | items2dict, 'failed': failed} | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
      check_mode: false
      changed_when: false
'''


# ansible-core 2.21 and later leave the module's arguments (``invocation``) out of results unless told: without them a
# secret option that lost no_log would go unseen. test_default_result_shape_shows_no_secret keeps core's default.
SHOW_ARGUMENTS = {'ANSIBLE_INJECT_INVOCATION': 'true'}


def basic(user, password):
    return base64.b64encode(('%s:%s' % (user, password)).encode()).decode()


def secrets_of(fixture, emulator):
    """Every secret the emulator knows of: the credentials the tests use and what it issued (session IDs, tokens)."""
    if fixture == 'saymon':
        return ['admin-pass', basic('admin', 'admin-pass')] + list(emulator.dump_state()['sessions'])
    if fixture == 'enms':
        return ['admin-pass', basic('admin', 'admin-pass')]
    if fixture == 'omn':
        return ['omn-token', 'offline-token']
    return ['admin-token']


def environment(fixture, emulator, env):
    values = env(emulator)
    values.update(SHOW_ARGUMENTS)
    if fixture == 'omn':
        # Exercise the refresh flow too: the access token is obtained at run time and must be hidden as well.
        del values['OMN_TOKEN']
        values['OMN_REFRESH_TOKEN'] = 'offline-token'
        values['OMN_TOKEN_URL'] = emulator.url + TOKEN_PATH
    return values


@pytest.mark.parametrize('execution', ['auto', 'module'])
@pytest.mark.parametrize('module', sorted(CASES))
def test_no_secret_in_any_output_with_vvv_even_from_an_echoing_server(module, execution, request, ansible):
    """On both execution paths: in the controller's worker (auto, on the local connection) and as a module process."""
    args, prepare, _platform, route, _path, fixture, env, _body = CASES[module]
    emulator = request.getfixturevalue(fixture)
    tasks = prepare + '''
    - name: Succeed
      netops.bridge.%(module)s:
        %(args)s
      register: ok
      no_log: %(returns_a_secret)s

    - name: The server starts echoing every request back
      ansible.builtin.uri:
        url: %(control)s
        method: POST
        body_format: json
        body: {kind: echo, route: "%(route)s", status: 500, times: 10}

    - name: Fail
      netops.bridge.%(module)s:
        %(args)s
      register: failed
      ignore_errors: true
''' % {'module': module, 'args': args, 'route': route, 'control': emulator.url + '/_emulator/faults',
       'returns_a_secret': str(module == 'saymon_session').lower()}
    run = ansible.playbook('- hosts: localhost\n  gather_facts: false\n  tasks:\n' + tasks + SAVE, env=environment(fixture, emulator, env),
                           args=['-vvv', '--diff', '-e', 'netops_bridge_execution=%s' % execution])
    assert run.results, [line[:800] for line in run.stdout.splitlines() if 'FAILED!' in line or 'ERROR' in line][:3]
    assert not run.results['ok'].get('failed'), run.results['ok']
    assert run.results['failed'].get('failed') is True, run.results['failed']
    echoed = [r for r in emulator.requests(route=route) if r.get('fault') == 'echo']
    assert echoed, 'the echoing server was never reached'
    secrets = secrets_of(fixture, emulator)
    # The echoed request really carried a credential, so the test would see a leak.
    carried = json.dumps(echoed[0]['headers']) + echoed[0]['body']
    assert any(secret in carried for secret in secrets), carried
    everything = run.output + json.dumps(run.results)
    for secret in secrets:
        at = everything.find(secret)
        assert at < 0, 'secret %r leaked: ...%s...' % (secret, everything[max(0, at - 200):at + 300])


NETRC_CASES = {
    'saymon': ('saymon_job_info', 'job_id: "{{ op.job_id }}"', CASES['saymon_job_info'][1]),
    'enms': ('enms_result_info', 'name: Configuration Backup\n        runtime: "{{ run.runtime }}"', CASES['enms_result_info'][1]),
    'omn': ('omn_peo_info', 'project_tid: acc0000232', ''),
    'zitadel': ('zitadel_target_info', 'name: existing', ''),
}


@pytest.mark.parametrize('fixture', sorted(NETRC_CASES))
def test_netrc_never_replaces_the_collections_credentials(fixture, request, ansible, tmp_path):
    module, args, prepare = NETRC_CASES[fixture]
    emulator = request.getfixturevalue(fixture)
    netrc = tmp_path / '.netrc'  # the ansible fixture's HOME
    netrc.write_text('machine 127.0.0.1 login intruder password netrc-pass\ndefault login intruder password netrc-pass\n')
    netrc.chmod(0o600)
    env = CASES[module][6]
    run = ansible.playbook('- hosts: localhost\n  gather_facts: false\n  tasks:\n' + prepare + '''
    - netops.bridge.%s:
        %s
''' % (module, args), env=env(emulator))
    assert run.rc == 0, run
    intruder = 'Basic ' + basic('intruder', 'netrc-pass')
    sent = emulator.requests()
    assert sent
    for entry in sent:
        assert entry['headers'].get('authorization') != intruder, entry
    expected = {'saymon': 'Basic ' + basic('admin', 'admin-pass'), 'enms': 'Basic ' + basic('admin', 'admin-pass'),
                'omn': 'Bearer omn-token', 'zitadel': 'Bearer admin-token'}[fixture]
    assert sent[-1]['headers'].get('authorization') == expected
    logins = [r for r in sent if r['route'] == 'create_session']
    assert all('authorization' not in r['headers'] for r in logins)


@pytest.mark.parametrize('shape', ['arguments shown', 'core default'])
def test_module_arguments_in_results_mask_secrets_in_both_result_shapes(shape, saymon, ansible):
    """The secret checks above see the module's arguments on every ansible-core (SHOW_ARGUMENTS), and a run with core's
    default result shape (no ``invocation`` on 2.21 and later) shows no secret either."""
    env = saymon_env(saymon)
    if shape == 'arguments shown':
        env.update(SHOW_ARGUMENTS)
    run = ansible.playbook('- hosts: localhost\n  gather_facts: false\n  tasks:\n' + '''
    - netops.bridge.saymon_operation:
        %s
      register: ok
''' % CASES['saymon_operation'][0] + SAVE.replace("'failed': failed", "'failed': false"), env=env, args=['-vvv'])
    assert run.rc == 0, run
    core_shows_arguments = tuple(int(part) for part in core_version.split('.')[:2]) < (2, 21)
    shown = shape == 'arguments shown' or core_shows_arguments
    assert ('"invocation": {' in run.stdout) == shown, run
    if shown:
        assert '"password": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' in run.stdout, run
    everything = run.output + json.dumps(run.results)
    for secret in secrets_of('saymon', saymon):
        assert secret not in everything, 'secret %r leaked' % secret
