# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based: for every module, any invalid value of any option is refused before a single request is
sent, with a message naming the option. The argument specs are read from the modules themselves."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible.module_utils import basic
from ansible.module_utils.parsing.convert_bool import BOOLEANS

from ansible_collections.netops.bridge.plugins.modules import (
    enms_configuration_info, enms_pool, enms_result_info, enms_service_run, omn_peo_info, omn_peo_project_link, saymon_job_info,
    saymon_object_info, saymon_operation, saymon_session, zitadel_execution, zitadel_execution_info, zitadel_target, zitadel_target_info,
    zitadel_target_public_key)
from .module_runner import Exited, run

SAYMON = dict(username='admin', password='admin-pass')
ENMS = dict(username='admin', password='admin-pass')
OMN = dict(token='omn-token')
ZITADEL = dict(token='admin-token')
EC_PUBLIC_KEY = ('-----BEGIN PUBLIC KEY-----\n'
                 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEoBuEc8SPaGiJh/sbvJt69GcEXnfI\n'
                 'EPIAg/aNRoTGPs5UoOj2NWLVtHYHyWMdUGM5eBRj/Q77OYRB244WqVd0WQ==\n'
                 '-----END PUBLIC KEY-----\n')

# Each module with arguments that are valid on their own; every test replaces one option with an invalid value.
MODULES = {
    'saymon_session': (saymon_session, dict(SAYMON)),
    'saymon_operation': (saymon_operation, dict(SAYMON, link_id='L1', operation_id='OP1')),
    'saymon_job_info': (saymon_job_info, dict(SAYMON, job_id='J1')),
    'saymon_object_info': (saymon_object_info, dict(SAYMON, objects=['O1'], links=['L1'], history=True, since='-1h')),
    'enms_service_run': (enms_service_run, dict(ENMS, name='Configuration Backup', devices=['Washington'])),
    'enms_result_info': (enms_result_info, dict(ENMS, name='Configuration Backup', runtime='2026-01-01 00:00:00.000000')),
    'enms_pool': (enms_pool, dict(ENMS, name='site1', description='Site 1', device_filters={'vendor': {'value': 'Arista'}})),
    'enms_configuration_info': (enms_configuration_info, dict(ENMS, device='Washington')),
    'omn_peo_info': (omn_peo_info, dict(OMN, project_tid='acc0000232')),
    'omn_peo_project_link': (omn_peo_project_link, dict(OMN, links=[{'peo_tid': 'peo-0001', 'project_tid': 'acc0000232'}])),
    'zitadel_target': (zitadel_target, dict(ZITADEL, name='hook', endpoint='https://hooks.example.com/x', target_type='webhook', timeout='5s')),
    'zitadel_target_info': (zitadel_target_info, dict(ZITADEL, name='hook')),
    'zitadel_execution': (zitadel_execution, dict(ZITADEL, condition={'request': {'all': True}}, targets=['hook'])),
    'zitadel_execution_info': (zitadel_execution_info, dict(ZITADEL)),
    'zitadel_target_public_key': (zitadel_target_public_key, dict(ZITADEL, target='hook', public_key=EC_PUBLIC_KEY,
                                                                  expiration_date='2027-01-31T00:00:00Z')),
}


class SpecRead(Exception):
    pass


def argument_spec(module):
    """The whole argument spec a module builds (its own options and the connection ones)."""
    original = basic.AnsibleModule.__init__

    def capture(self, argument_spec, **kwargs):
        raise SpecRead(argument_spec)

    basic.AnsibleModule.__init__ = capture
    try:
        with pytest.raises(SpecRead) as read:
            run(module, {})
    finally:
        basic.AnsibleModule.__init__ = original
    return read.value.args[0]


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def invalid_values(spec):
    """A strategy of values the option must refuse, or None when any value of its type is acceptable."""
    kind = spec.get('type', 'str')
    if spec.get('choices'):
        choices = [str(c) for c in spec['choices']]
        return st.text(min_size=1, max_size=20).filter(lambda v: v not in choices and v.strip() == v)
    if kind in ('int', 'float'):
        return st.one_of(st.text(min_size=1, max_size=12).filter(lambda v: not is_number(v)), st.lists(st.integers(), max_size=2))
    if kind == 'bool':
        known = set(str(b).lower() for b in BOOLEANS)
        return st.text(min_size=2, max_size=12).filter(lambda v: v.lower() not in known and v.strip() == v)
    if kind == 'dict':
        return st.one_of(st.integers(), st.lists(st.integers(), min_size=1, max_size=3))
    if kind == 'list':
        # Ansible turns a string or a number into a one-item list; a mapping is what cannot be one.
        return st.dictionaries(st.text(max_size=5), st.integers(), min_size=1, max_size=2)
    if kind == 'path':
        # A path that does not exist (requests would stop at it with a traceback naming no option).
        return st.text('abcxyz019._-', min_size=1, max_size=12).map('/nonexistent-netops-bridge/{0}'.format)
    return None


