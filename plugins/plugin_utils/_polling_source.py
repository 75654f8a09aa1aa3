# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: what the polling event sources (extensions/eda/plugins/event_source) share; not a public API.

Their settings come from the source's arguments, then the platform modules' environment variables, then defaults;
their loop polls in a thread (the collection's HTTP client is synchronous), puts the events on ansible-rulebook's
queue, backs off on a failed poll with the server's words, and closes the client when cancelled.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import asyncio
import logging
import os

from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError

logger = logging.getLogger(__name__)

TRUE_TEXTS = ('1', 'true', 'yes', 'on', 'y', 't')
FALSE_TEXTS = ('0', 'false', 'no', 'off', 'n', 'f')


class SettingsError(ValueError):
    pass


def merged_settings(source, args, environ, defaults, environment):
    """The defaults, overridden by the non-blank environment variables, overridden by the given arguments; an argument
    that is neither refused, naming the source."""
    environ = os.environ if environ is None else environ
    unknown = sorted(set(args) - set(defaults) - set(environment))
    if unknown:
        raise SettingsError('%s: not an option of %s' % (', '.join(unknown), source))
    settings = dict(defaults)
    for name, variable in environment.items():
        value = environ.get(variable, '')
        if value.strip():
            settings[name] = value
    settings.update((name, value) for name, value in args.items() if value is not None and value != '')
    return settings


def require_numbers(settings, names, at_least_zero=()):
    """Each of ``names`` as a float, greater than 0 (at least 0 for those in ``at_least_zero``)."""
    for name in names:
        try:
            settings[name] = float(settings[name])
        except (TypeError, ValueError):
            raise SettingsError('%s must be a number, got %r' % (name, settings[name]))
        if name in at_least_zero:
            if not settings[name] >= 0:
                raise SettingsError('%s must be at least 0, got %r' % (name, settings[name]))
        elif not settings[name] > 0:
            raise SettingsError('%s must be greater than 0, got %r' % (name, settings[name]))


def as_bool(name, value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS:
        return False
    raise SettingsError('%s must be true or false, got %r' % (name, value))


async def poll_forever(source, queue, poll, settings, client):
    """Run ``poll()`` (a list of events) every ``interval`` seconds until cancelled; after a failed poll wait
    ``interval`` x 2, x 4, ... up to ``max_backoff``, saying why. The client is closed however it ends."""
    failures = 0
    try:
        while True:
            try:
                events = await asyncio.to_thread(poll)
            except ApiError as exc:
                failures += 1
                delay = min(settings['interval'] * 2 ** failures, settings['max_backoff'])
                logger.warning('%s: %s; polling again in %.0f s', source, exc.message, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            for event in events:
                await queue.put(event)
            await asyncio.sleep(settings['interval'])
    finally:
        client.close()
