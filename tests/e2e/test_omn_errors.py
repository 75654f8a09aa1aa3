# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""omn_peo_project_link and omn_peo_info against OMN's documented error answers."""

from __future__ import absolute_import, division, print_function

import requests

from conftest import omn_env
from test_saymon import play

# The seed's three error samples, byte for byte as the vendor documents them (seeds/002).
SEED_ERRORS = {
    'PEO not found': '''<?xml version="1.0" encoding="UTF-8"?>
<pim xmlns="http://www.apollon.de/omn" schemaVersion="5.6.0">
<meta>
<itm key="messageType">request</itm>
<itm key="messageTime">2023-02-27T08:55:39.051Z</itm>
<itm key="sourceEnv">web</itm>
</meta>
<responses>
<response action="link" dataType="peoToProjectLink" id="475230">
<description>PEO not found</description>
<status>ERROR</status>
</response>
</responses>
</pim>''',
    'PEO is not available by access rights': '''<?xml version="1.0" encoding="UTF-8"?>
<pim xmlns="http://www.apollon.de/omn" schemaVersion="5.6.0">
<meta>
<itm key="messageType">request</itm>
<itm key="messageTime">2022-07-06T11:49:25.214Z</itm>
<itm key="sourceEnv">web</itm>
</meta>
<responses>
<response dataType="peo" action="unlink" path="/111">
<status>ERROR</status>
<description>PEO is not available by access rights</description>
</response>
</responses>
</pim>''',
    'Project not found': '''<?xml version="1.0" encoding="UTF-8"?>
<pim xmlns="http://www.apollon.de/omn" schemaVersion="5.6.0">
<meta>
<itm key="messageType">request</itm>
<itm key="messageTime">2023-02-27T09:02:48.326Z</itm>
<itm key="sourceEnv">web</itm>
</meta>
<responses>
<response action="link" dataType="peoToProjectLink" id="754545">
<description>Project not found</description>
<status>ERROR</status>
</response>
</responses>
</pim>''',
}


def pim_error(text):
    return ('<?xml version="1.0" encoding="UTF-8"?><pim xmlns="http://www.apollon.de/omn" schemaVersion="5.6.0"><responses>'
            '<response><status>ERROR</status><description>%s</description></response></responses></pim>' % text)


def test_the_seed_error_samples_verbatim(omn, ansible):
    """OMN's documented error bodies, served as they are under HTTP 200, fail the task in OMN's words."""
    for body in SEED_ERRORS.values():
        omn.add_fault('malformed', route='links_perform', status=200, body=body, content_type='application/xml;charset=UTF-8')
    tasks = ''.join('''
    - netops.bridge.omn_peo_project_link:
        state: absent
        links: [{peo_tid: peo-0001, project_tid: acc0000232}]
      register: error%d
      ignore_errors: true
''' % n for n in range(len(SEED_ERRORS)))
    run = ansible.playbook(play(tasks, '{%s}' % ', '.join('"error%d": error%d' % (n, n) for n in range(len(SEED_ERRORS)))), env=omn_env(omn))
    assert 'Traceback' not in run.output, run
    for n, words in enumerate(SEED_ERRORS):
        result = run.results['error%d' % n]
        assert result['failed'] is True and result['changed'] is False, result
        assert result['msg'] == 'OMN refused 1 of 1 unlinks: peo_tid=peo-0001 -> project_tid=acc0000232: %s' % words
        assert result['results'] == [{'peo_tid': 'peo-0001', 'project_tid': 'acc0000232', 'changed': False,
                                      'status': 'ERROR', 'description': words}]
    assert omn.count(route='links_perform') == 3


def test_the_emulator_answers_like_the_seed(omn, ansible):
    """The emulator's own per-item errors, one request, in the seed's shapes: id of the PEO, id of the project, path."""
    links = [{'peo_id': '475230', 'project_tid': 'acc0000232'}, {'peo_tid': 'peo-0004', 'project_id': '754545'},
             {'peo_tid': 'peo-secret', 'project_tid': 'acc0000232'}, {'peo_tid': 'peo-0002', 'project_tid': 'acc0000232'}]
    omn.patch_state({'links': [['peo-0002', 'acc0000232'], ['peo-secret', 'acc0000232']]})
    run = ansible.playbook(play('''
    - netops.bridge.omn_peo_project_link:
        state: absent
        links: %s
      register: link
      ignore_errors: true
''' % links, '{"link": link}'), env=omn_env(omn, 'restricted-token'))
    result = run.results['link']
    assert [(r['status'], r['description']) for r in result['results']] == [
        ('ERROR', 'PEO not found'), ('ERROR', 'Project not found'), ('ERROR', 'PEO is not available by access rights'),
        ('SUCCESS', 'PEO has been unlinked successfully')]
    assert result['changed'] is True and result['failed'] is True
    answer = omn.requests(route='links_perform')[0]
    assert answer['status'] == 200
    assert omn.dump_state()['links'] == [['peo-secret', 'acc0000232']]


