# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 31, item 3: adopt what exists. zitadel_target_info and zitadel_execution_info with output=role_input return
the instance's targets and executions as the zitadel_actions role takes them; exported with ad-hoc commands and given
to the role, they change nothing on the instance and rebuild the same instance on an empty one."""

from __future__ import absolute_import, division, print_function

import json

import pytest
import yaml

from conftest import zitadel_env
from test_roles import role_play, zitadel_writes
from test_saymon import play

TARGET = '''
    - netops.bridge.zitadel_target:
        name: %s
        endpoint: %s
        target_type: %s
%s'''
EXECUTION = '''
    - netops.bridge.zitadel_execution:
        condition: %s
        targets: %s
'''


def instance(version):
    """Four targets of every type (one with ZITADEL's default timeout and, on v2, a JWT payload) and six executions of
    every kind, some calling several targets in an order that is not the creation order."""
    tasks = [TARGET % ('user-checks', 'https://hooks.example.com/u', 'webhook', '        interrupt_on_error: true\n        timeout: 10s'),
             TARGET % ('enricher', 'https://hooks.example.com/e', 'call',
                       '        timeout: 2500ms' + ('\n        payload_type: jwt' if version == 'v2' else '')),
             TARGET % ('audit-log', 'https://hooks.example.com/a', 'async', '        timeout: 5s'),
             TARGET % ('plain', 'https://hooks.example.com/p', 'webhook', '')]
    for condition, targets in (({'request': {'method': '/zitadel.user.v2.UserService/AddHumanUser'}}, ['user-checks', 'audit-log']),
                               ({'response': {'service': 'zitadel.user.v2.UserService'}}, ['enricher']),
                               ({'function': {'name': 'preuserinfo'}}, ['enricher', 'user-checks', 'plain']),
                               ({'event': {'group': 'user.human'}}, ['audit-log']),
                               ({'event': {'all': True}}, ['plain', 'audit-log']),
                               ({'request': {'all': True}}, ['audit-log'])):
        tasks.append(EXECUTION % (json.dumps(condition), json.dumps(targets)))
    return play(''.join(tasks))


def exported(ansible, module, env):
    """role_input of an ad-hoc command, as a user runs it: ansible localhost -m <module> -a output=role_input."""
    run = ansible.adhoc('netops.bridge.%s' % module, 'output=role_input public_keys=false' if module == 'zitadel_target_info'
                        else 'output=role_input', env=env)
    assert run.rc == 0 and ' => ' in run.stdout, run
    return json.loads(run.stdout.split(' => ', 1)[1])['role_input']


def comparable(emulator):
    """The instance without its IDs and dates: targets by name, executions with their targets by name."""
    state = emulator.dump_state()
    names = dict((t['id'], t['name']) for t in state['targets'].values())
    targets = dict((t['name'], dict((k, v) for k, v in t.items() if k not in ('id', 'creationDate', 'changeDate')))
                   for t in state['targets'].values())
    executions = dict((json.dumps(e['condition'], sort_keys=True), [names[i] for i in e['targets']]) for e in state['executions'])
    return targets, executions


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_exported_role_input_changes_nothing_and_rebuilds_the_instance(zitadel, ansible, version, tmp_path):
    env = zitadel_env(zitadel, api_version=version)
    assert ansible.playbook(instance(version), env=env).rc == 0
    original = comparable(zitadel)
    assert len(original[0]) == 4 and len(original[1]) == 6

    role_input = exported(ansible, 'zitadel_target_info', env)
    role_input.update(exported(ansible, 'zitadel_execution_info', env))
    text = yaml.safe_dump(role_input)
    assert 'signing' not in text.lower() and not any(i in text for i in zitadel.dump_state()['targets'])  # no keys, no IDs
    assert role_input['zitadel_actions_targets'][0] == {'name': 'user-checks', 'endpoint': 'https://hooks.example.com/u',
                                                        'target_type': 'webhook', 'interrupt_on_error': True, 'timeout': '10s',
                                                        **({'payload_type': 'json'} if version == 'v2' else {})}
    assert {'condition': {'function': {'name': 'preuserinfo'}}, 'targets': ['enricher', 'user-checks', 'plain']} \
        in role_input['zitadel_actions_executions']
    vars_file = tmp_path / 'zitadel_actions.yml'
    vars_file.write_text(text)

    zitadel.log.clear()
    for args in (['--check', '--diff'], ['--diff']):
        run = ansible.playbook(role_play('zitadel_actions', 'zitadel_actions_prune: true'), env=env, args=['-e', '@%s' % vars_file] + args)
        assert run.rc == 0 and run.recap['localhost']['changed'] == 0, run
    assert zitadel_writes(zitadel) == []
    assert comparable(zitadel) == original

    # The same input on an empty instance builds the same instance (IDs and dates aside).
    zitadel.reset()
    rebuilt = ansible.playbook(role_play('zitadel_actions', 'zitadel_actions_prune: true'), env=env, args=['-e', '@%s' % vars_file])
    assert rebuilt.rc == 0, rebuilt
    assert comparable(zitadel) == original
