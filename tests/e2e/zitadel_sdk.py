# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ZITADEL's own Python SDK (zitadel-client) as a second judge of the ZITADEL end-to-end tests.

Every request body the modules send and every successful answer the emulator gives is parsed with the SDK's
model for that RPC (``ActionService<Rpc>Request`` / ``ActionService<Rpc>Response`` for v2,
``BetaActionService...`` for v2beta). The models accept unknown keys silently, so the judge also walks the JSON
beside the model's fields and reports every key the model does not know, at any depth. Fields the SDK types as
``bytes`` (protojson: base64 in JSON) must hold valid base64. Path parameters of the REST mapping
(``{id}``, ``{target_id}``, ``{key_id}``) are merged into the request before it is parsed, as the gateway does.

Not judged: requests answered by an injected fault, requests a test sends wrong on purpose (with the header
``X-Sdk-Unjudged: 1``, to see the emulator refuse them), and error answers. ZITADEL's REST gateway answers errors as
``{code: <number>, message, details}`` (docs/zitadel.md and https://zitadel.com/docs/apis/errors); the SDK's
``ActionServiceConnectError`` describes the Connect protocol's form, where ``code`` is a string.
"""

from __future__ import absolute_import, division, print_function

import base64
import binascii
import importlib
import json
import re
import typing

try:
    import pydantic
    from pydantic import BaseModel
    import zitadel_client.models as SDK_MODELS  # noqa: F401  pylint: disable=unused-import
    SDK_ERROR = None
except ImportError as exc:  # pragma: no cover - the test requirements install it
    SDK_ERROR = exc

UNJUDGED = 'X-Sdk-Unjudged'

# Route name of tests/emulators/zitadel.py (without the version) -> the RPC, and the path parameters' JSON names.
ROUTES = {
    'create_target': ('CreateTarget', {}),
    'update_target': ('UpdateTarget', {'id': 'id'}),
    'get_target': ('GetTarget', {'id': 'id'}),
    'delete_target': ('DeleteTarget', {'id': 'id'}),
    'list_targets': ('ListTargets', {}),
    'set_execution': ('SetExecution', {}),
    'list_executions': ('ListExecutions', {}),
    'list_functions': ('ListExecutionFunctions', None),
    'list_methods': ('ListExecutionMethods', None),
    'list_services': ('ListExecutionServices', None),
    'add_public_key': ('AddPublicKey', {'target_id': 'targetId'}),
    'activate_public_key': ('ActivatePublicKey', {'target_id': 'targetId', 'key_id': 'keyId'}),
    'deactivate_public_key': ('DeactivatePublicKey', {'target_id': 'targetId', 'key_id': 'keyId'}),
    'remove_public_key': ('RemovePublicKey', {'target_id': 'targetId', 'key_id': 'keyId'}),
    'list_public_keys': ('ListPublicKeys', {'target_id': 'targetId'}),
}


def snake(name):
    return re.sub(r'(?<!^)(?=[A-Z])', '_', name).lower()


def model(version, rpc, kind):
    """The SDK's model class for an RPC's Request or Response, or None when the SDK has none (a request without fields)."""
    prefix = 'ActionService' if version == 'v2' else 'BetaActionService'
    name = '%s%s%s' % (prefix, rpc, kind)
    try:
        module = importlib.import_module('zitadel_client.models.%s' % snake(name).replace('r_e_s_t', 'rest'))
    except ImportError:
        return None
    return getattr(module, name, None)


def _models_in(annotation):
    """The pydantic models and whether bytes are allowed, in an annotation such as Optional[List[X]]."""
    found, is_bytes = [], False
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            found.append(item)
        elif item is bytes or getattr(item, '__origin__', None) is bytes or 'StrictBytes' in repr(item):
            is_bytes = True
        stack.extend(typing.get_args(item))
    return found, is_bytes


def unknown_keys(model_class, value, where='$'):
    """Problems: keys of ``value`` the model does not know, at any depth, and bytes fields that are not base64."""
    problems = []
    if not isinstance(value, dict):
        return problems
    fields = {}
    for name, field in model_class.model_fields.items():
        if name == 'additional_properties':
            continue
        fields[field.alias or name] = field
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            problems.append('%s.%s: %s has no field %r (it knows %s)' % (where, key, model_class.__name__, key, ', '.join(sorted(fields))))
            continue
        nested, is_bytes = _models_in(field.annotation)
        if is_bytes and item is not None:
            try:
                base64.b64decode(item.replace('-', '+').replace('_', '/') + '=' * (-len(item) % 4), validate=True)
            except (binascii.Error, AttributeError, ValueError):
                problems.append('%s.%s: a bytes field must be base64 in JSON, got %r' % (where, key, str(item)[:40]))
        for element in (item if isinstance(item, list) else [item]):
            for nested_class in nested[:1]:
                problems.extend(unknown_keys(nested_class, element, '%s.%s' % (where, key)))
    return problems


def judge_message(model_class, value, where):
    if model_class is None:
        return [] if value in ({}, None) else ['%s: the SDK has no model, but the JSON is %s' % (where, json.dumps(value)[:200])]
    if not isinstance(value, dict):
        return ['%s: %s wants a JSON object, got %s' % (where, model_class.__name__, json.dumps(value)[:200])]
    problems = ['%s: %s' % (where, p) for p in unknown_keys(model_class, value)]
    try:
        model_class.from_dict(value)
    except pydantic.ValidationError as exc:
        problems.append('%s: %s refuses it: %s' % (where, model_class.__name__, exc))
    return problems


def judge_entry(emulator, entry):
    """Problems with one logged request and its answer; [] when the SDK agrees or the entry is not judged."""
    headers = dict((k.lower(), v) for k, v in (entry.get('headers') or {}).items())
    if entry.get('fault') or headers.get(UNJUDGED.lower()) or not entry.get('route') or ' ' not in entry['route']:
        return []
    version, name = entry['route'].split(' ', 1)
    if name not in ROUTES:
        return ['%s %s: no SDK model is mapped for route %r (add it to zitadel_sdk.ROUTES)' % (entry['method'], entry['path'], name)]
    rpc, path_fields = ROUTES[name]
    label = '%s %s (%s %s)' % (entry['method'], entry['path'], version, rpc)
    problems = []
    try:
        body = json.loads(entry['body']) if entry.get('body') else {}
    except ValueError:
        body = None
    if body is not None:
        request = dict(body) if isinstance(body, dict) else body
        if isinstance(request, dict) and path_fields:
            _route, params = emulator.find_route(entry['method'], entry['path'])
            for param, json_name in path_fields.items():
                if json_name in request:
                    problems.append('%s request: %s is in the path; the body must not carry it again' % (label, json_name))
                request[json_name] = (params or {}).get(param)
        problems.extend(judge_message(model(version, rpc, 'Request'), request, label + ' request'))
    status = entry.get('status') or 0
    if 200 <= status < 300 and entry.get('answer') is not None:
        try:
            answer = json.loads(entry['answer'])
        except ValueError:
            problems.append('%s answer: not JSON: %r' % (label, entry['answer'][:200]))
        else:
            problems.extend(judge_message(model(version, rpc, 'Response'), answer, label + ' answer'))
    return problems


def judge(emulator):
    """Every problem the SDK finds in the emulator's request log."""
    if SDK_ERROR is not None:
        return ['zitadel-client (ZITADEL\'s Python SDK) is needed to judge the ZITADEL tests: pip install zitadel-client (%s)' % SDK_ERROR]
    problems = []
    for entry in emulator.requests():
        problems.extend(judge_entry(emulator, entry))
    return problems