def test_documented_http_errors(omn, ansible):
    """400, 401 and 500 as OMN documents them: the task fails with the status and OMN's words, nothing is re-sent."""
    omn.add_fault('status', route='links_persist', status=400, body=pim_error('Invalid input provided'), content_type='application/xml')
    omn.add_fault('status', route='links_persist', status=500, body=pim_error('An unknown internal error occurred'),
                  content_type='application/xml')
    omn.add_fault('status', route='query', status=401, body=pim_error('Not authorized'), content_type='application/xml')
    tasks = ''.join('''
    - netops.bridge.omn_peo_project_link:
        links: [{peo_id: "47005", project_tid: acc0000300}]
      register: http%d
      ignore_errors: true
''' % n for n in range(2)) + '''
    - netops.bridge.omn_peo_info:
        project_tid: acc0000300
      register: http2
      ignore_errors: true
'''
    run = ansible.playbook(play(tasks, '{"http0": http0, "http1": http1, "http2": http2}'), env=omn_env(omn))
    assert 'Traceback' not in run.output, run
    for name, status, words in (('http0', 400, 'Invalid input provided'), ('http1', 500, 'An unknown internal error occurred'),
                                ('http2', 401, 'Not authorized')):
        result = run.results[name]
        assert result['failed'] is True and result['status'] == status, result
        assert 'OMN POST' in result['msg'] and 'HTTP %d' % status in result['msg'] and words in result['msg'], result
    assert run.results['http0']['results'][0]['status'] is None and run.results['http0']['changed'] is False
    assert omn.count(route='links_persist') == 2 and omn.count(route='query') == 1
    assert omn.dump_state()['links'] == [['peo-0001', 'acc0000232'], ['peo-0002', 'acc0000232'], ['peo-0003', 'acc0000233']]


def test_the_emulator_refuses_what_omn_does_not_document(omn):
    """The emulator's own contract: Bearer auth, application/xml, namespace, schemaVersion, dataType/type and meta keys."""
    base = omn.url + '/api/core/v1/peo/peos/links/perform'
    xml = {'Authorization': 'Bearer omn-token', 'Content-Type': 'application/xml'}
    good = ('<pim xmlns="http://www.apollon.de/omn" schemaVersion="5.6.0"><actions><action dataType="peoToProjectLink" type="unlink">'
            '<meta><itm key="peoTid">peo-0001</itm><itm key="projectTid">acc0000232</itm></meta></action></actions></pim>')
    assert requests.post(base, data=good, headers={'Content-Type': 'application/xml'}, timeout=10).status_code == 401
    assert requests.post(base, data=good, headers=dict(xml, Authorization='Basic eDp5'), timeout=10).status_code == 401
    assert requests.post(base, data=good, headers=dict(xml, **{'Content-Type': 'application/json'}), timeout=10).status_code == 400
    for bad in (good.replace('http://www.apollon.de/omn', 'urn:other'), good.replace(' schemaVersion="5.6.0"', ''),
                good.replace('peoToProjectLink', 'peo'), good.replace('type="unlink"', 'type="link"'),
                good.replace('peoTid', 'peoName'), good.replace('<itm key="projectTid">acc0000232</itm>', ''),
                good.replace('</meta>', '<itm key="peoId">1</itm></meta>'), good[:-10],
                '<!DOCTYPE pim [<!ENTITY x "y">]>' + good):
        answer = requests.post(base, data=bad, headers=xml, timeout=10)
        assert answer.status_code == 400 and b'Invalid input provided' in answer.content, bad
    assert omn.dump_state()['links'][0] == ['peo-0001', 'acc0000232']
    answer = requests.post(base, data=good, headers=xml, timeout=10)
    assert answer.status_code == 200 and b'PEO has been unlinked successfully' in answer.content
    query = omn.url + '/api/core/v1/peo/peos/query'
    bearer = {'Authorization': 'Bearer omn-token'}
    assert requests.post(query, json={'tidProject': 'acc0000232', 'colour': 'red'}, headers=bearer, timeout=10).status_code == 400
    assert requests.post(query, json={'withChildren': 'no'}, headers=bearer, timeout=10).status_code == 400
    assert requests.post(query, json={'tidProject': 'acc0000232'}, headers=bearer, timeout=10).json() == {'tids': ['peo-0002', 'peo-0003']}
