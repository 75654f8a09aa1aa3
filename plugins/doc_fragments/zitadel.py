# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # Connection options shared by every ZITADEL module.
    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the ZITADEL instance, for example V(https://zitadel.example.com).
        It must start with C(http://) or C(https://), and must not end in C(/v2) or C(/v2beta) (the modules add
        O(api_version)) or carry credentials (C(user:password@)); use O(token). Such a URL is refused before any request.
      - If not set, the value of the E(ZITADEL_URL) environment variable is used.
    type: str
    required: true
  token:
    description:
      - A personal access token of a service user, sent in the C(Authorization) header as a Bearer token. The user needs the
        C(action.target.*) and C(action.execution.*) permissions the module uses (for example the IAM_OWNER role).
        An HTTP 401 means ZITADEL does not accept the token (invalid or expired); an HTTP 403 names the missing permission.
      - If not set, the value of the E(ZITADEL_TOKEN) environment variable is used.
    type: str
    required: true
  api_version:
    description:
      - V(v2) for C(/v2/actions) (ZITADEL 4.x), V(v2beta) for C(/v2beta/actions) (ZITADEL 3.x).
      - If not set, the value of the E(ZITADEL_API_VERSION) environment variable is used.
    type: str
    choices: [v2, v2beta]
    default: v2
  validate_certs:
    description:
      - Verify the server's TLS certificate. Set to V(false) only for test servers; the module then warns.
      - If not set, the value of the E(ZITADEL_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify the server's certificate against, instead of the system's (or a
        directory of them prepared with C(c_rehash)). A path that does not exist, or a file with no usable CA
        certificate, is refused before any request.
      - If not set, the value of the E(ZITADEL_CA_PATH) environment variable is used.
    type: path
  request_timeout:
    description:
      - Seconds to wait for each HTTP request to connect and to answer.
      - This is not a target's own O(netops.bridge.zitadel_target#module:timeout).
      - If not set, the value of the E(ZITADEL_REQUEST_TIMEOUT) environment variable is used.
    type: float
    default: 30
notes:
  - In a task, option values come, in this order of precedence, from the task, from C(module_defaults) (for example
    C(group/netops.bridge.zitadel)), from the E(ZITADEL_*) environment variables, and from the defaults.
  - A C(~/.netrc) entry for the ZITADEL host is never used in place of these credentials.
  - Requests that only read (searches) are retried with backoff on connection errors, HTTP 429 (honouring
    C(Retry-After)), 500, 502, 503 and 504. Setting an execution (PUT) and deleting a target (DELETE) are idempotent
    and retried too; creating or updating a target is never re-sent once it may have reached the server.
  - A change the server refuses (for example HTTP 401, 403 or 409) has changed nothing, and the task fails with C(changed=false).
    Only a change that may have reached the server without an answer (the error then says so) fails with C(changed=true).
  - Proxies are taken from the E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables.
requirements:
  - requests >= 2.25
'''
