# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OMN ``<pim>`` documents, built and parsed with lxml only (never by string formatting).

Parsing is hardened: no entity resolution, no DTD, no network, no huge trees, and a size cap,
so a hostile response is refused instead of expanded.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import traceback

try:
    from lxml import etree
    HAS_LXML = True
    LXML_IMPORT_ERROR = None
except ImportError:
    HAS_LXML = False
    LXML_IMPORT_ERROR = traceback.format_exc()

NAMESPACE = 'http://www.apollon.de/omn'
DEFAULT_SCHEMA_VERSION = '5.6.0'
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
LINK_KEYS = ('peoTid', 'peoId', 'projectTid', 'projectId')
# Characters outside XML 1.0's Char production: no document can carry them, escaped or not.
NOT_XML_CHAR = re.compile('[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')


class OmnXmlError(Exception):
    """A document that is not a well-formed, safe OMN <pim> document."""


def check_text(value):
    """``value`` as text an XML document can carry intact; OmnXmlError naming the first character it cannot."""
    value = value if isinstance(value, str) else str(value)
    found = NOT_XML_CHAR.search(value)
    if found:
        raise OmnXmlError('the character U+%04X at position %d cannot be carried in XML' % (ord(found.group()), found.start()))
    return value


def _q(tag):
    return '{%s}%s' % (NAMESPACE, tag)


def _pim(schema_version):
    return etree.Element(_q('pim'), nsmap={None: NAMESPACE}, schemaVersion=check_text(schema_version))


def _meta(parent, pairs):
    meta = etree.SubElement(parent, _q('meta'))
    for key, value in pairs:
        itm = etree.SubElement(meta, _q('itm'), key=key)
        itm.text = check_text(value)
    return meta


def link_pairs(link):
    """The <itm> key/value pairs naming one PEO and one project, in the documented order."""
    return [(key, check_text(link[key])) for key in LINK_KEYS if link.get(key) is not None]


def unlink_document(links, schema_version=DEFAULT_SCHEMA_VERSION):
    """POST /peo/peos/links/perform: one unlink <action> per link."""
    pim = _pim(schema_version)
    actions = etree.SubElement(pim, _q('actions'))
    for link in links:
        action = etree.SubElement(actions, _q('action'), dataType='peoToProjectLink', type='unlink')
        _meta(action, link_pairs(link))
    return etree.tostring(pim, xml_declaration=True, encoding='UTF-8')


def link_document(links, schema_version=DEFAULT_SCHEMA_VERSION):
    """POST /peo/peos/links/persist: <links><itms type="peoToProject"><itms><itm key=..>..."""
    pim = _pim(schema_version)
    outer = etree.SubElement(etree.SubElement(pim, _q('links')), _q('itms'), type='peoToProject')
    for link in links:
        inner = etree.SubElement(outer, _q('itms'))
        for key, value in link_pairs(link):
            etree.SubElement(inner, _q('itm'), key=key).text = value
    return etree.tostring(pim, xml_declaration=True, encoding='UTF-8')


def parse(document):
    """The root <pim> element of a response; OmnXmlError for anything unsafe or malformed."""
    if not isinstance(document, bytes):
        document = document.encode('utf-8', 'replace')
    if len(document) > MAX_DOCUMENT_BYTES:
        raise OmnXmlError('the XML document is larger than %d bytes' % MAX_DOCUMENT_BYTES)
    if b'<!DOCTYPE' in document or b'<!ENTITY' in document:
        raise OmnXmlError('the XML document declares a DOCTYPE or entities, which OMN never sends; refused')
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(document, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise OmnXmlError('the XML document is not well-formed: %s' % exc)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        # Catches what the byte check cannot see, e.g. a DOCTYPE in a UTF-16 document; nothing was expanded.
        raise OmnXmlError('the XML document declares a DOCTYPE or entities, which OMN never sends; refused')
    if root.tag != _q('pim'):
        raise OmnXmlError('expected a <pim> root element in the %s namespace, got %s' % (NAMESPACE, root.tag))
    return root


def _child_text(element, name):
    child = element.find(_q(name))
    return (child.text or '').strip() if child is not None else None


def meta_items(element):
    meta = element.find(_q('meta'))
    if meta is None:
        return {}
    return dict((itm.get('key'), itm.text or '') for itm in meta.findall(_q('itm')))


def responses(document):
    """Each <response> as a dict: action, data_type, id, tid, path, status, description."""
    root = parse(document)
    found = []
    for response in root.iter(_q('response')):
        found.append({
            'action': response.get('action'), 'data_type': response.get('dataType'),
            'id': response.get('id'), 'tid': response.get('tid'), 'path': response.get('path'),
            'status': _child_text(response, 'status'), 'description': _child_text(response, 'description'),
        })
    return found


def element_to_dict(element):
    """A plain dict of an element: its attributes, its <meta> items, and its children by local name."""
    result = dict((etree.QName(name).localname, value) for name, value in element.attrib.items())
    text = (element.text or '').strip()
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if name == 'meta':
            result['meta'] = meta_items(element)
            continue
        value = element_to_dict(child)
        if name in result:
            if not isinstance(result[name], list):
                result[name] = [result[name]]
            result[name].append(value)
        else:
            result[name] = value
    if text:
        if not result:
            return text
        result['text'] = text
    return result


def peos(document):
    """The <peo> elements of a retrieve answer, as plain dicts."""
    root = parse(document)
    return [element_to_dict(peo) for peo in root.iter(_q('peo'))]
