# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The OMN modules' main() against a scripted HTTP server, and the link planning on its own."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import time
from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree


from ansible_collections.netops.bridge.plugins.modules import omn_peo_info, omn_peo_project_link
from .module_runner import run

NS = '{http://www.apollon.de/omn}'
XML = {'Content-Type': 'application/xml;charset=UTF-8'}
JSON = {'Content-Type': 'application/json'}


def creds(server, **args):
    return dict(url=server.url, token='omn-token', **args)


def answer(*items):
    """A <pim> answer with one <response> per (attribute, value, status, description)."""
    pim = etree.Element(NS + 'pim', nsmap={None: NS[1:-1]}, schemaVersion='5.6.0')
    responses = etree.SubElement(pim, NS + 'responses')
    for attr, value, status, description in items:
        response = etree.SubElement(responses, NS + 'response', action='unlink', dataType='peo')
        response.set(attr, value)
        etree.SubElement(response, NS + 'description').text = description
        etree.SubElement(response, NS + 'status').text = status
    return (200, XML, etree.tostring(pim, xml_declaration=True, encoding='UTF-8'))


def tids(*values):
    return (200, JSON, json.dumps({'tids': list(values)}))


def sent_items(body):
    root = etree.fromstring(body)
    groups = list(root.iter(NS + 'meta')) + list(root.iter(NS + 'itms'))[1:]
    return [dict((i.get('key'), i.text) for i in group.iter(NS + 'itm')) for group in groups]


LINKS = [{'peo_tid': 'p1', 'project_tid': 'A'}, {'peo_tid': 'p2', 'project_tid': 'A'}, {'peo_tid': 'p3', 'project_tid': 'B'}]


def test_check_mode_and_diff_read_once_per_project_and_send_nothing(server):
    server.answers = [tids('p1', 'other'), tids()]
    out = run(omn_peo_project_link, creds(server, links=LINKS, state='absent'), check_mode=True, diff=True)
    assert not out.failed and out.result['changed'] is True
    assert [r['changed'] for r in out.result['results']] == [True, False, False]
    assert out.result['diff'] == {'before': 'peo_tid=p1 -> project_tid=A\n', 'after': ''}
    assert [(r['method'], r['path']) for r in server.received] == [('POST', '/api/core/v1/peo/peos/query')] * 2
    assert [json.loads(r['body']) for r in server.received] == [
        {'tidProject': 'A', 'withChildren': False}, {'tidProject': 'B', 'withChildren': False}]
    assert server.received[0]['headers']['authorization'] == 'Bearer omn-token'


def test_link_sends_only_the_missing_links_in_one_xml_request(server):
    server.answers = [tids('p1'), tids(), answer(('tid', 'p2', 'SUCCESS', 'linked'), ('tid', 'p3', 'SUCCESS', 'linked'))]
    out = run(omn_peo_project_link, creds(server, links=LINKS + [LINKS[0]], schema_version='6.2.0'))
    assert not out.failed and out.result['changed'] is True, out.result
    write = server.received[2]
    assert write['path'] == '/api/core/v1/peo/peos/links/persist' and write['headers']['content-type'].startswith('application/xml')
    assert etree.fromstring(write['body']).get('schemaVersion') == '6.2.0'
    assert sent_items(write['body']) == [{'peoTid': 'p2', 'projectTid': 'A'}, {'peoTid': 'p3', 'projectTid': 'B'}]
    assert [(r['changed'], r['status']) for r in out.result['results']] == [(False, None), (True, 'SUCCESS'), (True, 'SUCCESS')]


def test_partial_failure_keeps_successes_and_quotes_omn(server):
    server.answers = [tids('p1', 'p2'), tids('p3'),
                      answer(('tid', 'p1', 'SUCCESS', 'PEO has been unlinked successfully'), ('path', '/111', 'ERROR', 'PEO is not available by access rights'),
                             ('tid', 'p3', 'SUCCESS', 'PEO has been unlinked successfully'))]
    out = run(omn_peo_project_link, creds(server, links=LINKS, state='absent'))
    assert out.failed and out.result['changed'] is True
    assert out.result['msg'] == 'OMN refused 1 of 3 unlinks: peo_tid=p2 -> project_tid=A: PEO is not available by access rights'
    assert [r['status'] for r in out.result['results']] == ['SUCCESS', 'ERROR', 'SUCCESS']


