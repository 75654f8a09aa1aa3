# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookup plugins against the emulators: each returns what its info module returns for the same selection, in
one session per call, takes the modules' options and environment variables, refuses bad input before any request,
quotes the server without a secret, and gives what a server says as data, never a template (scripts/test.sh runs
this file on ansible-core 2.16 too, where core would render a text a lookup returned unmarked)."""

from __future__ import absolute_import, division, print_function

from conftest import enms_env, omn_env, saymon_env, zitadel_env

TARGETS = '''
    - name: Targets to look up
      netops.bridge.zitadel_target:
        name: "{{ item }}"
        endpoint: "https://hooks.example.com/{{ item }}"
        target_type: webhook
        timeout: 10s
      loop: [user-checks, audit]
    - name: An execution calling both
      netops.bridge.zitadel_execution:
        condition: {request: {method: /zitadel.user.v2.UserService/AddHumanUser}}
        targets: [user-checks, audit]
    - name: An execution calling one
      netops.bridge.zitadel_execution:
        condition: {request: {method: /zitadel.user.v2.UserService/UpdateHumanUser}}
        targets: [audit]
'''


def compared(ansible, env, tasks, pairs):
    """Runs the tasks, then writes each (module expression, lookup expression) pair's two values to the results file."""
    text = '''
- hosts: localhost
  gather_facts: false
  tasks:
%s
    - ansible.builtin.copy:
        dest: "{{ results_file }}"
        content: "{{ {%s} | to_json }}"
''' % (tasks, ', '.join("'%s': [%s, %s]" % (name, module, lookup) for name, (module, lookup) in sorted(pairs.items())))
    run = ansible.playbook(text, env=env)
    assert run.rc == 0, run
    return run.results


def test_enms_lookups_return_what_the_info_modules_return(enms, ansible):
    with enms.lock:
        enms.state['devices']['Washington'].update(configuration='hostname Washington\n', last_configuration_status='Success',
                                                   last_configuration_update='2026-12-01 10:00:00.000000')
        enms.state['devices']['Boston'].update(operational_data='uptime 3d\n', last_operational_data_status='Success')
    tasks = '''
    - netops.bridge.enms_device_info:
        names: [Washington, Atlanta, Nowhere]
      register: by_names
    - netops.bridge.enms_device_info:
        pool: Core
        filters: {vendor: {value: arista, match: inclusion}}
      register: by_pool
    - netops.bridge.enms_configuration_info:
        device: Washington
      register: washington
    - netops.bridge.enms_configuration_info:
        device: Boston
        property: operational_data
      register: boston
'''
    results = compared(ansible, enms_env(enms), tasks, {
        'names': ('by_names.devices', "query('netops.bridge.enms_devices', 'Washington', 'Atlanta', 'Nowhere')"),
        'pool': ('by_pool.devices', "query('netops.bridge.enms_devices', pool='Core', filters={'vendor': {'value': 'arista', 'match': 'inclusion'}})"),
        'configuration': ('[washington.content]', "query('netops.bridge.enms_configuration', 'Washington')"),
        'operational': ('[boston.content]', "query('netops.bridge.enms_configuration', 'Boston', property='operational_data')"),
        'details': ("washington | dict2items | rejectattr('key', 'in', ['changed', 'invocation', 'failed']) | items2dict",
                    "lookup('netops.bridge.enms_configuration', 'Washington', details=true)"),
    })
    for name, (module, lookup) in results.items():
        assert module == lookup, (name, module, lookup)
    assert [device['name'] for device in results['names'][1]] == ['Atlanta', 'Washington'], results
    assert [device['name'] for device in results['pool'][1]] == ['Washington'], results
    assert results['configuration'][1] == ['hostname Washington\n'] and results['operational'][1] == ['uptime 3d\n'], results
    assert results['details'][1]['last_status'] == 'Success', results


