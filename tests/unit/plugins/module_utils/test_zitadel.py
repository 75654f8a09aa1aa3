# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import hashlib
import json

import pytest
from hypothesis import given, strategies as st

from ansible_collections.netops.bridge.plugins.module_utils import zitadel
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiResponse
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
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


# -- exact messages and boundaries (mutation testing) ---------------------------------------------------------------
class FakeError(object):
    def __init__(self, status, detail):
        self.status = status
        self.detail = detail


@pytest.mark.parametrize('body, detail', [
    ({'code': 16, 'message': 'Errors.Token.Invalid (AUTH-7fs1e)'}, 'gRPC 16 UNAUTHENTICATED: Errors.Token.Invalid (AUTH-7fs1e)'),
    ({'code': 11, 'message': 'x'}, 'gRPC 11: x'),
    ({'code': 5}, 'gRPC 5 NOT_FOUND'),
    ({'code': ' ', 'message': 'm'}, 'gRPC : m'),
    ({'code': '', 'message': 'only the message'}, 'only the message'),
    ({'message': 'only the message'}, 'only the message'),
    ({'details': []}, '{"details": []}'),
    (['not', 'an', 'object'], '["not", "an", "object"]'),
])
def test_error_detail_is_the_grpc_code_and_message(body, detail):
    assert zitadel_error_detail(FakeResponse(json.dumps(body))) == detail


def test_error_detail_of_an_empty_answer_is_none():
    assert zitadel_error_detail(FakeResponse('')) is None
    assert zitadel_error_detail(FakeResponse('"   "')) == '"   "'


@pytest.mark.parametrize('value, seconds', [('1.5s', 1.5), (' 20s ', 20.0), ('1m', 60.0), ('270000ms', 270.0), ('4.5m', 270.0)])
def test_duration_units(value, seconds):
    assert parse_duration(value, 'timeout') == seconds


def test_duration_messages():
    with pytest.raises(ValueError) as refused:
        parse_duration('soon', 'timeout')
    assert str(refused.value) == "timeout must be a duration such as 10s, 500ms or 2m, got 'soon'"
    with pytest.raises(ValueError) as refused:
        parse_duration('270001ms', 'timeout')
    assert str(refused.value) == "timeout must be at most 270s, got '270001ms'"


def test_durations_are_formatted_to_the_nanosecond():
    assert [format_duration(s) for s in (1.25, 0.000000001, 270.0, 100)] == ['1.25s', '0.000000001s', '270s', '100s']


@pytest.mark.parametrize('value', ['x', 'x' * 1000])
def test_condition_strings_of_1_to_1000_characters_are_accepted(value):
    assert normalize_condition({'function': {'name': value}}) == {'function': {'name': value}}


@pytest.mark.parametrize('value', ['', 'x' * 1001, 42])
def test_condition_strings_outside_the_limits_are_refused_with_the_limits(value):
    with pytest.raises(ValueError) as refused:
        normalize_condition({'request': {'method': value}})
    assert str(refused.value) == 'condition.request.method must be a string of 1 to 1000 characters'


@pytest.mark.parametrize('condition, message', [
    ('request', 'condition must be a dict'),
    ({}, 'condition must have exactly one of request, response, function or event, got none'),
    ({'request': {'all': True}, 'event': {'all': True}, 'response': None},
     'condition must have exactly one of request, response, function or event, got event, request'),
    ({'other': {}}, 'condition must have exactly one of request, response, function or event, got other'),
    ({'event': ['all']}, 'condition.event must be a dict'),
    ({'event': {'all': True, 'group': 'g'}}, 'condition.event must have exactly one of event, group, all'),
    ({'function': {'method': 'x'}}, 'unknown key method in condition.function (it takes one of name)'),
    ({'response': {'all': 1}}, 'condition.response.all must be true'),
])
def test_condition_refusals_say_what_is_allowed(condition, message):
    with pytest.raises(ValueError) as refused:
        normalize_condition(condition)
    assert str(refused.value) == message


