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

import math
import os
import re
import unicodedata

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.parameters import AnsibleFallbackNotFound

from ansible_collections.netops.bridge.plugins.module_utils._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.netops.bridge.plugins.module_utils._connection import ca_bundle_fault, url_credentials, url_problem
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError, WaitTimeout


# Returned in check mode where a module would have got an ID from the server (a session, a run, a job), so that later
# tasks of the same check run can be given it; a module given it in check mode reads nothing that would need it.
CHECK_MODE_PLACEHOLDER = 'netops.bridge-check-mode-placeholder'


def non_empty_env_fallback(*names):
    """Core's env_fallback, except that a variable set to the empty string (or to blanks) counts as unset, so that
    the default applies: core would take '' as the value, and a float, bool or choice option would then fail with
    a type error naming no variable. An env file or an AWX credential type leaves a variable empty for "not set"."""
    for name in names:
        value = os.environ.get(name)
        if value is not None and value.strip():
            return value
    raise AnsibleFallbackNotFound


MISSING_REQUIRED = re.compile(r'^missing required arguments: ([A-Za-z0-9_, ]+)')


def blank_variables(spec):
    """{option: variable} for the required options whose variable is set but blank, which counts as unset."""
    found = {}
    for name, option in spec.items():
        fallback = option.get('fallback') or ()
        if not option.get('required') or len(fallback) < 2 or fallback[0] is not non_empty_env_fallback:
            continue
        for variable in fallback[1]:
            value = os.environ.get(variable)
            if value is not None and not value.strip():
                found[name] = variable
    return found


def explain_missing(message, blank):
    """Core's "missing required arguments: url", with the variable that was set but empty for each option it names:
    the user set ENMS_URL, and would otherwise look for a typo in the task."""
    found = MISSING_REQUIRED.match(message) if isinstance(message, str) else None
    if not found:
        return message
    named = [blank[name] for name in found.group(1).split(', ') if name in blank]
    if not named:
        return message
    return '%s (%s %s set but empty, which counts as unset)%s' % (
        found.group(0), ' and '.join(named), 'is' if len(named) == 1 else 'are', message[found.end():])


class ExplainedAnsibleModule(AnsibleModule):
    """AnsibleModule whose argument failures name a required option's variable that is set but empty."""

    def __init__(self, **kwargs):
        # Before core's validation, which fails from inside AnsibleModule.__init__.
        self.blank_variables = blank_variables(kwargs.get('argument_spec') or {})
        super(ExplainedAnsibleModule, self).__init__(**kwargs)

    def fail_json(self, msg, **kwargs):
        super(ExplainedAnsibleModule, self).fail_json(msg=explain_missing(msg, self.blank_variables), **kwargs)


def has_control_character(text):
    return any(unicodedata.category(char) == 'Cc' for char in text)


