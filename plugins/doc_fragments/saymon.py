# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # Connection options shared by every SAYMON module.
    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the SAYMON server, for example V(https://saymon.example.com). The API lives under C(/node/api).
        It must start with C(http://) or C(https://), and must not end in C(/node/api) (the modules add it) or carry
        credentials (C(user:password@)); use O(username) and O(password). Such a URL is refused before any request.
      - If not set, the value of the E(SAYMON_URL) environment variable is used.
    type: str
    required: true
  username:
    description:
      - SAYMON login, used with O(password) for HTTP Basic authentication (or, in M(netops.bridge.saymon_session), to create a session).
      - If not set, the value of the E(SAYMON_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(SAYMON_PASSWORD) environment variable is used.
    type: str
  session_id:
    description:
      - A SAYMON session ID, as returned by M(netops.bridge.saymon_session). When set, requests authenticate with the
        C(sid) session cookie instead of HTTP Basic.
      - If not set, the value of the E(SAYMON_SESSION_ID) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Set to V(false) only for test servers; the module then warns.
      - If not set, the value of the E(SAYMON_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify the server's certificate against, instead of the system's (or a
        directory of them prepared with C(c_rehash)). A path that does not exist, or a file with no usable CA
        certificate, is refused before any request.
      - If not set, the value of the E(SAYMON_CA_PATH) environment variable is used.
    type: path
  request_timeout:
    description:
      - Seconds to wait for each HTTP request to connect and to answer.
      - This does not limit waiting for a job, which C(wait_timeout) governs where a module has it.
      - If not set, the value of the E(SAYMON_REQUEST_TIMEOUT) environment variable is used.
    type: float
    default: 30
notes:
  - In a task, option values come, in this order of precedence, from the task, from C(module_defaults) (for example
    C(group/netops.bridge.saymon)), from the E(SAYMON_*) environment variables, and from the defaults.
  - A C(~/.netrc) entry for the SAYMON host is never used in place of these credentials.
  - Requests that only read (GET) are retried with backoff on connection errors, HTTP 429 (honouring
    C(Retry-After)), 500, 502, 503 and 504. A request that executes or changes something is never re-sent once it
    may have reached the server.
  - A change the server refuses (for example HTTP 401, 403 or 409) has changed nothing, and the task fails with C(changed=false).
    Only a change that may have reached the server without an answer (the error then says so) fails with C(changed=true).
  - Proxies are taken from the E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables.
requirements:
  - requests >= 2.25
'''

    # Modules that wait for a job: how long an unknown job is tolerated.
    JOB_WAIT = r'''
options:
  not_found_timeout:
    description:
      - With O(wait=true), seconds for which SAYMON may answer HTTP 404 for the job before the task fails with
        "never found", naming the job ID. A job may not be readable at once after execution; a mistyped ID never is.
      - SAYMON's documentation leaves open whether a job can be read before its script has finished; if your server
        answers 404 until then, set this to the script's longest run time. V(0) fails at the first 404.
    type: float
    default: 30
    version_added: 1.1.0
'''
