# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The oracle of the roles' accounts: a fault on one write, then the account set beside the emulators' request logs.

A role's adapter (test_role_accounts.py) names its writes in the order the role sends them, each the objects one
request carries; reads the objects a request wrote from the emulator's log; and reads the role's account as
{object: outcome}. The oracle needs nothing else to judge any role:

- an object a request wrote (answered 2xx) is ``done``; one whose request was refused (4xx) is ``failed``, with the
  words of the refusal; one answered 5xx is ``failed`` or ``outcome unknown`` (the server may have acted), with its
  words; one whose connection dropped after the server acted is ``done`` (the role read it back), ``outcome unknown``
  or ``failed``, never ``not attempted``; one never sent is ``not attempted``;
- after the struck write, only the writes the role promises to make whatever happened are sent;
- with no fault, ``--check`` plans exactly the objects (and kinds) the real run then writes.
"""

from __future__ import absolute_import, division, print_function

import json

from emulators.base import Fault

DONE, FAILED, UNKNOWN, NOT_ATTEMPTED = 'done', 'failed', 'outcome unknown', 'not attempted'
FAULTS = ('500', '403', 'after')
POSITIONS = ('first', 'middle', 'last')


def position_index(position, count):
    """The 1-based write a position strikes among ``count`` writes; None when the position is another's (middle of two)."""
    index = {'first': 1, 'middle': (count + 1) // 2, 'last': count}[position]
    if position == 'middle' and index in (1, count):
        return None
    return index


def refusal_words(index, fault):
    return 'oracle refused write %d with HTTP %s' % (index, fault)


class WriteFault(Fault):
    """A fault on the (skip + 1)th request that is a write of the role, whatever its route (Fault takes one route)."""

    def __init__(self, kind, routes, **kwargs):
        super(WriteFault, self).__init__(kind, **kwargs)
        self.routes = frozenset(routes)

    def matches(self, method, path, route_name):
        return self.times != 0 and route_name in self.routes


def strike(emulator, write_routes, skip, index, fault):
    """Make the (skip + 1)th write request to ``emulator`` fail as ``fault`` says: refused with the platform's own error
    body, or answered by the server and then its connection dropped."""
    if fault == 'after':
        found = WriteFault('after', write_routes, skip=skip, then='drop')
    else:
        status = int(fault)
        refusal = emulator.error_response(status, 'Internal' if status == 500 else 'PermissionDenied', refusal_words(index, fault))
        found = WriteFault('status', write_routes, skip=skip, status=status, body=refusal.body.decode('utf-8'),
                           content_type=refusal.content_type)
    with emulator.lock:
        emulator.faults.append(found)


def write_requests(emulator, write_routes):
    return [entry for entry in emulator.requests() if entry['route'] in write_routes]


def request_outcome(entry):
    """What a logged write request did on the server: 'written', 'dropped' (written, the answer lost), 'refused' (4xx) or
    'errored' (5xx: a client cannot tell whether the server acted)."""
    if entry.get('fault') == 'after':
        return 'dropped'
    status = entry.get('status') or 0
    if 200 <= status < 300:
        return 'written'
    return 'errored' if status >= 500 else 'refused'


def expected_outcomes(sent):
    """{object: the outcomes the account may give} from {object: [request outcomes]}: written wins over a failure of the
    same object (a retry); a request without an answer or answered 5xx may have acted."""
    expected = {}
    for name, outcomes in sent.items():
        if 'written' in outcomes:
            expected[name] = (DONE,)
        elif 'dropped' in outcomes:
            expected[name] = (DONE, UNKNOWN, FAILED)
        elif 'errored' in outcomes:
            expected[name] = (FAILED, UNKNOWN)
        else:
            expected[name] = (FAILED,)
    return expected


def judge(planned, sent, account, messages, words):
    """Every disagreement between the account and the request log, one line each.

    planned: the objects the role means to write; sent: {object: [request outcome, ...]} from the log; account:
    {object: outcome} from the role's summary; messages: {object: the account's words for it}; words: the refusal's
    words the failed object's message must carry (None when the connection was dropped)."""
    problems = []
    expected = expected_outcomes(sent)
    for name in planned:
        if name not in expected:
            expected[name] = (NOT_ATTEMPTED,)
    for name in sorted(expected, key=json.dumps):
        given = account.get(name, 'missing from the account')
        if given not in expected[name]:
            problems.append('%s: the account says %r, the server log says %s (requests: %s)'
                            % (label(name), given, ' or '.join(expected[name]), sent.get(name, 'none')))
        elif given in (FAILED, UNKNOWN) and words and set(sent.get(name, ())) & set(['refused', 'errored']) \
                and words not in messages.get(name, ''):
            problems.append('%s: failed, but its message does not give the server\'s words %r: %r'
                            % (label(name), words, shorten(messages.get(name))))
    for name in sorted(set(account) - set(expected), key=json.dumps):
        problems.append('%s: the account says %r for an object the role did not plan and never sent' % (label(name), account[name]))
    return problems


def label(name):
    return ' '.join(str(part) for part in name) if isinstance(name, tuple) else str(name)


def shorten(text, size=400):
    text = '%s' % (text,)
    return text if len(text) <= size else text[:size] + '...'
