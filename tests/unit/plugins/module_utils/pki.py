# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificates made at test time: a CA, and server certificates it signs for chosen names and validity."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _pem(path, data):
    path.write_bytes(data)
    return str(path)


class Pki(object):
    """``ca`` is the CA certificate's PEM file; ``server(...)`` returns (certificate, key) PEM files for a server."""

    def __init__(self, folder):
        self.folder = folder
        self.now = datetime.datetime.now(datetime.timezone.utc)
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'netops.bridge unit test CA')])
        certificate = (x509.CertificateBuilder().subject_name(self.name).issuer_name(self.name).public_key(self.key.public_key())
                       .serial_number(x509.random_serial_number()).not_valid_before(self.now - datetime.timedelta(days=2))
                       .not_valid_after(self.now + datetime.timedelta(days=2))
                       .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                       .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                                    key_encipherment=False, data_encipherment=False, key_agreement=False,
                                                    encipher_only=False, decipher_only=False), critical=True)
                       .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
                       .sign(self.key, hashes.SHA256()))
        self.ca = _pem(folder / 'ca.pem', certificate.public_bytes(serialization.Encoding.PEM))

    def server(self, label, names=('127.0.0.1',), expired=False, subject_only=False):
        # subject_only: the first name as the subject's common name alone, with no subjectAltName (as old certificates)
        key = ec.generate_private_key(ec.SECP256R1())
        alternative = [x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else x509.DNSName(n) for n in names]
        start, end = (self.now - datetime.timedelta(days=2), self.now - datetime.timedelta(days=1)) if expired else (
            self.now - datetime.timedelta(minutes=5), self.now + datetime.timedelta(days=1))
        certificate = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
                       .issuer_name(self.name).public_key(key.public_key()).serial_number(x509.random_serial_number())
                       .not_valid_before(start).not_valid_after(end))
        if not subject_only:
            certificate = certificate.add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        certificate = (certificate
                       .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                       .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                       .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
                       .sign(self.key, hashes.SHA256()))
        return (_pem(self.folder / ('%s.pem' % label), certificate.public_bytes(serialization.Encoding.PEM)),
                _pem(self.folder / ('%s-key.pem' % label), key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                                             serialization.NoEncryption())))
