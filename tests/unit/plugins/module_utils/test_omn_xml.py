# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import time

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


# Any text at all, including controls, lone surrogates and non-characters.
any_text = st.text(alphabet=st.characters(), max_size=40)


@settings(max_examples=150, deadline=None)
@given(peo=any_text, project=any_text, pick=st.sampled_from([('peoTid', 'projectTid'), ('peoId', 'projectId'), ('peoTid', 'projectId')]))
def test_any_text_round_trips_exactly_or_is_refused_up_front(peo, project, pick):
    link = {pick[0]: peo, pick[1]: project}
    carried = not omn_xml.NOT_XML_CHAR.search(peo + project)
    for build in (omn_xml.unlink_document, omn_xml.link_document):
        if carried:
            assert read_back(build([link])) == [link]
        else:
            with pytest.raises(omn_xml.OmnXmlError, match='cannot be carried in XML'):
                build([link])


@settings(max_examples=60, deadline=None)
@given(links=st.lists(st.fixed_dictionaries({'peoTid': xml_text, 'projectTid': xml_text}), min_size=1, max_size=20))
def test_a_batch_keeps_its_order_and_every_value(links):
    assert read_back(omn_xml.unlink_document(links)) == links
    assert read_back(omn_xml.link_document(links)) == links


@pytest.mark.parametrize('build', [omn_xml.unlink_document, omn_xml.link_document], ids=['unlink', 'link'])
def test_special_characters_are_escaped_by_lxml_not_by_hand(build):
    odd = 'peo-<&"\'>]]>\r\n\t'
    document = build([{'peoTid': odd, 'projectTid': '&amp;'}])
    assert b'peo-&lt;&amp;"\'&gt;]]&gt;&#13;\n\t' in document and b'&amp;amp;' in document
    assert read_back(document) == [{'peoTid': odd, 'projectTid': '&amp;'}]


def test_link_document_matches_the_documented_structure():
    root = etree.fromstring(omn_xml.link_document([{'peoTid': 't1', 'projectId': '7'}], '6.1.0'))
    outer = root.find(NS + 'links/' + NS + 'itms')
    assert root.get('schemaVersion') == '6.1.0' and outer.get('type') == 'peoToProject'
    assert [[(i.get('key'), i.text) for i in inner] for inner in outer] == [[('peoTid', 't1'), ('projectId', '7')]]


def response_document(items):
    pim = etree.Element(NS + 'pim', nsmap={None: NS[1:-1]}, schemaVersion='5.6.0')
    responses = etree.SubElement(pim, NS + 'responses')
    for tid, status, description in items:
        response = etree.SubElement(responses, NS + 'response', action='unlink', dataType='peo', tid=tid)
        etree.SubElement(response, NS + 'status').text = status
        etree.SubElement(response, NS + 'description').text = description
    return etree.tostring(pim, xml_declaration=True, encoding='UTF-8')


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(xml_text, st.sampled_from(['SUCCESS', 'ERROR']), xml_text), max_size=10))
def test_responses_round_trip_any_text(items):
    parsed = omn_xml.responses(response_document(items))
    assert [(r['tid'], r['status'], r['description']) for r in parsed] == [(t, s, d.strip()) for t, s, d in items]


