# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: enms
short_description: eNMS devices and pools as an Ansible inventory
version_added: 1.1.0
description:
  - Reads the devices of an eNMS server (all of them, or those of the pools named in O(pools)) and makes each one a
    host named after the device, with C(ansible_host) set to the device's C(ip_address) and the device's properties
    as host variables prefixed C(enms_) (O(var_prefix)).
  - Makes one group per eNMS pool that has hosts (O(pool_groups)), and supports the constructed options
    (O(compose), O(groups), O(keyed_groups)) and inventory caching.
  - The devices are read as M(netops.bridge.enms_device_info) reads them - C(POST /rest/search), which only reads,
    in pages of 1,000 devices, with the O(device_filters) that eNMS can compare and the O(pools) sent as search
    criteria, so eNMS selects and only matching devices are transferred. Without O(properties), one search for a
    single device and one C(GET /rest/query/device?name=...) first learn the property names (a search returns only
    the columns asked for); with it, only those properties are asked for.
  - Then C(GET /rest/instance/pool/<name>) once per pool read (with O(pool_groups) and no O(pools),
    C(GET /rest/query/pool) first lists the pools). So a run sends a few requests plus one per 1,000 devices.
  - The configuration file must end in C(enms.yml) or C(enms.yaml) and contain C(plugin) V(netops.bridge.enms); a
    key that is not an option of this plugin fails the source, naming the key.
  - What eNMS gives (host names, group names from pool names, every variable, nested values too) is data, never a
    template, on every ansible-core version; a device whose description holds C({{ ... }}) is shown as that text.
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin; the file is not read as an eNMS inventory source otherwise.
    type: str
    required: true
    choices: [netops.bridge.enms]
  url:
    description:
      - Base URL of the eNMS server, for example V(https://enms.example.com); the API lives under C(/rest).
      - It must start with C(http://) or C(https://), must not end in C(/rest) and must not carry credentials
        (C(user:password@)); give them in O(username) and O(password).
    type: str
    required: true
    env:
      - name: ENMS_URL
  username:
    description: eNMS user, for HTTP Basic authentication (the only scheme the eNMS REST API accepts).
    type: str
    required: true
    env:
      - name: ENMS_USERNAME
  password:
    description:
      - Password of O(username). It is never shown, also not with C(-vvv), and never written to the cache.
      - An empty value in the file counts as unset, so that E(ENMS_PASSWORD) applies; the same holds for O(url),
        O(username) and O(ca_path) with their variables. An unset C(lookup('ansible.builtin.env', ...)) gives an empty value.
      - Surrounding whitespace is removed (a vault block scalar or an env file often ends in a line break); a password that
        still holds a control character fails the source, without showing it.
    type: str
    required: true
    env:
      - name: ENMS_PASSWORD
  validate_certs:
    description: Verify the server's TLS certificate. Set to V(false) only for test servers.
    type: bool
    default: true
    env:
      - name: ENMS_VALIDATE_CERTS
  ca_path:
    description:
      - A PEM file of CA certificates (or a directory of them prepared with C(c_rehash)) to verify the server's
        certificate against, instead of the system's. Empty means unset.
    type: path
    env:
      - name: ENMS_CA_PATH
  request_timeout:
    description: Seconds to wait for each HTTP request to connect and to answer.
    type: float
    default: 30
    env:
      - name: ENMS_REQUEST_TIMEOUT
  pools:
    description:
      - Names of eNMS pools, exactly as eNMS shows them; only the devices in at least one of them become hosts.
      - A name that eNMS does not know fails the run (eNMS answers HTTP 403 for it).
      - Empty (the default) means every device.
    type: list
    elements: str
    default: []
  pool_groups:
    description:
      - Make one group per pool that has hosts, holding the hosts in that pool.
      - The group name is O(pool_group_prefix) followed by the pool name, with every character that is not a letter,
        digit or underscore (and a leading digit) replaced by C(_), so C(Core & Edge) becomes C(Core___Edge).
      - With O(pools), only those pools become groups; without it every pool of the server is read, one request per pool.
      - Set to V(false) to make no pool groups and, without O(pools), read no pool at all.
    type: bool
    default: true
  pool_group_prefix:
    description: Text put before the pool name to make the group name, for example V(pool_).
    type: str
    default: ''
  properties:
    description:
      - The device properties to set as host variables (each prefixed with O(var_prefix)), for example
        V([vendor, model, operating_system, os_version, location]).
      - Empty (the default) means every property eNMS gives for the device, custom properties included.
    type: list
    elements: str
    default: []
  var_prefix:
    description:
      - Text put before each property name to make the host variable name, so C(vendor) becomes C(enms_vendor).
      - The pools a host is in (of those read) are set as the variable named O(var_prefix) followed by C(pools).
    type: str
    default: enms_
  device_filters:
    description:
      - Only devices whose properties have these values become hosts, for example C(vendor) V(Arista).
      - A single text or number value is sent to eNMS as a search criterion with the match C(equality), so eNMS
        compares and only matching devices are transferred. eNMS compares exactly (case matters).
      - A value can also be given as the modules' and roles' filters take it (the O(netops.bridge.enms_device_info#module:filters)
        of M(netops.bridge.enms_device_info)), a mapping with C(value), C(match) (V(inclusion), the default, a
        case-insensitive substring; V(equality); V(regex)) and C(invert), for example C(name) set to a mapping with C(value)
        V(^site1-) and C(match) V(regex), so that criteria can be copied between them; eNMS compares these too. This form
        is new in version 1.2.0.
      - A list of values means any of them, and a V(true)/V(false) value is compared as such; eNMS's criteria hold one
        value per property, so these are applied to the devices it returns.
      - C(pools) is pool membership, not a property - a pool name or a list of them (in at least one of them), or an
        empty text for the devices in no pool; eNMS compares the names exactly (no other C(match), no C(invert)), and
        a pool name that eNMS does not know fails the source. With O(pools) too, a host must match both. A key that
        differs from C(pools) only in case, such as C(Pools), fails the source.
      - A property that eNMS devices do not have fails the source, before any host is made (eNMS would ignore the
        criterion and select every device).
    type: dict
    default: {}
notes:
  - Every host also gets the variable named O(var_prefix) followed by C(pools) when pools are read.
  - Requests that only read are retried with backoff on connection errors, HTTP 429, 500, 502, 503 and 504.
  - A C(~/.netrc) entry for the eNMS host is never used in place of these credentials.
  - With O(cache), the devices and pool members read are cached, not the password; a cache written for another
    O(url), O(username), O(pools), O(pool_groups), O(device_filters) or O(properties) is not used.
  - Proxies are taken from the E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables.
  - An AWX credential of the C(eNMS (netops.bridge)) type injects the E(ENMS_*) variables into an inventory source too.
requirements:
  - requests >= 2.25
seealso:
  - name: netops.bridge eNMS guide
    description: The inventory plugin with an example file, its graph and an AWX inventory source.
    link: https://github.com/netops/bridge/blob/main/docs/enms.md
'''

EXAMPLES = r'''
# inventory/production.enms.yml: every eNMS device, one group per pool, connection from ENMS_URL, ENMS_USERNAME
# and ENMS_PASSWORD. Run: ansible-inventory -i inventory/production.enms.yml --graph
plugin: netops.bridge.enms

# Each of the files below is a whole inventory file of its own.
#
# inventory/arista.enms.yml: the devices of two pools only, Arista devices only (the vendor filter is applied by
# eNMS), a few properties:
#
#   plugin: netops.bridge.enms
#   url: https://enms.example.com
#   username: ansible
#   password: "{{ lookup('ansible.builtin.env', 'ENMS_SECRET') }}"
#   pools:
#     - Core & Edge
#     - Data center
#   device_filters:
#     vendor: Arista
#   properties: [vendor, model, operating_system, os_version, location]
#
# inventory/grouped.enms.yml: groups and variables from the device properties, with the standard constructed options:
#
#   plugin: netops.bridge.enms
#   pool_group_prefix: pool_
#   compose:
#     ansible_network_os: "'arista.eos.eos' if enms_vendor == 'Arista' else 'cisco.ios.ios'"
#     ansible_port: enms_port
#   groups:
#     paris: enms_location == 'Paris'
#   keyed_groups:
#     - key: enms_vendor
#       prefix: vendor
#     - key: enms_operating_system | lower
#       prefix: os
#   strict: true
#
# inventory/cached.enms.yml: cache what eNMS answered for an hour, so that the next runs send no request:
#
#   plugin: netops.bridge.enms
#   cache: true
#   cache_plugin: ansible.builtin.jsonfile
#   cache_connection: ~/.cache/enms-inventory
#   cache_timeout: 3600
'''

import difflib
import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from ansible.errors import AnsibleParserError
from ansible.inventory.group import to_safe_group_name
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.release import __version__ as CORE_VERSION
from ansible.utils.display import Display
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.netops.bridge.plugins.module_utils._auth import BasicAuth
from ansible_collections.netops.bridge.plugins.module_utils._client import ApiClient
from ansible_collections.netops.bridge.plugins.module_utils._connection import ca_bundle_fault, url_problem
from ansible_collections.netops.bridge.plugins.module_utils._errors import ApiError
from ansible_collections.netops.bridge.plugins.module_utils._module import has_control_character
from ansible_collections.netops.bridge.plugins.module_utils.enms import (
    API_PREFIX, PLATFORM, POOLS, EnmsApi, FilterError, criteria_from_filters)
CACHE_FORMAT = 1
ENV = {'url': 'ENMS_URL', 'username': 'ENMS_USERNAME', 'password': 'ENMS_PASSWORD', 'ca_path': 'ENMS_CA_PATH',
       'request_timeout': 'ENMS_REQUEST_TIMEOUT', 'validate_certs': 'ENMS_VALIDATE_CERTS'}
PROPERTY_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
NAMES_THIS_PLUGIN = re.compile(r'''^plugin:\s*["']?netops\.bridge\.enms["']?\s*(#.*)?$''', re.M)
FILE_NAME_ENDINGS = ('enms.yml', 'enms.yaml')
TEMPLATE_CHARACTERS = re.compile(r'[{}#]')
# ansible-core 2.19 and later trust no text an inventory plugin sets (data tagging): marking it again there costs a
# walk over every value of every device (about a second for 10,000 devices) and changes nothing.
CORE_RENDERS_PLUGIN_TEXT = tuple(int(part) for part in re.findall(r'\d+', CORE_VERSION)[:2]) < (2, 19)

display = Display()


def untrusted(value):
    """What eNMS said, with every text that a template engine could render marked as data, in nested dicts and lists too.

    ansible-core before 2.19 renders a variable's text as a template when a play uses it, so a device description
    ``{{ lookup('ansible.builtin.pipe', ...) }}`` would run a command on the controller; 2.19+ trusts no text a
    plugin read from a server. A text can be a template only if it holds { or }, or starts with #jinja2: (a header
    that chooses other delimiters, such as [[ ]]); marking every text that holds # also covers a header that compose
    joins from two texts. The others stay plain, because ansible-core 2.16 prints a marked text as
    {"__ansible_unsafe": ...} in ansible-inventory --list, host names in a group's list too, which AWX's inventory
    import cannot read (community.general issue 8212; its make_unsafe marks only { and }, which misses the header).
    """
    if isinstance(value, Mapping):
        return dict((untrusted(key), untrusted(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [untrusted(item) for item in value]
    if isinstance(value, str) and TEMPLATE_CHARACTERS.search(value):
        return wrap_var(value)
    return value


def as_data(value):
    """What eNMS said, so that no text of it is ever a template: marked by untrusted() where ansible-core would
    render it, as it is where ansible-core itself trusts no text a plugin read (2.19 and later)."""
    return untrusted(value) if CORE_RENDERS_PLUGIN_TEXT else value


def option_name(name):
    """How a user may have set an option: in the file, or with its environment variable."""
    return '%s (or %s)' % (name, ENV[name]) if name in ENV else name


def server_side(value):
    """A filter value eNMS compares itself: one text or number (eNMS compares a boolean column with 'true' as false)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def matches(device, filters):
    for key, wanted in filters.items():
        value = device.get(key)
        choices = wanted if isinstance(wanted, list) else [wanted]
        if not any(same(value, choice) for choice in choices):
            return False
    return True


def same(value, wanted):
    if isinstance(wanted, bool) or isinstance(value, bool):
        return value is wanted
    return to_text(value) == to_text(wanted)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = 'netops.bridge.enms'

    def verify_file(self, path):
        if not super(InventoryModule, self).verify_file(path):
            return False
        if path.endswith(FILE_NAME_ENDINGS):
            return True
        if names_this_plugin(path):
            # Core's own words would only say that the source "could not be verified".
            display.warning('%s names plugin: netops.bridge.enms but is not read as an eNMS inventory source: the file '
                            'name must end in enms.yml or enms.yaml, for example production.enms.yml.' % path)
        return False

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path)
        config = self._read_config_data(path)
        self.refuse_unknown_keys(config)
        settings = self.settings()
        source = {'format': CACHE_FORMAT, 'url': settings['url'], 'username': settings['username'],
                  'pools': settings['pools'], 'pool_groups': settings['pool_groups'],
                  'device_filters': settings['device_filters'], 'properties': settings['properties']}
        use_cache = self.get_option('cache')
        key = self.get_cache_key(path)
        data = None
        if use_cache and cache:
            try:
                cached = self._cache[key]
            except KeyError:
                cached = None
            if isinstance(cached, dict) and cached.get('source') == source:
                data = cached.get('data')
        if data is None:
            data = self.fetch(settings)
            if use_cache:
                self._cache[key] = {'source': source, 'data': data}
        self.populate(data, settings)

    # -- options --------------------------------------------------------------------------------------
    def fail(self, message, option=True):
        """One line: the option at fault (named as in the file and as its variable), or the server's own words."""
        raise AnsibleParserError('netops.bridge.enms: %s' % message if option else message)

    def refuse_unknown_keys(self, config):
        """A misspelt option would otherwise be ignored: pool: for pools: would read every device of the server."""
        known = sorted(self._options)
        for key in sorted(to_text(key) for key in config):
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                self.fail('%s is not an option of this plugin%s; ansible-doc -t inventory netops.bridge.enms lists them.'
                          % (key, ' (did you mean %s?)' % close[0] if close else ''))

    def given(self, name):
        """An option's value, rendered if it is a template; empty in the file counts as unset, so that its environment
        variable applies (password: "{{ lookup('ansible.builtin.env', 'UNSET') }}" gives an empty text)."""
        value = self.get_option(name)
        if isinstance(value, str) and self.templar.is_template(value):
            # For example password: "{{ lookup('ansible.builtin.env', 'ENMS_SECRET') }}".
            value = self.templar.template(value)
        if value is None or not to_text(value).strip():
            value = os.environ.get(ENV[name]) or None
        return value

    def settings(self):
        """The options, checked before any request; every failure names the option (and its variable)."""
        found = {}
        for name in ('url', 'username', 'password'):
            value = self.given(name)
            if value is None or not to_text(value).strip():
                self.fail('%s is required and must not be empty.' % option_name(name))
            # As in the modules: a vault block scalar or an env file easily adds a line break that no credential has.
            found[name] = to_text(value).strip()
            if has_control_character(found[name]):
                self.fail('%s must not hold a control character (a line break or tab inside it, for example); the value '
                          'is not shown.' % option_name(name))
        found['url'] = self.checked_url(found['url'].strip())
        found['validate_certs'] = self.get_option('validate_certs')
        found['ca_path'] = self.checked_ca_path(self.given('ca_path'))
        timeout = self.get_option('request_timeout')
        if timeout is None or timeout <= 0:
            self.fail('%s must be greater than 0, got %s.' % (option_name('request_timeout'), timeout))
        found['request_timeout'] = float(timeout)
        found['pools'] = self.names('pools')
        found['properties'] = self.names('properties')
        found['pool_groups'] = bool(self.get_option('pool_groups'))
        found['pool_group_prefix'] = to_text(self.get_option('pool_group_prefix') or '')
        found['var_prefix'] = to_text(self.get_option('var_prefix') or '')
        if found['var_prefix'] and not PROPERTY_NAME.match(found['var_prefix']):
            self.fail('var_prefix must be empty or start with a letter or _ and hold only letters, digits and _, got %r.'
                      % found['var_prefix'])
        found['device_filters'] = self.get_option('device_filters') or {}
        found['criteria'], found['local_filters'] = self.checked_filters(found['device_filters'])
        return found

    def names(self, option):
        values = self.get_option(option) or []
        names = []
        for value in values:
            if not isinstance(value, str) or not value.strip():
                self.fail('%s must be a list of non-empty names, got %r.' % (option, value))
            if value not in names:
                names.append(to_text(value))
        return names

    def checked_url(self, text):
        problem = url_problem(option_name('url'), text, base=True, api_prefixes=(API_PREFIX,))
        if problem:
            self.fail(problem)
        parts = urlsplit(text)
        return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip('/'), '', ''))

    def checked_ca_path(self, value):
        if not value:
            # Empty is unset: the AWX credential type injects an empty ENMS_CA_PATH when no CA is given.
            return None
        value = os.path.expanduser(to_text(value))
        if not os.path.exists(value):
            self.fail('%s %s does not exist.' % (option_name('ca_path'), value))
        fault = ca_bundle_fault(value, PLATFORM)
        if fault:
            what, reason, advice = fault
            self.fail('%s %s %s (%s)%s.' % (option_name('ca_path'), value, what, reason, advice))
        return value

    def checked_filters(self, filters):
        """(the criteria eNMS compares, the filters applied here to what it returns), refused before any request.

        The modules' form {value, match, invert} and a single text or number (match equality) are compared by eNMS,
        pools as pool membership; a list of values or a true/false value is applied here."""
        if not isinstance(filters, dict):
            self.fail('device_filters must be a mapping of device property to value, got %r.' % (filters,))
        compared, local = {}, {}
        for key, value in filters.items():
            key = to_text(key)
            if isinstance(value, dict):
                compared[key] = value
            elif key.lower() == POOLS or server_side(value):
                # Pools: (any case) too, which criteria_from_filters names as not pools.
                compared[key] = {'value': value} if key.lower() == POOLS else {'value': value, 'match': 'equality'}
            else:
                if not PROPERTY_NAME.match(key):
                    self.fail('device_filters: %r is not a device property name.' % key)
                values = value if isinstance(value, list) else [value]
                if not values or not all(isinstance(v, (str, int, float, bool)) for v in values):
                    self.fail('device_filters: %s must be a text, number or true/false, a list of them, or a mapping with '
                              'value, match and invert, got %r.' % (key, value))
                local[key] = value
        try:
            criteria = criteria_from_filters(compared, 'device_filters')
        except FilterError as exc:
            self.fail('%s.' % exc)
        return criteria, local

    # -- requests -------------------------------------------------------------------------------------
    def fetch(self, settings):
        """What eNMS knows that the inventory needs, in a fixed number of requests: {'devices': [...], 'pools': {...}}."""
        client = None
        try:
            client = ApiClient(PLATFORM, settings['url'], BasicAuth(settings['username'], settings['password']),
                               validate_certs=settings['validate_certs'], ca_path=settings['ca_path'],
                               timeout=settings['request_timeout'])
            api = EnmsApi(client=client)
            devices = self.devices(api, settings)
            pools = {}
            names = settings['pools']
            if not names and settings['pool_groups']:
                names = api.pool_names()
            for name in names:
                pools[name] = api.pool_members(name)
            return {'devices': devices, 'pools': pools}
        except ApiError as exc:
            self.fail(self.explain(exc), option=False)
        finally:
            if client is not None:
                client.close()

    def explain(self, error):
        text = error.message.rstrip().rstrip('.')
        if error.status == 401:
            text += ('. Check %s and %s' % (option_name('username'), option_name('password')))
        elif error.status is None and 'connection failed' in (error.summary or ''):
            text += '. Check %s: is eNMS listening there' % option_name('url')
        return text + '.'

    def devices(self, api, settings):
        """The devices to make hosts, read as enms_device_info reads them (EnmsApi.devices: a paged search); only the
        filters eNMS cannot compare are applied here."""
        filters, criteria = settings['local_filters'], dict(settings['criteria'])
        for name in criteria.get(POOLS, []):
            if name not in settings['pools']:
                # eNMS would select no device for a pool name it does not know, silently.
                api.pool_members(name, option='device_filters')
        if settings['pools'] and 'pools_filter' not in criteria:
            # Only the members of the pools read: eNMS joins them (any of them, with union) instead of sending every device.
            # With pools in device_filters, eNMS compares those, and populate keeps only the members of these.
            criteria.update(pools=list(settings['pools']), pools_filter='union')
        columns = None
        if settings['properties']:
            columns = ['name', 'ip_address'] + settings['properties'] + sorted(filters)
        found = api.devices(criteria=criteria, columns=columns)
        unknown = sorted(key for key in filters if found and key not in found[0])
        if unknown:
            self.fail('device_filters: eNMS devices have no property %s, so no device could match.' % ', '.join(unknown))
        return [device for device in found if matches(device, filters)]

    # -- the inventory --------------------------------------------------------------------------------
    def populate(self, data, settings):
        """Hosts, groups and variables from what eNMS said (or the cache kept), each marked untrusted."""
        strict = self.get_option('strict')
        prefix, wanted = settings['var_prefix'], settings['properties']
        pools = as_data(data.get('pools') or {})
        member_of = {}
        for pool, members in pools.items():
            for member in members:
                member_of.setdefault(member, []).append(pool)
        only = settings['pools']
        constructed = any(self.get_option(option) for option in ('compose', 'groups', 'keyed_groups'))
        # By name, so that the graph and the group members read the same whatever order eNMS lists them in.
        for device in sorted(as_data(data.get('devices') or []), key=lambda found: to_text(found['name'])):
            name = as_data(to_text(device['name']))
            if only and name not in member_of:
                continue
            self.inventory.add_host(name)
            address = device.get('ip_address')
            if address:
                self.inventory.set_variable(name, 'ansible_host', as_data(to_text(address)))
            for key in (wanted or sorted(device)):
                if key in device:
                    self.inventory.set_variable(name, as_data(prefix + to_text(key)), device[key])
            if pools:
                self.inventory.set_variable(name, prefix + 'pools', sorted(member_of.get(name, [])))
            if settings['pool_groups']:
                for pool in member_of.get(name, []):
                    group = self.inventory.add_group(as_data(self.group_name(settings['pool_group_prefix'] + pool)))
                    self.inventory.add_child(group, name)
            if not constructed:
                continue
            variables = self.inventory.get_host(name).get_vars()
            self._set_composite_vars(self.get_option('compose'), variables, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, name, strict=strict)

    @staticmethod
    def group_name(text):
        return to_safe_group_name(text, force=True, silent=True)


def names_this_plugin(path):
    """Whether a file says plugin: netops.bridge.enms (only its beginning is read: a plugin file is small)."""
    try:
        with open(path, 'rb') as stream:
            text = to_text(stream.read(65536), errors='surrogate_or_replace')
    except (IOError, OSError):
        return False
    return bool(NAMES_THIS_PLUGIN.search(text))
