# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netops.bridge.plugins.module_utils.enms import run_finished, run_outcome
from ansible_collections.netops.bridge.plugins.modules.enms_service_run import run_request


@pytest.mark.parametrize('answer,finished', [
    (None, False),
    ({'status': 'Running', 'result': 'No results yet.'}, False),
    ({'status': 'Completed', 'result': {}}, True),
    ({'status': 'Aborted', 'result': 'No results yet.'}, True),
    ({'status': 'Aborted (RELOAD)'}, True),
])
def test_run_finished(answer, finished):
    assert run_finished(answer) is finished


def test_run_outcome_tolerates_a_result_that_is_not_a_dict():
    outcome = run_outcome({'status': 'Running', 'result': 'No results yet.'})
    assert outcome == {'status': 'Running', 'success': None, 'summary': {'success': [], 'failure': [], 'discard': []},
                       'duration': None, 'result': {}}
    result = {'success': False, 'duration': '0:00:02', 'summary': {'success': ['a'], 'failure': ['b']}}
    done = run_outcome({'status': 'Completed', 'result': result})
    assert done['success'] is False and done['summary'] == {'success': ['a'], 'failure': ['b'], 'discard': []}
    odd = run_outcome({'status': 'Completed', 'result': {'summary': {'success': 'a', 'failure': 3, 'discard': None}}})
    assert odd['summary'] == {'success': [], 'failure': [], 'discard': []}


def test_run_request_always_sends_async_and_only_given_targets():
    params = {'name': 'svc', 'devices': ['a'], 'pools': None, 'ip_addresses': [], 'payload': {'ticket': 1},
              'ignore_invalid_targets': False, 'run_name': None}
    assert run_request(params) == {'name': 'svc', 'async': True, 'devices': ['a'], 'ticket': 1}
    params.update(ignore_invalid_targets=True, run_name='nightly')
    assert run_request(params)['form'] == {'name': 'nightly'} and run_request(params)['ignore_invalid_targets'] is True


# -- values as eNMS stores them, names it can address, its per-record answer (issue 30) ---------------------------------
from ansible_collections.netops.bridge.plugins.module_utils.enms import (  # noqa: E402
    Account, answer_outcome, enms_words, stored_type, stored_value, unaddressable)


@pytest.mark.parametrize('value,kind,stored', [
    ('False', 'bool', False), ('no', 'bool', False), ('off', 'bool', False), ('0', 'bool', False), (0, 'bool', False),
    ('TRUE', 'bool', True), ('yes', 'bool', True), ('on', 'bool', True), (1, 'bool', True), (True, 'bool', True),
    ('22', 'int', 22), (' -7 ', 'int', -7), (2 ** 63 - 1, 'int', 2 ** 63 - 1), (-2 ** 63, 'int', -2 ** 63),
    ('x', None, 'x'), (5, None, 5), ({'a': 1}, None, {'a': 1}),
])
def test_values_are_converted_to_the_type_enms_stores(value, kind, stored):
    converted = stored_value(value, kind)
    assert converted == stored and type(converted) is type(stored)


@pytest.mark.parametrize('value,kind,words', [
    ('maybe', 'bool', "'maybe' is not a boolean"), ('ssh', 'int', "'ssh' is not an integer"),
    (True, 'int', 'True is not an integer'), (2.5, 'int', '2.5 is not an integer'), ('1e3', 'int', "'1e3' is not an integer"),
    (2 ** 63, 'int', '9223372036854775808 is beyond the signed 64-bit integers'),
    (-2 ** 63 - 1, 'int', '-9223372036854775809 is beyond the signed 64-bit integers'),
])
def test_values_that_cannot_be_converted_say_why(value, kind, words):
    with pytest.raises(ValueError) as refused:
        stored_value(value, kind)
    assert words in str(refused.value)


