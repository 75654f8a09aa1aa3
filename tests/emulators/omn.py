# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OMN (Apollon) Core REST API emulator for PEO links, as OMN answers the requests the collection sends (docs/omn.md).

Bearer auth; <pim> XML in the http://www.apollon.de/omn namespace, validated against OMN's
structure; per-<response> SUCCESS/ERROR with OMN's descriptions; the JSON query and retrieve
endpoints; a Keycloak-like token endpoint for the refresh flow. XML is parsed hardened.
"""

from __future__ import absolute_import, division, print_function

import json
import re
from datetime import datetime, timezone
from urllib.parse import parse_qs

from lxml import etree

from emulators.base import Emulator, Response

NS = 'http://www.apollon.de/omn'
PEO_ROOT = '/api/core/v1/peo/peos'
TOKEN_PATH = '/auth/realms/OMN/protocol/openid-connect/token'
SCHEMA_VERSION = re.compile(r'^[0-9]+(\.[0-9]+)*$')
LINK_KEYS = ('peoTid', 'peoId', 'projectTid', 'projectId')
QUERY_KEYS = {'tidProduct': str, 'modifiedFrom': str, 'modifiedUntil': str, 'names': list, 'tidProject': str, 'withChildren': bool}
RETRIEVE_KEYS = {'tids': list, 'ids': list, 'withMetadata': bool, 'namesOnly': bool}
# OMN's samples give only the unlink success text; the link success text is this emulator's assumption (UNCONFIRMED).
UNLINKED = 'PEO has been unlinked successfully'
LINKED = 'PEO has been linked successfully'


def q(tag):
    return '{%s}%s' % (NS, tag)


def default_seed():
    peos = {}
    for number in range(1, 31):
        tid = 'peo-%04d' % number
        peos[tid] = {'id': str(47000 + number), 'tid': tid, 'name': 'PEO %d' % number, 'product': 'prod-1' if number <= 20 else 'prod-2',
                     'modified': '2026-0%d-01T00:00:00Z' % (1 + number % 9), 'restricted': False}
    peos['peo-<&"\'>'] = {'id': '48000', 'tid': 'peo-<&"\'>', 'name': 'Odd tid', 'product': 'prod-2', 'modified': '2026-01-01T00:00:00Z',
                          'restricted': False}
    for number, tid in enumerate(('55beafb6-a80b-48ab-8a7b-9e1a98d67b24', '0b0e4d7e-6c2a-4c55-9d1b-4a2e2c0f8a11')):  # the docs' examples
        peos[tid] = {'id': str(49000 + number), 'tid': tid, 'name': 'Example PEO %d' % (number + 1), 'product': 'prod-2',
                     'modified': '2026-01-01T00:00:00Z', 'restricted': False}
    peos['peo-secret'] = {'id': '111', 'tid': 'peo-secret', 'name': 'Restricted', 'product': 'prod-2', 'modified': '2026-01-01T00:00:00Z',
                          'restricted': True}
    return {
        'tokens': {'omn-token': 'full', 'restricted-token': 'restricted'},
        'refresh_tokens': {'offline-token': 'omn-token'},
        'peos': peos,
        'projects': {'acc0000232': {'id': '23488', 'parent': None}, 'acc0000233': {'id': '23489', 'parent': 'acc0000232'},
                     'acc0000300': {'id': '23500', 'parent': None}},
        'links': [['peo-0001', 'acc0000232'], ['peo-0002', 'acc0000232'], ['peo-0003', 'acc0000233']],
    }


class OmnEmulator(Emulator):
    platform = 'omn'

    default_seed = staticmethod(default_seed)

    def register_routes(self):
        self.route('POST', TOKEN_PATH, self.token, 'token')
        self.route('POST', PEO_ROOT + '/query', self.query, 'query')
        self.route('POST', PEO_ROOT + '/retrieve', self.retrieve, 'retrieve')
        self.route('POST', PEO_ROOT + '/links/perform', self.perform, 'links_perform')
        self.route('POST', PEO_ROOT + '/links/persist', self.persist, 'links_persist')

    # -- documents --------------------------------------------------------------------------------
    def pim(self):
        pim = etree.Element(q('pim'), nsmap={None: NS}, schemaVersion='5.6.0')
        meta = etree.SubElement(pim, q('meta'))
        for key, value in (('messageType', 'request'), ('messageTime', datetime.now(timezone.utc).isoformat()), ('sourceEnv', 'web')):
            etree.SubElement(meta, q('itm'), key=key).text = value
        return pim

    def xml(self, pim, status=200):
        return Response(status, etree.tostring(pim, xml_declaration=True, encoding='UTF-8'), 'application/xml;charset=UTF-8')

    def error_response(self, status, code, message):
        pim = self.pim()
        response = etree.SubElement(etree.SubElement(pim, q('responses')), q('response'))
        etree.SubElement(response, q('status')).text = 'ERROR'
        etree.SubElement(response, q('description')).text = message
        return self.xml(pim, status)

    def invalid(self, why):
        return self.error_response(400, 'BadRequest', 'Invalid input provided: %s' % why)

    def parse(self, request):
        """The <pim> root of an XML request, or raise ValueError saying what is wrong."""
        if not (request.header('content-type') or '').startswith('application/xml'):
            raise ValueError('Content-Type must be application/xml')
        if b'<!DOCTYPE' in request.body or b'<!ENTITY' in request.body:
            raise ValueError('DOCTYPE is not allowed')
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
        try:
            root = etree.fromstring(request.body, parser=parser)
        except etree.XMLSyntaxError as exc:
            raise ValueError(str(exc))
        if root.tag != q('pim'):
            raise ValueError('root must be <pim> in the %s namespace' % NS)
        if not SCHEMA_VERSION.match(root.get('schemaVersion') or ''):
            raise ValueError('schemaVersion is required, as a version such as 5.6.0')
        return root

    def json_body(self, request, allowed):
        """A JSON object body whose keys and value types are the documented ones, or raise ValueError."""
        if not (request.header('content-type') or '').startswith('application/json'):
            raise ValueError('Content-Type must be application/json')
        body = request.json()
        if not isinstance(body, dict):
            raise ValueError('a JSON object is expected')
        for key, value in body.items():
            if key not in allowed:
                raise ValueError('unknown field %s' % key)
            if not isinstance(value, allowed[key]):
                raise ValueError('%s must be a %s' % (key, allowed[key].__name__))
            if allowed[key] is list and not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
                raise ValueError('%s must list strings' % key)
        return body

    # -- auth -------------------------------------------------------------------------------------
    def access(self, request):
        authorization = request.header('authorization') or ''
        if not authorization.startswith('Bearer '):
            return None
        return self.state['tokens'].get(authorization[7:])

    def unauthorized(self):
        return self.error_response(401, 'Unauthorized', 'Not authorized')

    def token(self, request):
        form = dict((k, v[0]) for k, v in parse_qs(request.text).items())
        if form.get('grant_type') != 'refresh_token' or form.get('client_id') != 'omn-ui':
            return Response.json({'error': 'unauthorized_client', 'error_description': 'Invalid client or grant'}, 400)
        access = self.state['refresh_tokens'].get(form.get('refresh_token'))
        if access is None:
            return Response.json({'error': 'invalid_grant', 'error_description': 'Offline session not active'}, 400)
        return Response.json({'access_token': access, 'expires_in': 3600, 'token_type': 'Bearer'})

    # -- JSON endpoints ---------------------------------------------------------------------------
    def children(self, project):
        found = {project}
        for tid, item in self.state['projects'].items():
            if item['parent'] in found:
                found |= self.children(tid)
        return found

    def query(self, request):
        if self.access(request) is None:
            return self.unauthorized()
        try:
            criteria = self.json_body(request, QUERY_KEYS)
        except ValueError as exc:
            return self.invalid(str(exc))
        tids = set(self.state['peos'])
        if criteria.get('tidProject'):
            projects = self.children(criteria['tidProject']) if criteria.get('withChildren', True) else {criteria['tidProject']}
            tids &= set(peo for peo, project in self.state['links'] if project in projects)
        if criteria.get('tidProduct'):
            tids &= set(t for t, p in self.state['peos'].items() if p['product'] == criteria['tidProduct'])
        if criteria.get('names'):
            tids &= set(t for t, p in self.state['peos'].items() if p['name'] in criteria['names'])
        if criteria.get('modifiedFrom'):
            tids &= set(t for t, p in self.state['peos'].items() if p['modified'] >= criteria['modifiedFrom'])
        if criteria.get('modifiedUntil'):
            tids &= set(t for t, p in self.state['peos'].items() if p['modified'] <= criteria['modifiedUntil'])
        return Response.json({'tids': sorted(tids)})

    def retrieve(self, request):
        if self.access(request) is None:
            return self.unauthorized()
        try:
            body = self.json_body(request, RETRIEVE_KEYS)
        except ValueError as exc:
            return self.invalid(str(exc))
        pim = self.pim()
        peos = etree.SubElement(pim, q('peos'))
        by_id = dict((p['id'], p) for p in self.state['peos'].values())
        # tids win over ids, as documented
        wanted = [self.state['peos'].get(t) for t in body['tids']] if body.get('tids') else [by_id.get(str(i)) for i in body.get('ids') or []]
        for peo in wanted:
            if peo is None:
                continue
            element = etree.SubElement(peos, q('peo'), id=peo['id'], tid=peo['tid'], productTid=peo['product'])
            etree.SubElement(element, q('name')).text = peo['name']
        return self.xml(pim)

    # -- links ------------------------------------------------------------------------------------
    def find_peo(self, meta):
        if 'peoTid' in meta:
            return self.state['peos'].get(meta['peoTid'])
        return next((p for p in self.state['peos'].values() if p['id'] == meta.get('peoId')), None)

    def find_project(self, meta):
        if 'projectTid' in meta:
            return meta['projectTid'] if meta['projectTid'] in self.state['projects'] else None
        return next((t for t, p in self.state['projects'].items() if p['id'] == meta.get('projectId')), None)

    @staticmethod
    def check_keys(meta):
        peo_keys = [k for k in ('peoTid', 'peoId') if k in meta]
        project_keys = [k for k in ('projectTid', 'projectId') if k in meta]
        unknown = set(meta) - set(LINK_KEYS)
        if len(peo_keys) != 1 or len(project_keys) != 1 or unknown:
            raise ValueError('each link needs exactly one of peoTid/peoId and one of projectTid/projectId')
        for key in ('peoId', 'projectId'):
            if key in meta and not meta[key].isdigit():
                raise ValueError('%s must be numeric' % key)

    def apply(self, responses, meta, access, linking, linked, added):
        """One <response> like OMN's: "PEO not found" names the PEO, "Project not found" the project (both by the
        id or tid sent, action="link" as in OMN's samples), the access-rights error the PEO's path."""
        peo, project = self.find_peo(meta), self.find_project(meta)
        if peo is None:
            ident = ('tid', meta['peoTid']) if 'peoTid' in meta else ('id', meta['peoId'])
            return self.response(responses, 'link', 'peoToProjectLink', ident, 'ERROR', 'PEO not found')
        if peo['restricted'] and access != 'full':
            return self.response(responses, 'link' if linking else 'unlink', 'peo', ('path', '/%s' % peo['id']), 'ERROR',
                                 'PEO is not available by access rights')
        if project is None:
            ident = ('tid', meta['projectTid']) if 'projectTid' in meta else ('id', meta['projectId'])
            return self.response(responses, 'link', 'peoToProjectLink', ident, 'ERROR', 'Project not found')
        pair = (peo['tid'], project)
        if linking:
            if pair not in linked:
                linked.add(pair)
                added.append(list(pair))
            return self.response(responses, 'link', 'peo', ('tid', peo['tid']), 'SUCCESS', LINKED)
        linked.discard(pair)
        return self.response(responses, 'unlink', 'peo', ('tid', peo['tid']), 'SUCCESS', UNLINKED)

    @staticmethod
    def response(responses, action, data_type, ident, status, description):
        element = etree.SubElement(responses, q('response'), action=action, dataType=data_type)
        element.set(*ident)
        etree.SubElement(element, q('description')).text = description
        etree.SubElement(element, q('status')).text = status

    @staticmethod
    def meta_of(element):
        pairs = [(itm.get('key'), itm.text or '') for itm in element.findall(q('itm'))]
        if len(set(key for key, _value in pairs)) != len(pairs):
            raise ValueError('a key is given twice')
        return dict(pairs)

    def links_request(self, request, collect):
        access = self.access(request)
        if access is None:
            return self.unauthorized()
        try:
            root = self.parse(request)
            items = collect(root)
            for meta in items:
                self.check_keys(meta)
        except ValueError as exc:
            return self.invalid(str(exc))
        return access, items

    def perform(self, request):
        def collect(root):
            actions = root.find(q('actions'))
            if actions is None or not len(actions):
                raise ValueError('<actions> with at least one <action> is required')
            found = []
            for action in actions.findall(q('action')):
                if action.get('dataType') != 'peoToProjectLink' or action.get('type') != 'unlink':
                    raise ValueError('action needs dataType="peoToProjectLink" and type="unlink"')
                meta = action.find(q('meta'))
                if meta is None:
                    raise ValueError('action needs <meta>')
                found.append(self.meta_of(meta))
            return found
        return self.change(request, collect, linking=False)

    def persist(self, request):
        def collect(root):
            links = root.find(q('links'))
            outer = links.find(q('itms')) if links is not None else None
            if outer is None or outer.get('type') != 'peoToProject' or not len(outer):
                raise ValueError('<links><itms type="peoToProject"> with at least one <itms> is required')
            return [self.meta_of(inner) for inner in outer.findall(q('itms'))]
        return self.change(request, collect, linking=True)

    def change(self, request, collect, linking):
        checked = self.links_request(request, collect)
        if isinstance(checked, Response):
            return checked
        access, items = checked
        pim = self.pim()
        responses = etree.SubElement(pim, q('responses'))
        # Applied to a set and written back once, so a batch of thousands stays linear.
        linked, added = set(tuple(link) for link in self.state['links']), []
        for meta in items:
            self.apply(responses, meta, access, linking, linked, added)
        self.state['links'] = [link for link in self.state['links'] if tuple(link) in linked] + added
        return self.xml(pim)

    def dump_state(self):
        return {'links': sorted(self.state['links'])}

    def patch_state(self, patch):
        self.state.update(json.loads(json.dumps(patch)))
