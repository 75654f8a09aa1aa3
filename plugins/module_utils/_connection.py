# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: checks of the connection options before any request, shared by the modules (PlatformModule) and the
inventory plugin, which each say in their own terms which option or variable was at fault; not a public API."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import ssl
from urllib.parse import urlsplit, urlunsplit

from ansible_collections.netops.bridge.plugins.module_utils._client import load_ca


def url_credentials(text):
    """The ``user:password`` part of a URL (also without a scheme), or ''."""
    return re.split(r'[/?#]', text.split('://', 1)[-1], 1)[0].rpartition('@')[0]


def url_problem(label, value, base=False, api_prefixes=(), credential_options='username and password'):
    """Why ``value`` cannot serve as the URL ``label``, with the fix, or None. A ``base`` URL is the server's own, below
    which the client adds the API path, so it must not already hold one of ``api_prefixes``."""
    text = value.strip()
    if url_credentials(text):
        return ('%s must not contain credentials (user:password@ before the host): give them in %s instead.'
                % (label, credential_options))
    parts = urlsplit(text)
    if parts.scheme.lower() not in ('http', 'https') or not text.lower().startswith(('http://', 'https://')):
        return '%s must start with http:// or https://, got %r.' % (label, value)
    if not parts.hostname:
        return '%s must name a server after %s://, got %r.' % (label, parts.scheme, value)
    if not base:
        return None
    if parts.query or parts.fragment:
        return ("%s must be the server's base URL without ?query or #fragment: use %s."
                % (label, urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip('/'), '', ''))))
    path = parts.path.rstrip('/') + '/'
    for prefix in api_prefixes:
        at = path.find(prefix + '/')
        if at >= 0:
            return ("%s must be the server's base URL without %s: use %s."
                    % (label, prefix, urlunsplit((parts.scheme, parts.netloc, path[:at], '', ''))))
    return None


def ca_bundle_fault(path, platform):
    """None when ``path`` (an existing file or directory) loads as a CA bundle; else (what is wrong, the reason, the
    advice that goes after it), for example ('holds no usable CA certificate', 'PEM lib', ': give a PEM file ...')."""
    try:
        load_ca(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), path)
    except ssl.SSLError as exc:
        return ('holds no usable CA certificate', exc.reason or exc,
                ': give a PEM file of the CA certificates that sign the %s server certificate' % platform)
    except OSError as exc:
        return 'cannot be read', exc.strerror or exc, ''
    return None
