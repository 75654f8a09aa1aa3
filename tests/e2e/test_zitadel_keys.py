# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zitadel_target_public_key and the public keys in zitadel_target_info, against the ZITADEL emulator (issue 17)."""

from __future__ import absolute_import, division, print_function

import base64
import hashlib
import json

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

import zitadel_sdk
from conftest import zitadel_env
from test_saymon import play

TARGET = '''
    - netops.bridge.zitadel_target:
        name: jwe-hook
        endpoint: https://hooks.example.com/jwe
        target_type: webhook
        payload_type: jwe
'''
KEY = '''
    - netops.bridge.zitadel_target_public_key:
        target: %(target)s
        public_key: "{{ lookup('ansible.builtin.file', '%(path)s') }}"
        %(extra)s
      register: key
'''
KEY_ROUTES = ('v2 add_public_key', 'v2 activate_public_key', 'v2 deactivate_public_key', 'v2 remove_public_key')


def pem(private):
    return private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def fingerprint(private):
    der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return 'SHA256:' + base64.b64encode(hashlib.sha256(der).digest()).decode().rstrip('=')


@pytest.fixture(scope='module')
def keys():
    return {'a': rsa.generate_private_key(public_exponent=65537, key_size=2048), 'b': ec.generate_private_key(ec.SECP256R1()),
            'c': ec.generate_private_key(ec.SECP384R1())}


@pytest.fixture
def key_file(tmp_path, keys):
    def write(name, text=None):
        path = tmp_path / ('%s.pem' % name)
        path.write_text(text if text is not None else pem(keys[name]))
        return str(path)
    return write


def key_task(path, target='jwe-hook', extra=''):
    return KEY % {'target': target, 'path': path, 'extra': extra}


def key_writes(emulator):
    return [r for r in emulator.requests() if r['route'] in KEY_ROUTES]


def target_keys(emulator):
    state = emulator.dump_state()
    (target_id,) = [t['id'] for t in state['targets'].values() if t['name'] == 'jwe-hook']
    return state['public_keys'].get(target_id, [])


def test_add_activate_then_second_run_reads_only(zitadel, ansible, key_file, keys):
    env = zitadel_env(zitadel)
    text = play(TARGET + key_task(key_file('a'), extra='expiration_date: "2027-01-31T02:00:00+02:00"'), "{'key': key}")
    run = ansible.playbook(text, env=env)
    assert run.rc == 0, run
    result = run.results['key']
    assert result['changed'] is True and result['active'] is True and result['key_id']
    assert result['fingerprint'] == fingerprint(keys['a']) and result['expiration_date'] == '2027-01-31T00:00:00Z'
    (added,) = zitadel.requests(route='v2 add_public_key')
    target_id = added['path'].split('/')[4]
    assert added['path'] == '/v2/actions/targets/%s/publickeys' % target_id
    body = json.loads(added['body'])
    # publicKey is protobuf bytes: base64 of the PEM text in JSON.
    assert sorted(body) == ['expirationDate', 'publicKey'] and base64.b64decode(body['publicKey']).decode().strip() == pem(keys['a']).strip()
    assert body['expirationDate'] == '2027-01-31T00:00:00Z'
    (activated,) = zitadel.requests(route='v2 activate_public_key')
    assert activated['path'] == '/v2/actions/targets/%s/publickeys/%s/activate' % (target_id, result['key_id'])
    assert [(k['keyId'], k['active']) for k in target_keys(zitadel)] == [(result['key_id'], True)]

    zitadel.log.clear()
    again = ansible.playbook(text, env=env)
    assert again.rc == 0 and again.recap['localhost']['changed'] == 0, again
    assert again.results['key']['key_id'] == result['key_id'] and again.results['key']['active'] is True
    assert key_writes(zitadel) == [] and all(r['path'].endswith('/search') for r in zitadel.requests())
    (listed,) = zitadel.requests(route='v2 list_public_keys')
    assert json.loads(listed['body'])['pagination'] == {'offset': '0', 'limit': 100, 'asc': True}


