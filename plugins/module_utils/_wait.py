# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: polling until something has finished, with a growing interval and a deadline."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.netops.bridge.plugins.module_utils._errors import NeverFound, WaitTimeout

FIRST_INTERVAL = 0.25
GROWTH = 1.5


def wait_argument_spec(default_wait, default_timeout, default_not_found_timeout):
    """The options of every module that can wait; PlatformModule.validate_wait checks them."""
    return dict(
        wait=dict(type='bool', default=default_wait),
        wait_timeout=dict(type='float', default=default_timeout),
        poll_interval=dict(type='float', default=5),
        not_found_timeout=dict(type='float', default=default_not_found_timeout),
    )


def wait_as_asked(read, finished, what, missing, params):
    """wait_for with the options of wait_argument_spec, as the task gave them."""
    return wait_for(read, finished, params['wait_timeout'], params['poll_interval'], what, missing=missing,
                    not_found_timeout=params['not_found_timeout'])


def poll_intervals(max_interval, first=FIRST_INTERVAL, growth=GROWTH):
    """0.25, 0.375, 0.56, ... capped at ``max_interval``: quick to see a short job finish,
    and a number of polls that grows only logarithmically, then linearly at the cap, with the wait."""
    interval = min(first, max_interval)
    while True:
        yield interval
        interval = min(max_interval, interval * growth)


def wait_for(read, finished, timeout, max_interval, what, clock=time.monotonic, sleep=time.sleep,
             missing=None, not_found_timeout=None):
    """Call ``read()`` until ``finished(value)`` is true; return ``(value, polls)``.

    Raises WaitTimeout carrying the last value read when ``timeout`` seconds pass first. When ``missing(value)``
    says the server does not know the thing at all, and it has said so on every read for ``not_found_timeout``
    seconds, raises NeverFound instead: a typo or a lost run must not be polled until ``timeout``.
    """
    start = clock()
    deadline = start + timeout
    found_by = start + not_found_timeout if missing is not None and not_found_timeout is not None else None
    polls = 0
    intervals = poll_intervals(max_interval)
    while True:
        value = read()
        polls += 1
        if finished(value):
            return value, polls
        if found_by is not None and not missing(value):
            found_by = None
        now = clock()
        if found_by is not None and now >= found_by:
            raise NeverFound('%s was never found: the server still did not know it after %ss (%d polls, '
                             'not_found_timeout=%ss)' % (what, round(now - start, 1), polls, not_found_timeout),
                             last=value, polls=polls)
        remaining = deadline - now
        # "not >": a nan timeout, should one get past PlatformModule.require_finite, ends the wait at once, not never.
        if not remaining > 0:
            raise WaitTimeout('%s did not finish within wait_timeout=%ss (%d polls)' % (what, timeout, polls),
                              last=value, polls=polls)
        pause = min(next(intervals), remaining)
        if found_by is not None:
            pause = min(pause, max(0.0, found_by - now))
        sleep(pause)
