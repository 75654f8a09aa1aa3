# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS on every platform, against emulators serving HTTPS with a certificate from a CA made for the test:
the default validate_certs refuses the unknown CA with a clear message, ca_path makes it pass, and
validate_certs=false works and warns."""

from __future__ import absolute_import, division, print_function

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import enms_env, omn_env, saymon_env, zitadel_env
from emulators.enms import EnmsEmulator
from emulators.omn import OmnEmulator
from emulators.saymon import SaymonEmulator
from emulators.zitadel import ZitadelEmulator


@pytest.fixture(scope='module')
def pki(tmp_path_factory):
    """A CA, and a certificate for 127.0.0.1 signed by it: (ca.pem, server.pem, server-key.pem)."""
    folder = tmp_path_factory.mktemp('pki')
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'netops.bridge test CA')])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
                                       decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1')]))
              .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
              .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), critical=False)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
              .sign(ca_key, hashes.SHA256()))
    paths = folder / 'ca.pem', folder / 'server.pem', folder / 'server-key.pem'
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return tuple(str(p) for p in paths)


PLATFORMS = {
    'saymon': (SaymonEmulator, saymon_env, 'saymon_session', ''),
    'enms': (EnmsEmulator, enms_env, 'enms_result_info', 'name: "[Shared] Ping"\n        runtime: "2026-01-01 00:00:00.000000"'),
    'omn': (OmnEmulator, omn_env, 'omn_peo_info', 'project_tid: acc0000232'),
    'zitadel': (ZitadelEmulator, zitadel_env, 'zitadel_target_info', 'name: anything'),
}


@pytest.mark.parametrize('platform', sorted(PLATFORMS))
def test_unknown_ca_refused_ca_path_accepted_and_unverified_warns(platform, pki, ansible):
    emulator_class, env, module, args = PLATFORMS[platform]
    ca, cert, key = pki
    with emulator_class(tls=(cert, key)) as emulator:
        assert emulator.url.startswith('https://127.0.0.1:')
        tasks = '''
    - name: Default validate_certs
      netops.bridge.%(module)s:
        %(args)s
      register: default
      ignore_errors: true

    - name: With the CA
      netops.bridge.%(module)s:
        %(args)s
        ca_path: %(ca)s
      register: with_ca
      ignore_errors: true

    - name: Unverified
      netops.bridge.%(module)s:
        %(args)s
        validate_certs: false
      register: unverified
      ignore_errors: true

    - name: Save results
      ansible.builtin.copy:
        content: "{{ {'default': default, 'with_ca': with_ca, 'unverified': unverified} | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
''' % {'module': module, 'args': args or 'state: present', 'ca': ca}
        run = ansible.playbook('- hosts: localhost\n  gather_facts: false\n  tasks:\n' + tasks, env=env(emulator))
        results = run.results
        assert results, run
        assert results['default'].get('failed') is True, results['default']
        message = results['default']['msg']
        assert 'TLS verification failed' in message and 'ca_path' in message, message
        assert 'does not trust' in message and 'unable to get local issuer certificate' in message, message
        assert emulator.requests(), 'the two tasks that pass TLS reached the emulator'
        for name in ('with_ca', 'unverified'):
            outcome = results[name]
            # A platform may answer "not found" for the made-up names; what matters is that TLS let the request through.
            assert not outcome.get('failed') or 'TLS' not in outcome.get('msg', ''), (name, outcome)
        assert any('validate_certs' in warning for warning in results['unverified'].get('warnings', [])), results['unverified']
        assert not any('validate_certs' in warning for warning in results['with_ca'].get('warnings', []))
        assert 'Traceback' not in run.output


def test_wrong_tls_setups_are_told_apart(pki, ansible):
    """An https url against a plain HTTP server (with either validate_certs), and a certificate for another name
    with the right ca_path: each says what happened and gives only the advice that fits."""
    ca, cert, key = pki
    with SaymonEmulator() as plain, SaymonEmulator(tls=(cert, key)) as secure:
        https_to_plain = plain.url.replace('http://', 'https://')
        by_name = secure.url.replace('127.0.0.1', 'localhost')
        tasks = ''.join('''
    - name: %(name)s
      netops.bridge.saymon_session:
        url: %(url)s
        %(extra)s
      register: outcome
      ignore_errors: true

    - name: Keep %(name)s
      ansible.builtin.set_fact:
        results: "{{ results | default({}) | combine({'%(name)s': outcome}) }}"
''' % case for case in [
            {'name': 'plain', 'url': https_to_plain, 'extra': ''},
            {'name': 'plain_unverified', 'url': https_to_plain, 'extra': 'validate_certs: false'},
            {'name': 'mismatch', 'url': by_name, 'extra': 'ca_path: %s' % ca},
        ])
        tasks += '''
    - name: Save results
      ansible.builtin.copy:
        content: "{{ results | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
'''
        run = ansible.playbook('- hosts: localhost\n  gather_facts: false\n  tasks:\n' + tasks, env=saymon_env(plain))
        results = run.results
        assert results, run
        for name in ('plain', 'plain_unverified'):
            message = results[name]['msg']
            assert 'did not answer with TLS' in message and 'http://' in message, message
            assert 'validate_certs' not in message, message
        message = results['mismatch']['msg']
        assert 'not valid for the host in url' in message and '127.0.0.1' in message, message
        assert 'validate_certs' not in message, message
        assert 'Traceback' not in run.output
