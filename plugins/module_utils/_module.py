# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: the base every netops.bridge module stands on; not a public API.

A platform subclass declares its connection options and builds its client; a module declares its own
options and one function that reads, compares, writes and fills ``result``. Errors become
``fail_json`` here and nowhere else, the HTTP session is closed whatever happens.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.netops.bridge.plugins.module_utils._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError, WaitTimeout


# Returned in check mode where a module would have got an ID from the server (a session, a run, a job), so that later
# tasks of the same check run can be given it; a module given it in check mode reads nothing that would need it.
CHECK_MODE_PLACEHOLDER = 'netops.bridge-check-mode-placeholder'


class PlatformModule(object):
    """An AnsibleModule bound to one platform's API."""

    platform = None

    def __init__(self, argument_spec, **kwargs):
        spec = self.connection_argument_spec()
        spec.update(argument_spec)
        self.ansible = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.ansible.params
        self.result = {'changed': False}
        # Passed on as a session ID, it would be masked everywhere in the result; it is no secret.
        self.ansible.no_log_values.discard(CHECK_MODE_PLACEHOLDER)
        self._client = None
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self.require_positive('request_timeout')
        if not self.params.get('validate_certs', True):
            self.ansible.warn('validate_certs is false: the %s server certificate is not verified, '
                              'so credentials can be intercepted. Prefer ca_path.' % self.platform)

    @classmethod
    def connection_argument_spec(cls):
        raise NotImplementedError

    def build_client(self):
        raise NotImplementedError

    @property
    def check_mode(self):
        return self.ansible.check_mode

    @property
    def client(self):
        if self._client is None:
            self._client = self.build_client()
        return self._client

    def require_non_empty(self, *names):
        """Refuse blank strings before any request: a blank ID would address another endpoint."""
        for name in names:
            value = self.params.get(name)
            if value is not None and not value.strip():
                self.fail('%s must not be empty.' % name)

    def require_positive(self, *names):
        for name in names:
            value = self.params.get(name)
            if value is not None and value <= 0:
                self.fail('%s must be greater than 0, got %s.' % (name, value))

    def placeholder_given(self, *names):
        """True when one of ``names`` holds the check-mode placeholder; outside check mode that fails the task."""
        given = [name for name in names if self.params.get(name) == CHECK_MODE_PLACEHOLDER]
        if given and not self.check_mode:
            self.fail('%s is the placeholder that netops.bridge modules return in check mode, not a real ID: it comes from '
                      'a task that ran in check mode.' % given[0])
        return bool(given)

    def validate_wait(self):
        self.require_positive('wait_timeout', 'poll_interval')
        self.require_not_negative('not_found_timeout')

    def require_not_negative(self, *names):
        for name in names:
            value = self.params.get(name)
            if value is not None and value < 0:
                self.fail('%s must not be negative, got %s.' % (name, value))

    def fail(self, msg, **extra):
        result = dict(self.result)
        result.update(extra)
        self.close()
        self.ansible.fail_json(msg=msg, **result)

    def run(self, task):
        """Run ``task(self)`` and exit with ``self.result``; every known failure becomes fail_json."""
        try:
            task(self)
        except ApiError as exc:
            self.fail(exc.message, **exc.as_result())
        except WaitTimeout as exc:
            self.fail(str(exc), polls=exc.polls)
        self.close()
        self.ansible.exit_json(**self.result)

    def close(self):
        if self._client is not None:
            self._client.close()
            self._client = None
