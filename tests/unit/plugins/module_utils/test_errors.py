# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ApiError and WaitTimeout as users see them: the message, the redaction of secrets, and the task result's keys."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import functools
import json
from urllib.parse import quote

import pytest

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError, NeverFound, WaitTimeout, redacted, unfinished


def test_the_exception_text_is_the_message_shown_to_the_user():
    error = ApiError('eNMS', 'boom', method='GET', url='https://h/rest/x', status=502, detail='Bad gateway.')
    assert str(error) == error.message == 'eNMS GET https://h/rest/x failed: HTTP 502 Bad Gateway: boom: Bad gateway.'


def test_the_body_is_kept_for_the_caller_that_parses_it():
    assert ApiError('OMN', None, body='<pim/>').body == '<pim/>'


def test_redaction_masks_every_secret_everywhere_and_skips_empty_ones():
    error = ApiError('SAYMON', 'login s3cret failed', method='GET', url='https://h/verify/sid-1', status=401,
                     detail='sid-1 is wrong, s3cret too', body='{"sid": "sid-1"}')
    error.redact(['', 's3cret', None, 'sid-1'])
    assert error.summary == 'login ******** failed'
    assert error.url == 'https://h/verify/********'
    assert error.detail == '******** is wrong, ******** too'
    assert error.body == '{"sid": "********"}'
    assert str(error) == error.message and 's3cret' not in str(error) and 'sid-1' not in str(error)


def test_a_secret_inside_another_leaves_nothing_of_the_longer_one():
    # A password that is part of a token must not be masked first, or the rest of the token stays in the message.
    error = ApiError('ZITADEL', 'token abc-123-xyz refused', detail='abc-123-xyz')
    error.redact(['abc', 'abc-123-xyz'])
    assert error.summary == 'token ******** refused' and error.detail == '********'


def test_redaction_leaves_text_without_secrets_as_it_is():
    error = ApiError('ZITADEL', 'nothing secret', detail='plain words', body='body')
    error.redact(['token'])
    assert (error.summary, error.detail, error.body) == ('nothing secret', 'plain words', 'body')


def test_unfinished_drops_trailing_blanks_and_periods_only():
    assert unfinished('  it failed.  ') == '  it failed'
    assert unfinished('v1.2 failed..') == 'v1.2 failed'
    assert unfinished('no period') == 'no period'
    assert unfinished('status XX') == 'status XX'


def test_a_message_never_shows_a_doubled_period():
    error = ApiError('OMN', 'the batch failed.', detail='Token expired.', maybe_applied=True, method='POST', url='https://h/x')
    assert '..' not in error.message
    assert error.message.endswith('Check on the server before running it again')


def test_result_keys_of_a_failed_request():
    assert ApiError('eNMS', None, method='POST', url='u', status=403, detail='no').as_result() == {
        'status': 403, 'url': 'u', 'method': 'POST', 'error': 'no'}
    assert 'error' not in ApiError('eNMS', 'x').as_result()


def test_wait_timeouts_start_with_no_polls_and_no_last_answer():
    timeout = WaitTimeout('gave up')
    assert (str(timeout), timeout.last, timeout.polls) == ('gave up', None, 0)
    assert isinstance(NeverFound('never seen', polls=3), WaitTimeout)


def test_an_explained_error_reads_our_words_everywhere_and_keeps_what_it_is_not_given():
    error = ApiError('eNMS', None, method='GET', url='https://enms/rest/instance/pool/Core', status=403, detail='Not Authorized')
    assert error.explained(summary='no such pool') is error
    assert str(error) == error.message == error.args[0]
    assert error.message == 'eNMS GET https://enms/rest/instance/pool/Core failed: HTTP 403 Forbidden: no such pool: Not Authorized'
    error.explained(detail='Not Authorized (the user lacks the role)')
    assert error.summary == 'no such pool' and str(error).endswith(': no such pool: Not Authorized (the user lacks the role)')
    assert str(ApiError('eNMS', 'kept', status=403).explained()) == 'eNMS: kept'


def bytes_repr(text, encoding):
    return repr(text.encode(encoding))


@pytest.mark.parametrize('quoted', [json.dumps, functools.partial(json.dumps, ensure_ascii=False), functools.partial(quote, safe=''), repr,
                                    functools.partial(bytes_repr, encoding='utf-8'), functools.partial(bytes_repr, encoding='latin-1')],
                         ids=['json', 'json-unicode', 'url-path', 'repr', 'bytes-utf-8', 'bytes-latin-1'])
def test_a_secret_as_a_library_quotes_it_is_masked_whole(quoted):
    # A slash (kept by quote's default), a control character (\u0001 in JSON, \x01 in repr), a non-ASCII letter, both
    # quotes (repr escapes the single one).
    secret = 'tok/\xe9\x01"e\'n'
    shown = redacted('sent %s in the body' % quoted(secret), [secret])
    assert shown in ('sent ******** in the body', 'sent "********" in the body', "sent '********' in the body",
                     "sent b'********' in the body"), shown