def test_rotate_deactivate_and_remove_with_check_and_diff(zitadel, ansible, key_file, keys):
    env = zitadel_env(zitadel)
    assert ansible.playbook(play(TARGET + key_task(key_file('a'))), env=env).rc == 0
    first_id = target_keys(zitadel)[0]['keyId']
    zitadel.log.clear()
    rotate = play(key_task(key_file('b')), "{'key': key}")
    preview = ansible.playbook(rotate, env=env, args=['--check', '--diff'])
    assert preview.rc == 0 and preview.results['key']['changed'] is True, preview
    assert preview.results['key']['key_id'] is None and preview.results['key']['fingerprint'] == fingerprint(keys['b'])
    after = preview.results['key']['diff']['after']
    assert after['deactivated_key'] == {'key_id': first_id, 'fingerprint': fingerprint(keys['a']), 'active': False}
    assert preview.results['key']['diff']['before'] == {'active_key': first_id}
    assert key_writes(zitadel) == []
    assert 'deactivated_key' in preview.stdout

    rotated = ansible.playbook(rotate, env=env, args=['--diff'])
    assert rotated.rc == 0 and rotated.results['key']['changed'] is True, rotated
    second_id = rotated.results['key']['key_id']
    assert rotated.results['key']['diff']['after']['active_key'] == second_id
    assert [(k['keyId'], k['active']) for k in target_keys(zitadel)] == [(first_id, False), (second_id, True)]

    deactivate = play(key_task(key_file('b'), extra='active: false'), "{'key': key}")
    off = ansible.playbook(deactivate, env=env)
    assert off.results['key']['changed'] is True and off.results['key']['active'] is False, off
    assert len(zitadel.requests(route='v2 deactivate_public_key')) == 1
    assert [k['active'] for k in target_keys(zitadel)] == [False, False]
    zitadel.log.clear()
    assert ansible.playbook(deactivate, env=env).recap['localhost']['changed'] == 0 and key_writes(zitadel) == []

    remove = play(key_task(key_file('a'), extra='state: absent'), "{'key': key}")
    preview = ansible.playbook(remove, env=env, args=['--check'])
    assert preview.results['key']['changed'] is True and key_writes(zitadel) == []
    gone = ansible.playbook(remove, env=env)
    assert gone.results['key']['changed'] is True and gone.results['key']['key_id'] == first_id and gone.results['key']['active'] is False
    (removed,) = zitadel.requests(route='v2 remove_public_key')
    assert removed['method'] == 'DELETE' and removed['path'].endswith('/publickeys/%s' % first_id)
    assert [k['keyId'] for k in target_keys(zitadel)] == [second_id]
    zitadel.log.clear()
    again = ansible.playbook(remove, env=env)
    assert again.rc == 0 and again.recap['localhost']['changed'] == 0 and key_writes(zitadel) == []


def test_target_by_id_keys_on_many_pages_and_an_inactive_add(zitadel, ansible, key_file, keys):
    env = zitadel_env(zitadel)
    assert ansible.playbook(play(TARGET), env=env).rc == 0
    (target_id,) = list(zitadel.state['targets'])
    stored = zitadel.state['public_keys'].setdefault(target_id, [])
    for number in range(120):
        zitadel.state['next_id'] += 1
        filler = pem(ec.generate_private_key(ec.SECP256R1()))
        stored.append({'keyId': str(zitadel.state['next_id']), 'active': number == 7, 'publicKey': base64.b64encode(filler.encode()).decode(),
                       'fingerprint': 'SHA256:x%d' % number, 'creationDate': '2026-01-01T00:00:00Z', 'changeDate': '2026-01-01T00:00:00Z'})
    run = ansible.playbook(play(key_task(key_file('c'), target=target_id, extra='active: false'), "{'key': key}"), env=env)
    assert run.rc == 0 and run.results['key']['changed'] is True and run.results['key']['active'] is False, run
    assert zitadel.requests(route='v2 activate_public_key') == [] and len(zitadel.requests(route='v2 add_public_key')) == 1
    assert zitadel.count(route='v2 list_public_keys') == 2
    zitadel.log.clear()
    again = ansible.playbook(play(key_task(key_file('c'), target=target_id, extra='active: false'), "{'key': key}"), env=env)
    assert again.recap['localhost']['changed'] == 0 and key_writes(zitadel) == [] and zitadel.count(route='v2 list_public_keys') == 2