class PlatformModule(object):
    """An AnsibleModule bound to one platform's API."""

    platform = None
    # Where the platform's API lives below the server's base URL; the client adds it, so url must not end in it.
    api_prefixes = ()
    # The options that carry the credentials, named when someone puts them in url instead (token platforms override).
    credential_options = 'username and password'
    # The Python libraries the module needs beyond ansible-core: (name, imported, import traceback).
    requirements = (('requests', HAS_REQUESTS, REQUESTS_IMPORT_ERROR),)

    def __init__(self, argument_spec, host=None, **kwargs):
        spec = self.connection_argument_spec()
        spec.update(argument_spec)
        # host: what reads and checks the options and ends the run; a lookup plugin gives its own (plugin_utils/_lookup.py)
        # so that it runs the info modules' own code.
        self.ansible = (host or ExplainedAnsibleModule)(argument_spec=spec, **kwargs)
        self.params = self.ansible.params
        self.result = {'changed': False}
        # Passed on as a session ID, it would be masked everywhere in the result; it is no secret.
        self.ansible.no_log_values.discard(CHECK_MODE_PLACEHOLDER)
        self._client = None
        for name, imported, import_error in self.requirements:
            if not imported:
                self.ansible.fail_json(msg=missing_required_lib(name), exception=import_error)
        self.strip_secrets()
        self.require_finite()
        self.require_positive('request_timeout')
        self.require_url('url', base=True)
        self.require_paths()
        if not self.params.get('validate_certs', True):
            self.ansible.warn('validate_certs is false: the %s server certificate is not verified, '
                              'so credentials can be intercepted. Prefer ca_path.' % self.platform)

    @classmethod
    def connection_argument_spec(cls):
        raise NotImplementedError

    @classmethod
    def missing_requirements(cls):
        """The required libraries this Python cannot import (the action runs the module elsewhere then)."""
        return [name for name, imported, dummy in cls.requirements if not imported]

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

    def option_source(self, name):
        """'the <name> option or <VARIABLE>...': a value may come from a variable the user no longer has in mind."""
        spec = self.ansible.argument_spec.get(name) or {}
        return 'the %s option%s' % (name, ''.join(' or %s' % var for var in (spec.get('fallback') or ((), ()))[1]))

    def strip_secrets(self):
        """Take every no_log option without its surrounding whitespace, then refuse one that still holds a control
        character, before any request and without showing it.

        A token, session ID or password never begins or ends in whitespace, but a vault block scalar or an env file
        easily adds a line break; sent as it is, the HTTP libraries refuse the header with the secret quoted in their
        message. The stripped value is masked in the output as the raw one is."""
        for name, spec in sorted(self.ansible.argument_spec.items()):
            value = self.params.get(name)
            if not spec.get('no_log') or not isinstance(value, str):
                continue
            stripped = value.strip()
            if stripped != value:
                self.params[name] = stripped
                if stripped:
                    self.ansible.no_log_values.add(stripped)
            if has_control_character(stripped):
                self.fail('%s must not hold a control character (such as a line break or a tab) inside it; the value is '
                          'not shown. Check the value set by %s.' % (name, self.option_source(name)))

    def require_finite(self):
        """Refuse nan and inf in every float option before any request: a nan wait_timeout would poll for ever,
        a nan or inf request_timeout ends in a traceback inside the HTTP libraries."""
        for name, spec in sorted(self.ansible.argument_spec.items()):
            value = self.params.get(name)
            if spec.get('type') == 'float' and isinstance(value, float) and not math.isfinite(value):
                self.fail('%s must be a finite number, got %s (set by %s).' % (name, value, self.option_source(name)))

    def require_url(self, name, base=False):
        """Refuse a URL the client cannot use before any request, with the fix: credentials in it (they would be
        shown at -vvv and in errors), no http:// or https://, or (for the base ``url``) the API path already in it."""
        value = self.params.get(name)
        if value is None:
            return
        text = value.strip()
        if not text and not base:
            # Unset: the AWX credential types inject empty variables for the inputs left out.
            return
        if not text:
            self.fail('%s must not be empty.' % name)
        userinfo = url_credentials(text)
        if userinfo:
            # Masked like a no_log value, so that the invocation shown with this failure does not reveal them.
            self.ansible.no_log_values.update(part for part in (userinfo, userinfo.partition(':')[2]) if part)
        problem = url_problem(name, value, base=base, api_prefixes=self.api_prefixes, credential_options=self.credential_options)
        if problem:
            self.fail(problem)

    def require_paths(self):
        """Every ``type: path`` option names something that exists, and ca_path a CA bundle the client can load:
        otherwise requests would stop with a traceback naming no option."""
        for name, spec in sorted(self.ansible.argument_spec.items()):
            value = self.params.get(name)
            # Empty is unset: the AWX credential types inject an empty *_CA_PATH when no CA is given.
            if spec.get('type') != 'path' or not value:
                continue
            source = self.option_source(name)
            if not os.path.exists(value):
                self.fail('%s %s does not exist (set by %s).' % (name, value, source))
            fault = ca_bundle_fault(value, self.platform) if name == 'ca_path' else None
            if fault:
                what, reason, advice = fault
                self.fail('%s %s %s (%s, set by %s)%s.' % (name, value, what, reason, source, advice))

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

    def apply(self, action, *args):
        """Send one change and set ``changed`` from its outcome: true once it succeeded, or when its outcome is unknown
        (it may have reached the server); false when the server refused it, since a refusal changed nothing.

        In check mode nothing is sent: the change is reported (``changed=true``) and None is returned."""
        if self.check_mode:
            self.result['changed'] = True
            return None
        try:
            answer = action(*args)
        except ApiError as exc:
            self.result['changed'] = exc.maybe_applied
            raise
        self.result['changed'] = True
        return answer

    def fail(self, msg, **extra):
        result = dict(self.result)
        result.update(extra)
        self.close()
        self.ansible.fail_json(msg=msg, **result)

    def run(self, task):
        """Run ``task(self)`` and exit with ``self.result``; every known failure becomes fail_json."""
        self.attempt(task)
        self.close()
        self.ansible.exit_json(**self.result)

    def attempt(self, task):
        """Run ``task(self)``, keeping the session open; every known failure becomes fail_json."""
        try:
            task(self)
        except ApiError as exc:
            # The client redacts what it raises; an error raised elsewhere (a token endpoint's answer, a module's own
            # check) is redacted here too, since core masks a no_log value only as it is, not as a library quotes it.
            exc.redact(self.secrets())
            self.fail(exc.message, **exc.as_result())
        except WaitTimeout as exc:
            self.fail(str(exc), polls=exc.polls)

    def secrets(self):
        """The values of the no_log options, and every secret the client has learnt (session IDs, access tokens)."""
        found = [self.params.get(name) for name, spec in self.ansible.argument_spec.items() if spec.get('no_log')]
        if self._client is not None:
            found.extend(self._client.secrets())
        return [value for value in found if value and isinstance(value, str)]

    def close(self):
        if self._client is not None:
            self._client.close()
            self._client = None