def test_values_xml_cannot_carry_are_refused_before_any_request(server):
    out = run(omn_peo_project_link, creds(server, links=[{'peo_tid': 'a\x00b', 'project_tid': 'A'}]))
    assert out.failed and 'links[0].peo_tid cannot be sent to OMN: the character U+0000' in out.result['msg']
    assert server.received == []


def test_a_write_that_fails_at_http_level_is_not_reported_as_changed(server):
    server.answers = [(400, XML, b'<pim xmlns="http://www.apollon.de/omn"><responses><response><status>ERROR</status>'
                                 b'<description>Invalid input provided</description></response></responses></pim>')]
    out = run(omn_peo_project_link, creds(server, links=[{'peo_id': '1', 'project_id': '2'}]))
    assert out.failed and out.result['changed'] is False and 'HTTP 400' in out.result['msg'] and 'Invalid input provided' in out.result['msg']
    assert out.result['results'][0]['description'] == 'no answer for this link: the request failed'
    assert len(server.received) == 1


def test_a_malformed_answer_to_a_write_may_have_acted(server):
    server.answers = [(200, XML, b'<pim xmlns="http://www.apollon.de/omn"><responses>')]
    out = run(omn_peo_project_link, creds(server, links=[{'peo_id': '1', 'project_id': '2'}]))
    assert out.failed and out.result['changed'] is True and 'may have reached the server' in out.result['msg']
    assert len(server.received) == 1


def test_refresh_token_is_traded_for_an_access_token_first(server):
    server.answers = [(200, JSON, json.dumps({'access_token': 'fresh-access', 'expires_in': 3600})), tids('p1')]
    out = run(omn_peo_info, dict(url=server.url, refresh_token='offline-123', token_url=server.url + '/auth/realms/OMN/protocol/openid-connect/token',
                                 project_tid='A'))
    assert not out.failed and out.result['tids'] == ['p1']
    form = parse_qs(server.received[0]['body'].decode())
    assert form == {'grant_type': ['refresh_token'], 'client_id': ['omn-ui'], 'refresh_token': ['offline-123']}
    assert 'authorization' not in server.received[0]['headers']
    assert server.received[1]['headers']['authorization'] == 'Bearer fresh-access'


def test_info_sends_every_criterion_and_retrieves(server):
    server.answers = [tids('p1'), (200, XML, b'<pim xmlns="http://www.apollon.de/omn"><peos><peo id="1" tid="p1"><name>One</name></peo></peos></pim>')]
    out = run(omn_peo_info, creds(server, project_tid='A', with_children=False, product_tid='prod', names=['One', 'Two'],
                                  modified_from='2026-01-01T00:00:00Z', modified_until='2026-12-31T00:00:00Z', retrieve=True))
    assert not out.failed and out.result['changed'] is False
    assert json.loads(server.received[0]['body']) == {'tidProject': 'A', 'withChildren': False, 'tidProduct': 'prod', 'names': ['One', 'Two'],
                                                      'modifiedFrom': '2026-01-01T00:00:00Z', 'modifiedUntil': '2026-12-31T00:00:00Z'}
    assert json.loads(server.received[1]['body']) == {'tids': ['p1']}
    assert out.result['peos'] == [{'id': '1', 'tid': 'p1', 'name': 'One'}]


def test_info_without_matches_does_not_retrieve(server):
    server.answers = [tids()]
    out = run(omn_peo_info, creds(server, product_tid='prod', retrieve=True))
    assert out.result['tids'] == [] and out.result['peos'] == [] and len(server.received) == 1


# -- the planning on its own -------------------------------------------------------------------------------------

class StubApi(object):
    def __init__(self, linked):
        self.linked = linked
        self.reads = 0
        self.sent = None

    def query(self, criteria):
        self.reads += 1
        return list(self.linked)

    def unlink(self, links):
        self.sent = links
        return [{'tid': link.get('peoTid'), 'id': None, 'path': None, 'status': 'SUCCESS', 'description': 'ok'} for link in links]

    link = unlink