def test_zitadel_lookups_return_what_the_info_modules_return(zitadel, ansible):
    tasks = TARGETS + '''
    - netops.bridge.zitadel_target_info:
        name: audit
        public_keys: false
      register: audit
    - netops.bridge.zitadel_target_info:
        public_keys: false
      register: every_target
    - netops.bridge.zitadel_execution_info:
        target: user-checks
      register: calling_user_checks
    - netops.bridge.zitadel_execution_info:
      register: every_execution
'''
    results = compared(ansible, zitadel_env(zitadel), tasks, {
        'target': ('audit.targets', "query('netops.bridge.zitadel_targets', 'audit', public_keys=false)"),
        'targets': ('every_target.targets', "query('netops.bridge.zitadel_targets', public_keys=false)"),
        'executions': ('calling_user_checks.executions', "query('netops.bridge.zitadel_executions', 'user-checks')"),
        'all': ('every_execution.executions', "query('netops.bridge.zitadel_executions')"),
    })
    for name, (module, lookup) in results.items():
        assert module == lookup, (name, module, lookup)
    assert [target['name'] for target in results['target'][1]] == ['audit'], results
    assert len(results['executions'][1]) == 1 and len(results['all'][1]) == 2, results


def test_a_zitadel_execution_calling_several_targets_named_is_returned_once(zitadel, ansible):
    results = compared(ansible, zitadel_env(zitadel), TARGETS, {
        'both': ('[]', "query('netops.bridge.zitadel_executions', 'user-checks', 'audit')"),
        'names': ('[]', "query('netops.bridge.zitadel_targets', 'audit', 'user-checks', 'unknown', public_keys=false) | map(attribute='name')"),
    })
    conditions = [execution['condition']['request']['method'] for execution in results['both'][1]]
    assert sorted(conditions) == ['/zitadel.user.v2.UserService/AddHumanUser', '/zitadel.user.v2.UserService/UpdateHumanUser'], results
    assert results['names'][1] == ['audit', 'user-checks'], results


def test_omn_lookup_returns_what_the_info_module_returns_with_one_token_exchange(omn, ansible):
    tids = ['peo-0001', 'peo-0002', '55beafb6-a80b-48ab-8a7b-9e1a98d67b24']
    env = {'OMN_URL': omn.url, 'OMN_REFRESH_TOKEN': 'offline-token', 'OMN_TOKEN_URL': omn.url + '/auth/realms/OMN/protocol/openid-connect/token'}
    tasks = '''
    - netops.bridge.omn_peo_info:
        tids: %s
        retrieve: true
      register: peos
''' % tids
    results = compared(ansible, env, tasks, {'peos': ('peos.peos', "query('netops.bridge.omn_peos', %s)" % tids)})
    assert results['peos'][0] == results['peos'][1], results
    assert sorted(peo['tid'] for peo in results['peos'][1]) == sorted(tids), results
    # One for the module, one for the lookup's three tids.
    assert omn.count('token') == 2, omn.counts()


def test_saymon_lookup_returns_what_the_info_module_returns(saymon, ansible):
    tasks = """
    - netops.bridge.saymon_object_info:
        objects: [5e9465cb00000000000000a1, 5e9465cb00000000000000a2]
      register: objects
    - netops.bridge.saymon_object_info:
        links: [62de902eb238aa0131bd3b01]
        history: true
        since: "2025-12-01T00:00:00Z"
        until: "2099-01-01T00:00:00Z"
      register: links
"""
    results = compared(ansible, saymon_env(saymon), tasks, {
        'objects': ('objects.objects', "query('netops.bridge.saymon_state', '5e9465cb00000000000000a1', '5e9465cb00000000000000a2')"),
        'links': ('links.links', "query('netops.bridge.saymon_state', '62de902eb238aa0131bd3b01', kind='link', history=true, "
                                 "since='2025-12-01T00:00:00Z', until='2099-01-01T00:00:00Z')"),
    })
    for name, (module, lookup) in results.items():
        assert module == lookup, (name, module, lookup)
    assert [found['id'] for found in results['objects'][1]] == ['5e9465cb00000000000000a1', '5e9465cb00000000000000a2'], results
    assert results['links'][1][0]['state_name'] and results['links'][1][0]['history'], results


