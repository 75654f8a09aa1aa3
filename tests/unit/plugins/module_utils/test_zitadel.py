# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest
from hypothesis import given, strategies as st

from ansible_collections.netops.bridge.plugins.module_utils.zitadel import (
    execution_target_ids, format_duration, normalize_condition, parse_duration, target_view, zitadel_error_detail)


class FakeResponse(object):
    def __init__(self, text):
        self.text = text


@pytest.mark.parametrize('condition,expected', [
    ({'request': {'method': '/a.B/C'}}, {'request': {'method': '/a.B/C'}}),
    ({'response': {'service': 'a.B', 'method': None}}, {'response': {'service': 'a.B'}}),
    ({'event': {'all': True}, 'request': None}, {'event': {'all': True}}),
    ({'function': {'name': 'preuserinfo'}}, {'function': {'name': 'preuserinfo'}}),
])
def test_valid_conditions(condition, expected):
    assert normalize_condition(condition) == expected


@pytest.mark.parametrize('condition,words', [
    ({}, 'exactly one of request, response, function or event'),
    ({'request': {'all': True}, 'event': {'all': True}}, 'exactly one of request'),
    ({'request': {'method': 'a', 'service': 'b'}}, 'condition.request must have exactly one of method, service, all'),
    ({'request': {'all': False}}, 'condition.request.all must be true'),
    ({'event': {'group': ''}}, 'condition.event.group must be a string of 1 to 1000'),
    ({'function': {'name': 'x' * 1001}}, 'condition.function.name must be a string of 1 to 1000'),
    ({'function': {'event': 'x'}}, 'condition.function must have exactly one of name'),
    ('request', 'condition must be a dict'),
])
def test_invalid_conditions_name_the_field(condition, words):
    with pytest.raises(ValueError, match=words.replace('(', r'\(')):
        normalize_condition(condition)


@given(st.text(min_size=1, max_size=1000))
def test_any_text_of_valid_length_is_a_valid_method(text):
    assert normalize_condition({'request': {'method': text}}) == {'request': {'method': text}}


@pytest.mark.parametrize('value,seconds', [('10s', 10), ('10', 10), (10, 10), ('500ms', 0.5), ('2m', 120), ('270s', 270), ('0s', 0)])
def test_durations(value, seconds):
    assert parse_duration(value, 'timeout') == seconds


@pytest.mark.parametrize('value', ['271s', '5m', 'soon', '-1s', ''])
def test_bad_durations(value):
    with pytest.raises(ValueError, match='timeout'):
        parse_duration(value, 'timeout')


def test_format_duration():
    assert [format_duration(s) for s in (10, 0.5, 0)] == ['10s', '0.5s', '0s']


def test_error_detail_numeric_and_string_codes():
    body = {'code': 7, 'message': 'No matching permissions found (AUTH-5mWD2)', 'details': []}
    assert zitadel_error_detail(FakeResponse(json.dumps(body))) == 'gRPC 7 PERMISSION_DENIED: No matching permissions found (AUTH-5mWD2)'
    assert zitadel_error_detail(FakeResponse('{"code": "not_found", "message": "gone"}')) == 'gRPC not_found: gone'
    assert zitadel_error_detail(FakeResponse('upstream timeout')) == 'upstream timeout'


def test_target_view_and_execution_ids():
    view = target_view({'id': '1', 'name': 'n', 'endpoint': 'https://e', 'timeout': '10.000s', 'restCall': {'interruptOnError': True},
                        'payloadType': 'PAYLOAD_TYPE_JWT'})
    assert (view['target_type'], view['interrupt_on_error'], view['timeout'], view['payload_type']) == ('call', True, '10s', 'jwt')
    assert target_view({'id': '2', 'restAsync': {}})['target_type'] == 'async'
    assert execution_target_ids({'targets': ['1', '2']}) == ['1', '2']
    assert execution_target_ids({'targets': [{'target': '3'}, {'include': {}}]}) == ['3']
