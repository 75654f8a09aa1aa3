# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OMN modules run by real ansible-playbook commands against the OMN emulator."""

from __future__ import absolute_import, division, print_function

import json

from lxml import etree

from conftest import omn_env
from test_saymon import play

NS = '{http://www.apollon.de/omn}'


def link_task(links, state='present', extra=''):
    return '''
    - netops.bridge.omn_peo_project_link:
        state: %s
        links: %s%s
      register: link
      ignore_errors: true
''' % (state, json.dumps(links), extra)


def run_links(ansible, omn, links, state='present', env=None, args=(), extra=''):
    run = ansible.playbook(play(link_task(links, state, extra), "{'link': link}"), env=env or omn_env(omn), args=args)
    assert 'Traceback' not in run.output, run
    return run, run.results.get('link', {})


def sent_links(request):
    root = etree.fromstring(request['body'].encode('utf-8'))
    return [dict((itm.get('key'), itm.text) for itm in group.iter(NS + 'itm'))
            for group in list(root.iter(NS + 'meta')) + list(root.iter(NS + 'itms'))[1:]]


BATCH = [{'peo_tid': 'peo-%04d' % n, 'project_tid': 'acc0000300'} for n in range(1, 26)]


def test_batch_link_in_one_request_then_idempotent(omn, ansible):
    run, result = run_links(ansible, omn, BATCH)
    assert result['changed'] is True and result.get('failed') is not True, result
    assert omn.count(route='links_persist') == 1 and omn.count(route='query') == 1
    request = omn.requests(route='links_persist')[0]
    assert request['headers']['content-type'].startswith('application/xml')
    assert request['headers']['authorization'] == 'Bearer omn-token'
    assert sent_links(request) == [{'peoTid': link['peo_tid'], 'projectTid': 'acc0000300'} for link in BATCH]
    assert all(r['status'] == 'SUCCESS' for r in result['results'])
    omn.log.clear()
    run, again = run_links(ansible, omn, BATCH)
    assert again['changed'] is False and run.recap['localhost']['changed'] == 0
    assert omn.counts() == {'query': 1}


def test_batch_unlink_check_and_diff_then_real(omn, ansible):
    links = [{'peo_tid': 'peo-0001', 'project_tid': 'acc0000232'}, {'peo_tid': 'peo-0002', 'project_tid': 'acc0000232'},
             {'peo_tid': 'peo-0005', 'project_tid': 'acc0000232'}]
    run, preview = run_links(ansible, omn, links, 'absent', args=['--check', '--diff'])
    assert preview['changed'] is True and [r['changed'] for r in preview['results']] == [True, True, False]
    assert preview['diff']['before'] == 'peo_tid=peo-0001 -> project_tid=acc0000232\npeo_tid=peo-0002 -> project_tid=acc0000232\n'
    assert preview['diff']['after'] == ''
    assert '-peo_tid=peo-0001 -> project_tid=acc0000232' in run.stdout
    assert omn.count(route='links_perform') == 0
    run, result = run_links(ansible, omn, links, 'absent')
    assert result['changed'] is True and omn.count(route='links_perform') == 1
    assert sent_links(omn.requests(route='links_perform')[0]) == [
        {'peoTid': 'peo-0001', 'projectTid': 'acc0000232'}, {'peoTid': 'peo-0002', 'projectTid': 'acc0000232'}]
    assert ['peo-0003', 'acc0000233'] in omn.dump_state()['links'] and ['peo-0001', 'acc0000232'] not in omn.dump_state()['links']
    run, again = run_links(ansible, omn, links, 'absent')
    assert again['changed'] is False and omn.count(route='links_perform') == 1


def test_partial_failure_reports_each_item_in_omn_words(omn, ansible):
    links = [{'peo_tid': 'peo-0001', 'project_tid': 'acc0000232'},
             {'peo_id': '475230', 'project_tid': 'acc0000232'},
             {'peo_tid': 'peo-0004', 'project_id': '754545'},
             {'peo_tid': 'peo-secret', 'project_tid': 'acc0000232'}]
    omn.patch_state({'links': [['peo-0001', 'acc0000232'], ['peo-secret', 'acc0000232']]})
    run, result = run_links(ansible, omn, links, 'absent', env=omn_env(omn, 'restricted-token'))
    assert result['failed'] is True
    assert 'OMN refused 3 of 4 unlinks' in result['msg']
    for words in ('PEO not found', 'Project not found', 'PEO is not available by access rights'):
        assert words in result['msg']
    assert result['results'][0]['status'] == 'SUCCESS' and result['results'][0]['changed'] is True
    assert [r['status'] for r in result['results'][1:]] == ['ERROR', 'ERROR', 'ERROR']
    assert omn.count(route='links_perform') == 1


