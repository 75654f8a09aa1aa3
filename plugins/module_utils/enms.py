# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""eNMS REST API access for the netops.bridge enms_* modules.

eNMS accepts HTTP Basic only. Many refusals come back as HTTP 200 with an ``error`` or ``errors`` key,
an unknown service is a 403, and ``/rest/result`` answers 200 with an error until the run exists.
A run is started under the service's full name (``[Shared] Backup``, ``[Workflow] Backup``) but its
results are kept under the service's scoped name (``Backup``), which only the server can tell.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.netops.bridge.plugins.module_utils._auth import BasicAuth
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient, path_segment
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils._module import PlatformModule, non_empty_env_fallback
from ansible_collections.netops.bridge.plugins.module_utils._wait import wait_argument_spec as generic_wait_argument_spec, wait_as_asked

PLATFORM = 'eNMS'
API_PREFIX = '/rest'
RUN_REQUEST_KEYS = ('name', 'devices', 'pools', 'ip_addresses', 'async', 'form', 'ignore_invalid_targets')
NO_RESULT_YET = 'There are no results'
RUNNING = 'Running'
# A new run's row is written by a thread (or a task-queue worker) a moment after run_service answers.
DEFAULT_NOT_FOUND_TIMEOUT = 10
FORBIDDEN_HINT = ('eNMS answers HTTP 403 both when no service has this name and when the user may not %s it (an eNMS '
                  'admin gets 403 only for a name that does not exist). Check the exact name in eNMS (a shared service is '
                  'named "[Shared] <name>", a service in a workflow "[<workflow>] <name>"); if it is right, the user lacks '
                  'the access')


# eNMS's /rest/search gives 10 records unless asked for more; pages this long keep a 1,000-device read to one request.
SEARCH_PAGE_SIZE = 1000
FILTER_MATCHES = ('inclusion', 'equality', 'regex')
FILTER_KEYS = ('value', 'match', 'invert')
PROPERTY_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
CRITERIA_SUFFIXES = ('_filter', '_invert')
# A device's pools: a relationship, which eNMS's /rest/search compares by a list of names (filtering_relationship_constraints).
POOLS = 'pools'
# eNMS has no bulk delete and checks the password on every request (measured on eNMS 4.6, docs/benchmark.md): a few at
# a time gain, more do not.
DELETE_CONCURRENCY = 4
WORDS_LIMIT = 300
# eNMS keeps integer properties in signed 64-bit columns: a larger value makes it roll the whole bulk write back (HTTP 500).
INT64_MIN, INT64_MAX = -2 ** 63, 2 ** 63 - 1
INTEGER_TEXT = re.compile(r'^\s*[+-]?[0-9]+\s*$')
# eNMS names it cannot address in a URL path (/rest/instance/<type>/<name>): a slash splits it, '.' and '..' collapse.
UNADDRESSABLE_NAMES = ('.', '..')


class FilterError(ValueError):
    """A filter eNMS would misread; its message names the property and says why."""


