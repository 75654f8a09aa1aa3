# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils.saymon import (
    history_state_id, job_finished, job_summary, saymon_error_detail, state_names, time_ms)


class FakeResponse(object):
    def __init__(self, text):
        self.text = text


def test_401_message_inside_a_json_string_is_unwrapped():
    body = json.dumps({'code': 'InvalidCredentials', 'message': json.dumps({'errorCode': 3, 'message': 'Invalid login or password.'})})
    assert saymon_error_detail(FakeResponse(body)) == 'InvalidCredentials: Invalid login or password.'


@pytest.mark.parametrize('text,expected', [
    ('{"code": "BadRequest", "message": "Mandatory \\"metrics\\" parameter is absent/empty."}',
     'BadRequest: Mandatory "metrics" parameter is absent/empty.'),
    ('<html>Bad gateway</html>', '<html>Bad gateway</html>'),
    ('[1, 2]', '[1, 2]'),
    ('', None),
])
def test_other_error_bodies(text, expected):
    assert saymon_error_detail(FakeResponse(text)) == expected


@pytest.mark.parametrize('job,finished', [
    ({'description': {'exitCode': 0, 'stdout': 'ok'}}, True),
    ({'description': {'exitCode': 3}}, True),
    ({'description': {'topic': 't', 'message': 'm'}}, True),
    ({'description': {}}, False),
    ({'description': None}, False),
    ({'description': 'text'}, False),
    (None, False),
])
def test_job_finished(job, finished):
    assert job_finished(job) is finished


def test_job_summary():
    assert job_summary({'description': {'exitCode': 2, 'stdout': 'boom'}}) == {'finished': True, 'exit_code': 2, 'stdout': 'boom'}
    assert job_summary(None) == {'finished': False, 'exit_code': None, 'stdout': None}


def test_api_error_message_forms():
    assert ApiError('SAYMON', 'credentials missing').message == 'SAYMON: credentials missing'
    error = ApiError('SAYMON', None, method='GET', url='https://h/x', status=404, detail='NotFound: gone')
    assert error.message == 'SAYMON GET https://h/x failed: HTTP 404 Not Found: NotFound: gone'
    assert error.as_result() == {'status': 404, 'url': 'https://h/x', 'method': 'GET', 'error': 'NotFound: gone'}


NOW_MS = 1765065600000  # 2025-12-07T00:00:00Z


@pytest.mark.parametrize('text, expected', [
    ('1765000000000', 1765000000000),
    (' 0 ', 0),
    ('now', NOW_MS),
    ('-15s', NOW_MS - 15 * 1000),
    ('-15m', NOW_MS - 15 * 60 * 1000),
    ('-2h', NOW_MS - 2 * 3600 * 1000),
    ('-7d', NOW_MS - 7 * 86400 * 1000),
    ('-1w', NOW_MS - 7 * 86400 * 1000),
    ('2025-12-07', NOW_MS),
    ('2025-12-07T00:00:00Z', NOW_MS),
    ('2025-12-06T22:30', NOW_MS - 90 * 60 * 1000),
    ('2025-12-07 01:00:00+01:00', NOW_MS),
    ('2025-12-06T23:00:00.250-0100', NOW_MS),
])
def test_time_ms_forms(text, expected):
    assert time_ms(text, NOW_MS) == expected


@pytest.mark.parametrize('text', ['yesterday', '-2x', '+1h', '2025-13-01', '2025-02-30T00:00:00Z', '', '1.5'])
def test_time_ms_refuses_what_it_cannot_read(text):
    with pytest.raises(ValueError):
        time_ms(text, NOW_MS)


def test_state_names_and_history_state_id():
    assert state_names([{'id': 1, 'name': 'Normal'}, {'id': '3', 'name': 'Critical'}, {'name': 'no id'}, 'junk']) == {'1': 'Normal', '3': 'Critical'}
    assert state_names({'1': 'Normal'}) == {}
    assert history_state_id({'stateId': 0, 'state_id': 5}) == 0
    assert history_state_id({'state_id': 5}) == 5 and history_state_id({}) is None and history_state_id('x') is None
