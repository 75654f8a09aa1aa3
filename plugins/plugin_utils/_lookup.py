# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: what every netops.bridge lookup plugin stands on; not a public API.

A lookup runs the code of the info module it mirrors, on the same platform class (its connection options, their
environment variables, every check they get before a request, the client, the redaction of secrets), so that it
returns what the module returns for the same selection and can never drift from it. Only the host differs: the
module's options come from the lookup's keyword arguments instead of a module process's arguments, a failure raises
AnsibleLookupError instead of exiting, and the session stays open across the terms of one call.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.netops.bridge.plugins.module_utils._module import blank_variables, explain_missing

display = Display()


class LookupHost(object):
    """The part of AnsibleModule a platform module uses, fed by a lookup's options."""

    check_mode = False
    _diff = False

    def __init__(self, lookup_name, given, argument_spec, supports_check_mode=True, **constraints):
        self.lookup_name = lookup_name
        self.argument_spec = argument_spec
        self.no_log_values = set()
        self.finished = None
        validated = ArgumentSpecValidator(argument_spec, **constraints).validate(dict(given))
        self.no_log_values.update(validated._no_log_values)
        self.params = validated.validated_parameters
        if validated.error_messages:
            blank = blank_variables(argument_spec)
            self.fail_json(msg='; '.join(explain_missing(message, blank) for message in validated.error_messages))

    def warn(self, warning):
        display.warning(self.masked(warning))

    def masked(self, text):
        return remove_values(text, self.no_log_values)

    def fail_json(self, msg, **result):
        # What a module would return beside its message (a status, the server's answer) is in the message's words
        # already; only the message is raised, masked as core masks a failed module's result.
        raise AnsibleLookupError(self.masked(msg))

    def exit_json(self, **result):
        self.finished = result


class PlatformLookup(LookupBase):
    """A lookup that runs an info module's ``run(module)`` once per call (or once per term with ``per_term``)."""

    platform_module = None   # the platform's module class, such as EnmsModule
    info_module = None       # the info module whose argument_spec(), MODULE_OPTIONS and run() it runs
    lookup_name = None
    own_options = ()         # the info module's options a user may give the lookup, beside the connection options

    def run(self, terms, variables=None, **kwargs):
        allowed = set(self.platform_module.connection_argument_spec()) | set(self.own_options)
        unknown = sorted(set(kwargs) - allowed)
        if unknown:
            raise AnsibleLookupError('%s %s not an option of this lookup; its options are: %s.' % (
                ', '.join(unknown), 'is' if len(unknown) == 1 else 'are', ', '.join(sorted(allowed))))
        module = self.platform_module(argument_spec=self.info_module.argument_spec(),
                                      host=lambda **spec: LookupHost(self.lookup_name, self.module_params(terms, kwargs), **spec),
                                      **getattr(self.info_module, 'MODULE_OPTIONS', {}))
        try:
            return wrap_var(self.results(module, terms))
        finally:
            module.close()

    def module_params(self, terms, options):
        """The info module's options for this call, from the lookup's terms and options."""
        raise NotImplementedError

    def results(self, module, terms):
        """The lookup's list, from the module run once."""
        return self.answer(self.ran(module))

    def ran(self, module, **params):
        """The module's result for its options (with ``params`` changed), in the session of the call."""
        module.params.update(params)
        module.result = {'changed': False}
        module.attempt(self.info_module.run)
        return module.result

    def answer(self, result):
        raise NotImplementedError


def terms_as_texts(lookup_name, terms, what):
    """The terms, each a non-empty text; a list given as one term (``query(name, list_variable)``) gives its items."""
    texts = []
    for term in terms:
        for text in (term if isinstance(term, (list, tuple)) else [term]):
            if not isinstance(text, str) or not text.strip():
                raise AnsibleLookupError('each term must be a %s (a non-empty text), got %r.' % (what, text))
            texts.append(text)
    return texts
