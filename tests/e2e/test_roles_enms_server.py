# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""enms_service and network_change's eNMS part against an eNMS server the tests furnish themselves: the emulator by
default, a real eNMS 4.6 with ``bash scripts/test.sh real-enms`` (see enms_servers.py). The plan's bulk reads, the
refusals and the account must hold on the real server, not only on the emulator."""

from __future__ import absolute_import, division, print_function

import pytest

from enms_servers import server
from test_roles_plan_enms_change import error_text, role_play


@pytest.fixture(scope='module')
def enms_server():
    with server() as found:
        found.device = found.prefix + 'device'
        found.other = found.prefix + 'other'
        found.add_device(found.device, '192.0.2.10')
        found.add_device(found.other, '192.0.2.11')
        found.pool = found.prefix + 'pool'
        found.add_pool(found.pool, [found.device])
        found.good = found.prefix + 'role-good'
        found.add_service(found.good, found.good, seconds=0)
        found.bad = found.prefix + 'role-bad'
        found.add_service(found.bad, found.bad, succeeds=False, seconds=0)
        yield found


def env_for(enms_server):
    return {'ENMS_URL': enms_server.url, 'ENMS_USERNAME': enms_server.username, 'ENMS_PASSWORD': enms_server.password}


def test_enms_service_refuses_unknown_targets_in_check_mode_then_runs_the_known_ones(enms_server, ansible):
    typo = '''
enms_service_name: "%s"
enms_service_devices: ["%s", "%sWashingtn"]
enms_service_pools: ["%sCor"]
enms_service_poll_interval: 0.5
''' % (enms_server.good, enms_server.device, enms_server.prefix, enms_server.prefix)
    check = ansible.playbook(role_play('enms_service', typo), env=env_for(enms_server), args=['--check'])
    assert check.rc != 0, check
    assert 'eNMS does not know devices %sWashingtn; pools %sCor' % (enms_server.prefix, enms_server.prefix) in check.output, check
    assert 'refused before any run' in check.output and check.results['refused_before_run']
    assert "['eNMS service" not in error_text(check)

    good = '''
enms_service_name: "%s"
enms_service_devices: ["%s"]
enms_service_pools: ["%s"]
enms_service_poll_interval: 0.5
''' % (enms_server.good, enms_server.other, enms_server.pool)
    real = ansible.playbook(role_play('enms_service', good), env=env_for(enms_server))
    assert real.rc == 0, real
    assert real.results['refused_before_run'] is None and real.results['failed'] == []
    assert real.recap['localhost']['changed'] >= 1


def test_enms_service_unknown_service_is_a_refusal_and_a_failing_one_names_its_devices(enms_server, ansible):
    unknown = 'enms_service_name: "%snobody"\nenms_service_devices: ["%s"]\n' % (enms_server.prefix, enms_server.device)
    run = ansible.playbook(role_play('enms_service', unknown), env=env_for(enms_server))
    assert run.rc != 0, run
    assert 'refused before any run' in run.output and 'failed devices' not in run.output
    assert run.results['failed'] == [] and run.results['runs'] == []

    failing = 'enms_service_name: "%s"\nenms_service_devices: ["%s"]\nenms_service_poll_interval: 0.5\n' % (enms_server.bad, enms_server.device)
    run = ansible.playbook(role_play('enms_service', failing), env=env_for(enms_server))
    assert run.rc != 0, run
    assert run.results['failed'] == [enms_server.device] and run.results['refused_before_run'] is None, run.results
    assert run.recap['localhost']['changed'] >= 1


def test_network_change_checks_its_enms_input_on_the_server_before_anything_then_makes_the_change(enms_server, ansible):
    change = '''
network_change_name: CHG-8
network_change_service: "%s"
network_change_devices: ["%s"]
network_change_poll_interval: 0.5
'''
    typo = change % (enms_server.good, enms_server.prefix + 'Washingtn')
    run = ansible.playbook(role_play('network_change', typo), env=env_for(enms_server))
    assert run.rc != 0, run
    assert 'eNMS does not know devices %sWashingtn' % enms_server.prefix in run.output
    assert run.results['refused_before_any_operation'] is True and not run.results['change']
    assert 'CHG-8: FAILED' in error_text(run)

    done = ansible.playbook(role_play('network_change', change % (enms_server.good, enms_server.device)), env=env_for(enms_server))
    assert done.rc == 0, done
    assert done.results['change']['succeeded'] == [enms_server.device] and done.results['failed'] is False
