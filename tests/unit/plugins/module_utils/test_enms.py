# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netops.bridge.plugins.module_utils.enms import run_finished, run_outcome
from ansible_collections.netops.bridge.plugins.modules.enms_service_run import run_request


@pytest.mark.parametrize('answer,finished', [
    (None, False),
    ({'status': 'Running', 'result': 'No results yet.'}, False),
    ({'status': 'Completed', 'result': {}}, True),
    ({'status': 'Aborted', 'result': 'No results yet.'}, True),
    ({'status': 'Aborted (RELOAD)'}, True),
])
def test_run_finished(answer, finished):
    assert run_finished(answer) is finished


def test_run_outcome_tolerates_a_result_that_is_not_a_dict():
    outcome = run_outcome({'status': 'Running', 'result': 'No results yet.'})
    assert outcome == {'status': 'Running', 'success': None, 'summary': {'success': [], 'failure': [], 'discard': []},
                       'duration': None, 'result': {}}
    result = {'success': False, 'duration': '0:00:02', 'summary': {'success': ['a'], 'failure': ['b']}}
    done = run_outcome({'status': 'Completed', 'result': result})
    assert done['success'] is False and done['summary'] == {'success': ['a'], 'failure': ['b'], 'discard': []}
    odd = run_outcome({'status': 'Completed', 'result': {'summary': {'success': 'a', 'failure': 3, 'discard': None}}})
    assert odd['summary'] == {'success': [], 'failure': [], 'discard': []}


def test_run_request_always_sends_async_and_only_given_targets():
    params = {'name': 'svc', 'devices': ['a'], 'pools': None, 'ip_addresses': [], 'payload': {'ticket': 1},
              'ignore_invalid_targets': False, 'run_name': None}
    assert run_request(params) == {'name': 'svc', 'async': True, 'devices': ['a'], 'ticket': 1}
    params.update(ignore_invalid_targets=True, run_name='nightly')
    assert run_request(params)['form'] == {'name': 'nightly'} and run_request(params)['ignore_invalid_targets'] is True