def test_a_different_expiration_of_an_existing_key_fails_before_any_write(zitadel, ansible, key_file):
    env = zitadel_env(zitadel)
    assert ansible.playbook(play(TARGET + key_task(key_file('a'), extra='expiration_date: "2027-01-31T00:00:00Z"')), env=env).rc == 0
    zitadel.log.clear()
    run = ansible.playbook(play(key_task(key_file('a'), extra='expiration_date: "2028-01-31T00:00:00Z"')), env=env)
    assert run.rc != 0 and 'ZITADEL cannot change that' in run.stdout and key_writes(zitadel) == [], run


def test_an_omitted_expiration_leaves_the_key_as_it_is(zitadel, ansible, key_file):
    """Issue 21 item 8: no expiration_date in the task is no opinion about it, only a given one that differs fails."""
    env = zitadel_env(zitadel)
    assert ansible.playbook(play(TARGET + key_task(key_file('a'), extra='expiration_date: "2030-01-01T00:00:00Z"')), env=env).rc == 0
    zitadel.log.clear()
    off = ansible.playbook(play(key_task(key_file('a'), extra='active: false'), "{'key': key}"), env=env)
    assert off.rc == 0 and off.results['key']['changed'] is True and off.results['key']['active'] is False, off
    assert off.results['key']['expiration_date'] == '2030-01-01T00:00:00Z'
    assert [r['route'] for r in key_writes(zitadel)] == ['v2 deactivate_public_key']
    zitadel.log.clear()
    on = ansible.playbook(play(key_task(key_file('a')), "{'key': key}"), env=env, args=['--diff'])
    assert on.rc == 0 and on.results['key']['changed'] is True and on.results['key']['active'] is True, on
    assert on.results['key']['diff']['after']['expiration_date'] == '2030-01-01T00:00:00Z'
    assert [r['route'] for r in key_writes(zitadel)] == ['v2 activate_public_key']
    assert [k['expirationDate'] for k in target_keys(zitadel)] == ['2030-01-01T00:00:00Z']
    same = ansible.playbook(play(key_task(key_file('a'), extra='expiration_date: "2030-01-01T01:00:00+01:00"')), env=env)
    assert same.rc == 0 and same.recap['localhost']['changed'] == 0, same


def test_a_new_key_without_expiration_never_expires(zitadel, ansible, key_file):
    env = zitadel_env(zitadel)
    run = ansible.playbook(play(TARGET + key_task(key_file('b')), "{'key': key}"), env=env)
    assert run.rc == 0 and run.results['key']['expiration_date'] is None, run
    (added,) = zitadel.requests(route='v2 add_public_key')
    assert 'expirationDate' not in json.loads(added['body'])
    assert [k.get('expirationDate') for k in target_keys(zitadel)] == [None]
    later = ansible.playbook(play(key_task(key_file('b'), extra='expiration_date: "2030-01-01T00:00:00Z"')), env=env)
    assert later.rc != 0 and 'expires never, not 2030-01-01T00:00:00Z' in later.stdout, later