def criteria_from_filters(filters, what='filters', pools=True):
    """eNMS search_criteria (``<p>``, ``<p>_filter``, ``<p>_invert``) from ``{property: {value, match, invert}}``.

    eNMS skips a criterion whose value is empty, false or 0 (it would select everything), compares a boolean only
    as the texts bool-true/bool-false, and an empty text only through its own ``empty`` match: each is translated
    or refused here, never sent as it is. ``pools`` is pool membership (see pools_criterion); with ``pools`` false
    (a pool's stored criteria, which eNMS has only for device properties) it is refused.
    """
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise FilterError('%s must be a mapping of property name to {value, match, invert}, got %r' % (what, filters))
    criteria = {}
    for name, wanted in filters.items():
        name = to_text(name)
        if not PROPERTY_NAME.match(name):
            raise FilterError('%s: %r is not a property name' % (what, name))
        if name != POOLS and name.lower() == POOLS:
            # eNMS would ignore it as an unknown property and select every record.
            raise FilterError('%s: %s is not a property; pool membership is pools, in lower case' % (what, name))
        if not isinstance(wanted, dict) or 'value' not in wanted:
            raise FilterError('%s: %s must be a mapping with value (and optionally match and invert), got %r' % (what, name, wanted))
        unknown = sorted(to_text(key) for key in wanted if key not in FILTER_KEYS)
        if unknown:
            raise FilterError('%s: %s has unknown keys %s (known: %s)' % (what, name, ', '.join(unknown), ', '.join(FILTER_KEYS)))
        if name == POOLS:
            if not pools:
                raise FilterError('%s: pools (pool membership) cannot be a criterion here: eNMS keeps criteria on device '
                                  'properties only' % what)
            criteria.update(pools_criterion(what, wanted))
            continue
        match = wanted.get('match') or 'inclusion'
        if match not in FILTER_MATCHES:
            raise FilterError('%s: %s match must be one of %s, got %r' % (what, name, ', '.join(FILTER_MATCHES), match))
        invert = wanted.get('invert', False)
        if not isinstance(invert, bool):
            raise FilterError('%s: %s invert must be true or false, got %r' % (what, name, invert))
        criteria.update(criterion(what, name, wanted['value'], match))
        criteria['%s_invert' % name] = invert
    return criteria


def pools_criterion(what, wanted):
    """Pool membership as eNMS's relationship criterion: ``pools`` a list of pool names (a text would be read as one
    name per character) with ``pools_filter`` ``union`` (in any of them), or ``pools_filter`` ``empty`` (in no pool).

    eNMS compares the names exactly and ignores ``pools_invert``: another match, or invert, is refused."""
    value, match, invert = wanted['value'], wanted.get('match'), wanted.get('invert', False)
    if match not in (None, 'equality'):
        raise FilterError('%s: pools match must be equality (eNMS compares pool names exactly), got %r' % (what, match))
    if invert is not False:
        raise FilterError('%s: pools cannot be inverted (eNMS ignores invert for pool membership and would select the '
                          'members), got invert %r' % (what, invert))
    if value == '':
        return {'pools_filter': 'empty'}
    names = value if isinstance(value, list) else [value]
    if not names or not all(isinstance(name, str) and name.strip() for name in names):
        raise FilterError('%s: pools value must be a pool name or a list of pool names (or an empty text for devices '
                          'in no pool), got %r' % (what, value))
    return {POOLS: [to_text(name) for name in names], 'pools_filter': 'union'}


def criterion(what, name, value, match):
    if isinstance(value, bool):
        # eNMS compares a boolean column only with these two texts, whatever the match.
        return {name: 'bool-true' if value else 'bool-false', '%s_filter' % name: 'equality'}
    if isinstance(value, (int, float)):
        value = to_text(value)
    if not isinstance(value, str):
        raise FilterError('%s: %s value must be a text, a number or true/false, got %r' % (what, name, value))
    if value == '':
        if match != 'equality':
            raise FilterError('%s: %s has an empty value, which eNMS ignores with match %s (it would select every record); '
                              'use match equality to select an empty %s' % (what, name, match, name))
        return {name: '', '%s_filter' % name: 'empty'}
    return {name: value, '%s_filter' % name: match}


def criteria_properties(criteria):
    """The model properties a search_criteria compares (a list value is a relation, such as a device's pools)."""
    return sorted(key for key, value in (criteria or {}).items()
                  if not key.endswith(CRITERIA_SUFFIXES) and not isinstance(value, list))


# eNMS 4.6 answers HTTP 500 when a search is ordered by an association column such as service_name: order by runtime.
WORKFLOW_RESULT_COLUMNS = ('runtime', 'parent_runtime', 'path', 'service_name', 'device_name', 'success', 'result')


