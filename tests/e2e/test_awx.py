# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential types of extensions/awx/credential_types: what AWX would accept, that every variable they
inject is one the modules read, and the showcase run by ansible-runner with the environment AWX would inject."""

from __future__ import absolute_import, division, print_function

import os
import re
import subprocess
import sys
import tempfile

import pytest
import yaml
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible.module_utils.parsing.convert_bool import boolean

from conftest import BIN, REPO_ROOT
from emulators.omn import TOKEN_PATH
from emulators.saymon import LINK_L1, OBJECT_O1
from emulators.zitadel import ZitadelEmulator

ansible_runner = pytest.importorskip('ansible_runner')
pytestmark = pytest.mark.filterwarnings('ignore:This process .* is multi-threaded:DeprecationWarning')

TYPES_DIR = REPO_ROOT / 'extensions' / 'awx' / 'credential_types'
PLATFORMS = ['saymon', 'enms', 'omn', 'zitadel']
PREFIXES = tuple('%s_' % platform.upper() for platform in PLATFORMS) + ('SHOWCASE_',)
# Module settings no credential holds: a SAYMON session is created for each run (saymon_session, the roles).
NOT_INJECTED = {'SAYMON_SESSION_ID'}
SECRET_WORDS = re.compile(r'password|token|secret|key', re.I)
ENV_OPTION = re.compile(r"^\s*(\w+)=dict\((.*)env_fallback,\s*\[\s*'([A-Z0-9_]+)'\s*\]", re.M)

# What AWX accepts (awx/main/fields.py: CredentialTypeInputField, CredentialTypeInjectorField).
FIELD_KEYS = {'id', 'label', 'type', 'format', 'choices', 'help_text', 'multiline', 'secret', 'ask_at_runtime', 'default'}
STRING_ONLY_KEYS = {'choices', 'multiline', 'format', 'secret'}
FIELD_ID = re.compile(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$')
FILE_TEMPLATE = re.compile(r'^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$')


def load(platform):
    with open(str(TYPES_DIR / ('%s.yml' % platform))) as handle:
        return yaml.safe_load(handle)


def module_env_names(platform):
    """The names in ``env_fallback, ['NAME']`` of plugins/module_utils/<platform>.py."""
    text = (REPO_ROOT / 'plugins' / 'module_utils' / ('%s.py' % platform)).read_text()
    return set(re.findall(r"env_fallback,\s*\[\s*'([A-Z0-9_]+)'\s*\]", text))


def module_secret_env_names(platform):
    """The environment variables of the module options declared no_log=True."""
    text = (REPO_ROOT / 'plugins' / 'module_utils' / ('%s.py' % platform)).read_text()
    return set(found[2] for found in ENV_OPTION.findall(text) if 'no_log=True' in found[1])


def template_fields(template):
    return meta.find_undeclared_variables(Environment().parse(template)) - {'tower'}


class TowerNamespace(object):
    """AWX's ``tower`` template namespace: ``tower.filename`` (one file) or ``tower.filename.<name>`` (several)."""


def inject(credential_type, inputs, private_data_dir):
    """The environment AWX injects for a credential of this type holding these inputs (as in AWX's
    CredentialType.inject_credential): empty strings are left undefined, missing booleans are false, file
    templates are written to <private_data_dir>/env and named by ``tower.filename``."""
    fields = credential_type['inputs']['fields']
    namespace = dict((key, value) for key, value in inputs.items() if isinstance(value, bool) or len(value))
    for field in fields:
        if field.get('type', 'string') == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = False
    tower = TowerNamespace()
    namespace['tower'] = tower
    sandbox = ImmutableSandboxedEnvironment()
    env_dir = os.path.join(private_data_dir, 'env')
    if not os.path.isdir(env_dir):
        os.makedirs(env_dir)
    for label, template in credential_type['injectors'].get('file', {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, 'w') as stream:
            stream.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, 0o600)
        if '.' not in label:
            tower.filename = path
        else:
            if not hasattr(tower, 'filename'):
                tower.filename = TowerNamespace()
            setattr(tower.filename, label.split('.', 1)[1], path)
    return dict((name, sandbox.from_string(template).render(**namespace)) for name, template in credential_type['injectors']['env'].items())


