# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""network_change checks the network, not only its input: network_change_require refuses a change on a link not in
an allowed state before any operation (in --check too); network_change_verify waits, after the after-operations, for
the states expected, and the account says per link or object whether it came back."""

from __future__ import absolute_import, division, print_function

from conftest import enms_env, saymon_env
from emulators.saymon import LINK_L1, LINK_L2, OBJECT_O2, STATE_CRITICAL
from test_roles import both, role_play

CHANGE = """
network_change_name: CHG-9
network_change_service: Configuration Backup
network_change_devices: [Washington]
network_change_poll_interval: 0.3
network_change_verify_interval: 0.5
"""


def run_change(ansible, saymon, enms, extra, args=()):
    return ansible.playbook(role_play('network_change', CHANGE + extra, save='network_change_summary'),
                            env=both(saymon_env(saymon), enms_env(enms)), args=list(args))


def set_state(saymon, kind, entity_id, state_id):
    with saymon.lock:
        saymon.set_entity_state(kind, entity_id, state_id)


def test_a_link_not_in_the_required_state_refuses_the_change_before_any_operation(saymon, enms, ansible):
    set_state(saymon, 'links', LINK_L2, STATE_CRITICAL)
    extra = """
network_change_before:
  - {link_id: "%s", operation_name: set-maintenance}
network_change_require:
  - {link: "%s", states: [Normal]}
  - {object: "%s", states: [Normal, Warning], label: the far end}
""" % (LINK_L1, LINK_L2, OBJECT_O2)
    for args in (['--check'], []):
        run = run_change(ansible, saymon, enms, extra, args)
        assert run.rc != 0, run
        assert 'link core-router-2 -> core-router-1 (%s) is Critical, expected Normal' % LINK_L2 in run.stdout, run
        assert 'require: 1 of 2 in the required state' in run.stdout, run
        assert saymon.count(route='execute_link_operation') == 0 and enms.count(route='run_service') == 0, saymon.counts()
        assert 'object the far end (%s) is Normal)' % OBJECT_O2 in run.stdout, run
        assert 'before: not run (refused by the plan)' in run.stdout and 'SAYMON left as it was' in run.stdout, run


def test_a_link_that_comes_back_after_the_change_is_verified(saymon, enms, ansible):
    with saymon.lock:
        saymon.state['state_change_delay'] = 1.5
    extra = """
network_change_before:
  - {link_id: "%s", operation_name: bring-down}
network_change_after:
  - {link_id: "%s", operation_name: bring-up}
network_change_require:
  - {link: "%s", states: [Normal]}
network_change_verify:
  - {link: "%s", states: [Normal]}
network_change_verify_timeout: 30
""" % (LINK_L2, LINK_L2, LINK_L2, LINK_L2)
    run = run_change(ansible, saymon, enms, extra)
    assert run.rc == 0, run
    assert run.results['failed'] is False and run.results['verify'][0]['ok'] is True, run.results
    assert 'verify: 1 of 1 as expected (link core-router-2 -> core-router-1 (%s) is Normal)' % LINK_L2 in run.stdout, run
    # It waited: the link was still down (the change of state takes 1.5 s) when first read after the operations.
    assert saymon.count(route='get_link') >= 3, saymon.counts()


def test_a_link_that_does_not_come_back_fails_the_change_after_the_after_operations(saymon, enms, ansible):
    extra = """
network_change_before:
  - {link_id: "%s", operation_name: bring-down}
network_change_after:
  - {link_id: "%s", operation_name: set-maintenance}
network_change_verify:
  - {link: "%s", states: [Normal]}
network_change_verify_timeout: 2
""" % (LINK_L2, LINK_L2, LINK_L2)
    run = run_change(ansible, saymon, enms, extra)
    assert run.rc != 0, run
    assert 'after: 1 operation(s), 1 succeeded, 0 failed' in run.stdout, run
    assert saymon.count(route='execute_link_operation') == 2, saymon.counts()
    assert 'verify: 0 of 1 as expected' in run.stdout, run
    assert 'failed after the change (verify): not as expected after 2 s: link core-router-2 -> core-router-1 (%s) is Critical, ' \
           'expected Normal' % LINK_L2 in run.stdout, run


def test_a_state_read_that_fails_fails_the_verification_and_not_the_after_operations(saymon, enms, ansible):
    # The plan reads the object once; every later read of it fails.
    saymon.add_fault('status', route='get_object', skip=1, times=50, status=500,
                     body='{"code": "InternalError", "message": "state store unavailable"}')
    extra = """
network_change_after:
  - {link_id: "%s", operation_name: clear-maintenance}
network_change_verify:
  - {object: "%s", states: [Normal]}
network_change_verify_timeout: 1
""" % (LINK_L1, OBJECT_O2)
    run = run_change(ansible, saymon, enms, extra)
    assert run.rc != 0, run
    assert saymon.count(route='execute_link_operation') == 1, saymon.counts()
    assert 'failed after the change (verify): could not read the states: ' in run.stdout, run
    assert 'state store unavailable' in run.stdout and 'verify: the states could not be read' in run.stdout, run


def test_check_mode_shows_both_checks_as_the_plan(saymon, enms, ansible):
    extra = """
network_change_require:
  - {link: "%s", states: [Normal]}
network_change_verify:
  - {link: "%s", states: [Normal], label: uplink}
network_change_verify_timeout: 60
""" % (LINK_L2, LINK_L2)
    run = run_change(ansible, saymon, enms, extra, ['--check'])
    assert run.rc == 0, run
    assert 'require: 1 of 1 in the required state' in run.stdout, run
    assert 'verify: would wait up to 60 s for link uplink in Normal' in run.stdout, run
    assert saymon.count(route='execute_link_operation') == 0 and enms.count(route='run_service') == 0


def test_an_unknown_id_to_verify_refuses_the_change_in_the_plan(saymon, enms, ansible):
    extra = """
network_change_before:
  - {link_id: "%s", operation_name: set-maintenance}
network_change_verify:
  - {link: "62de902eb238aa0131bdffff", states: [Normal]}
""" % LINK_L1
    run = run_change(ansible, saymon, enms, extra)
    assert run.rc != 0, run
    assert 'failed the plan' in run.stdout and '62de902eb238aa0131bdffff' in run.stdout, run
    assert saymon.count(route='execute_link_operation') == 0 and enms.count(route='run_service') == 0