def enms_argument_spec():
    return dict(
        url=dict(type='str', required=True, fallback=(non_empty_env_fallback, ['ENMS_URL'])),
        username=dict(type='str', required=True, fallback=(non_empty_env_fallback, ['ENMS_USERNAME'])),
        password=dict(type='str', required=True, no_log=True, fallback=(non_empty_env_fallback, ['ENMS_PASSWORD'])),
        validate_certs=dict(type='bool', default=True, fallback=(non_empty_env_fallback, ['ENMS_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(non_empty_env_fallback, ['ENMS_CA_PATH'])),
        request_timeout=dict(type='float', default=30.0, fallback=(non_empty_env_fallback, ['ENMS_REQUEST_TIMEOUT'])),
    )


def wait_argument_spec(default_wait):
    return generic_wait_argument_spec(default_wait, 3600, DEFAULT_NOT_FOUND_TIMEOUT)


def run_finished(answer):
    return answer is not None and answer.get('status') != RUNNING


def run_outcome(answer):
    """The keys both modules return, from a ``/rest/result`` answer ``{status, result}``."""
    result = answer.get('result') if isinstance(answer, dict) else None
    if not isinstance(result, dict):
        result = {}
    summary = result.get('summary') if isinstance(result.get('summary'), dict) else {}
    return {
        'status': answer.get('status') if isinstance(answer, dict) else None,
        'success': result.get('success'),
        'summary': dict((key, device_names(summary.get(key))) for key in ('success', 'failure', 'discard')),
        'duration': result.get('duration'),
        'result': result,
    }


def device_names(value):
    """A summary list as names; anything else a server may send there counts as none."""
    return [to_text(name) for name in value] if isinstance(value, list) else []


class EnmsModule(PlatformModule):
    platform = PLATFORM
    api_prefixes = (API_PREFIX,)

    def __init__(self, argument_spec, **kwargs):
        super(EnmsModule, self).__init__(argument_spec, **kwargs)
        self.api = EnmsApi(self)
        self.require_non_empty('username')

    @classmethod
    def connection_argument_spec(cls):
        return enms_argument_spec()

    def build_client(self):
        return ApiClient(PLATFORM, self.params['url'], BasicAuth(self.params['username'], self.params['password']),
                         validate_certs=self.params['validate_certs'], ca_path=self.params['ca_path'],
                         timeout=self.params['request_timeout'])

    def delete_instances(self, kind, names, gone):
        """``DELETE /rest/instance/<kind>/<name>`` for each of ``names``, DELETE_CONCURRENCY at a time (none in check
        mode): an Account of what eNMS confirmed. A delete whose outcome is unknown (a 5xx, a connection dropped after
        sending) is settled by ``gone(names)``, one read of those names giving the ones eNMS no longer has."""
        account = Account()
        if self.check_mode or not names:
            self.result['changed'] = self.result['changed'] or bool(names)
            account.written = list(names)
            return account
        with ThreadPoolExecutor(max_workers=min(DELETE_CONCURRENCY, len(names))) as workers:
            outcomes = list(workers.map(lambda name: self.delete_one(kind, name), names))
        unknown = dict((name, exc) for name, exc in outcomes if exc is not None and exc.maybe_applied)
        held_gone = set(gone(sorted(unknown))) if unknown else set()
        for name, exc in outcomes:
            if exc is None or name in held_gone:
                account.written.append(name)
            elif exc.status is None and not exc.maybe_applied:
                account.not_attempted.append(name)
                account.causes.setdefault(request_words(exc), []).append(name)
            else:
                account.refused[name] = request_words(exc)
        self.result['changed'] = self.result['changed'] or bool(account.written)
        return account

    def delete_one(self, kind, name):
        try:
            self.api.delete_instance(kind, name)
        except ApiError as exc:
            return name, exc
        return name, None

    def bulk_write(self, post, bodies, held):
        """One ``post(bodies)`` of records eNMS creates or updates by name (``new_name`` renames), and an Account of what
        eNMS confirmed, each record under its name after the write; None in check mode.

        eNMS answers per record (``success`` names, ``failure`` [record, traceback] pairs, HTTP 200). When it does not
        say for a record (an ``error`` answer, a 5xx, a connection dropped after the request was sent: eNMS may have
        written, or rolled the whole request back), ``held(names)`` reads those records back once and gives the ones
        eNMS holds as declared: written; the others are refused in the request's words. A request never sent leaves
        every record not attempted."""
        if self.check_mode:
            self.result['changed'] = True
            return None
        names = [body.get('new_name') or body['name'] for body in bodies]
        after = dict((body['name'], name) for body, name in zip(bodies, names))
        after.update((name, name) for name in names)
        account = Account()
        try:
            answer = post(bodies)
        except ApiError as exc:
            if not exc.maybe_applied and exc.status is None:
                account.not_attempted = names
                account.causes[request_words(exc)] = list(names)
                return account
            if not exc.maybe_applied:
                account.refused = dict((name, request_words(exc)) for name in names)
                account.failed_request = exc
                return account
            answer, account.failed_request = None, exc
        unknown = list(names)
        if answer is not None and not answer.get('error'):
            answered = answer_outcome(answer, after)
            account.refused.update(answered['refused'])
            written = set(answered['written'])
            account.written = [name for name in names if name in written]
            unknown = [name for name in names if name not in written and name not in account.refused]
        if unknown:
            if account.failed_request is not None:
                words = request_words(account.failed_request)
            elif answer.get('error'):
                words = 'eNMS refused the write: %s' % enms_words(answer['error'])
            else:
                words = 'eNMS did not name it in its answer, and does not hold it as declared'
            confirmed = set(held(unknown))
            account.written = [name for name in names if name in account.written or name in confirmed]
            account.refused.update((name, words) for name in unknown if name not in confirmed)
            account.read_back = True
            self.ansible.warn('The outcome of the write was unknown (%s); read back, eNMS holds as declared: %s.'
                              % (words, ', '.join(name for name in unknown if name in confirmed) or 'none'))
        return account


class Account(object):
    """What eNMS confirmed of a bulk write or of deletes: the names ``written`` (deleted, for deletes), ``refused``
    (name to the server's words), ``not_attempted`` (never sent); ``failed_request`` is the request that failed as a
    whole, ``causes`` the words why names were not attempted, ``read_back`` whether the outcome was read back."""

    def __init__(self):
        self.written, self.refused, self.not_attempted = [], {}, []
        self.failed_request, self.causes, self.read_back = None, {}, False

    def lines(self):
        """The refusals as lines, the names with the same words together: ``a, b: words``."""
        by_words = {}
        for name, words in self.refused.items():
            by_words.setdefault(words, []).append(name)
        return ['%s: %s' % (', '.join(sorted(names)), words) for words, names in sorted(by_words.items(), key=lambda item: sorted(item[1]))]

    def failure_lines(self):
        """The refusals (see lines), then the names never sent with the words why, as lines."""
        return self.lines() + ['%s: not sent: %s' % (', '.join(names), words) for words, names in sorted(self.causes.items())]

    def partly_refused(self, updated):
        """Of ``updated`` (records that existed), those eNMS refused in its per-record answer. eNMS sets an existing
        record's fields one by one and keeps those set before a failure, so such a refusal may have changed some; a
        refused creation, or a write rolled back (read back, or a failed request), changed nothing."""
        if self.read_back or self.failed_request is not None:
            return []
        return [name for name in updated if name in self.refused]


def request_words(exc):
    """A failed request's message (method, URL, HTTP status, the server's words), without the advice to check on the
    server: the module read the outcome back."""
    return ApiError(exc.platform, exc.summary, method=exc.method, url=exc.url, status=exc.status, detail=exc.detail).message


def answer_outcome(answer, after):
    """eNMS's per-record answer to a bulk write: {'written': [names], 'refused': {name: words}}, each record under its
    name after the write (``after`` maps a sent name to it: a refused rename is listed under its old name)."""
    refused = {}
    for entry in answer.get('failure') or []:
        instance, reason = (list(entry) + [None, None])[:2] if isinstance(entry, (list, tuple)) else (entry, None)
        name = to_text(instance.get('name') if isinstance(instance, dict) else instance)
        refused[after.get(name, name)] = enms_words(reason)
    written = [after.get(to_text(name), to_text(name)) for name in answer.get('success') or []]
    return {'written': written, 'refused': refused}


def describe_errors(errors):
    """eNMS lists its reasons in ``errors``; a server that sends anything else is still quoted, never trusted."""
    if not errors:
        return 'no runtime in the answer'
    if isinstance(errors, list):
        return '; '.join(to_text(error) for error in errors)
    return to_text(errors)


class EnmsApi(object):
    """eNMS's REST API for a module (its client made on first use) or for a plugin that holds its own ``client``."""

    def __init__(self, module=None, client=None):
        self.module = module
        self.own_client = client

    @property
    def client(self):
        return self.own_client if self.own_client is not None else self.module.client

    def search(self, model, columns, criteria=None, order='name', page_size=SEARCH_PAGE_SIZE, descending=False):
        """Every ``model`` record matching ``criteria`` (eNMS search_criteria), each a dict of ``columns``.

        ``POST /rest/search`` pages (ordered by ``order``, a column, so that pages neither overlap nor skip) until a
        page comes back short. eNMS gives only the asked columns that are properties of the model, and silently
        ignores a criterion on a property the model does not have, selecting every record: such a criterion is
        refused from the first record, before any record is returned.
        """
        compared = criteria_properties(criteria)
        columns = unique([order] + list(columns) + compared)
        records, start = [], 0
        while True:
            page = self.search_page(model, columns, criteria or {}, start, page_size, descending)
            if not records and page:
                refuse_unknown_properties(model, compared, page[0])
            records.extend(page)
            if len(page) < page_size:
                return records
            start += len(page)

    def devices(self, names=None, pool=None, criteria=None, columns=None):
        """The devices selected by all of ``names``, ``pool`` and ``criteria`` (search_criteria), sorted by name, each
        with ``columns`` (and its name), or with every property when ``columns`` is None.

        One name is compared by eNMS; several are picked from what the other criteria select, since eNMS's criteria
        hold one value per property. A pool eNMS does not know fails (its criterion would select nothing, silently)."""
        criteria = dict(criteria or {})
        names = unique(names or [])
        if pool:
            self.pool_members(pool, option='pool')
            criteria['pools'] = [pool]
        if len(names) == 1 and 'name' not in criteria:
            criteria.update({'name': names[0], 'name_filter': 'equality', 'name_invert': False})
        if columns is None:
            columns = self.columns('device', criteria)
            if columns is None:
                return []
        records = named_records(self.search('device', columns, criteria))
        if names:
            wanted = set(names)
            records = [record for record in records if record['name'] in wanted]
        return records

    def update_devices(self, devices):
        """One ``POST /rest/instance/device`` of a list of devices, which eNMS creates or updates by name (``new_name``
        renames): ``{"success": [names], "failure": [[device, traceback]]}`` with HTTP 200, or an ``error``."""
        return self.post_instances('device', list(devices))[1]

    def post_instances(self, kind, body):
        """``POST /rest/instance/<kind>`` of one record or a list: (the response, its JSON object)."""
        response = self.client.request('POST', '%s/instance/%s' % (API_PREFIX, kind), json_body=body)
        return response, response.json_object('the outcome of the %s write' % kind, maybe_applied=True)

    def columns(self, model, criteria=None):
        """Every property a ``model`` record has (custom properties included), from one record that ``criteria``
        selects: two small reads, or one when nothing matches (None then). /rest/search gives only the columns asked for."""
        compared = criteria_properties(criteria)
        first = self.search_page(model, unique(['name'] + compared), criteria or {}, 0, 1)
        if not first:
            return None
        refuse_unknown_properties(model, compared, first[0])
        found = self.query(model, {'name': first[0].get('name')})
        return sorted(found[0]) if found else None

    def query(self, model, params=None):
        """``GET /rest/query/<model>[?<property>=<value>...]``: the records eNMS matches by equality, each with every
        property, in one request (no paging), those without a name left out. Only for a few records (a name, the
        pools): devices are read with ``search``, which pages."""
        response = self.client.request('GET', '%s/query/%s' % (API_PREFIX, path_segment(model)), params=params or None)
        listed = response.json()
        if not isinstance(listed, list):
            raise ApiError(PLATFORM, 'expected the %ss as a JSON list' % model, method='GET', url=response.url,
                           status=response.status, detail=response.text[:200])
        return named_records(listed)

    def pool_names(self):
        return [to_text(pool['name']) for pool in self.query('pool')]

    def pool_members(self, name, option='pools'):
        """The names of the devices in the pool ``name`` (``GET /rest/instance/pool/<name>``, 403 when unknown)."""
        try:
            response = self.client.request('GET', '%s/instance/pool/%s' % (API_PREFIX, path_segment(name)))
        except ApiError as exc:
            if exc.status == 403:
                raise exc.explained(summary=pool_hint(name, option))
            raise
        pool = response.json_object('the pool %r' % name)
        members = pool.get('devices')
        if not isinstance(members, list):
            raise ApiError(PLATFORM, 'eNMS gave the pool %r without its devices' % name, method='GET', url=response.url,
                           status=response.status)
        return [to_text(member) for member in members]

    def search_page(self, model, columns, criteria, start, page_size, descending=False):
        body = {'type': model, 'columns': columns, 'search_criteria': criteria, 'order': [{'column': 0, 'dir': 'desc' if descending else 'asc'}],
                'start': start, 'maximum_return_records': page_size}
        try:
            # It only reads: safe to send again after a connection error.
            response = self.client.request('POST', '%s/search' % API_PREFIX, json_body=body, idempotent=True)
        except ApiError as exc:
            if exc.status == 500 and any(value == 'regex' for value in criteria.values()):
                raise exc.explained(summary='eNMS answers HTTP 500 for a regular expression its database cannot use: check '
                                            'the regex filters')
            raise
        page = response.json()
        if not isinstance(page, list) or not all(isinstance(record, dict) for record in page):
            raise ApiError(PLATFORM, 'expected the %s records as a JSON list of objects' % model, method='POST', url=response.url,
                           status=response.status, detail=response.text[:200])
        return page

    def run_service(self, body):
        """POST /rest/run_service once; refusals that eNMS answers with HTTP 200 become ApiError."""
        response = self.request_service('POST', '/rest/run_service', 'run', json_body=body)
        answer = response.json_object()
        if answer.get('error'):
            raise ApiError(PLATFORM, 'eNMS refused to run %r' % body['name'], method='POST', url=response.url,
                           status=response.status, detail=to_text(answer['error']))
        if not answer.get('runtime'):
            raise ApiError(PLATFORM, 'eNMS did not start %r' % body['name'], method='POST', url=response.url,
                           status=response.status, detail=describe_errors(answer.get('errors')))
        return answer

    def request_service(self, method, path, purpose, **kwargs):
        """A request about one service, whose 403 says what eNMS's 403 can mean."""
        try:
            return self.client.request(method, path, **kwargs)
        except ApiError as exc:
            if exc.status == 403:
                raise exc.explained(summary=FORBIDDEN_HINT % purpose)
            raise

    def service(self, name, purpose='read'):
        """The service or workflow ``name`` (its full name) as ``GET /rest/instance/service/<name>`` gives it."""
        response = self.request_service('GET', '/rest/instance/service/%s' % path_segment(name), purpose)
        return response.json_object('the service %r' % name)

    def scoped_name(self, name, service=None):
        """The name eNMS keeps ``name``'s results under: its ``scoped_name``, one read unless ``service`` was read already."""
        if service is None:
            service = self.service(name)
        scoped = service.get('scoped_name')
        if not isinstance(scoped, str) or not scoped:
            raise ApiError(PLATFORM, 'eNMS gave the service %r without a scoped_name, under which its results are kept' % name,
                           detail=to_text(sorted(service)))
        return scoped

    def result(self, scoped_name, runtime):
        """``{status, result}`` of a run, or None while eNMS has no row for it (yet)."""
        path = '/rest/result/%s/%s' % (path_segment(scoped_name), path_segment(runtime))
        response = self.client.request('GET', path)
        answer = response.json_object()
        if answer.get('error'):
            if NO_RESULT_YET in to_text(answer['error']):
                return None
            raise ApiError(PLATFORM, 'eNMS refused to give the result', method='GET', url=response.url,
                           status=response.status, detail=to_text(answer['error']))
        return answer

    def workflow_services(self, runtime):
        """The services that ran inside the workflow run ``runtime``, from its result rows (see workflow_services)."""
        criteria = {'parent_runtime': runtime, 'parent_runtime_filter': 'equality'}
        return workflow_services(self.search('result', WORKFLOW_RESULT_COLUMNS, criteria, order='runtime'))

    def wait_result(self, name, scoped_name, runtime, params):
        """Poll until the run has finished; fail once eNMS has not known the run for ``not_found_timeout``."""
        return wait_as_asked(lambda: self.result(scoped_name, runtime), run_finished, describe_run(name, scoped_name, runtime),
                             lambda answer: answer is None, params)

    # -- instances (pools, devices' stored data) ----------------------------------------------------------------------
    def instance(self, kind, name):
        """``GET /rest/instance/<kind>/<name>`` (with its relations as names), or None when eNMS has no such ``kind``.

        eNMS answers HTTP 403 both for a name it does not know and for one the user may not read: after a 403,
        ``GET /rest/query/<kind>?name=<name>`` lists nothing in the first case, and the 403 stands in the second."""
        try:
            response = self.client.request('GET', '%s/instance/%s/%s' % (API_PREFIX, kind, path_segment(name)))
        except ApiError as exc:
            if exc.status == 403 and not self.query(kind, {'name': name}):
                return None
            raise
        return response.json_object('the %s %r' % (kind, name))

    def delete_instance(self, kind, name):
        """``DELETE /rest/instance/<kind>/<name>``; eNMS answers 403 for a name it does not know, and a delete it aborted
        with HTTP 200 and ``delete_aborted``."""
        try:
            response = self.client.request('DELETE', '%s/instance/%s/%s' % (API_PREFIX, kind, path_segment(name)))
        except ApiError as exc:
            if exc.status == 403:
                raise exc.explained(summary='eNMS answers HTTP 403 for a %s it does not know (deleted meanwhile?) or that '
                                            'the user may not edit' % kind)
            raise
        answer = response.json(maybe_applied=True)
        if isinstance(answer, dict) and answer.get('delete_aborted'):
            raise ApiError(PLATFORM, 'eNMS did not delete the %s %r' % (kind, name), method='DELETE', url=response.url,
                           status=response.status, detail=to_text(answer.get('alert') or answer.get('error') or answer))
        return answer

    def update_all_pools(self):
        """``POST /rest/update_all_pools``: eNMS recomputes the members of every pool the user may edit from its criteria
        (eNMS's "Update all pools"); a pool written over the REST API is not recomputed otherwise."""
        self.client.request('POST', '%s/update_all_pools' % API_PREFIX)

    def configuration(self, device, data_property):
        """``GET /rest/configuration/<device>?property=<data_property>``: the stored text (JSON null counts as empty)."""
        response = self.client.request('GET', '%s/configuration/%s' % (API_PREFIX, path_segment(device)),
                                       params={'property': data_property})
        content = response.json()
        if content is None:
            return ''
        if not isinstance(content, str):
            raise ApiError(PLATFORM, 'expected the %s of %r as a JSON string' % (data_property, device), method='GET',
                           url=response.url, status=response.status, detail=response.text[:200])
        return content


def stored_type(value):
    """The type eNMS keeps a property in, told by a value it gave for it: 'bool', 'int', or None (kept as given)."""
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, int):
        return 'int'
    return None


def stored_value(value, kind):
    """``value`` as eNMS stores a property of type ``kind`` (see stored_type); ValueError says why it cannot be.

    eNMS stores a boolean property as ``value not in (False, "false")``, so the text "False" would become true: a
    boolean text is read as Ansible reads it. An integer beyond 64 bits would make eNMS roll the whole write back."""
    if kind == 'bool':
        try:
            return boolean(value, strict=True)
        except TypeError:
            raise ValueError('%r is not a boolean (true/false, yes/no, on/off, 1/0)' % (value,))
    if kind == 'int':
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not INTEGER_TEXT.match(to_text(value)):
            raise ValueError('%r is not an integer' % (value,))
        number = int(value)
        if not INT64_MIN <= number <= INT64_MAX:
            raise ValueError('%s is beyond the signed 64-bit integers eNMS stores' % number)
        return number
    return value


def unaddressable(name):
    """Why eNMS could not address ``name`` in a request path (or refuses it), or None."""
    if not name.strip():
        return 'must not be empty'
    if name in UNADDRESSABLE_NAMES:
        return 'cannot be %r (the request path /rest/instance/<type>/%s collapses, so eNMS could never delete it)' % (name, name)
    if set('/\\\'"') & set(name):
        return 'must not hold a slash, a backslash or a quote (eNMS refuses them)'
    return None


def enms_words(traceback):
    """The last line of eNMS's traceback (the exception and its message), shortened."""
    lines = [line.strip() for line in to_text(traceback).splitlines() if line.strip()]
    words = lines[-1] if lines else to_text(traceback)
    return words if len(words) <= WORDS_LIMIT else words[:WORDS_LIMIT] + '...'


def workflow_services(records):
    """One entry per service that ran inside a workflow run, in the order they ran, from its ``/rest/search`` result rows.

    eNMS writes, under the run's ``parent_runtime``, the workflow's own rows (its ``path`` is the workflow's id) and,
    for each service inside it, a row without a device (the service's result, absent when the workflow runs device
    by device) and one row per device for a per-device service (path ``<workflow id>>...``, each with its own runtime).
    """
    services = []
    by_path = {}
    for record in records:
        path = to_text(record.get('path') or '')
        if '>' not in path:
            continue
        if path not in by_path:
            by_path[path] = {'name': record.get('service_name'), 'rows': [], 'devices': []}
            services.append(by_path[path])
        by_path[path]['devices' if record.get('device_name') else 'rows'].append(record)
    return [service_entry(found) for found in services]


def service_entry(found):
    devices = [{'name': row['device_name'], 'success': row.get('success'), 'runtime': row.get('runtime'),
                'result': row.get('result')} for row in found['devices']]
    if found['rows']:
        # A retried service writes a row per attempt: the last one is its outcome.
        own = found['rows'][-1]
        success, runtime, result = own.get('success'), own.get('runtime'), own.get('result')
    else:
        success, runtime, result = all(device['success'] for device in devices), devices[0]['runtime'], None
    return {'name': found['name'], 'success': success, 'runtime': runtime, 'devices': devices, 'result': result}


def unique(names):
    seen = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return seen


def named_records(listed):
    """The records that are objects with a name, sorted by name: what eNMS lists, as every reader here takes it."""
    records = [record for record in listed if isinstance(record, dict) and record.get('name') not in (None, '')]
    return sorted(records, key=lambda record: to_text(record['name']))


def pool_hint(name, option='pools'):
    return ('eNMS answers HTTP 403 for a pool name it does not know (or that the user may not read): check the name %r '
            'in %s, exactly as eNMS shows it (case, spaces)' % (name, option))


def refuse_unknown_properties(model, compared, record):
    missing = [name for name in compared if name not in record]
    if missing:
        raise ApiError(PLATFORM, 'eNMS %ss have no property %s: eNMS would ignore that criterion and select every %s, so '
                       'nothing was read' % (model, ', '.join(missing), model))


def describe_run(name, scoped_name, runtime):
    if scoped_name == name:
        return 'the eNMS run of %r at %s' % (name, runtime)
    return 'the eNMS run of %r (results kept under its scoped name %r) at %s' % (name, scoped_name, runtime)
