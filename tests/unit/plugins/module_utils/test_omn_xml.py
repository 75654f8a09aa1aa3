# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from ansible_collections.netops.bridge.plugins.module_utils import omn_xml

NS = '{http://www.apollon.de/omn}'
# Characters XML 1.0 can carry (no controls but tab/newline, no surrogates); lxml refuses the others up front.
xml_text = st.text(alphabet=st.characters(blacklist_categories=('Cs', 'Cc')), min_size=1, max_size=40)


def read_back(document):
    root = omn_xml.parse(document)
    return [dict((itm.get('key'), itm.text or '') for itm in meta.iter(NS + 'itm'))
            for meta in list(root.iter(NS + 'meta')) + list(root.iter(NS + 'itms'))[1:]]


@settings(max_examples=60, deadline=None)
@given(peo=xml_text, project=xml_text, version=st.sampled_from(['5.6.0', '6.1.0']))
def test_unlink_and_link_round_trip_any_text(peo, project, version):
    for build in (omn_xml.unlink_document, omn_xml.link_document):
        document = build([{'peoTid': peo, 'projectTid': project}], version)
        assert read_back(document) == [{'peoTid': peo, 'projectTid': project}]
        assert omn_xml.parse(document).get('schemaVersion') == version


def test_unlink_document_matches_the_seed_structure():
    root = etree.fromstring(omn_xml.unlink_document([{'peoId': '47230', 'projectId': '23488'}]))
    action = root.find(NS + 'actions/' + NS + 'action')
    assert root.tag == NS + 'pim' and root.get('schemaVersion') == '5.6.0'
    assert (action.get('dataType'), action.get('type')) == ('peoToProjectLink', 'unlink')
    assert [(i.get('key'), i.text) for i in action.find(NS + 'meta')] == [('peoId', '47230'), ('projectId', '23488')]


SEED_ERROR = b'''<?xml version="1.0" encoding="UTF-8"?>
<pim xmlns="http://www.apollon.de/omn" schemaVersion="5.6.0"><meta><itm key="messageType">request</itm></meta>
<responses><response dataType="peo" action="unlink" path="/111"><status>ERROR</status>
<description>PEO is not available by access rights</description></response></responses></pim>'''


def test_responses_of_the_seed_sample():
    assert omn_xml.responses(SEED_ERROR) == [{'action': 'unlink', 'data_type': 'peo', 'id': None, 'tid': None, 'path': '/111',
                                              'status': 'ERROR', 'description': 'PEO is not available by access rights'}]


@pytest.mark.parametrize('document', [
    b'<?xml version="1.0"?><!DOCTYPE pim [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><pim xmlns="http://www.apollon.de/omn">&xxe;</pim>',
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><pim>&lol2;</pim>',
    b'<pim xmlns="http://www.apollon.de/omn"><responses>',
    b'<other xmlns="http://www.apollon.de/omn"/>',
    b'<pim/>',
    b'',
    b'\xff\xfe garbage',
])
def test_hostile_or_malformed_documents_are_refused(document):
    with pytest.raises(omn_xml.OmnXmlError):
        omn_xml.parse(document)


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=300))
def test_parser_raises_only_its_own_error(data):
    try:
        omn_xml.responses(data)
    except omn_xml.OmnXmlError:
        pass


def test_oversized_documents_are_refused(monkeypatch):
    monkeypatch.setattr(omn_xml, 'MAX_DOCUMENT_BYTES', 100)
    with pytest.raises(omn_xml.OmnXmlError, match='larger than'):
        omn_xml.parse(b'<pim xmlns="http://www.apollon.de/omn">' + b' ' * 200 + b'</pim>')