def test_unknown_target_fails_but_absent_is_fine(zitadel, ansible, key_file):
    env = zitadel_env(zitadel)
    run = ansible.playbook(play(key_task(key_file('a'), target='no-such-target')), env=env)
    assert run.rc != 0 and "target 'no-such-target' does not exist" in run.stdout, run
    absent = ansible.playbook(play(key_task(key_file('a'), target='no-such-target', extra='state: absent')), env=env)
    assert absent.rc == 0 and absent.recap['localhost']['changed'] == 0, absent
    assert key_writes(zitadel) == []


def test_wrong_input_fails_before_any_request(zitadel, ansible, key_file, keys):
    private = keys['a'].private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    pkcs1 = keys['a'].public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()
    cases = {
        'private': (private, 'holds a private key'),
        'pkcs1': (pkcs1, 'PKCS#1'),
        'ed25519': (pem(ed25519.Ed25519PrivateKey.generate()), 'RSA or EC'),
        'garbage': ('not a key at all', 'exactly one PEM block'),
        'broken': ('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', 'not a valid PEM public key'),
    }
    for name, (text, message) in cases.items():
        run = ansible.playbook(play(key_task(key_file(name, text))), env=zitadel_env(zitadel), args=['-vvv'])
        assert run.rc != 0 and message in run.stdout and 'Traceback' not in run.output, (name, run)
        if name == 'private':
            assert 'PRIVATE KEY-----\\nMII' not in run.output and private.splitlines()[1] not in run.output
    for extra in ('expiration_date: tomorrow', 'api_version: v2beta'):
        run = ansible.playbook(play(key_task(key_file('a'), extra=extra)), env=zitadel_env(zitadel))
        assert run.rc != 0, (extra, run)
    beta = ansible.playbook(play(key_task(key_file('a'))), env=zitadel_env(zitadel, api_version='v2beta'))
    assert 'need api_version v2' in beta.stdout, beta
    assert zitadel.requests() == []


def test_permissions_reach_the_user(zitadel, ansible, key_file):
    assert ansible.playbook(play(TARGET), env=zitadel_env(zitadel)).rc == 0
    reader = ansible.playbook(play(key_task(key_file('a'))), env=zitadel_env(zitadel, token='reader-token'))
    assert 'HTTP 403' in reader.stdout and 'action.target.write' in reader.stdout, reader
    nothing = ansible.playbook(play(key_task(key_file('a'))), env=zitadel_env(zitadel, token='no-actions-token'))
    assert 'HTTP 403' in nothing.stdout and 'action.target.read' in nothing.stdout, nothing