def emulator_inputs(saymon, enms, omn, zitadel):
    return {
        'saymon': {'url': saymon.url, 'username': 'admin', 'password': 'admin-pass'},
        'enms': {'url': enms.url, 'username': 'admin', 'password': 'admin-pass'},
        'omn': {'url': omn.url, 'token': 'omn-token'},
        'zitadel': {'url': zitadel.url, 'token': 'admin-token'},
    }


@pytest.fixture
def runner_environment(monkeypatch):
    """The test's own environment stripped of platform settings, with the venv's ansible commands on PATH
    (as in an execution environment): ansible-runner starts from os.environ."""
    for key in list(os.environ):
        if key.startswith(PREFIXES):
            monkeypatch.delenv(key)
    monkeypatch.setenv('PATH', '%s%s%s' % (BIN, os.pathsep, os.environ.get('PATH', '')))


def run(private_data_dir, envvars, **kwargs):
    inventory = 'localhost ansible_connection=local ansible_python_interpreter=%s' % sys.executable
    result = ansible_runner.run(private_data_dir=str(private_data_dir), envvars=envvars, inventory=inventory, quiet=True, timeout=300, **kwargs)
    result.output = result.stdout.read()
    return result


# -- the files --------------------------------------------------------------------------------------

@pytest.mark.parametrize('platform', PLATFORMS)
def test_credential_type_is_one_awx_accepts(platform):
    credential_type = load(platform)
    assert set(credential_type) == {'name', 'description', 'kind', 'inputs', 'injectors'}
    assert credential_type['kind'] == 'cloud'
    assert 'netops.bridge' in credential_type['name'] and credential_type['description'].strip()
    inputs = credential_type['inputs']
    assert set(inputs) <= {'fields', 'required'}
    ids = [field['id'] for field in inputs['fields']]
    labels = [field['label'] for field in inputs['fields']]
    assert len(set(ids)) == len(ids) and len(set(labels)) == len(labels)
    for field in inputs['fields']:
        assert set(field) <= FIELD_KEYS, field
        assert FIELD_ID.match(field['id']) and field['id'] != 'tower'
        assert field['type'] in ('string', 'boolean')
        assert field.get('help_text', '').strip(), '%s has no help_text' % field['id']
        if field['type'] == 'boolean':
            assert not STRING_ONLY_KEYS & set(field), field
        if 'default' in field:
            assert isinstance(field['default'], {'string': str, 'boolean': bool}[field['type']]), field
        if 'choices' in field:
            assert field.get('default', field['choices'][0]) in field['choices']
    assert set(inputs['required']) <= set(ids) and 'url' in inputs['required']
    injectors = credential_type['injectors']
    assert set(injectors) <= {'env', 'file', 'extra_vars'}
    assert all(FILE_TEMPLATE.match(label) for label in injectors.get('file', {}))
    for name, template in injectors['env'].items():
        assert FIELD_ID.match(name) and not name.startswith('ANSIBLE_')
        assert isinstance(template, str) and template.isascii()


@pytest.mark.parametrize('platform', PLATFORMS)
def test_injectors_name_only_defined_fields(platform):
    """AWX renders every injector with StrictUndefined and each field set to 'EXAMPLE' when the type is saved."""
    credential_type = load(platform)
    namespace = dict((field['id'], 'EXAMPLE') for field in credential_type['inputs']['fields'])
    namespace['tower'] = TowerNamespace()
    namespace['tower'].filename = TowerNamespace()
    for label in credential_type['injectors'].get('file', {}):
        setattr(namespace['tower'].filename, label.split('.', 1)[1], 'EXAMPLE_FILENAME')
    sandbox = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for kind in ('env', 'file'):
        for name, template in credential_type['injectors'].get(kind, {}).items():
            try:
                sandbox.from_string(template).render(**namespace)
            except (UndefinedError, TemplateSyntaxError) as exc:
                pytest.fail('%s %s: %s' % (kind, name, exc))


@pytest.mark.parametrize('platform', PLATFORMS)
def test_injected_variables_are_those_the_modules_read(platform):
    read = module_env_names(platform)
    assert read and all(name.startswith(platform.upper() + '_') for name in read)
    injected = set(load(platform)['injectors']['env'])
    assert injected <= read, 'injected but read by no module: %s' % sorted(injected - read)
    assert read - injected <= NOT_INJECTED, 'read by the modules but not injected: %s' % sorted(read - injected - NOT_INJECTED)


