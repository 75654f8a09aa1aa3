# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 24: signing-key rotation of zitadel_target, conditions checked against ZITADEL's catalogue
(ListExecutionMethods/Services/Functions), inner-key typos named, zitadel_execution_info catalog, and the
condition in zitadel_execution's diff, against the ZITADEL emulator (both API versions where it matters)."""

from __future__ import absolute_import, division, print_function

import json

import pytest

from conftest import zitadel_env
from test_saymon import play

HOOK = '''
    - netops.bridge.zitadel_target:
        name: user-checks
        endpoint: https://hooks.example.com/user-checks
        target_type: webhook
      register: created
'''
ROTATE = '''
    - netops.bridge.zitadel_target:
        name: user-checks
        rotate_signing_key: true
        %s
      register: rotated
'''
CATALOGUE_ROUTES = ('list_methods', 'list_services', 'list_functions')


def updates(zitadel, version='v2'):
    return [json.loads(r['body']) for r in zitadel.requests() if r['route'] == '%s update_target' % version]


def writes(zitadel):
    return [r for r in zitadel.requests() if r['method'] != 'GET' and not r['route'].endswith(('list_targets', 'list_executions'))]


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_rotation_returns_a_new_key_each_run_with_exactly_one_update(zitadel, ansible, version):
    env = zitadel_env(zitadel, api_version=version)
    first = ansible.playbook(play(HOOK, "{'created': created}"), env=env)
    assert first.rc == 0, first
    keys = [first.results['created']['signing_key']]
    for _run in range(2):
        before = len(updates(zitadel, version))
        run = ansible.playbook(play(ROTATE % '', "{'rotated': rotated}"), env=env)
        assert run.rc == 0, run
        rotated = run.results['rotated']
        assert rotated['changed'] is True and rotated['signing_key'] not in keys and rotated['signing_key'], rotated
        keys.append(rotated['signing_key'])
        assert updates(zitadel, version)[before:] == [{'expirationSigningKey': '0s'}]
    assert zitadel.state['signing_keys'][first.results['created']['target']['id']] == keys[-1]


def test_rotation_and_field_changes_go_in_one_update(zitadel, ansible):
    assert ansible.playbook(play(HOOK), env=zitadel_env(zitadel)).rc == 0
    run = ansible.playbook(play(ROTATE % 'endpoint: https://hooks.example.com/v2/user-checks', "{'rotated': rotated}"),
                           env=zitadel_env(zitadel))
    assert run.rc == 0, run
    assert updates(zitadel) == [{'endpoint': 'https://hooks.example.com/v2/user-checks', 'expirationSigningKey': '0s'}]
    assert run.results['rotated']['signing_key'] and run.results['rotated']['target']['endpoint'].endswith('/v2/user-checks')


def test_rotation_of_a_missing_target_creates_it_and_returns_its_first_key(zitadel, ansible):
    run = ansible.playbook(play(ROTATE % 'endpoint: https://hooks.example.com/u\n        target_type: call', "{'rotated': rotated}"),
                           env=zitadel_env(zitadel))
    assert run.rc == 0, run
    assert zitadel.count(route='v2 create_target') == 1 and updates(zitadel) == []
    target_id = run.results['rotated']['target']['id']
    assert run.results['rotated']['signing_key'] == zitadel.state['signing_keys'][target_id]


def test_rotation_in_check_mode_sends_nothing_and_warns(zitadel, ansible):
    assert ansible.playbook(play(HOOK), env=zitadel_env(zitadel)).rc == 0
    before = len(writes(zitadel))
    run = ansible.playbook(play(ROTATE % '', "{'rotated': rotated}"), env=zitadel_env(zitadel), args=['--check'])
    assert run.rc == 0, run
    assert run.results['rotated']['changed'] is True and 'signing_key' not in run.results['rotated']
    assert 'not rotated' in run.output
    assert len(writes(zitadel)) == before


def test_rotation_is_never_retried(zitadel, ansible):
    assert ansible.playbook(play(HOOK), env=zitadel_env(zitadel)).rc == 0
    # ZITADEL rotates the key, then the connection drops: a second UpdateTarget would expire the key just made.
    zitadel.add_fault('after', route='v2 update_target', then='drop')
    run = ansible.playbook(play(ROTATE % ''), env=zitadel_env(zitadel))
    assert run.rc != 0, run
    assert zitadel.count(route='v2 update_target') == 1


# -- the catalogue --------------------------------------------------------------------------------------------
EXECUTION = '''
    - netops.bridge.zitadel_execution:
        condition: %s
        targets: [user-checks]
      register: execution
'''


@pytest.mark.parametrize('condition,suggestion', [
    ('{request: {method: /zitadel.user.v2.UserService/AddHumanUsr}}', 'did you mean /zitadel.user.v2.UserService/AddHumanUser'),
    ('{response: {service: zitadel.user.v2.UserServce}}', 'did you mean zitadel.user.v2.UserService'),
    ('{function: {name: preuserinf}}', 'did you mean preuserinfo'),
])
def test_an_unlisted_condition_fails_with_nothing_written_and_a_suggestion(zitadel, ansible, condition, suggestion):
    assert ansible.playbook(play(HOOK), env=zitadel_env(zitadel)).rc == 0
    before = len(writes(zitadel))
    run = ansible.playbook(play(EXECUTION % condition), env=zitadel_env(zitadel))
    assert run.rc != 0 and suggestion in run.stdout and "Nothing was written" in run.stdout, run.stdout
    assert len(writes(zitadel)) == before and zitadel.count(route='v2 set_execution') == 0