@pytest.mark.parametrize('value,kind', [(True, 'bool'), (False, 'bool'), (22, 'int'), ('22', None), (2.5, None), (None, None)])
def test_the_stored_type_is_told_by_the_value_enms_gives(value, kind):
    assert stored_type(value) == kind


@pytest.mark.parametrize('name,refused', [
    ('.', True), ('..', True), ('a/b', True), ('a\\b', True), ("a'b", True), ('a"b', True), (' ', True), ('', True),
    ('...', False), ('.a', False), ('site1-leaf1', False), ('XR-1', False),
])
def test_names_enms_cannot_address_are_told(name, refused):
    assert (unaddressable(name) is not None) is refused


def test_enms_answer_names_each_record_under_its_name_after_the_write():
    refusal = [{'name': 'a', 'port': 'x'}, 'Traceback\n  File "x"\nValueError: bad']
    answer = {'success': ['b-new', 'c'], 'failure': [refusal, ['d', None]]}
    assert answer_outcome(answer, {'a': 'a-new', 'b': 'b-new', 'b-new': 'b-new'}) == {
        'written': ['b-new', 'c'], 'refused': {'a-new': 'ValueError: bad', 'd': 'None'}}


def test_the_refusals_are_lines_with_the_names_sharing_words_together():
    account = Account()
    account.refused = {'b': 'HTTP 500', 'a': 'HTTP 500', 'c': 'ValueError: no'}
    assert account.lines() == ['a, b: HTTP 500', 'c: ValueError: no']


@pytest.mark.parametrize('value', ['maybe', 'truee', 'y e s'])
def test_a_text_that_is_no_boolean_is_refused_for_a_boolean_property(value):
    with pytest.raises(ValueError) as refused:
        stored_value(value, 'bool')
    assert str(refused.value) == '%r is not a boolean (true/false, yes/no, on/off, 1/0)' % value


@pytest.mark.parametrize('traceback,words', [
    ('Traceback (most recent call last):\n  File "x.py"\nValueError: ' + 'x' * 300, 'ValueError: ' + 'x' * 288 + '...'),
    ('ValueError: ' + 'x' * 288, 'ValueError: ' + 'x' * 288),
    ('\n  \n', '\n  \n'),
    (None, 'None'),
])
def test_enms_words_are_the_last_line_of_its_traceback_shortened_to_300_characters(traceback, words):
    assert enms_words(traceback) == words


@pytest.mark.parametrize('answer', [None, ['Completed'], 'Completed'])
def test_an_answer_that_is_no_object_gives_no_outcome(answer):
    assert run_outcome(answer) == {'status': None, 'success': None, 'summary': {'success': [], 'failure': [], 'discard': []},
                                   'duration': None, 'result': {}}


def test_enms_answer_counts_a_rename_it_names_by_the_old_name_under_the_new_one():
    assert answer_outcome({'success': ['b']}, {'b': 'b-new', 'b-new': 'b-new'}) == {'written': ['b-new'], 'refused': {}}


def test_enms_answer_takes_a_failure_given_as_a_name_alone():
    assert answer_outcome({'failure': ['site1-x']}, {'site1-x': 'site1-x'}) == {'written': [], 'refused': {'site1-x': 'None'}}


def test_the_refusals_are_lines_in_the_order_of_the_names_whatever_their_words():
    account = Account()
    account.refused = {'site1-a': 'eNMS: z', 'site1-b': 'eNMS: a', 'site1-c': 'eNMS: z'}
    assert account.lines() == ['site1-a, site1-c: eNMS: z', 'site1-b: eNMS: a']


@pytest.mark.parametrize('name,words', [
    (' ', 'must not be empty'),
    ('..', "cannot be '..' (the request path /rest/instance/<type>/.. collapses, so eNMS could never delete it)"),
    ('a/b', 'must not hold a slash, a backslash or a quote (eNMS refuses them)'),
])
def test_names_enms_cannot_address_are_told_why(name, words):
    assert unaddressable(name) == words