class StubModule(object):
    check_mode = False

    def __init__(self, links, state, linked):
        self.params = {'links': links, 'state': state}
        self.result = {}
        self.api = StubApi(linked)

    def fail(self, msg, **extra):
        raise AssertionError(msg)


def test_planning_is_linear_in_the_number_of_links():
    links = [{'peo_tid': 'peo-%d' % n, 'project_tid': 'P'} for n in range(20000)]
    module = StubModule(links, 'present', ['peo-%d' % n for n in range(0, 20000, 2)])
    started = time.monotonic()
    omn_peo_project_link.run(module)
    # Quadratic planning took about 9 s for 10,000 links; linear takes well under a second for 20,000.
    assert time.monotonic() - started < 5
    assert module.api.reads == 1 and len(module.api.sent) == 10000


def response(**attrs):
    found = {'tid': None, 'id': None, 'path': None, 'status': 'ERROR', 'description': 'x'}
    found.update(attrs)
    return found


def test_responses_pair_by_position_when_omn_answers_each_link():
    sent = [{'peo_tid': 'a', 'project_tid': 'P'}, {'peo_tid': 'b', 'project_tid': 'P'}]
    answers = [response(path='/9'), response(tid='b')]
    assert omn_peo_project_link.match_responses(sent, answers) == answers


def test_responses_pair_by_name_when_counts_differ():
    sent = [{'peo_tid': 'a', 'project_tid': 'P'}, {'peo_id': '5', 'project_tid': 'P'}, {'peo_tid': 'c', 'project_id': '77'},
            {'peo_tid': 'a', 'project_tid': 'Q'}, {'peo_tid': 'e', 'project_tid': 'P'}]
    by_tid, by_path, by_project = response(tid='a', status='SUCCESS'), response(path='/5'), response(id='77')
    matched = omn_peo_project_link.match_responses(sent, [by_project, by_path, by_tid])
    # One response per PEO is shared by both links of PEO "a"; "e" has none.
    assert matched == [by_tid, by_path, by_project, by_tid, None]


def test_unnamed_leftover_responses_go_to_unmatched_links_in_order():
    sent = [{'peo_tid': 'a', 'project_tid': 'P'}, {'peo_tid': 'b', 'project_tid': 'P'}, {'peo_tid': 'c', 'project_tid': 'P'}]
    first, second = response(path='/1'), response(tid='b')
    assert omn_peo_project_link.match_responses(sent, [first, second]) == [first, second, None]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(['a', 'b', 'c', 'd']), st.sampled_from(['P', 'Q'])), max_size=12),
       st.sets(st.tuples(st.sampled_from(['a', 'b', 'c', 'd']), st.sampled_from(['P', 'Q']))),
       st.sampled_from(['present', 'absent']))
def test_planning_sends_exactly_what_differs_and_the_diff_shows_it(pairs, linked, state):
    links = [{'peo_tid': peo, 'project_tid': project} for peo, project in pairs]
    module = StubModule(links, state, [])
    module.api.query = lambda criteria: [peo for peo, project in linked if project == criteria['tidProject']]
    if not links:
        return
    omn_peo_project_link.run(module)
    wanted = state == 'present'
    distinct = list(dict.fromkeys(pairs))
    expected = [{'peoTid': peo, 'projectTid': project} for peo, project in distinct if ((peo, project) in linked) != wanted]
    assert (module.api.sent or []) == expected
    assert module.result['changed'] is bool(expected)
    before = set(module.result['diff']['before'].splitlines())
    after = set(module.result['diff']['after'].splitlines())
    changed = before ^ after
    assert changed == set('peo_tid=%s -> project_tid=%s' % (s['peoTid'], s['projectTid']) for s in expected)


@pytest.mark.parametrize('args, words', [
    ({}, 'one of the following is required'),
    ({'names': []}, 'names must list at least one name'),
    ({'names': ['ok', ' ']}, 'names[1] must not be empty'),
    ({'project_tid': ''}, 'project_tid must not be empty'),
    ({'product_tid': 'p', 'schema_version': 'five'}, 'schema_version must be a version'),
])
def test_info_refuses_bad_input_before_any_request(server, args, words):
    out = run(omn_peo_info, creds(server, **args))
    assert out.failed and words in out.result['msg'], out.result
    assert server.received == []