def test_the_lookup_options_come_before_the_environment_variables(enms, ansible):
    env = enms_env(enms, password='wrong')
    env['ENMS_URL'] = 'http://127.0.0.1:9'
    run = ansible.playbook('''
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.debug:
        msg: "{{ query('netops.bridge.enms_devices', 'Boston', url='%s', password='admin-pass') | map(attribute='ip_address') }}"
''' % enms.url, env=env)
    assert run.rc == 0 and '"10.0.0.3"' in run.stdout, run


def test_bad_input_is_refused_before_any_request(enms, zitadel, omn, saymon, ansible):
    cases = [
        ("query('netops.bridge.enms_devices', 'Boston', pasword='x')", 'pasword is not an option of this lookup'),
        ("query('netops.bridge.enms_devices', '')", 'each term must be a device name (a non-empty text)'),
        ("query('netops.bridge.enms_devices', pool=' ')", 'pool must not be empty'),
        ("query('netops.bridge.enms_configuration')", 'name at least one device'),
        ("query('netops.bridge.enms_configuration', 'Boston', details='yes')", 'details must be true or false'),
        ("query('netops.bridge.enms_configuration', 'Boston', property='config')", 'property must be one of'),
        ("query('netops.bridge.enms_devices', filters={'vendor': {'value': 'a', 'match': 'like'}})", 'like'),
        ("query('netops.bridge.zitadel_executions', conditions=[{'request': {'method': 'a', 'all': true}}])",
         'condition.request must have exactly one of method, service, all'),
        ("query('netops.bridge.omn_peos')", 'give at least one PEO tid'),
        ("query('netops.bridge.saymon_state', 'x', kind='links')", "kind must be object or link, got 'links'"),
        ("query('netops.bridge.saymon_state', 'x', since='-1h')", 'since set, but history is false'),
    ]
    env = dict(enms_env(enms), **zitadel_env(zitadel))
    env.update(omn_env(omn))
    env.update(saymon_env(saymon))
    for expression, words in cases:
        run = ansible.playbook('''
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.debug:
        msg: "{{ %s }}"
''' % expression, env=env)
        assert run.rc == 2 and words in run.output, (expression, run)
    assert enms.requests() == [] and zitadel.requests() == [] and omn.requests() == [] and saymon.requests() == [], (
        enms.counts(), zitadel.counts(), saymon.counts())


def test_credentials_in_the_url_variable_are_refused_without_showing_them(enms, ansible):
    env = enms_env(enms)
    env['ENMS_URL'] = 'http://admin:s3cr3t-in-url@127.0.0.1:%d' % enms.server.server_address[1]
    run = ansible.playbook('''
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.debug:
        msg: "{{ query('netops.bridge.enms_devices', 'Boston') }}"
''', env=env, args=('-vvv',))
    assert run.rc == 2 and 'url must not contain credentials' in run.output, run
    assert 's3cr3t-in-url' not in run.output and enms.requests() == [], run


def test_a_failure_quotes_the_server_and_never_the_secret(enms, ansible):
    secret = 'Wr0ng-pass-3129'
    run = ansible.playbook('''
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.debug:
        msg: "{{ query('netops.bridge.enms_devices', 'Boston') }}"
''', env=enms_env(enms, password=secret), args=('-vvv',))
    assert run.rc == 2, run
    assert 'HTTP 401' in run.output and 'Wrong Credentials' in run.output, run
    assert secret not in run.output, run


def test_what_the_server_says_is_data_never_a_template(enms, ansible, tmp_path):
    witness = tmp_path / 'witness'
    text = "{{ lookup('ansible.builtin.pipe', 'touch %s') }}" % witness
    with enms.lock:
        enms.state['devices']['Boston']['description'] = text
        enms.state['devices']['Boston']['interfaces'] = [{'name': text}]
    run = ansible.playbook('''
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.set_fact:
        boston: "{{ lookup('netops.bridge.enms_devices', 'Boston') }}"
    - ansible.builtin.debug:
        msg: "description={{ boston.description }} port={{ boston.interfaces[0].name }}"
    - ansible.builtin.debug:
        msg: "{{ query('netops.bridge.enms_devices', 'Boston')[0].description }}"
''', env=enms_env(enms))
    assert not witness.exists(), 'a text from eNMS was rendered as a template: %s' % run
    assert run.rc == 0 and 'description=%s port=%s' % (text, text) in run.stdout, run
