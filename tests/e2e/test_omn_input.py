# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""omn_peo_project_link: bad input refused before any request, numeric IDs, and a batch of a thousand links."""

from __future__ import absolute_import, division, print_function

import json

from conftest import omn_env
from test_omn import run_links, sent_links
from test_saymon import play

LINK = {'peo_tid': 'a', 'project_tid': 'p'}
BAD_INPUT = [
    ({'links': [{'peo_tid': 'a', 'peo_id': '1', 'project_tid': 'p'}]}, 'mutually exclusive'),
    ({'links': [{'peo_tid': 'a'}]}, 'one of the following is required'),
    ({'links': [{'project_tid': 'p'}]}, 'one of the following is required'),
    ({'links': [{'peo_id': 'abc', 'project_tid': 'p'}]}, 'links[0].peo_id must be a numeric ID'),
    ({'links': [{'peo_tid': 'a', 'project_id': '12\u00b2'}]}, 'links[0].project_id must be a numeric ID'),
    ({'links': [{'peo_tid': ' ', 'project_tid': 'p'}]}, 'links[0].peo_tid must not be empty'),
    ({'links': [LINK, {'peo_tid': 'bad\u0001tid', 'project_tid': 'p'}]}, 'links[1].peo_tid cannot be sent to OMN: the character U+0001'),
    ({'links': [{'peo_tid': 'a', 'project_tid': 'p', 'colour': 'red'}]}, 'colour'),
    ({'links': []}, 'links must name at least one link'),
    ({'links': [LINK], 'state': 'gone'}, 'state'),
    ({'links': [LINK], 'schema_version': '5.6.0"><x'}, 'schema_version must be a version'),
    ({'links': [LINK], 'request_timeout': 0}, 'request_timeout must be greater than 0'),
    ({'links': [LINK], 'refresh_token': 'an-offline-token'}, 'refresh_token needs token_url'),
]


def test_bad_input_fails_before_any_request(omn, ansible):
    """Every bad input in one playbook: each task fails with a message naming the option, and OMN hears nothing."""
    tasks = ''.join('''
    - netops.bridge.omn_peo_project_link: %s
      register: bad%d
      ignore_errors: true
''' % (json.dumps(args), n) for n, (args, _words) in enumerate(BAD_INPUT))
    tasks += '''
    - netops.bridge.omn_peo_project_link:
        links: [{peo_tid: a, project_tid: p}]
      environment: {OMN_TOKEN: ""}
      register: nocreds
      ignore_errors: true
'''
    save = '{%s, "nocreds": nocreds}' % ', '.join('"bad%d": bad%d' % (n, n) for n in range(len(BAD_INPUT)))
    run = ansible.playbook(play(tasks, save), env=omn_env(omn, 'omn-token'))
    assert 'Traceback' not in run.output, run
    for n, (args, words) in enumerate(BAD_INPUT):
        result = run.results['bad%d' % n]
        assert result['failed'] is True and words in result['msg'], (args, result)
    assert run.results['nocreds']['failed'] is True and 'credentials are missing' in run.results['nocreds']['msg']
    assert omn.requests() == []


def test_numeric_ids_are_always_sent_and_marked_unknown(omn, ansible):
    """Links given by numeric IDs cannot be compared: no read for them, marked in check mode and diff, sent on every run."""
    links = [{'peo_id': '47001', 'project_id': '23488'}, {'peo_tid': 'peo-0003', 'project_id': '23489'},
             {'peo_tid': 'peo-0002', 'project_tid': 'acc0000232'}]
    run, preview = run_links(ansible, omn, links, 'absent', args=['--check', '--diff'])
    assert preview['changed'] is True and [r['changed'] for r in preview['results']] == [True, True, True], preview
    assert 'cannot be read' in preview['results'][0]['description']
    assert preview['diff']['before'] == ('peo_id=47001 -> project_id=23488  (current state unknown, given by numeric ID)\n'
                                         'peo_tid=peo-0003 -> project_id=23489  (current state unknown, given by numeric ID)\n'
                                         'peo_tid=peo-0002 -> project_tid=acc0000232\n')
    assert preview['diff']['after'] == ''
    assert omn.counts() == {'query': 1}
    run, result = run_links(ansible, omn, links, 'absent')
    assert result['changed'] is True and result.get('failed') is not True, result
    assert sent_links(omn.requests(route='links_perform')[0]) == [
        {'peoId': '47001', 'projectId': '23488'}, {'peoTid': 'peo-0003', 'projectId': '23489'},
        {'peoTid': 'peo-0002', 'projectTid': 'acc0000232'}]
    assert omn.dump_state()['links'] == []
    run, again = run_links(ansible, omn, links, 'absent')
    assert [r['changed'] for r in again['results']] == [True, True, False], again
    assert sent_links(omn.requests(route='links_perform')[1]) == [
        {'peoId': '47001', 'projectId': '23488'}, {'peoTid': 'peo-0003', 'projectId': '23489'}]


def test_a_thousand_unlinks_cost_one_read_and_one_write(omn, ansible):
    peos = dict(('bulk-%04d' % n, {'id': str(60000 + n), 'tid': 'bulk-%04d' % n, 'name': 'Bulk %d' % n, 'product': 'prod-3',
                                   'modified': '2026-02-01T00:00:00Z', 'restricted': False}) for n in range(1000))
    omn.patch_state({'peos': dict(omn.state['peos'], **peos),
                     'links': omn.state['links'] + [[tid, 'acc0000300'] for tid in sorted(peos)]})
    links = [{'peo_tid': tid, 'project_tid': 'acc0000300'} for tid in sorted(peos)]
    run, result = run_links(ansible, omn, links, 'absent')
    assert result['changed'] is True and result.get('failed') is not True, result
    assert omn.counts() == {'query': 1, 'links_perform': 1}
    assert len(sent_links(omn.requests(route='links_perform')[0])) == 1000
    assert all(r['status'] == 'SUCCESS' and r['changed'] for r in result['results'])
    assert omn.dump_state()['links'] == [['peo-0001', 'acc0000232'], ['peo-0002', 'acc0000232'], ['peo-0003', 'acc0000233']]
    omn.log.clear()
    run, again = run_links(ansible, omn, links + [{'peo_tid': 'peo-0001', 'project_tid': 'acc0000232'}], 'absent')
    assert again['changed'] is True and omn.counts() == {'query': 2, 'links_perform': 1}
    assert sent_links(omn.requests(route='links_perform')[0]) == [{'peoTid': 'peo-0001', 'projectTid': 'acc0000232'}]