def test_an_unset_field_of_a_condition_is_left_out():
    assert normalize_condition({'event': {'event': None, 'group': 'user', 'all': None}, 'request': None}) == {'event': {'group': 'user'}}
    assert zitadel.condition_key({'b': 1, 'a': {'d': 2, 'c': 3}}) == '{"a": {"c": 3, "d": 2}, "b": 1}'


def test_target_view_in_full():
    assert target_view({'id': '1', 'name': 'hook', 'endpoint': 'https://e', 'restWebhook': {'interruptOnError': True},
                        'timeout': '1.500s', 'payloadType': 'PAYLOAD_TYPE_JWE', 'creationDate': 'c', 'changeDate': 'd'}) == {
        'id': '1', 'name': 'hook', 'endpoint': 'https://e', 'target_type': 'webhook', 'interrupt_on_error': True, 'timeout': '1.5s',
        'payload_type': 'jwe', 'creation_date': 'c', 'change_date': 'd'}
    assert target_view({'restAsync': {'interruptOnError': True}}) == {
        'id': None, 'name': None, 'endpoint': None, 'target_type': 'async', 'interrupt_on_error': False, 'timeout': None,
        'payload_type': None, 'creation_date': None, 'change_date': None}
    assert target_view({'restCall': None})['interrupt_on_error'] is False
    assert target_view({})['target_type'] is None


def test_execution_target_ids_of_every_form():
    assert execution_target_ids({'targets': [7, {'target': ''}, {'target': 'T2'}]}) == ['7', 'T2']
    assert execution_target_ids({'targets': None}) == [] and execution_target_ids({}) == []


RSA_PEM = ('-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n'
           '4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\n'
           '+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyeh\n'
           'kd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ\n'
           '0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdg\n'
           'cKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbc\n'
           'mwIDAQAB\n-----END PUBLIC KEY-----\n')


def test_an_rsa_key_is_recognised_and_its_size_in_the_length_octets():
    der, kind = zitadel.parse_public_key(RSA_PEM)
    assert kind == 'RSA' and der[:4] == b'\x30\x82\x01\x22' and len(der) == 0x122 + 4


def test_a_key_at_the_size_limit_is_measured_after_trimming():
    padded = EC_PEM + ' ' * 9000
    assert zitadel.parse_public_key(padded)[1] == 'EC'


@pytest.mark.parametrize('text, message', [
    (None, 'public_key must be the PEM text of an RSA or EC public key (-----BEGIN PUBLIC KEY-----)'),
    ('  \n', 'public_key must be the PEM text of an RSA or EC public key (-----BEGIN PUBLIC KEY-----)'),
    ('no pem here', 'public_key must hold exactly one PEM block (-----BEGIN PUBLIC KEY-----), found 0'),
    (EC_PEM + EC_PEM, 'public_key must hold exactly one PEM block (-----BEGIN PUBLIC KEY-----), found 2'),
    (EC_PEM + EC_PEM.replace('PUBLIC KEY', 'EC PRIVATE KEY'), 'public_key holds a private key: give its public key (openssl pkey -in key.pem -pubout)'),
    (EC_PEM.replace('PUBLIC KEY', 'CERTIFICATE'),
     'public_key is a certificate, not a public key: give its key (openssl x509 -in cert.pem -pubkey -noout)'),
    (EC_PEM.replace('PUBLIC KEY', 'RSA PUBLIC KEY'),
     'public_key is a PKCS#1 RSA key: ZITADEL wants a PUBLIC KEY (SubjectPublicKeyInfo) block (openssl rsa -RSAPublicKey_in -in key.pem -pubout)'),
    (EC_PEM.replace('PUBLIC KEY', 'X509 CRL'), 'public_key must be a PEM PUBLIC KEY block, got X509 CRL'),
    ('-----BEGIN PUBLIC KEY-----\n' + 'A' * 8200 + '\n-----END PUBLIC KEY-----', 'public_key must be at most 8192 bytes of PEM text'),
    (EC_PEM.replace('KoZIzj0CAQ', 'KoZIzj0CAg'), 'public_key must be an RSA or EC public key; ZITADEL accepts no other algorithm (such as Ed25519)'),
])
def test_public_key_refusals_in_full(text, message):
    with pytest.raises(ValueError) as refused:
        zitadel.parse_public_key(text)
    assert str(refused.value) == message