@pytest.mark.parametrize('platform', PLATFORMS)
def test_passwords_and_tokens_are_secret(platform):
    """A field is secret when it feeds a no_log module option, or names a password, token or key; and only then."""
    credential_type = load(platform)
    fields = credential_type['inputs']['fields']
    module_secrets = module_secret_env_names(platform)
    assert module_secrets
    feeds_secret = set()
    for name, template in credential_type['injectors']['env'].items():
        if name in module_secrets:
            feeds_secret |= template_fields(template)
    assert feeds_secret
    for field in fields:
        looks_secret = SECRET_WORDS.search(field['id']) and not field['id'].endswith('_url')
        should_be = field['id'] in feeds_secret or bool(looks_secret)
        assert bool(field.get('secret')) == should_be, field['id']


@pytest.mark.parametrize('platform', PLATFORMS)
def test_every_input_left_empty_injects_a_value_the_modules_accept(platform, tmp_path):
    """AWX injects every env variable, set or not: what an optional field left empty renders to must parse as the
    module option it feeds (type bool, float, path) or be empty where the modules treat empty as unset."""
    credential_type = load(platform)
    required = dict((name, 'https://example.com' if name == 'url' else 'x') for name in credential_type['inputs']['required'])
    env = inject(credential_type, required, str(tmp_path))
    prefix = platform.upper() + '_'
    assert boolean(env[prefix + 'VALIDATE_CERTS']) is True
    assert float(env[prefix + 'REQUEST_TIMEOUT']) == 30.0
    assert env[prefix + 'CA_PATH'] == ''
    assert env[prefix + 'URL'] == 'https://example.com'
    if platform == 'omn':
        assert (env['OMN_CLIENT_ID'], env['OMN_SCHEMA_VERSION']) == ('omn-ui', '5.6.0')
    if platform == 'zitadel':
        assert env['ZITADEL_API_VERSION'] == 'v2'


@pytest.mark.parametrize('platform', PLATFORMS)
def test_the_ca_certificate_is_written_to_a_file_and_tls_checks_can_be_skipped(platform, tmp_path):
    credential_type = load(platform)
    inputs = dict((name, 'x') for name in credential_type['inputs']['required'])
    inputs.update({'ca_cert': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'skip_tls_verify': True, 'request_timeout': '4.5'})
    env = inject(credential_type, inputs, str(tmp_path))
    prefix = platform.upper() + '_'
    path = env[prefix + 'CA_PATH']
    assert path.startswith(str(tmp_path / 'env'))
    with open(path) as handle:
        assert handle.read() == inputs['ca_cert']
    assert boolean(env[prefix + 'VALIDATE_CERTS']) is False
    assert float(env[prefix + 'REQUEST_TIMEOUT']) == 4.5


def test_the_loader_playbook_of_the_docs_sends_the_files_verbatim(ansible):
    """The awx.awx.credential_type playbook of docs/awx.md, with ansible.builtin.debug standing in for the module:
    what it would send is each file's content, its {{ }} injector templates untouched."""
    blocks = re.findall(r'```yaml\n(.*?)```', (REPO_ROOT / 'docs' / 'awx.md').read_text(), re.S)
    loader = [block for block in blocks if 'awx.awx.credential_type:' in block]
    assert len(loader) == 1
    play = yaml.safe_load(loader[0])
    task = play[0]['tasks'][0]
    arguments = task.pop('awx.awx.credential_type')
    assert arguments.pop('state') == 'present'
    task['ansible.builtin.debug'] = {'msg': arguments}
    task['register'] = 'loaded'
    play[0]['tasks'].append({'name': 'Save', 'ansible.builtin.copy': {
        'content': "{{ loaded.results | map(attribute='msg') | list | to_json }}", 'dest': '{{ results_file }}', 'mode': '0600'}})
    run = ansible.playbook(yaml.safe_dump(play), args=['-e', 'credential_types_dir=%s' % TYPES_DIR])
    assert run.rc == 0, run
    sent = dict((credential_type['name'], credential_type) for credential_type in run.results)
    assert sent == dict((load(platform)['name'], load(platform)) for platform in PLATFORMS)


# -- with ansible-runner -------------------------------------------------------------------------------

