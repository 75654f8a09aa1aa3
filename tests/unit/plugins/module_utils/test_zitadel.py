# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import hashlib
import json

import pytest
from hypothesis import given, strategies as st

from ansible_collections.netops.bridge.plugins.module_utils import zitadel
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
    ({'function': {'event': 'x'}}, 'unknown key event in condition.function'),
    ({'request': {'method': '/zitadel.user.v2.UserService/AddHumanUser', 'methd': 'x'}}, 'unknown key methd in condition.request'),
    ({'event': {'grup': 'user.human'}}, 'unknown key grup in condition.event'),
    ({'function': {'name': 'preuserinfo', 'nmae': 'x'}}, 'unknown key nmae in condition.function'),
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


# -- target public keys (issue 17) ---------------------------------------------------------------------------------
EC_PEM = ('-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEoBuEc8SPaGiJh/sbvJt69GcEXnfI\n'
          'EPIAg/aNRoTGPs5UoOj2NWLVtHYHyWMdUGM5eBRj/Q77OYRB244WqVd0WQ==\n-----END PUBLIC KEY-----\n')


def test_public_key_is_parsed_without_a_crypto_library_and_round_trips_as_base64():
    der, kind = zitadel.parse_public_key(EC_PEM)
    assert kind == 'EC' and der[:2] == b'\x30\x59'
    assert zitadel.parse_public_key('\r\n  ' + EC_PEM.replace('\n', '\r\n'))[0] == der
    encoded = zitadel.encode_public_key(EC_PEM)
    assert base64.b64decode(encoded).decode() == EC_PEM and zitadel.decode_public_key(encoded) == der
    assert zitadel.decode_public_key(encoded.rstrip('=')) == der
    assert zitadel.decode_public_key(EC_PEM) is None and zitadel.decode_public_key(None) is None
    assert zitadel.public_key_fingerprint(der) == 'SHA256:' + base64.b64encode(hashlib.sha256(der).digest()).decode().rstrip('=')


@pytest.mark.parametrize('text, message', [
    ('', 'PEM text'),
    (EC_PEM + EC_PEM, 'exactly one PEM block'),
    (EC_PEM.replace('PUBLIC KEY', 'PRIVATE KEY'), 'private key'),
    (EC_PEM.replace('PUBLIC KEY', 'CERTIFICATE'), 'certificate'),
    (EC_PEM.replace('PUBLIC KEY', 'RSA PUBLIC KEY'), 'PKCS#1'),
    (EC_PEM.replace('MFkw', 'MFow'), 'not a valid PEM public key'),
    (EC_PEM.replace('KoZIzj0CAQ', 'KoZIzj0CAg'), 'RSA or EC'),
    ('-----BEGIN PUBLIC KEY-----\n' + 'A' * 9000 + '\n-----END PUBLIC KEY-----', 'at most 8192 bytes'),
])
def test_what_is_not_an_rsa_or_ec_public_key_is_refused(text, message):
    with pytest.raises(ValueError) as refused:
        zitadel.parse_public_key(text)
    assert message in str(refused.value) and 'MFkw' not in str(refused.value)


@pytest.mark.parametrize('value, expected', [
    ('2027-01-31T00:00:00Z', '2027-01-31T00:00:00Z'), ('2027-01-31T02:30:00+02:30', '2027-01-31T00:00:00Z'),
    ('2027-01-31t00:00:00.120z', '2027-01-31T00:00:00.12Z'), ('2027-01-30T23:00:00-01:00', '2027-01-31T00:00:00Z'),
])
def test_expiration_dates_are_normalised_to_utc(value, expected):
    assert zitadel.normalize_timestamp(value) == expected


@pytest.mark.parametrize('value', ['2027-01-31', '2027-13-01T00:00:00Z', 'soon', '2027-01-31T00:00:00', None])
def test_bad_expiration_dates_are_refused(value):
    with pytest.raises(ValueError):
        zitadel.normalize_timestamp(value)


CATALOGUE = {'methods': ['/zitadel.user.v2.UserService/AddHumanUser', '/zitadel.session.v2.SessionService/ListSessions'],
             'services': ['zitadel.user.v2.UserService'], 'functions': ['preuserinfo', 'preaccesstoken']}


@pytest.mark.parametrize('condition,words', [
    ({'request': {'method': '/zitadel.user.v2.UserService/AddHumanUsr'}}, 'did you mean /zitadel.user.v2.UserService/AddHumanUser?'),
    ({'response': {'service': 'zitadel.user.v2.UserServic'}}, 'did you mean zitadel.user.v2.UserService?'),
    ({'function': {'name': 'preuserinf'}}, 'did you mean preuserinfo?'),
])
def test_unlisted_conditions_suggest_the_closest_listed_name(condition, words):
    assert words in zitadel.catalogue_problem(condition, CATALOGUE)


@pytest.mark.parametrize('condition', [
    {'request': {'method': '/zitadel.user.v2.UserService/AddHumanUser'}}, {'request': {'all': True}},
    {'function': {'name': 'preaccesstoken'}}, {'event': {'event': 'anything.at.all'}}, {'event': {'group': 'user'}},
])
def test_listed_conditions_and_events_pass_the_catalogue(condition):
    assert zitadel.catalogue_problem(condition, CATALOGUE) is None


def test_a_name_far_from_any_listed_one_gets_no_guess():
    problem = zitadel.catalogue_problem({'function': {'name': 'completely-different'}}, CATALOGUE)
    assert 'is not among the functions ZITADEL lists' in problem and 'did you mean' not in problem and problem.endswith('.')