def pem_of(der):
    return '-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n' % base64.b64encode(der).decode()


EC_DER = zitadel.parse_public_key(EC_PEM)[0]


@pytest.mark.parametrize('der', [
    b'',
    b'\x30',
    EC_DER + b'\x00',                                   # something after the SEQUENCE
    b'\x31' + EC_DER[1:],                               # a SET, not a SEQUENCE
    EC_DER[:2] + b'\x31' + EC_DER[3:],                  # no AlgorithmIdentifier
    EC_DER[:4] + b'\x05' + EC_DER[5:],                  # no algorithm OID
    EC_DER[:2] + EC_DER[2:24] + b'\x04' + EC_DER[25:],  # an OCTET STRING where the key's BIT STRING goes
    b'\x30\x85\x00\x00\x00\x00\x05' + EC_DER[2:],       # a length of 5 octets
    b'\x30\x80' + EC_DER[2:],                           # an indefinite length
    b'\x30\x84\x00\x00\x00\x59' + EC_DER[2:-1],          # a long length beyond the data
    b'\x30\x04\x30\x00\x03\x00',                        # an empty AlgorithmIdentifier
    b'\x30\x07\x30\x02\x06\x00\x03\x01\x00',            # a BIT STRING of one octet
])
def test_broken_der_is_refused_as_broken(der):
    with pytest.raises(ValueError) as refused:
        zitadel.parse_public_key(pem_of(der))
    assert str(refused.value) == 'public_key is not a valid PEM public key (its base64 or DER structure is broken)'


def test_a_long_form_length_is_read():
    long_form = b'\x30\x81\x59' + EC_DER[2:]
    assert zitadel.parse_public_key(pem_of(long_form)) == (long_form, 'EC')


def test_the_option_is_named_in_refusals():
    with pytest.raises(ValueError, match='^keys\\[0\\] must hold exactly one'):
        zitadel.parse_public_key('x', 'keys[0]')


def test_a_public_key_is_sent_as_base64_of_its_trimmed_pem_with_one_line_end():
    assert base64.b64decode(zitadel.encode_public_key('\n  ' + EC_PEM + '\n\n')).decode() == EC_PEM
    assert zitadel.decode_public_key(base64.b64encode(b'\xff\xfe').decode()) is None
    assert zitadel.decode_public_key('not base64!') is None


def test_fingerprint_known_value():
    assert zitadel.public_key_fingerprint(b'') == 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'


@pytest.mark.parametrize('value, expected', [
    ('2027-01-31T00:00:00.000000000Z', '2027-01-31T00:00:00Z'),
    ('2027-01-31 23:59:59.5+00:00', '2027-01-31T23:59:59.5Z'),
    ('2027-01-31T00:30:00+01:45', '2027-01-30T22:45:00Z'),
    ('2027-01-31T00:30:00-00:45', '2027-01-31T01:15:00Z'),
    ('  2027-01-31T00:00:00Z  ', '2027-01-31T00:00:00Z'),
])
def test_timestamps_are_written_in_utc_as_zitadel_does(value, expected):
    assert zitadel.normalize_timestamp(value) == expected


def test_timestamp_messages_name_the_option():
    with pytest.raises(ValueError) as refused:
        zitadel.normalize_timestamp('soon', 'keys[1].expiration_date')
    assert str(refused.value) == "keys[1].expiration_date must be an RFC 3339 time such as 2027-01-31T00:00:00Z, got 'soon'"
    with pytest.raises(ValueError) as refused:
        zitadel.normalize_timestamp('2027-02-30T00:00:00Z')
    assert str(refused.value) == "expiration_date is not a valid date and time: '2027-02-30T00:00:00Z'"
    with pytest.raises(ValueError) as refused:
        zitadel.normalize_timestamp('2027-01-31T00:00:00.1234567890Z')
    assert 'must be an RFC 3339 time' in str(refused.value)


