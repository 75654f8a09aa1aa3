# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: authentication strategies, as callables that requests applies to a prepared request.

Every request carries one of these objects, never ``None``: with no explicit auth object, requests
would fall back to a ``~/.netrc`` entry for the host and send someone else's credentials.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64

from ansible.module_utils.common.text.converters import to_bytes, to_native


class Auth(object):
    """Base strategy: adds nothing. Subclasses set headers in ``apply``."""

    def __call__(self, request):
        self.apply(request.headers)
        return request

    def apply(self, headers):
        pass

    def secrets(self):
        """Strings that must never appear in output (raw and derived forms)."""
        return []


class NoAuth(Auth):
    """For calls that carry credentials in their body (a login). Still blocks ``.netrc``."""


class BasicAuth(Auth):
    def __init__(self, username, password):
        self.username = username or ''
        self.password = password or ''
        self._token = to_native(base64.b64encode(to_bytes('%s:%s' % (self.username, self.password), errors='surrogate_or_strict')))

    def apply(self, headers):
        headers['Authorization'] = 'Basic %s' % self._token

    def secrets(self):
        return [self.password, self._token]


class BearerAuth(Auth):
    def __init__(self, token):
        self.token = token

    def apply(self, headers):
        headers['Authorization'] = 'Bearer %s' % self.token

    def secrets(self):
        return [self.token]


class CookieSessionAuth(Auth):
    """A session identifier sent as a cookie, e.g. SAYMON's ``Cookie: sid=<id>``."""

    def __init__(self, cookie_name, session_id):
        self.cookie_name = cookie_name
        self.session_id = session_id

    def apply(self, headers):
        headers['Cookie'] = '%s=%s' % (self.cookie_name, self.session_id)

    def secrets(self):
        return [self.session_id]
