# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module under injected faults: its safe reads recover within the retry budget (3 retries); a broken or
foreign body is a clear fail_json naming the platform, the request and the cause, never a traceback. For one module per
platform (FULL_MATRIX) also: network faults recover, an error that outlasts the retries and request_timeout fail
clearly (the shared client's code, the same for every module)."""

from __future__ import absolute_import, division, print_function

import json
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import enms_env, omn_env, saymon_env, zitadel_env
from emulators.saymon import LINK_L1, OP_SET_MAINTENANCE

SAVE = '''
    - name: Save results
      ansible.builtin.copy:
        content: "{{ %s | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
      check_mode: false
      changed_when: false
'''
ZITADEL_TARGET = '''
    - netops.bridge.zitadel_target:
        name: existing
        endpoint: https://hooks.example.com/existing
        target_type: webhook
        timeout: 5s
      no_log: true
'''

# module, its arguments, tasks that prepare what it reads, the platform's name, the route it reads, the path it reads,
# the emulator, the environment, and the kind of body the platform speaks.
# A public key for the key module's fault case; made at import, as the ZITADEL key tests make theirs.
FAULT_KEY = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')

CASES = {
    'saymon_session': ('session_id: "{{ login.session_id }}"', '''
    - netops.bridge.saymon_session:
      register: login
      no_log: true
''', 'SAYMON', 'verify_session', '/node/api/users/session/verify/', 'saymon', saymon_env, 'json'),
    'saymon_operation': ('link_id: %s\n        operation_name: set-maintenance' % LINK_L1, '', 'SAYMON', 'get_link',
                         '/node/api/links/%s' % LINK_L1, 'saymon', saymon_env, 'json'),
    'saymon_job_info': ('job_id: "{{ op.job_id }}"', '''
    - netops.bridge.saymon_operation:
        link_id: %s
        operation_id: %s
      register: op
''' % (LINK_L1, OP_SET_MAINTENANCE), 'SAYMON', 'get_job', '/node/api/jobs/', 'saymon', saymon_env, 'json'),
    'saymon_object_info': ('links: [%s]\n        history: true' % LINK_L1, '', 'SAYMON', 'link_state_history',
                           '/node/api/links/%s/state-history' % LINK_L1, 'saymon', saymon_env, 'json'),
    'enms_service_run': ('name: Configuration Backup\n        devices: [Washington]\n        poll_interval: 0.2', '', 'eNMS', 'get_result',
                         '/rest/result/', 'enms', enms_env, 'json'),
    'enms_result_info': ('name: Configuration Backup\n        runtime: "{{ run.runtime }}"', '''
    - netops.bridge.enms_service_run:
        name: Configuration Backup
        devices: [Washington]
        wait: false
      register: run
''', 'eNMS', 'get_result', '/rest/result/', 'enms', enms_env, 'json'),
    'enms_pool': ('name: Core\n        devices: [Washington, Atlanta]', '', 'eNMS', 'get_instance', '/rest/instance/pool/Core', 'enms',
                  enms_env, 'json'),
    'enms_configuration_info': ('device: Washington', '', 'eNMS', 'get_configuration', '/rest/configuration/Washington', 'enms', enms_env,
                                'json'),
    'enms_device': ('name: Washington\n        description: faulted', '', 'eNMS', 'search', '/rest/search', 'enms', enms_env, 'json'),
    'enms_device_info': ('names: [Washington, Atlanta]', '', 'eNMS', 'search', '/rest/search', 'enms', enms_env, 'json'),
    'omn_peo_info': ('project_tid: acc0000232', '', 'OMN', 'query', '/peo/peos/query', 'omn', omn_env, 'xml'),
    'omn_peo_project_link': ('links: [{peo_tid: peo-0009, project_tid: acc0000300}]\n        state: absent', '', 'OMN', 'query',
                             '/peo/peos/query', 'omn', omn_env, 'xml'),
    'zitadel_target_info': ('name: existing', ZITADEL_TARGET, 'ZITADEL', 'v2 list_targets', '/v2/actions/targets/search', 'zitadel',
                            zitadel_env, 'json'),
    'zitadel_target': ('name: existing\n        endpoint: https://hooks.example.com/existing\n        target_type: webhook\n        timeout: 5s',
                       ZITADEL_TARGET, 'ZITADEL', 'v2 list_targets', '/v2/actions/targets/search', 'zitadel', zitadel_env, 'json'),
    'zitadel_target_public_key': ('target: existing\n        public_key: "%s"' % FAULT_KEY.replace('\n', '\\n'), ZITADEL_TARGET, 'ZITADEL',
                                  'v2 list_targets', '/v2/actions/targets/search', 'zitadel', zitadel_env, 'json'),
    'zitadel_execution_info': ('execution_type: request', ZITADEL_TARGET, 'ZITADEL', 'v2 list_executions', '/v2/actions/executions/search',
                               'zitadel', zitadel_env, 'json'),
    'zitadel_execution': ('condition: {request: {service: zitadel.user.v2.UserService}}\n        state: absent', ZITADEL_TARGET, 'ZITADEL',
                          'v2 list_executions', '/v2/actions/executions/search', 'zitadel', zitadel_env, 'json'),
}

# The shared client's retries, timeouts and their messages are the same code for every module: the whole fault matrix
# runs for one module per platform. Every module still meets what is its own: whether its read is retried
# (recover_statuses) and how it parses a broken or foreign body.
FULL_MATRIX = ('saymon_operation', 'enms_device_info', 'omn_peo_info', 'zitadel_target')
OWN_STEPS = ('recover_statuses', 'fail_malformed', 'fail_wrong_content')

BROKEN_BODIES = {
    'json': ('{"truncated": [1, 2', 'application/json'),
    'xml': ('<?xml version="1.0"?><pim xmlns="http://www.apollon.de/omn"><response><status>SUCC', 'application/xml'),
}
# What a proxy in front of the platform answers: the right status, the wrong content.
WRONG_CONTENT = ('<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>', 'text/html')


def steps_for(route, body_kind, module=None):
    """The tasks of the fault playbook, each with the faults its requests meet (a read is tried 4 times at most): all six
    for a module of FULL_MATRIX (and when no module is named), those of OWN_STEPS for the others."""
    steps = [
        ('recover_statuses', [{'kind': 'status', 'status': 500, 'body': '{"message": "boom"}'}, {'kind': 'status', 'status': 502, 'body': ''},
                              {'kind': 'status', 'status': 429, 'headers': {'Retry-After': '1'}, 'body': '{"message": "slow down"}'}]),
        ('recover_network', [{'kind': 'drop'}, {'kind': 'delay', 'seconds': 2.5}, {'kind': 'status', 'status': 503, 'body': ''}]),
        ('fail_500', [{'kind': 'status', 'status': 500, 'body': '{"message": "still broken"}', 'times': 4}]),
        ('fail_malformed', [{'kind': 'malformed', 'status': 200, 'body': BROKEN_BODIES[body_kind][0], 'content_type': BROKEN_BODIES[body_kind][1]}]),
        ('fail_wrong_content', [{'kind': 'malformed', 'status': 200, 'body': WRONG_CONTENT[0], 'content_type': WRONG_CONTENT[1]}]),
        ('fail_timeout', [{'kind': 'delay', 'seconds': 2.5, 'times': 4}]),
    ]
    if module is None or module in FULL_MATRIX:
        return steps
    return [step for step in steps if step[0] in OWN_STEPS]


def fault_playbook(module, args, prepare, emulator_url, route, body_kind):
    task = '''
    - name: Faults for %(name)s
      ansible.builtin.uri:
        url: %(control)s
        method: POST
        body_format: json
        body: "{{ item }}"
      loop: %(faults)s

    - name: %(name)s
      netops.bridge.%(module)s:
        %(args)s
        request_timeout: 1
      register: %(name)s
      ignore_errors: %(ignore)s
'''
    steps = steps_for(route, body_kind, module)
    tasks = prepare + ''.join(task % {'name': name, 'module': module, 'args': args, 'ignore': str(name.startswith('fail')).lower(),
                                      'control': emulator_url + '/_emulator/faults',
                                      'faults': json.dumps([dict(fault, route=route) for fault in faults])}
                              for name, faults in steps)
    results = '{' + ', '.join("'%s': %s" % (name, name) for name, faults in steps) + '}'
    return '- hosts: localhost\n  gather_facts: false\n  tasks:\n' + tasks + SAVE % results


@pytest.mark.parametrize('module', sorted(CASES))
def test_faults_recover_or_fail_clearly(module, request, ansible):
    args, prepare, platform, route, path, fixture, env, body_kind = CASES[module]
    emulator = request.getfixturevalue(fixture)
    started = time.monotonic()
    run = ansible.playbook(fault_playbook(module, args, prepare, emulator.url, route, body_kind), env=env(emulator), args=['-vvv'])
    elapsed = time.monotonic() - started
    assert 'Traceback' not in run.output, run
    results = run.results
    assert results, ([line[:600] for line in run.stdout.splitlines() if 'FAILED!' in line or 'ERROR' in line][:3],
                     [(r['route'], r.get('fault'), r.get('status')) for r in emulator.requests()])
    steps = [name for name, faults in steps_for(route, body_kind, module)]
    assert sorted(results) == sorted(steps), sorted(results)
    for name in ('recover_statuses', 'recover_network'):
        assert name not in steps or not results[name].get('failed'), (name, results[name])
    for name, cause in (('fail_500', 'HTTP 500'), ('fail_malformed', ''), ('fail_wrong_content', ''), ('fail_timeout', 'request_timeout=1')):
        if name not in steps:
            continue
        result = results[name]
        assert result.get('failed') is True, (name, result)
        message = result['msg']
        assert message.startswith(platform + ' ') and path in message and cause in message, (name, message)
        # With -vvv, ansible-core adds 'exception': '(traceback unavailable)' to every fail_json; a crash would carry one.
        assert 'module_stderr' not in result and 'Traceback' not in str(result.get('exception', '')), (name, result)
    assert module not in FULL_MATRIX or 'still broken' in results['fail_500']['msg']
    # 4 attempts of 1 s each, plus backoff: the timeout is honoured (a 2.5 s answer is never waited for).
    assert elapsed < 120
    assert all(fault.times == 0 for fault in emulator.faults), [vars(f) for f in emulator.faults if f.times]
    faulted = [r.get('fault') for r in emulator.requests(route=route) if r.get('fault')]
    assert len(faulted) == sum(fault.get('times', 1) for step, faults in steps_for(route, body_kind, module) for fault in faults)


# -- never twice -----------------------------------------------------------------------------------

NEVER_TWICE = {
    'omn perform': ('omn_peo_project_link', 'links: [{peo_tid: peo-0001, project_tid: acc0000232}]\n        state: absent', '', 'omn',
                    omn_env, 'links_perform'),
    'omn persist': ('omn_peo_project_link', 'links: [{peo_tid: peo-0009, project_tid: acc0000300}]', '', 'omn', omn_env, 'links_persist'),
    'zitadel create_target': ('zitadel_target', 'name: fresh\n        endpoint: https://hooks.example.com/fresh\n        target_type: webhook'
                              '\n        timeout: 5s', '', 'zitadel', zitadel_env, 'v2 create_target'),
    'zitadel update_target': ('zitadel_target', 'name: existing\n        endpoint: https://hooks.example.com/moved\n        target_type: webhook'
                              '\n        timeout: 5s', ZITADEL_TARGET, 'zitadel', zitadel_env, 'v2 update_target'),
    'saymon execute': ('saymon_operation', 'link_id: %s\n        operation_id: %s' % (LINK_L1, OP_SET_MAINTENANCE), '', 'saymon', saymon_env,
                       'execute_link_operation'),
    'enms run_service': ('enms_service_run', 'name: Configuration Backup\n        devices: [Washington]', '', 'enms', enms_env, 'run_service'),
    'enms write devices': ('enms_device', 'name: fresh\n        ip_address: 192.0.2.10', '', 'enms', enms_env, 'update_instance'),
    'enms write pool': ('enms_pool', 'name: fresh\n        devices: [Washington]', '', 'enms', enms_env, 'update_pools'),
}


@pytest.mark.parametrize('case', sorted(NEVER_TWICE))
@pytest.mark.parametrize('then', ['drop', 'status'])
def test_an_action_the_server_took_is_never_sent_twice(case, then, request, ansible):
    module, args, prepare, fixture, env, route = NEVER_TWICE[case]
    emulator = request.getfixturevalue(fixture)
    # The server acts, then the connection drops (or a 502 comes back from a proxy), 5 times over if retried.
    emulator.add_fault('after', route=route, then=then, status=502, body='', times=5)
    tasks = prepare + '''
    - netops.bridge.%s:
        %s
      register: action
      ignore_errors: true
''' % (module, args)
    run = ansible.playbook('- hosts: localhost\n  gather_facts: false\n  tasks:\n' + tasks + SAVE % 'action', env=env(emulator))
    assert 'Traceback' not in run.output, run
    assert emulator.count(route=route) == 1, emulator.counts()
    if module in ('enms_device', 'enms_pool'):
        # eNMS's objects are read back once: the account is what eNMS holds, the unknown outcome a warning.
        assert run.results.get('failed') is not True and run.results['created'] == ['fresh'], run
        assert 'The outcome of the write was unknown' in run.output and 'eNMS holds as declared: fresh' in run.output, run
        return
    assert run.results.get('failed') is True, run
    assert 'may have reached the server and been acted on; it was not re-sent' in run.results['msg'], run.results['msg']


def test_fault_cases_cover_every_module():
    import os  # pylint: disable=import-outside-toplevel
    from conftest import REPO_ROOT  # pylint: disable=import-outside-toplevel
    modules = sorted(name[:-3] for name in os.listdir(str(REPO_ROOT / 'plugins' / 'modules')) if name.endswith('.py'))
    assert sorted(CASES) == modules
    assert json.dumps(sorted(CASES))


HOSTILE_XML = {
    'external entity': '<?xml version="1.0"?><!DOCTYPE pim [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                       '<pim xmlns="http://www.apollon.de/omn"><peos><peo><tid>&xxe;</tid></peo></peos></pim>',
    'entity expansion bomb': '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                             + ''.join('<!ENTITY lol%d "%s">' % (n, ('&lol%s;' % (n - 1 if n > 1 else '')) * 10) for n in range(1, 10))
                             + ']><pim xmlns="http://www.apollon.de/omn"><peos><peo><tid>&lol9;</tid></peo></peos></pim>',
    'network entity': '<?xml version="1.0"?><!DOCTYPE pim SYSTEM "http://127.0.0.1:9/evil.dtd">'
                      '<pim xmlns="http://www.apollon.de/omn"/>',
}


@pytest.mark.parametrize('kind', sorted(HOSTILE_XML))
def test_hostile_xml_answers_are_refused(kind, omn, ansible):
    omn.add_fault('malformed', route='query', status=200, body=HOSTILE_XML[kind], content_type='application/xml')
    started = time.monotonic()
    run = ansible.playbook('''- hosts: localhost
  gather_facts: false
  tasks:
    - netops.bridge.omn_peo_info:
        project_tid: acc0000232
      register: answer
      ignore_errors: true
''' + SAVE % 'answer', env=omn_env(omn))
    assert run.results.get('failed') is True, run
    message = run.results['msg']
    assert message.startswith('OMN POST') and ('DOCTYPE' in message or 'entit' in message.lower()), message
    assert 'root:' not in run.output and 'lollol' not in run.output
    assert time.monotonic() - started < 60