def test_public_key_view_of_what_zitadel_answers():
    encoded = zitadel.encode_public_key(EC_PEM)
    fingerprint = zitadel.public_key_fingerprint(EC_DER)
    assert zitadel.public_key_view({'keyId': 'K1', 'publicKey': encoded, 'active': True, 'expirationDate': '2027-01-31T01:00:00+01:00'}) == {
        'key_id': 'K1', 'fingerprint': fingerprint, 'active': True, 'expiration_date': '2027-01-31T00:00:00Z'}
    assert zitadel.public_key_view({'keyId': 'K2', 'fingerprint': 'SHA256:given', 'active': 'true', 'expirationDate': 'someday'}) == {
        'key_id': 'K2', 'fingerprint': 'SHA256:given', 'active': False, 'expiration_date': 'someday'}
    assert zitadel.public_key_view({'fingerprint': '', 'publicKey': 'junk'}) == {
        'key_id': None, 'fingerprint': None, 'active': False, 'expiration_date': None}
    assert zitadel.public_key_view({'fingerprint': 5}, der=EC_DER)['fingerprint'] == fingerprint


@pytest.mark.parametrize('status, detail, hint', [
    (401, None, 'the token is invalid or expired: give a valid personal access token of a service user in token'),
    (400, 'gRPC 16 UNAUTHENTICATED: no', 'the token is invalid or expired: give a valid personal access token of a service user in token'),
    (404, 'Errors.Token.Invalid', 'the token is invalid or expired: give a valid personal access token of a service user in token'),
    (403, 'gRPC 7 PERMISSION_DENIED', 'the token needs the action.target.write permission'),
    (404, 'gRPC 5 NOT_FOUND', None),
    (500, None, None),
])
def test_refusal_hints(status, detail, hint):
    assert zitadel.refusal_hint(FakeError(status, detail), 'action.target.write') == hint


# ZitadelApi against a scripted client: every request it makes, and how it reads every answer.