def test_the_catalogue_is_read_once_per_task_before_any_write(zitadel, ansible):
    assert ansible.playbook(play(HOOK), env=zitadel_env(zitadel)).rc == 0
    run = ansible.playbook(play(EXECUTION % '{request: {method: /zitadel.user.v2.UserService/AddHumanUser}}'),
                           env=zitadel_env(zitadel, api_version='v2beta'))
    assert run.rc == 0, run
    routes = [r['route'] for r in zitadel.requests()]
    for name in CATALOGUE_ROUTES[:2]:
        assert routes.count('v2beta ' + name) <= 1
    assert routes.count('v2beta list_methods') == 1
    assert routes.index('v2beta list_methods') < routes.index('v2beta set_execution')


def test_event_conditions_have_no_catalogue_check(zitadel, ansible):
    assert ansible.playbook(play(HOOK), env=zitadel_env(zitadel)).rc == 0
    run = ansible.playbook(play(EXECUTION % '{event: {group: user.human}}'), env=zitadel_env(zitadel))
    assert run.rc == 0, run
    assert not any(zitadel.count(route='v2 ' + name) for name in CATALOGUE_ROUTES)


@pytest.mark.parametrize('condition,words', [
    ('{request: {method: /zitadel.user.v2.UserService/AddHumanUser, methd: x}}', 'unknown key methd in condition.request'),
    ('{event: {grup: user.human}}', 'unknown key grup in condition.event'),
    ('{function: {name: preuserinfo, nmae: x}}', 'unknown key nmae in condition.function'),
])
def test_inner_key_typos_are_named(zitadel, ansible, condition, words):
    run = ansible.playbook(play(EXECUTION % condition), env=zitadel_env(zitadel))
    assert run.rc != 0 and words in run.stdout, run
    assert zitadel.requests() == []


@pytest.mark.parametrize('version', ['v2', 'v2beta'])
def test_execution_info_catalog_lists_what_zitadel_serves(zitadel, ansible, version):
    from emulators.zitadel import CATALOGUE
    run = ansible.playbook(play('''
    - netops.bridge.zitadel_execution_info:
        catalog: true
      register: catalogue
''', "{'catalogue': catalogue}"), env=zitadel_env(zitadel, api_version=version))
    assert run.rc == 0, run
    for what in ('methods', 'services', 'functions'):
        assert run.results['catalogue'][what] == CATALOGUE[what]
        assert zitadel.count(route='%s list_%s' % (version, what)) == 1


def test_execution_diff_names_the_condition(zitadel, ansible):
    assert ansible.playbook(play(HOOK), env=zitadel_env(zitadel)).rc == 0
    run = ansible.playbook(play(EXECUTION % '{function: {name: preaccesstoken}}', "{'execution': execution}"),
                           env=zitadel_env(zitadel), args=['--diff'])
    assert run.rc == 0, run
    diff = run.results['execution']['diff']
    assert diff['before']['condition'] == diff['after']['condition'] == {'function': {'name': 'preaccesstoken'}}
    assert 'preaccesstoken' in run.stdout


# -- the zitadel_actions role ---------------------------------------------------------------------------------
ROLE_TARGETS = '''
zitadel_actions_targets:
  - {name: user-checks, endpoint: "https://hooks.example.com/u", target_type: webhook%s}
  - {name: audit-log, endpoint: "https://hooks.example.com/a", target_type: async}
'''
SAVE_ROLE = "{'summary': zitadel_actions_summary, 'keys': zitadel_actions_signing_keys}"


def test_the_role_rotates_accounts_by_name_and_keeps_the_keys(zitadel, ansible):
    from test_roles import role_play
    first = ansible.playbook(role_play('zitadel_actions', ROLE_TARGETS % '', save=SAVE_ROLE), env=zitadel_env(zitadel))
    assert first.rc == 0, first
    created_keys = first.results['keys']
    assert sorted(created_keys) == ['audit-log', 'user-checks'] and first.results['summary']['signing_keys_rotated'] == []
    run = ansible.playbook(role_play('zitadel_actions', ROLE_TARGETS % ', rotate_signing_key: true', save=SAVE_ROLE),
                           env=zitadel_env(zitadel), args=['--diff'])
    assert run.rc == 0, run
    assert run.results['summary']['signing_keys_rotated'] == ['user-checks']
    assert list(run.results['keys']) == ['user-checks'] and run.results['keys']['user-checks'] != created_keys['user-checks']
    assert '1 signing key(s) rotated (user-checks)' in ' '.join(run.stdout.split())
    assert 'signing-key-' not in run.output  # the emulator's keys: never shown
    assert updates(zitadel) == [{'expirationSigningKey': '0s'}]
