# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils.saymon import job_finished, job_summary, saymon_error_detail


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