@pytest.mark.parametrize('document', [
    # DOCTYPEs in UTF-16 pass the byte check unseen; the parsed tree's docinfo still refuses them, unexpanded.
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE pim [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    '<pim xmlns="http://www.apollon.de/omn">&b;</pim>'.encode('utf-16'),
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE pim SYSTEM "http://127.0.0.1:9/omn.dtd"><pim xmlns="http://www.apollon.de/omn"/>'.encode('utf-16'),
    b'<?xml version="1.0"?><!DOCTYPE pim [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]><pim xmlns="http://www.apollon.de/omn"/>',
    b'<?xml version="1.0"?><pim xmlns="http://www.apollon.de/omn">&undefined;</pim>',
    b'<?xml version="1.0"?><pim xmlns="http://www.apollon.de/omn"><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>'
    b'<responses><response><status>ERROR</status></response></responses><oops></pim>',
])
def test_more_hostile_documents_are_refused(document):
    with pytest.raises(omn_xml.OmnXmlError):
        omn_xml.parse(document)


def test_billion_laughs_is_refused_quickly_without_expansion():
    entities = ''.join('<!ENTITY l%d "%s">' % (n, '&l%d;' % (n - 1) * 10 if n else 'lol') for n in range(10))
    bomb = ('<?xml version="1.0"?><!DOCTYPE pim [%s]><pim xmlns="http://www.apollon.de/omn">&l9;</pim>' % entities)
    for document in (bomb.encode('utf-8'), bomb.replace('version="1.0"?', 'version="1.0" encoding="UTF-16"?').encode('utf-16')):
        started = time.monotonic()
        # Refused by the DOCTYPE check, or (UTF-16) by libxml2's own amplification limit before the tree exists.
        with pytest.raises(omn_xml.OmnXmlError, match='DOCTYPE|amplification'):
            omn_xml.parse(document)
        assert time.monotonic() - started < 2


def test_xinclude_is_never_processed():
    root = omn_xml.parse(b'<pim xmlns="http://www.apollon.de/omn"><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                         b'href="file:///etc/passwd" parse="text"/></pim>')
    assert b'root:' not in etree.tostring(root)


def test_peos_become_plain_dicts():
    document = (b'<pim xmlns="http://www.apollon.de/omn" xmlns:x="urn:x"><peos><peo id="47001" tid="peo-1" x:flag="y">'
                b'<name>PEO 1</name><meta><itm key="colour">red</itm></meta><project tid="a"/><project tid="b"/></peo></peos></pim>')
    assert omn_xml.peos(document) == [{'id': '47001', 'tid': 'peo-1', 'flag': 'y', 'name': 'PEO 1', 'meta': {'colour': 'red'},
                                       'project': [{'tid': 'a'}, {'tid': 'b'}]}]


@pytest.mark.parametrize('value, code', [('a\x00', 'U+0000'), ('\x1f', 'U+001F'), ('x\ud800y', 'U+D800'), ('\ufffe', 'U+FFFE'), ('\uffff', 'U+FFFF')])
def test_characters_xml_cannot_carry_are_named(value, code):
    with pytest.raises(omn_xml.OmnXmlError, match=re.escape(code)):
        omn_xml.unlink_document([{'peoTid': value, 'projectTid': 'p'}])


def test_characters_xml_can_carry_pass():
    for value in ('\t\n\r', '\ud7ff\ue000\ufffd', '\U0001f600\U0010ffff', '<&>"\''):
        assert omn_xml.check_text(value) == value


PIM = b'<pim xmlns="http://www.apollon.de/omn">%s</pim>'


def test_the_refused_character_and_its_position_are_named():
    with pytest.raises(omn_xml.OmnXmlError) as raised:
        omn_xml.check_text('peo\x00-1')
    assert str(raised.value) == 'the character U+0000 at position 3 cannot be carried in XML'


def test_numeric_ids_are_sent_as_their_decimal_text_in_the_documented_key_order():
    link = {'projectId': 23488, 'peoId': 47230, 'peoTid': None}
    assert omn_xml.link_pairs(link) == [('peoId', '47230'), ('projectId', '23488')]
    root = etree.fromstring(omn_xml.unlink_document([link]))
    assert [(i.get('key'), i.text) for i in root.iter(NS + 'itm')] == [('peoId', '47230'), ('projectId', '23488')]


def test_an_empty_id_is_still_sent():
    assert omn_xml.link_pairs({'peoTid': '', 'projectTid': 'p'}) == [('peoTid', ''), ('projectTid', 'p')]


def test_the_documents_declare_utf8_and_the_default_schema_version():
    for build in (omn_xml.unlink_document, omn_xml.link_document):
        document = build([{'peoTid': 'é', 'projectTid': 'p'}])
        assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<pim xmlns=\"http://www.apollon.de/omn\" schemaVersion=\"5.6.0\">")
        assert 'é'.encode('utf-8') in document


@pytest.mark.parametrize('document,message', [
    (PIM % b'<!DOCTYPE x>', 'the XML document declares a DOCTYPE or entities, which OMN never sends; refused'),
    (b'<!ENTITY x "y">' + PIM % b'', 'the XML document declares a DOCTYPE or entities, which OMN never sends; refused'),
    (b'<other xmlns="http://www.apollon.de/omn"/>',
     'expected a <pim> root element in the http://www.apollon.de/omn namespace, got {http://www.apollon.de/omn}other'),
    (b'<pim/>', 'expected a <pim> root element in the http://www.apollon.de/omn namespace, got pim'),
])
def test_refusals_say_why(document, message):
    with pytest.raises(omn_xml.OmnXmlError) as raised:
        omn_xml.parse(document)
    assert str(raised.value) == message


def test_a_malformed_document_is_refused_with_the_parser_reason():
    with pytest.raises(omn_xml.OmnXmlError) as raised:
        omn_xml.parse(b'<pim xmlns="http://www.apollon.de/omn"><responses>')
    assert str(raised.value).startswith('the XML document is not well-formed: ')
    assert len(str(raised.value)) > len('the XML document is not well-formed: ')


def test_a_utf16_doctype_is_refused_after_parsing_without_expansion():
    document = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE pim><pim xmlns="http://www.apollon.de/omn"/>'.encode('utf-16')
    with pytest.raises(omn_xml.OmnXmlError) as raised:
        omn_xml.parse(document)
    assert str(raised.value) == 'the XML document declares a DOCTYPE or entities, which OMN never sends; refused'


def test_the_size_cap_is_50_mib_and_a_document_at_the_cap_is_read(monkeypatch):
    assert omn_xml.MAX_DOCUMENT_BYTES == 50 * 1024 * 1024
    document = PIM % b''
    monkeypatch.setattr(omn_xml, 'MAX_DOCUMENT_BYTES', len(document))
    assert omn_xml.parse(document).tag == NS + 'pim'
    monkeypatch.setattr(omn_xml, 'MAX_DOCUMENT_BYTES', len(document) - 1)
    with pytest.raises(omn_xml.OmnXmlError) as raised:
        omn_xml.parse(document)
    assert str(raised.value) == 'the XML document is larger than %d bytes' % (len(document) - 1)


def test_a_text_answer_is_read_even_with_characters_utf8_cannot_encode():
    root = omn_xml.parse('<pim xmlns="http://www.apollon.de/omn"><name>é\ud800</name></pim>')
    assert root.find(NS + 'name').text == 'é?'


def test_comments_and_processing_instructions_are_dropped():
    root = omn_xml.parse(PIM % b'<peos><peo id="1"><name>a<!-- c -->b</name><?pi x?><tag>c<?pi y?>d</tag></peo></peos>')
    assert omn_xml.peos(etree.tostring(root)) == [{'id': '1', 'name': 'ab', 'tag': 'cd'}]


def test_response_fields_are_stripped_absent_or_empty():
    document = PIM % (b'<responses><response action="link" dataType="peo" id="5" tid="t5" path="/5"><status> SUCCESS\n</status>'
                      b'<description/></response><response/></responses>')
    assert omn_xml.responses(document) == [
        {'action': 'link', 'data_type': 'peo', 'id': '5', 'tid': 't5', 'path': '/5', 'status': 'SUCCESS', 'description': ''},
        {'action': None, 'data_type': None, 'id': None, 'tid': None, 'path': None, 'status': None, 'description': None}]


def test_element_to_dict_keeps_text_attributes_meta_and_repeats():
    document = PIM % (b'<peos><peo id="1"> label <meta><itm key="a">x</itm><itm key="b"/></meta>'
                      b'<tag>t1</tag><tag>t2</tag><tag>t3</tag><empty/></peo><peo/></peos>')
    assert omn_xml.peos(document) == [
        {'id': '1', 'text': 'label', 'meta': {'a': 'x', 'b': ''}, 'tag': ['t1', 't2', 't3'], 'empty': {}}, {}]


def test_meta_items_of_an_element_without_meta_are_empty():
    assert omn_xml.meta_items(omn_xml.parse(PIM % b'')) == {}
