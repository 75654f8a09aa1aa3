# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: the one error type of netops.bridge; not a public API."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
from http.client import responses as HTTP_REASONS
from urllib.parse import quote


class ApiError(Exception):
    """A failed call to a platform, described for a human and for the task result.

    ``url`` never carries credentials; ``detail`` is the server's own message, parsed.
    ``maybe_applied`` is true when a non-idempotent request may have reached the server.
    """

    def __init__(self, platform, summary, method=None, url=None, status=None, detail=None,
                 maybe_applied=False, body=None):
        self.platform = platform
        self.summary = summary
        self.method = method
        self.url = url
        self.status = status
        self.detail = detail
        self.maybe_applied = maybe_applied
        self.body = body
        super(ApiError, self).__init__(self.message)

    @property
    def message(self):
        if self.method and self.url:
            text = '%s %s %s failed' % (self.platform, self.method, self.url)
            if self.status is not None:
                text += ': HTTP %s' % self.status
                if HTTP_REASONS.get(self.status):
                    text += ' %s' % HTTP_REASONS[self.status]
            if self.summary:
                text += ': %s' % self.summary
        else:
            text = '%s: %s' % (self.platform, self.summary)
        if self.detail:
            text = '%s: %s' % (unfinished(text), self.detail)
        if self.maybe_applied:
            text = unfinished(text) + ('. The request may have reached the server and been acted on; it was not re-sent. '
                                       'Check on the server before running it again')
        return text

    def explained(self, summary=None, detail=None):
        """This error with what the server's answer means in our words (a new summary, or a detail), its text
        (``str(error)``, ``args``) following, so that every reader of it sees the same words."""
        if summary is not None:
            self.summary = summary
        if detail is not None:
            self.detail = detail
        self.args = (self.message,)
        return self

    def redact(self, secrets):
        """Remove every secret string, in every form a library may quote it in, from the parts a user will see."""
        forms = every_secret_form(secrets)
        for attr in ('summary', 'detail', 'url', 'body'):
            value = getattr(self, attr)
            if isinstance(value, str):
                setattr(self, attr, masked(value, forms))
        self.args = (self.message,)
        return self

    def as_result(self):
        """The keys a failed task returns besides ``msg``."""
        result = {'status': self.status, 'url': self.url, 'method': self.method}
        if self.detail is not None:
            result['error'] = self.detail
        return result


def secret_forms(secret):
    """``secret`` as it is, and as the libraries quote it in their errors, longest first: escaped like repr() of the
    text or of its bytes (a line break as the two characters \\n, as in ``Invalid header value b'Bearer tok\\n'``),
    JSON-escaped, and percent-encoded as in a URL path. Core masks only the raw value of a no_log option."""
    forms = set([secret, quote(secret, safe=''), json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]])
    quoted = [repr(secret)[1:-1]]
    for encoding in ('utf-8', 'latin-1'):
        try:
            quoted.append(repr(secret.encode(encoding))[2:-1])
        except UnicodeEncodeError:
            pass
    for text in quoted:
        # repr() picks its quote from the whole text it shows, which may be more than the secret: both ways.
        bare = text.replace("\\'", "'").replace('\\"', '"')
        forms.update([bare, bare.replace("'", "\\'"), bare.replace('"', '\\"')])
    return sorted((form for form in forms if form), key=len, reverse=True)


def every_secret_form(secrets):
    """The forms of all ``secrets`` together, longest first: a secret inside another must not be masked before it."""
    forms = set()
    for secret in secrets:
        if secret:
            forms.update(secret_forms(secret))
    return sorted(forms, key=len, reverse=True)


def masked(text, forms):
    for form in forms:
        if form in text:
            text = text.replace(form, '********')
    return text


def redacted(text, secrets):
    """``text`` with every form of every secret (see secret_forms) replaced by ********."""
    return masked(text, every_secret_form(secrets))


def unfinished(text):
    """Text without its closing period(s), since the message goes on after it: no message may show '..'."""
    return text.rstrip().rstrip('.')


class WaitTimeout(Exception):
    """Raised when something polled has not finished within its time limit."""

    def __init__(self, message, last=None, polls=0):
        self.last = last
        self.polls = polls
        super(WaitTimeout, self).__init__(message)


class NeverFound(WaitTimeout):
    """Raised when the server kept saying that it does not know what is waited for, past its grace period."""
