# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: polling until something has finished, with a growing interval and a deadline."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.netops.bridge.plugins.module_utils._errors import WaitTimeout

FIRST_INTERVAL = 0.25
GROWTH = 1.5


def poll_intervals(max_interval, first=FIRST_INTERVAL, growth=GROWTH):
    """0.25, 0.375, 0.56, ... capped at ``max_interval``: quick to see a short job finish,
    and a number of polls that grows only logarithmically, then linearly at the cap, with the wait."""
    interval = min(first, max_interval)
    while True:
        yield interval
        interval = min(max_interval, interval * growth)


def wait_for(read, finished, timeout, max_interval, what, clock=time.monotonic, sleep=time.sleep):
    """Call ``read()`` until ``finished(value)`` is true; return ``(value, polls)``.

    Raises WaitTimeout carrying the last value read when ``timeout`` seconds pass first.
    """
    deadline = clock() + timeout
    polls = 0
    intervals = poll_intervals(max_interval)
    while True:
        value = read()
        polls += 1
        if finished(value):
            return value, polls
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout('%s did not finish within wait_timeout=%ss (%d polls)' % (what, timeout, polls),
                              last=value, polls=polls)
        sleep(min(next(intervals), remaining))