# Zero is a meaningful grace period (fail at the first "not known"); only a negative one is refused.
NOT_NEGATIVE = ('not_found_timeout',)


def positive_only(name, spec):
    return name.endswith(('timeout', 'interval')) and spec.get('type') in ('int', 'float') and name not in NOT_NEGATIVE


DURATION = re.compile(r'^\s*\d+(?:\.\d+)?(ms|s|m)?\s*$')
# ZITADEL durations: 0s to 270s (ZITADEL's limit for a target's timeout), written like 10s, 500ms or 2m.
# NUL and lone surrogates never reach the module's own check: ansible-core stops at them first, when it logs the
# invocation to syslog, with a message that cannot name the option (NUL) or an encoding error (surrogates).
DURATION_TEXT = st.text(st.characters(codec='utf-8', exclude_characters='\x00'), min_size=1, max_size=10)
INVALID_DURATIONS = st.one_of(DURATION_TEXT.filter(lambda v: not DURATION.match(v)),
                              st.integers(min_value=271, max_value=10 ** 6).map('{0}s'.format),
                              st.integers(min_value=5, max_value=10 ** 4).map('{0}m'.format))

# A nan wait_timeout would poll for ever, a nan or inf request_timeout ends in a traceback in the HTTP libraries.
NON_FINITE = st.one_of(st.sampled_from([float('nan'), float('inf'), float('-inf')]),
                       st.sampled_from(['nan', 'NaN', 'inf', '-inf', 'Infinity', '-Infinity', ' nan ']))


CASES = []
for _module_name, (_module, _base) in sorted(MODULES.items()):
    for _option, _spec in sorted(argument_spec(_module).items()):
        if invalid_values(_spec) is not None:
            CASES.append((_module_name, _option, 'type'))
        if positive_only(_option, _spec):
            CASES.append((_module_name, _option, 'positive'))
        if _option in NOT_NEGATIVE:
            CASES.append((_module_name, _option, 'not negative'))
        if _spec.get('type') == 'float':
            CASES.append((_module_name, _option, 'finite'))
        if _module_name == 'zitadel_target' and _option == 'timeout':
            CASES.append((_module_name, _option, 'duration'))


def test_every_module_has_options_to_check():
    assert set(case[0] for case in CASES) == set(MODULES)


@pytest.mark.parametrize('module_name, option, family', CASES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_invalid_option_is_refused_before_any_request(server, module_name, option, family, data):
    module, base = MODULES[module_name]
    spec = argument_spec(module)[option]
    if family == 'positive':
        value = data.draw(st.one_of(st.just(0), st.floats(max_value=0, allow_nan=False, allow_infinity=False)), label=option)
    elif family == 'not negative':
        value = data.draw(st.floats(max_value=-0.001, allow_nan=False, allow_infinity=False), label=option)
    elif family == 'finite':
        value = data.draw(NON_FINITE, label=option)
    elif family == 'duration':
        value = data.draw(INVALID_DURATIONS, label=option)
    else:
        value = data.draw(invalid_values(spec), label=option)
    server.received.clear()
    out = run(module, dict(base, url=server.url, **{option: value}))
    assert isinstance(out, Exited) and out.failed, (option, value, out.result)
    assert option in out.result['msg'], (option, value, out.result['msg'])
    assert server.received == [], (option, value, server.received)
