# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OMN (Apollon OnlineMediaNet) Core REST API access for the netops.bridge omn_* modules.

Bearer auth (a ready token, or one obtained from Keycloak with a refresh/offline token on OMN 6.x);
XML <pim> documents for links; per-<response> success or failure even under HTTP 200.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re


from ansible_collections.netops.bridge.plugins.module_utils._auth import BearerAuth, NoAuth
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient, default_error_detail, snippet
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils._module import PlatformModule, non_empty_env_fallback
from ansible_collections.netops.bridge.plugins.module_utils import omn_xml

PLATFORM = 'OMN'
API_PREFIX = '/api/core/v1'
API = API_PREFIX + '/peo/peos'
XML_TYPE = 'application/xml; charset=UTF-8'
SCHEMA_VERSION = re.compile(r'^[0-9]+(\.[0-9]+)*$')


def omn_argument_spec():
    return dict(
        url=dict(type='str', required=True, fallback=(non_empty_env_fallback, ['OMN_URL'])),
        token=dict(type='str', no_log=True, fallback=(non_empty_env_fallback, ['OMN_TOKEN'])),
        refresh_token=dict(type='str', no_log=True, fallback=(non_empty_env_fallback, ['OMN_REFRESH_TOKEN'])),
        token_url=dict(type='str', no_log=False, fallback=(non_empty_env_fallback, ['OMN_TOKEN_URL'])),
        client_id=dict(type='str', default='omn-ui', fallback=(non_empty_env_fallback, ['OMN_CLIENT_ID'])),
        schema_version=dict(type='str', default=omn_xml.DEFAULT_SCHEMA_VERSION, fallback=(non_empty_env_fallback, ['OMN_SCHEMA_VERSION'])),
        validate_certs=dict(type='bool', default=True, fallback=(non_empty_env_fallback, ['OMN_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(non_empty_env_fallback, ['OMN_CA_PATH'])),
        request_timeout=dict(type='float', default=30.0, fallback=(non_empty_env_fallback, ['OMN_REQUEST_TIMEOUT'])),
    )


def omn_error_detail(response):
    """OMN's words from an error body: the <description> of its responses, else the JSON/text body."""
    try:
        found = omn_xml.responses(response.content)
    except (omn_xml.OmnXmlError, ValueError):
        found = []
    descriptions = [r['description'] for r in found if r.get('description')]
    if descriptions:
        return '; '.join(descriptions)
    return default_error_detail(response)


class OmnModule(PlatformModule):
    platform = PLATFORM
    api_prefixes = (API_PREFIX, '/api/core')
    credential_options = 'token, or refresh_token with token_url'
    requirements = PlatformModule.requirements + (('lxml', omn_xml.HAS_LXML, omn_xml.LXML_IMPORT_ERROR),)

    def __init__(self, argument_spec, **kwargs):
        super(OmnModule, self).__init__(argument_spec, **kwargs)
        params = self.params
        if not params.get('token') and not (params.get('refresh_token') and params.get('token_url')):
            self.fail('OMN credentials are missing: set token (or OMN_TOKEN), or refresh_token with token_url.')
        if params.get('refresh_token') and not params.get('token_url'):
            self.fail('refresh_token needs token_url, the Keycloak token endpoint '
                      '(for example https://omn.example.com/auth/realms/OMN/protocol/openid-connect/token).')
        self.require_non_empty('schema_version', 'client_id')
        # A token_url without a scheme would be taken as a path below url, and its credentials echoed like url's.
        self.require_url('token_url')
        if not SCHEMA_VERSION.match(params['schema_version']):
            self.fail('schema_version must be a version such as 5.6.0, got %r.' % params['schema_version'])
        self.api = OmnApi(self)

    @classmethod
    def connection_argument_spec(cls):
        return omn_argument_spec()

    def build_client(self):
        params = self.params
        client = ApiClient(PLATFORM, params['url'], NoAuth(), validate_certs=params['validate_certs'],
                           ca_path=params['ca_path'], timeout=params['request_timeout'], error_detail=omn_error_detail)
        client.extra_secrets = [params.get('token'), params.get('refresh_token')]
        token = params.get('token')
        if not token:
            token = self.access_token(client)
            client.extra_secrets.append(token)
        client.auth = BearerAuth(token)
        return client

    def access_token(self, client):
        """Trade the refresh (or offline) token for an access token at Keycloak's token endpoint."""
        form = {'grant_type': 'refresh_token', 'client_id': self.params['client_id'], 'refresh_token': self.params['refresh_token']}
        response = client.request('POST', self.params['token_url'], data=form)
        answer = response.json()
        if not isinstance(answer, dict) or not answer.get('access_token'):
            raise ApiError(PLATFORM, 'the token endpoint gave no access_token', method='POST', url=response.url,
                           status=response.status)
        return answer['access_token']


class OmnApi(object):
    def __init__(self, module):
        self.module = module

    @property
    def client(self):
        return self.module.client

    @property
    def schema_version(self):
        return self.module.params['schema_version']

    def query(self, criteria):
        """POST /peo/peos/query: the tids of the PEOs matching every criterion (a read, safe to retry)."""
        response = self.client.request('POST', API + '/query', json_body=criteria, idempotent=True)
        answer = response.json()
        if not isinstance(answer, dict) or not isinstance(answer.get('tids', []), list):
            raise ApiError(PLATFORM, 'expected {"tids": [...]}', method='POST', url=response.url, status=response.status,
                           detail=snippet(response.text))
        return [str(t) for t in answer.get('tids') or []]

    def retrieve(self, tids):
        """POST /peo/peos/retrieve: the PEOs with these tids, as plain dicts (a read, safe to retry)."""
        response = self.client.request('POST', API + '/retrieve', json_body={'tids': list(tids)}, idempotent=True,
                                       headers={'Accept': 'application/xml'})
        return self._parsed(response, omn_xml.peos, maybe_applied=False)

    def unlink(self, links):
        """POST /peo/peos/links/perform, one <action> per link in one request; never re-sent. OMN's per-action responses."""
        return self._post_xml(API + '/links/perform', omn_xml.unlink_document, links)

    def link(self, links):
        """POST /peo/peos/links/persist, one <itms> per link in one request; never re-sent. OMN's per-link responses."""
        return self._post_xml(API + '/links/persist', omn_xml.link_document, links)

    def _post_xml(self, path, build, links):
        try:
            document = build(links, self.schema_version)
        except omn_xml.OmnXmlError as exc:
            raise ApiError(PLATFORM, 'nothing was sent: %s' % exc)
        response = self.client.request('POST', path, data=document,
                                       headers={'Content-Type': XML_TYPE, 'Accept': 'application/xml'})
        # OMN answered, so it may have acted, but its answer cannot tell which links it changed.
        return self._parsed(response, omn_xml.responses, maybe_applied=True)

    @staticmethod
    def _parsed(response, parser, maybe_applied):
        try:
            return parser(response.content)
        except omn_xml.OmnXmlError as exc:
            raise ApiError(PLATFORM, 'the response is not a usable <pim> document (%s)' % exc, method=response.method,
                           url=response.url, status=response.status, maybe_applied=maybe_applied)