def test_hostile_tid_travels_intact(omn, ansible):
    odd = 'peo-<&"\'>'
    run, result = run_links(ansible, omn, [{'peo_tid': odd, 'project_tid': 'acc0000300'}])
    assert result['changed'] is True and result.get('failed') is not True, result
    assert [odd, 'acc0000300'] in omn.dump_state()['links']
    assert sent_links(omn.requests(route='links_persist')[0]) == [{'peoTid': odd, 'projectTid': 'acc0000300'}]


def test_wrong_token_and_malformed_answers(omn, ansible):
    run, result = run_links(ansible, omn, BATCH[:1], env=omn_env(omn, 'wrong-token'))
    assert result['failed'] is True and 'HTTP 401' in result['msg'] and 'Not authorized' in result['msg']
    assert 'wrong-token' not in run.output
    omn.add_fault('malformed', route='links_persist', body='<pim xmlns="http://www.apollon.de/omn"><responses>', content_type='application/xml')
    run, result = run_links(ansible, omn, BATCH[:1])
    assert result['failed'] is True and 'not well-formed' in result['msg'] and 'may have reached the server' in result['msg']
    omn.add_fault('malformed', route='links_persist',
                  body='<?xml version="1.0"?><!DOCTYPE pim [<!ENTITY x SYSTEM "file:///etc/passwd">]><pim xmlns="http://www.apollon.de/omn">&x;</pim>',
                  content_type='application/xml')
    run, result = run_links(ansible, omn, BATCH[:1])
    assert result['failed'] is True and 'DOCTYPE' in result['msg'] and 'root:' not in run.output


def test_refresh_token_flow_and_info(omn, ansible):
    env = {'OMN_URL': omn.url, 'OMN_REFRESH_TOKEN': 'offline-token', 'OMN_TOKEN_URL': omn.url + '/auth/realms/OMN/protocol/openid-connect/token'}
    run = ansible.playbook(play('''
    - netops.bridge.omn_peo_info:
        project_tid: acc0000232
      register: all_levels
    - netops.bridge.omn_peo_info:
        project_tid: acc0000232
        with_children: false
        retrieve: true
      register: direct
''', "{'all_levels': all_levels, 'direct': direct}"), env=env)
    assert run.rc == 0, run
    assert run.results['all_levels']['tids'] == ['peo-0001', 'peo-0002', 'peo-0003']
    assert run.results['direct']['tids'] == ['peo-0001', 'peo-0002']
    assert [p['tid'] for p in run.results['direct']['peos']] == ['peo-0001', 'peo-0002']
    assert run.results['direct']['peos'][0]['name'] == 'PEO 1'
    assert omn.count(route='token') == 2
    token_request = omn.requests(route='token')[0]
    assert 'grant_type=refresh_token' in token_request['body'] and 'client_id=omn-ui' in token_request['body']
    assert omn.requests(route='query')[0]['headers']['authorization'] == 'Bearer omn-token'
    assert 'offline-token' not in run.output


def test_query_is_retried_but_links_never_resent(omn, ansible):
    omn.add_fault('status', route='query', status=503, times=2)
    omn.add_fault('after', route='links_persist', then='drop')
    run, result = run_links(ansible, omn, BATCH[:3])
    assert result['failed'] is True and 'may have reached the server' in result['msg']
    assert omn.count(route='query') == 3 and omn.count(route='links_persist') == 1


def test_peo_info_reads_peos_by_tid_in_one_retrieve_and_refuses_mixing_tids_with_a_query(omn, ansible):
    run = ansible.playbook(play('''
    - netops.bridge.omn_peo_info:
        tids: [peo-0002, peo-9999, peo-0001]
        retrieve: true
      register: by_tid
    - netops.bridge.omn_peo_info:
        tids: [peo-0001]
        project_tid: acc0000232
      register: mixed
      ignore_errors: true
''', "{'by_tid': by_tid, 'mixed': mixed}"), env=omn_env(omn))
    assert run.rc == 0, run
    assert run.results['by_tid']['tids'] == ['peo-0002', 'peo-0001']  # in the order asked, the unknown one left out
    assert [p['tid'] for p in run.results['by_tid']['peos']] == ['peo-0002', 'peo-0001']
    assert run.results['mixed']['failed'] and 'mutually exclusive' in run.results['mixed']['msg']
    assert omn.count(route='retrieve') == 1 and omn.count(route='query') == 0