def test_emulator_refuses_what_zitadel_refuses(zitadel, keys):
    headers = {'Authorization': 'Bearer admin-token', zitadel_sdk.UNJUDGED: '1'}
    base = zitadel.url + '/v2/actions/targets'
    target_id = requests.post(base, json={'name': 't', 'endpoint': 'https://h', 'restWebhook': {}}, headers=headers, timeout=10).json()['id']
    keys_url = '%s/%s/publickeys' % (base, target_id)
    text = pem(keys['b'])
    raw = requests.post(keys_url, json={'publicKey': text}, headers=headers, timeout=10)
    assert raw.status_code == 400 and raw.json()['code'] == 3 and 'base64' in raw.json()['message']
    assert set(raw.json()) == {'code', 'message', 'details'}
    encoded = base64.b64encode(text.encode()).decode()
    added = requests.post(keys_url, json={'publicKey': encoded}, headers=headers, timeout=10)
    assert added.status_code == 200 and set(added.json()) == {'keyId', 'creationDate'}
    again = requests.post(keys_url, json={'publicKey': encoded.rstrip('=')}, headers=headers, timeout=10)
    assert again.status_code == 409 and again.json()['code'] == 6
    not_a_key = requests.post(keys_url, json={'publicKey': base64.b64encode(b'hello').decode()}, headers=headers, timeout=10)
    assert not_a_key.status_code == 400
    unknown_target = requests.post('%s/1/publickeys' % base, json={'publicKey': encoded}, headers=headers, timeout=10)
    assert unknown_target.status_code == 404 and unknown_target.json()['code'] == 5
    unknown_key = requests.post('%s/999/activate' % keys_url, headers=headers, timeout=10)
    assert unknown_key.status_code == 404 and unknown_key.json()['code'] == 5
    key_id = added.json()['keyId']
    inactive = requests.post('%s/%s/deactivate' % (keys_url, key_id), headers=headers, timeout=10)
    assert inactive.status_code == 400 and inactive.json()['code'] == 9
    reader = dict(headers, Authorization='Bearer reader-token')
    assert requests.post('%s/%s/activate' % (keys_url, key_id), headers=reader, timeout=10).status_code == 403
    assert requests.post(keys_url + '/search', json={}, headers=reader, timeout=10).status_code == 200
    other = base64.b64encode(pem(keys['c']).encode()).decode()
    other_id = requests.post(keys_url, json={'publicKey': other}, headers=headers, timeout=10).json()['keyId']
    for active in (key_id, other_id):
        assert requests.post('%s/%s/activate' % (keys_url, active), headers=headers, timeout=10).status_code == 200
        listed = requests.post(keys_url + '/search', json={}, headers=headers, timeout=10).json()['publicKeys']
        assert [k['keyId'] for k in listed if k['active']] == [active]
    beta = requests.post(zitadel.url + '/v2beta/actions/targets/%s/publickeys' % target_id, json={'publicKey': other}, headers=headers,
                         timeout=10)
    assert beta.status_code == 404


def test_the_sdk_judge_finds_unknown_keys_and_raw_bytes():
    create = zitadel_sdk.model('v2', 'CreateTarget', 'Request')
    problems = zitadel_sdk.judge_message(create, {'name': 'a', 'endpoint': 'https://h', 'restWebhook': {'interruptOnErr': True}, 'x': 1}, 'w')
    assert any('$.x' in p for p in problems) and any('$.restWebhook.interruptOnErr' in p for p in problems)
    add = zitadel_sdk.model('v2', 'AddPublicKey', 'Request')
    assert any('base64' in p for p in zitadel_sdk.judge_message(add, {'targetId': '1', 'publicKey': '-----BEGIN PUBLIC KEY-----'}, 'w'))
    listed = zitadel_sdk.model('v2', 'ListPublicKeys', 'Response')
    assert any('$.publicKeys.der' in p for p in zitadel_sdk.judge_message(listed, {'publicKeys': [{'keyId': '1', 'der': 'x'}]}, 'w'))
    assert zitadel_sdk.judge_message(listed, {'publicKeys': [{'keyId': '1', 'active': True, 'publicKey': 'QUJD'}],
                                              'pagination': {'totalResult': '1', 'appliedLimit': '100'}}, 'w') == []


def test_target_info_shows_each_targets_keys_on_v2_only(zitadel, ansible, key_file, keys):
    assert ansible.playbook(play(TARGET + key_task(key_file('a'), extra='expiration_date: "2027-01-31T00:00:00Z"')),
                            env=zitadel_env(zitadel)).rc == 0
    info = play('''
    - netops.bridge.zitadel_target_info:
      register: info
''', "{'info': info}")
    run = ansible.playbook(info, env=zitadel_env(zitadel))
    (target,) = run.results['info']['targets']
    (key,) = target['public_keys']
    assert key['active'] is True and key['fingerprint'] == fingerprint(keys['a']) and key['expiration_date'] == '2027-01-31T00:00:00Z'
    assert set(key) == {'key_id', 'active', 'fingerprint', 'expiration_date'}
    assert zitadel.count(route='v2 list_public_keys') == 2  # one by the key task, one by the info task
    beta = ansible.playbook(info, env=zitadel_env(zitadel, api_version='v2beta'))
    assert beta.rc == 0 and [t['public_keys'] for t in beta.results['info']['targets']] == [None], beta
