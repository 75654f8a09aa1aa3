# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # Connection options shared by every eNMS module.
    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the eNMS server, for example V(https://enms.example.com). The API lives under C(/rest).
        It must start with C(http://) or C(https://) and must not carry credentials (C(user:password@)); use
        O(username) and O(password). Such a URL is refused before any request.
      - If not set, the value of the E(ENMS_URL) environment variable is used.
    type: str
    required: true
  username:
    description:
      - eNMS user, for HTTP Basic authentication (the only scheme the eNMS REST API accepts).
      - If not set, the value of the E(ENMS_USERNAME) environment variable is used.
    type: str
    required: true
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(ENMS_PASSWORD) environment variable is used.
    type: str
    required: true
  validate_certs:
    description:
      - Verify the server's TLS certificate. Set to V(false) only for test servers; the module then warns.
      - If not set, the value of the E(ENMS_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify the server's certificate against, instead of the system's (or a
        directory of them prepared with C(c_rehash)). A path that does not exist, or a file with no usable CA
        certificate, is refused before any request.
      - If not set, the value of the E(ENMS_CA_PATH) environment variable is used.
    type: path
  request_timeout:
    description:
      - Seconds to wait for each HTTP request to connect and to answer.
      - This does not limit waiting for a run, which C(wait_timeout) governs.
      - If not set, the value of the E(ENMS_REQUEST_TIMEOUT) environment variable is used.
    type: float
    default: 30
notes:
  - In a task, option values come, in this order of precedence, from the task, from C(module_defaults) (for example
    C(group/netops.bridge.enms)), from the E(ENMS_*) environment variables, and from the defaults.
  - A C(~/.netrc) entry for the eNMS host is never used in place of these credentials.
  - Requests that only read (GET) are retried with backoff on connection errors, HTTP 429 (honouring
    C(Retry-After)), 500, 502, 503 and 504. A request that runs something is never re-sent once it may have reached the server.
  - Proxies are taken from the E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables.
requirements:
  - requests >= 2.25
'''
