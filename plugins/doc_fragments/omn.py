# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # Connection options shared by every OMN module.
    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the OMN server, for example V(https://omn.example.com). The API lives under C(/api/core/v1).
        It must start with C(http://) or C(https://), and must not end in C(/api/core/v1) (the modules add it) or
        carry credentials (C(user:password@)); use O(token). Such a URL is refused before any request.
      - If not set, the value of the E(OMN_URL) environment variable is used.
    type: str
    required: true
  token:
    description:
      - Bearer token for the OMN API (a signed JWT on OMN 5.x, a Keycloak access or offline token on OMN 6.x).
      - Either O(token), or O(refresh_token) with O(token_url), is required. When both are set, O(token) is used
        and no access token is requested.
      - If not set, the value of the E(OMN_TOKEN) environment variable is used.
    type: str
  refresh_token:
    description:
      - On OMN 6.x, where access tokens expire after about an hour, a refresh or offline token (OMN UI, User
        Settings, Tokens). The module then obtains its own access token from O(token_url) before calling OMN, with
        C(grant_type=refresh_token) and O(client_id), once per task.
      - OMN documents only the Authorization Code flow as supported; this refresh call is Keycloak's standard one.
      - If not set, the value of the E(OMN_REFRESH_TOKEN) environment variable is used.
    type: str
  token_url:
    description:
      - Keycloak token endpoint, for example V(https://omn.example.com/auth/realms/OMN/protocol/openid-connect/token).
        It must start with C(http://) or C(https://) and must not carry credentials (C(user:password@)).
      - If not set, the value of the E(OMN_TOKEN_URL) environment variable is used.
    type: str
  client_id:
    description:
      - Keycloak client the refresh token was issued for.
      - If not set, the value of the E(OMN_CLIENT_ID) environment variable is used.
    type: str
    default: omn-ui
  schema_version:
    description:
      - The C(schemaVersion) of the C(<pim>) documents sent to OMN, digits and dots only. Every OMN version documented
        so far (5.12 to 6.4) uses V(5.6.0) in its samples.
      - If not set, the value of the E(OMN_SCHEMA_VERSION) environment variable is used.
    type: str
    default: 5.6.0
  validate_certs:
    description:
      - Verify the server's TLS certificate. Set to V(false) only for test servers; the module then warns.
      - If not set, the value of the E(OMN_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify the server's certificate against, instead of the system's (or a
        directory of them prepared with C(c_rehash)). A path that does not exist, or a file with no usable CA
        certificate, is refused before any request.
      - If not set, the value of the E(OMN_CA_PATH) environment variable is used.
    type: path
  request_timeout:
    description:
      - Seconds to wait for each HTTP request to connect and to answer.
      - If not set, the value of the E(OMN_REQUEST_TIMEOUT) environment variable is used.
    type: float
    default: 30
notes:
  - In a task, option values come, in this order of precedence, from the task, from C(module_defaults) (for example
    C(group/netops.bridge.omn)), from the E(OMN_*) environment variables, and from the defaults.
  - A C(~/.netrc) entry for the OMN host is never used in place of these credentials.
  - Reads (the query and retrieve requests) are retried with backoff on connection errors, HTTP 429 (honouring
    C(Retry-After)), 500, 502, 503 and 504. Link and unlink requests are never re-sent once they may have reached the server.
  - XML answers are parsed without resolving entities, loading DTDs or network access; a hostile or malformed answer fails the task.
requirements:
  - requests >= 2.25
  - lxml >= 4.6
'''
