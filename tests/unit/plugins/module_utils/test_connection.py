# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection option checks every module and the inventory plugin make before any request: which URLs are
refused, with which exact message and fix, and what a CA bundle that does not load is reported as."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netops.bridge.plugins.module_utils._connection import ca_bundle_fault, url_credentials, url_problem
from .pki import Pki


@pytest.mark.parametrize('text,credentials', [
    ('https://admin:s3cret@saymon.example.com/', 'admin:s3cret'),
    ('admin:s3cret@saymon.example.com', 'admin:s3cret'),
    ('https://user@domain:p@ss@saymon.example.com', 'user@domain:p@ss'),
    ('https://saymon.example.com', ''),
    ('https://saymon.example.com/users/@me', ''),
    ('https://saymon.example.com?owner=a@b', ''),
    ('https://saymon.example.com#a@b', ''),
    ('https://sso.example.com/login?next=https://a:b@c.example.com', ''),
])
def test_url_credentials_are_only_what_comes_before_the_host(text, credentials):
    assert url_credentials(text) == credentials


@pytest.mark.parametrize('value', ['https://saymon.example.com', ' http://saymon.example.com:8080/ ', 'HTTPS://Saymon.example.com'])
def test_an_http_url_with_a_host_is_accepted(value):
    assert url_problem('url', value) is None
    assert url_problem('url', value, base=True, api_prefixes=('/node/api',)) is None


def test_credentials_are_refused_naming_where_they_belong():
    assert url_problem('url', 'https://a:b@h.example.com') == (
        'url must not contain credentials (user:password@ before the host): give them in username and password instead.')
    assert url_problem('token_url', ' https://a:b@h.example.com', credential_options='refresh_token') == (
        'token_url must not contain credentials (user:password@ before the host): give them in refresh_token instead.')


@pytest.mark.parametrize('value', ['saymon.example.com', 'ftp://saymon.example.com', 'http:/x', 'https:saymon.example.com', ' file:///etc/passwd'])
def test_a_url_without_http_scheme_is_refused_showing_what_was_given(value):
    assert url_problem('url', value) == 'url must start with http:// or https://, got %r.' % value


@pytest.mark.parametrize('value', ['https://', 'http:///path', 'https://:8443/'])
def test_a_url_without_a_host_is_refused(value):
    assert url_problem('url', value) == 'url must name a server after %s://, got %r.' % (value.split(':')[0], value)


@pytest.mark.parametrize('value', ['https://h.example.com/base/?page=2', 'https://h.example.com/base#top', 'https://h.example.com/base?a#b'])
def test_a_base_url_with_query_or_fragment_is_refused_with_the_base(value):
    assert url_problem('url', value, base=True) == "url must be the server's base URL without ?query or #fragment: use https://h.example.com/base."
    assert url_problem('url', value.replace('base', 'OMNX'), base=True) == (
        "url must be the server's base URL without ?query or #fragment: use https://h.example.com/OMNX.")
    assert url_problem('url', value) is None  # any other URL (a token_url) may carry them


@pytest.mark.parametrize('value,fix', [
    ('https://h.example.com/api/core/v1', 'https://h.example.com'),
    ('https://h.example.com/api/core/v1/', 'https://h.example.com'),
    ('https://h.example.com/omn/api/core/v1/peo/peos', 'https://h.example.com/omn'),
    ('https://h.example.com:8443/v2', 'https://h.example.com:8443'),
    ('https://h.example.com/v2/actions/v2/', 'https://h.example.com'),  # the first API path starts the API
])
def test_a_base_url_with_an_api_path_is_refused_with_the_base(value, fix):
    prefixes = ('/api/core/v1', '/v2')
    wanted = '/v2' if '/v2' in value else '/api/core/v1'
    assert url_problem('url', value, base=True, api_prefixes=prefixes) == "url must be the server's base URL without %s: use %s." % (wanted, fix)
    assert url_problem('url', value, api_prefixes=prefixes) is None


@pytest.mark.parametrize('value', ['https://h.example.com/api/core/v12', 'https://h.example.com/v2beta', 'https://h.example.com/v2X',
                                   'https://h.example.com/', 'https://h.example.com'])
def test_a_base_url_that_only_resembles_an_api_path_is_accepted(value):
    assert url_problem('url', value, base=True, api_prefixes=('/api/core/v1', '/v2')) is None


def test_a_ca_bundle_that_loads_has_no_fault(tmp_path):
    assert ca_bundle_fault(Pki(tmp_path).ca, 'SAYMON') is None
    assert ca_bundle_fault(str(tmp_path), 'SAYMON') is None  # a directory of hashed CA files is read per connection


@pytest.mark.parametrize('content', ['not a certificate\n', ''])
def test_a_ca_bundle_without_certificates_says_so_with_advice(tmp_path, content):
    bundle = tmp_path / 'ca.pem'
    bundle.write_text(content)
    assert ca_bundle_fault(str(bundle), 'ZITADEL') == (
        'holds no usable CA certificate', 'NO_CERTIFICATE_OR_CRL_FOUND',
        ': give a PEM file of the CA certificates that sign the ZITADEL server certificate')


def test_a_missing_ca_bundle_cannot_be_read(tmp_path):
    assert ca_bundle_fault(str(tmp_path / 'missing.pem'), 'eNMS') == ('cannot be read', 'No such file or directory', '')