class ScriptedClient(object):
    """Answers each request with the next of ``answers`` (a JSON value, or an ApiError to raise); records the requests."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []

    def request(self, method, path, json_body=None, idempotent=None):
        self.requests.append((method, path, json_body, idempotent))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        body = answer if isinstance(answer, bytes) else json.dumps(answer).encode('utf-8')
        return ApiResponse('ZITADEL', method, path, 200, {}, body)


class ScriptedModule(object):
    def __init__(self, answers, api_version='v2'):
        self.client = ScriptedClient(answers)
        self.params = {'api_version': api_version}


def api_with(answers, api_version='v2'):
    module = ScriptedModule(answers, api_version)
    return zitadel.ZitadelApi(module), module.client.requests


def search_body(offset, filters):
    return {'pagination': {'offset': str(offset), 'limit': 100, 'asc': True}, 'filters': filters}


@pytest.mark.parametrize('api_version', ['v2', 'v2beta'])
def test_every_call_goes_to_the_actions_service_of_the_api_version(api_version):
    api, requests = api_with([{'id': 'T1'}], api_version)
    assert api.create_target({'name': 'hook'}) == {'id': 'T1'}
    assert requests == [('POST', '/%s/actions/targets' % api_version, {'name': 'hook'}, None)]


def test_the_target_and_key_calls_name_their_resource_in_one_quoted_segment():
    api, requests = api_with([{}] * 6)
    api.update_target('a/b', {'name': 'n'})
    api.delete_target('a/b')
    api.add_public_key('a/b', {'publicKey': 'k'})
    api.activate_public_key('a/b', 'k?1')
    api.deactivate_public_key('a/b', 'k?1')
    api.remove_public_key('a/b', 'k?1')
    assert requests == [
        ('POST', '/v2/actions/targets/a%2Fb', {'name': 'n'}, None),
        ('DELETE', '/v2/actions/targets/a%2Fb', None, None),
        ('POST', '/v2/actions/targets/a%2Fb/publickeys', {'publicKey': 'k'}, None),
        ('POST', '/v2/actions/targets/a%2Fb/publickeys/k%3F1/activate', None, None),
        ('POST', '/v2/actions/targets/a%2Fb/publickeys/k%3F1/deactivate', None, None),
        ('DELETE', '/v2/actions/targets/a%2Fb/publickeys/k%3F1', None, None),
    ]


def test_set_execution_puts_the_condition_and_a_list_of_targets():
    api, requests = api_with([{}])
    api.set_execution({'function': {'name': 'f'}}, ('T1', 'T2'))
    assert requests == [('PUT', '/v2/actions/executions', {'condition': {'function': {'name': 'f'}}, 'targets': ['T1', 'T2']}, None)]


CALLS = {
    'targets': (lambda api: api.targets(), 'action.target.read'),
    'create_target': (lambda api: api.create_target({}), 'action.target.write'),
    'update_target': (lambda api: api.update_target('T', {}), 'action.target.write'),
    'delete_target': (lambda api: api.delete_target('T'), 'action.target.delete'),
    'executions': (lambda api: api.executions(), 'action.execution.read'),
    'set_execution': (lambda api: api.set_execution({}, []), 'action.execution.write'),
    'public_keys': (lambda api: api.public_keys('T'), 'action.target.read'),
    'add_public_key': (lambda api: api.add_public_key('T', {}), 'action.target.write'),
    'activate_public_key': (lambda api: api.activate_public_key('T', 'K'), 'action.target.write'),
    'deactivate_public_key': (lambda api: api.deactivate_public_key('T', 'K'), 'action.target.write'),
    'remove_public_key': (lambda api: api.remove_public_key('T', 'K'), 'action.target.write'),
}


@pytest.mark.parametrize('name', sorted(CALLS))
def test_a_refusal_names_the_permission_of_the_call(name):
    call, permission = CALLS[name]
    api = api_with([ApiError('ZITADEL', None, status=403, detail='gRPC 7 PERMISSION_DENIED: No matching permissions found')])[0]
    with pytest.raises(ApiError) as refused:
        call(api)
    expected = 'gRPC 7 PERMISSION_DENIED: No matching permissions found (the token needs the %s permission)' % permission
    assert refused.value.detail == expected
    assert str(refused.value) == refused.value.message and expected in str(refused.value)


def test_a_refusal_without_words_gets_the_hint_alone_and_other_errors_stay_as_they_are():
    api = api_with([ApiError('ZITADEL', None, status=401)])[0]
    with pytest.raises(ApiError) as refused:
        api.create_target({})
    assert refused.value.detail == 'the token is invalid or expired: give a valid personal access token of a service user in token'
    api = api_with([ApiError('ZITADEL', None, status=404, detail='gRPC 5 NOT_FOUND: gone')])[0]
    with pytest.raises(ApiError) as missing:
        api.delete_target('T')
    assert missing.value.detail == 'gRPC 5 NOT_FOUND: gone' and str(missing.value) == missing.value.message


@pytest.mark.parametrize('call, applied', [
    (lambda api: api.create_target({}), True),
    (lambda api: api.targets(), False),
    (lambda api: api.set_execution({}, []), False),
    (lambda api: api.delete_target('T'), False),
])
def test_an_unreadable_answer_to_a_change_says_it_may_have_been_applied(call, applied):
    api = api_with([b'<html>'])[0]
    with pytest.raises(ApiError) as unreadable:
        call(api)
    assert unreadable.value.maybe_applied is applied


@pytest.mark.parametrize('paging', ['pagination', 'details'])
def test_a_search_follows_the_pages_to_the_total(paging):
    first = [{'id': str(n)} for n in range(100)]
    api, requests = api_with([{'result': first, paging: {'totalResult': '102'}},
                              {'targets': [{'id': '100'}, {'id': '101'}], 'pagination': {'totalResult': 102}}])
    assert api.targets([{'f': 1}]) == first + [{'id': '100'}, {'id': '101'}]
    assert requests == [('POST', '/v2/actions/targets/search', search_body(0, [{'f': 1}]), True),
                        ('POST', '/v2/actions/targets/search', search_body(100, [{'f': 1}]), True)]


@pytest.mark.parametrize('answer', [
    {'executions': [{'id': 'E'}]},
    {'executions': [{'id': 'E'}], 'details': {'totalResult': 'many'}},
    {'executions': [{'id': 'E'}], 'pagination': ['totalResult']},
    {'executions': [{'id': 'E'}], 'pagination': {'totalResult': 1}},
])
def test_a_search_without_a_readable_total_stops_after_its_page(answer):
    api, requests = api_with([answer])
    assert api.executions() == [{'id': 'E'}]
    assert requests == [('POST', '/v2/actions/executions/search', search_body(0, []), True)]


def test_a_search_stops_at_an_empty_page_whatever_the_total_says():
    api, requests = api_with([{'targets': [{'id': 'A'}], 'details': {'totalResult': 5}}, {'targets': [], 'details': {'totalResult': 5}}])
    assert api.targets() == [{'id': 'A'}]
    assert len(requests) == 2
    api, requests = api_with([{'details': {'totalResult': 5}}])
    assert api.targets() == [] and len(requests) == 1


@pytest.mark.parametrize('page', [{'id': 'A'}, ['A'], 'A'])
def test_a_search_answer_that_is_not_a_list_of_objects_is_refused_quoting_it(page):
    api = api_with([{'targets': page}])[0]
    with pytest.raises(ApiError) as refused:
        api.targets()
    assert refused.value.message == 'ZITADEL: the targets search answered %s, not a list of objects' % json.dumps(page)


def test_public_keys_are_searched_under_their_target():
    api, requests = api_with([{'publicKeys': [{'keyId': 'K'}]}])
    assert api.public_keys('a/b') == [{'keyId': 'K'}]
    assert requests == [('POST', '/v2/actions/targets/a%2Fb/publickeys/search', search_body(0, []), True)]


def test_a_target_is_found_by_its_exact_name():
    name_filter = [{'targetNameFilter': {'targetName': 'hook', 'method': 'TEXT_FILTER_METHOD_EQUALS'}}]
    api, requests = api_with([{'targets': [{'id': 'T0', 'name': 'Hook'}, {'id': 'T1', 'name': 'hook'}]}])
    assert api.target_by_name('hook') == {'id': 'T1', 'name': 'hook'}
    assert requests == [('POST', '/v2/actions/targets/search', search_body(0, name_filter), True)]
    assert api_with([{'targets': [{'id': 'T0', 'name': 'Hook'}]}])[0].target_by_name('hook') is None


def test_two_targets_of_one_name_are_an_error_naming_both():
    api = api_with([{'targets': [{'id': 'T1', 'name': 'hook'}, {'id': 'T2', 'name': 'hook'}]}])[0]
    with pytest.raises(ApiError) as ambiguous:
        api.target_by_name('hook')
    assert ambiguous.value.message == "ZITADEL: more than one target is named 'hook' (IDs T1, T2)"


def test_an_execution_is_found_by_its_whole_condition():
    wanted = {'request': {'method': '/a.B/C'}}
    executions = [{'condition': {'request': {'method': '/a.B/D'}}, 'targets': ['X']}, {'targets': ['Y']},
                  {'condition': {'request': {'method': '/a.B/C'}}, 'targets': ['T']}]
    api, requests = api_with([{'executions': executions}])
    assert api.execution(wanted) == executions[2]
    assert requests == [('POST', '/v2/actions/executions/search', search_body(0, [{'inConditionsFilter': {'conditions': [wanted]}}]), True)]
    assert api_with([{'executions': executions[:2]}])[0].execution(wanted) is None


def test_the_catalogue_is_read_once_per_task():
    api, requests = api_with([{'methods': ['/a.B/C']}, {'services': ['a.B']}, {}])
    assert api.catalogue() == {'methods': ['/a.B/C'], 'services': ['a.B'], 'functions': []}
    assert api.catalogue() == {'methods': ['/a.B/C'], 'services': ['a.B'], 'functions': []}
    assert requests == [('GET', '/v2/actions/executions/methods', None, None), ('GET', '/v2/actions/executions/services', None, None),
                        ('GET', '/v2/actions/executions/functions', None, None)]


@pytest.mark.parametrize('items', [['a', 1], 'a', {'a': 1}])
def test_a_catalogue_that_is_not_a_list_of_names_is_refused_quoting_it(items):
    api = api_with([{'methods': items}])[0]
    with pytest.raises(ApiError) as refused:
        api.catalogue()
    assert refused.value.message == 'ZITADEL: the methods catalogue answered %s, not a list of names' % json.dumps(items)


def test_a_catalogue_refusal_names_no_permission_for_any_valid_token_may_read_it():
    api = api_with([ApiError('ZITADEL', None, status=403, detail='denied')])[0]
    with pytest.raises(ApiError) as refused:
        api.catalogue()
    assert refused.value.detail == 'denied'
    api = api_with([ApiError('ZITADEL', None, status=401)])[0]
    with pytest.raises(ApiError) as refused:
        api.catalogue()
    assert refused.value.detail == 'the token is invalid or expired: give a valid personal access token of a service user in token'


def test_the_catalogue_hint_lists_at_most_three_close_names_in_full():
    catalogue = {'methods': ['/svc.v2.S/GetUserA', '/svc.v2.S/GetUserB', '/svc.v2.S/GetUserC', '/svc.v2.S/GetUserD']}
    assert zitadel.catalogue_problem({'request': {'method': '/svc.v2.S/GetUser'}}, catalogue) == (
        "condition.request.method '/svc.v2.S/GetUser' is not among the methods ZITADEL lists (GET .../actions/executions/methods); "
        "did you mean /svc.v2.S/GetUserD or /svc.v2.S/GetUserC or /svc.v2.S/GetUserB?")


def test_the_catalogue_hint_guesses_only_names_at_least_80_percent_alike():
    # difflib's ratio of these two is 0.67: no guess under the 0.8 cutoff, where difflib's default 0.6 would make one.
    problem = zitadel.catalogue_problem({'function': {'name': 'postauth'}}, {'functions': ['preauth']})
    assert problem == ("condition.function.name 'postauth' is not among the functions ZITADEL lists "
                       "(GET .../actions/executions/functions).")


def test_a_public_key_in_an_answer_may_lack_its_base64_padding_but_not_be_malformed():
    encoded = zitadel.encode_public_key(EC_PEM)
    assert encoded.endswith('=')
    assert zitadel.decode_public_key(encoded.rstrip('=')) == EC_DER
    assert zitadel.decode_public_key(encoded) == EC_DER
    assert zitadel.decode_public_key(encoded[:8] + '!' + encoded[8:]) is None
    assert zitadel.decode_public_key(encoded[:8] + '\n' + encoded[8:]) is None


def test_a_timeout_zitadel_answers_that_is_no_duration_is_refused_naming_it():
    with pytest.raises(ValueError) as refused:
        target_view({'id': 'T', 'timeout': 'soon'})
    assert str(refused.value) == "timeout must be a duration such as 10s, 500ms or 2m, got 'soon'"


@pytest.mark.parametrize('data, item', [
    (b'\x30\x00', (0x30, 2, 2)),
    (b'\x30\x81\x00', (0x30, 3, 3)),
    (b'\x04\x84\x00\x00\x00\x01\xff', (0x04, 6, 7)),
    (b'\x30\x01\xff\x00', (0x30, 2, 3)),
])
def test_a_der_item_that_fits_is_read_to_its_end(data, item):
    assert zitadel._der_item(data, 0) == item


@pytest.mark.parametrize('data', [b'', b'\x30', b'\x30\x05\x00', b'\x30\x80\x00\x00', b'\x30\x85\x00\x00\x00\x00\x01\xff', b'\x30\x82\x01'])
def test_a_der_item_that_does_not_fit_is_refused(data):
    with pytest.raises(ValueError):
        zitadel._der_item(data, 0)


def test_a_timestamp_offset_of_two_digit_hours_is_taken_whole():
    assert zitadel.normalize_timestamp('2027-01-31T10:30:00+10:30') == '2027-01-31T00:00:00Z'
    assert zitadel.normalize_timestamp('2027-01-30T13:30:00-10:30') == '2027-01-31T00:00:00Z'


def test_a_key_of_exactly_the_size_limit_is_accepted():
    head, body = EC_PEM.split('\n', 1)
    at_limit = head + '\n' + ' ' * (8192 - len(EC_PEM.strip())) + body
    assert len(at_limit.strip().encode('utf-8')) == 8192
    assert zitadel.parse_public_key(at_limit)[1] == 'EC'
    with pytest.raises(ValueError):
        zitadel.parse_public_key(head + '\n ' + at_limit.split('\n', 1)[1])


def test_the_smallest_bit_string_a_key_may_have_is_two_bytes():
    algorithm = b'\x30\x09\x06\x07' + b'\x2a\x86\x48\xce\x3d\x02\x01'
    for key, accepted in ((b'\x03\x02\x00\x04', True), (b'\x03\x01\x00', False)):
        der = b'\x30' + bytes([len(algorithm) + len(key)]) + algorithm + key
        if accepted:
            assert zitadel.parse_public_key(pem_of(der)) == (der, 'EC')
        else:
            with pytest.raises(ValueError):
                zitadel.parse_public_key(pem_of(der))


def test_a_key_whose_base64_holds_a_stray_character_is_refused():
    head, body = EC_PEM.split('\n', 1)
    with pytest.raises(ValueError) as refused:
        zitadel.parse_public_key(head + '\n' + body[:10] + '!' + body[10:])
    assert str(refused.value) == 'public_key is not a valid PEM public key (its base64 or DER structure is broken)'


def test_only_methods_services_and_functions_are_in_the_catalogue():
    assert zitadel.needs_catalogue({'request': {'method': '/a.B/C'}}) and zitadel.needs_catalogue({'function': {'name': 'f'}})
    assert not zitadel.needs_catalogue({'event': {'event': 'user.added'}})
    assert not zitadel.needs_catalogue({'response': {'all': True}})


def test_the_client_of_a_zitadel_module_is_built_from_its_connection_options():
    class Options(object):
        params = {'url': 'https://zitadel.example/', 'token': 'pat', 'validate_certs': True, 'ca_path': '/ca.pem', 'request_timeout': 7.0}

    client = zitadel.ZitadelModule.build_client(Options())
    assert (client.platform, client.base_url, client.auth.token, client.verify, client.timeout) == (
        'ZITADEL', 'https://zitadel.example', 'pat', '/ca.pem', 7.0)
    assert client.error_detail is zitadel.zitadel_error_detail
    assert client.idempotent_methods == frozenset(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])
    Options.params = dict(Options.params, validate_certs=False)
    assert zitadel.ZitadelModule.build_client(Options()).verify is False


@pytest.mark.parametrize('target,expected', [
    ({'id': '1', 'name': 'w', 'endpoint': 'https://h/w', 'restWebhook': {'interruptOnError': True}, 'timeout': '10s',
      'payloadType': 'PAYLOAD_TYPE_JWT', 'creationDate': 'x', 'changeDate': 'y', 'signingKey': 'secret'},
     {'name': 'w', 'endpoint': 'https://h/w', 'target_type': 'webhook', 'interrupt_on_error': True, 'timeout': '10s', 'payload_type': 'jwt'}),
    # ZITADEL omits false booleans (protojson): a call that does not interrupt still says so, explicitly.
    ({'id': '2', 'name': 'c', 'endpoint': 'https://h/c', 'restCall': {}, 'timeout': '2.500s'},
     {'name': 'c', 'endpoint': 'https://h/c', 'target_type': 'call', 'interrupt_on_error': False, 'timeout': '2.5s'}),
    # async takes no interrupt_on_error (zitadel_target refuses it); v2beta has no payload type.
    ({'id': '3', 'name': 'a', 'endpoint': 'https://h/a', 'restAsync': {}},
     {'name': 'a', 'endpoint': 'https://h/a', 'target_type': 'async'}),
])
def test_target_role_input_is_what_the_role_takes_and_never_an_id_date_or_key(target, expected):
    assert zitadel.target_role_input(target_view(target)) == expected


def test_execution_role_input_names_targets_in_order_and_keeps_an_unknown_id():
    execution = {'condition': {'event': {'group': 'user.human'}}, 'targets': ['2', '9', '1'], 'creationDate': 'x'}
    expected = {'condition': {'event': {'group': 'user.human'}}, 'targets': ['two', '9', 'one']}
    assert zitadel.execution_role_input(execution, {'1': 'one', '2': 'two'}) == expected