def test_showcase_runs_with_the_injected_environment(saymon, enms, omn, zitadel, collections_path, tmp_path, runner_environment):
    private_data_dir = tmp_path / 'runner'
    inputs = emulator_inputs(saymon, enms, omn, zitadel)
    envvars = {}
    for platform in PLATFORMS:
        envvars.update(inject(load(platform), inputs[platform], str(private_data_dir)))
    envvars.update({'ANSIBLE_COLLECTIONS_PATH': str(collections_path),
                    'SHOWCASE_SAYMON_LINK_ID': LINK_L1, 'SHOWCASE_SAYMON_OBJECT_ID': OBJECT_O1})
    result = run(private_data_dir, envvars, playbook=str(REPO_ROOT / 'playbooks' / 'showcase.yml'))
    assert (result.status, result.rc) == ('successful', 0), result.output[-6000:]
    assert result.stats['failures'] == {} and result.stats['dark'] == {}
    assert saymon.count(route='create_session') >= 1 and saymon.count(route='execute_link_operation') >= 1
    assert enms.count(route='run_service') >= 1
    assert omn.count(route='links_perform') >= 1 and omn.count(route='query') >= 1
    assert zitadel.count(route='v2 create_target') == 2 and zitadel.count(route='v2 set_execution') == 1
    for emulator in (saymon, enms, omn, zitadel):
        # eNMS answers 403 to GET /rest/instance/<kind>/<name> for a name it does not know: the showcase's pool before
        # its first write. Any other refusal would be a credential the injection got wrong.
        refused = [entry for entry in emulator.requests() if entry.get('status') in (401, 403)
                   and not (emulator is enms and entry['method'] == 'GET' and entry['path'].startswith('/rest/instance/'))]
        assert not refused, refused
    for secret in ('admin-pass', 'omn-token', 'admin-token'):
        assert secret not in result.output


def test_omn_refresh_token_credential(omn, collections_path, tmp_path, runner_environment):
    """An OMN credential with a Keycloak offline token and no access token: the empty OMN_TOKEN AWX injects is unset."""
    private_data_dir = tmp_path / 'runner'
    inputs = {'url': omn.url, 'refresh_token': 'offline-token', 'token_url': omn.url + TOKEN_PATH}
    envvars = inject(load('omn'), inputs, str(private_data_dir))
    assert envvars['OMN_TOKEN'] == ''
    envvars['ANSIBLE_COLLECTIONS_PATH'] = str(collections_path)
    result = run(private_data_dir, envvars, host_pattern='localhost', module='netops.bridge.omn_peo_info', module_args='project_tid=acc0000232')
    assert (result.status, result.rc) == ('successful', 0), result.output[-4000:]
    assert omn.count(route='token') == 1 and omn.count(route='query') == 1


@pytest.fixture
def tls_files(tmp_path):
    key, cert = tmp_path / 'key.pem', tmp_path / 'cert.pem'
    try:
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', str(key), '-out', str(cert), '-days', '1',
                        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip('openssl cannot make a certificate: %s' % exc)
    return str(cert), str(key)


def test_ca_certificate_input_verifies_a_private_ca(tls_files, collections_path, tmp_path, runner_environment):
    """The CA certificate field, written to a file named by ZITADEL_CA_PATH, lets the module verify a server whose
    certificate the system does not trust; without it the same call fails on TLS verification."""
    with open(tls_files[0]) as handle:
        ca_cert = handle.read()
    with ZitadelEmulator(tls=tls_files) as zitadel:
        outcomes = {}
        for case, extra in (('with CA', {'ca_cert': ca_cert}), ('without CA', {}), ('unverified', {'skip_tls_verify': True})):
            private_data_dir = tmp_path / case.replace(' ', '-')
            inputs = dict({'url': zitadel.url, 'token': 'admin-token'}, **extra)
            envvars = inject(load('zitadel'), inputs, str(private_data_dir))
            envvars['ANSIBLE_COLLECTIONS_PATH'] = str(collections_path)
            outcomes[case] = run(private_data_dir, envvars, host_pattern='localhost', module='netops.bridge.zitadel_target_info')
        assert zitadel.count(route='v2 list_targets') == 2
    assert outcomes['with CA'].status == 'successful', outcomes['with CA'].output[-4000:]
    assert outcomes['without CA'].status == 'failed'
    assert 'TLS verification failed' in outcomes['without CA'].output
    assert outcomes['unverified'].status == 'successful', outcomes['unverified'].output[-4000:]
    assert 'validate_certs is false' in outcomes['unverified'].output
