# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""extensions/eda/rulebooks/saymon_link_critical.yml run by the real ansible-rulebook against the SAYMON emulator, the
whole loop once: a link goes Critical on SAYMON, netops.bridge.saymon_states emits it, the rule fires, the playbook
executes the remediation operation on that link and sees it Normal again. scripts/test.sh runs this file in its
rulebooks stage, in a venv with ansible-rulebook and a Java 17 runtime; elsewhere it is skipped."""

from __future__ import absolute_import, division, print_function

import time

import requests

from conftest import saymon_env
from emulators.saymon import LINK_L2, OBJECT_O1, OP_L2_BRING_DOWN, OP_L2_BRING_UP, STATE_CRITICAL, STATE_NORMAL, STATE_WARNING
from test_rulebooks_enms import Rulebook, wait_for, pytestmark as needs_the_rulebook_runner

# Skipped where ansible-rulebook or Java 17 is missing, as the eNMS loop is.
pytestmark = needs_the_rulebook_runner

EXECUTE_PATH = '/node/api/links/%s/operations/%s/execute'


def set_state(saymon, kind, entity_id, state_id):
    answer = requests.post('%s/_emulator/entity-state' % saymon.url, json={'kind': kind, 'id': entity_id, 'state_id': state_id}, timeout=10)
    assert answer.status_code == 200 and answer.json()['changed'], answer.text


def test_a_saymon_link_going_critical_runs_the_remediation_operation_on_that_link(saymon, collections_path, tmp_path):
    rulebook = Rulebook(collections_path, tmp_path, 'saymon_link_critical', saymon_env(saymon),
                        {'saymon_remediation_operation': 'bring-up', 'saymon_states_interval': 0.5,
                         'saymon_remediation_check_delay': 1})
    try:
        # The source's first poll (its baseline: the newest change, then its millisecond) is over after three reads.
        wait_for(lambda: saymon.count('state_history_log') >= 3, rulebook, 'poll of the SAYMON state history log')
        set_state(saymon, 'object', OBJECT_O1, STATE_CRITICAL)      # an object: the rule does not fire
        set_state(saymon, 'link', LINK_L2, STATE_WARNING)           # not Critical: no event
        answer = requests.post(saymon.url + EXECUTE_PATH % (LINK_L2, OP_L2_BRING_DOWN), auth=('admin', 'admin-pass'), timeout=10)
        assert answer.status_code == 200, answer.text

        def executed():
            return [request['path'] for request in saymon.requests('execute_link_operation') + saymon.requests('execute_object_operation')]

        wait_for(lambda: EXECUTE_PATH % (LINK_L2, OP_L2_BRING_UP) in executed(), rulebook, 'execution of the remediation')
        wait_for(lambda: saymon.count('get_link') >= 2, rulebook, 'check of the link after the remediation')
        assert saymon.entity_states()[LINK_L2] == STATE_NORMAL
        # The link back to Normal is no event for the rule: nothing else runs.
        time.sleep(3)
        assert executed() == [EXECUTE_PATH % (LINK_L2, OP_L2_BRING_DOWN), EXECUTE_PATH % (LINK_L2, OP_L2_BRING_UP)], (
            executed(), rulebook.output()[-3000:])
        assert 'went Critical at' in rulebook.output() and 'failed=0' in rulebook.output(), rulebook.output()[-3000:]
    finally:
        rulebook.stop()
    assert 'admin-pass' not in rulebook.output()
