# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every YAML example of README.md, docs/*.md and the roles' READMEs that is a playbook or a task list runs under
--check and under --check --diff against the emulators, as written but for the platforms' URLs and what a user would
give (vault secrets, survey answers, an inventory): no task fails and nothing on any platform changes. The showcase
runs under the same two. A new YAML block is run by default; one that cannot run must be skipped below with its
reason (issue 14, defect 1)."""

from __future__ import absolute_import, division, print_function

import json
import os
import re
import shlex
import subprocess
import sys
import textwrap

import pytest
import yaml

from conftest import RECAP, REPO_ROOT, enms_env, omn_env, saymon_env, zitadel_env
from emulators.saymon import LINK_L1

DOCUMENTS = (['README.md'] + sorted('docs/%s' % path.name for path in (REPO_ROOT / 'docs').glob('*.md'))
             + sorted('roles/%s/README.md' % path.parent.name for path in (REPO_ROOT / 'roles').glob('*/README.md')))
# Fenced blocks, also indented ones (in a list item): the language and the text.
FENCE = re.compile(r'^[ \t]*```([\w-]*)[^\n]*\n(.*?)^[ \t]*```', re.S | re.M)
YAML_LANGUAGES = ('yaml', 'yml')
PLATFORMS = ('saymon', 'enms', 'omn', 'zitadel')
ENVIRONMENTS = {'saymon': saymon_env, 'enms': enms_env, 'omn': omn_env, 'zitadel': zitadel_env}
# Requests that only read although they are not GETs; every other non-GET request is a write.
READ_ROUTES = {'omn': ('query', 'retrieve', 'token'), 'enms': ('search',),
               'zitadel': ('v2 list_targets', 'v2 list_executions', 'v2beta list_targets', 'v2beta list_executions')}

# What a user keeps in a vault: the emulators' credentials of the user the examples name ("automation").
VAULT = {'vault_saymon_password': 'automation-pass', 'vault_enms_password': 'automation-pass',
         'vault_omn_token': 'omn-token', 'vault_zitadel_pat': 'admin-token'}

# The hosts of plays on groups: devices the eNMS emulator knows, run locally.
INVENTORY = '''\
localhost
[routers]
Washington
Atlanta
Boston
[washington_routers]
Washington
Atlanta
Boston
[edge_routers]
Boston
[all:vars]
ansible_connection=local
ansible_python_interpreter=%s
''' % sys.executable

EXAMPLE_PEOS = ('55beafb6-a80b-48ab-8a7b-9e1a98d67b24', '0b0e4d7e-6c2a-4c55-9d1b-4a2e2c0f8a11')
SEED_LINKS = [['peo-0001', 'acc0000232'], ['peo-0002', 'acc0000232'], ['peo-0003', 'acc0000233']]

# YAML blocks that are not runnable by nature, keyed like CONTEXT, each with the reason.
SKIPPED = {
    'docs/awx.md: Load the netops.bridge credential types into AWX':
        'awx.awx.credential_type needs an AWX server and the awx.awx collection; '
        'test_awx.py::test_the_loader_playbook_of_the_docs_sends_the_files_verbatim runs it with a stand-in for the module',
    'docs/awx.md: The SAYMON credential':
        'one more task for the AWX playbook above (indented to continue it); awx.awx.credential needs an AWX server',
    'docs/awx.md: The three job templates of a sliced change':
        'awx.awx.job_template and awx.awx.workflow_job_template need an AWX server; tasks to continue the playbook above',
    'docs/eda.md: The EDA listener as a ZITADEL target':
        'writes the signing key under /etc/eda on the host of ansible-rulebook; tests/e2e/test_rulebooks_zitadel.py makes '
        'the same set-up (the target, the key in the file the source reads, the execution) against the emulator',
    'docs/eda.md: - netops.bridge.zitadel_target_public_key:':
        'needs the key pair the user makes (target-public.pem); tests/e2e/test_zitadel_calling.py registers a public key '
        'and decrypts the JWE calls made to it',
    'docs/enms.md: eNMS devices':
        'awx.awx.inventory_source needs an AWX server and the awx.awx collection; the inventory file it names is the '
        'example before it, which test_the_inventory_example_lists_hosts runs',
}

# Per-example context, keyed by "<document>: <first line if a comment, else the first name:>":
#   extra_vars: what a user passes with -e (survey answers, role inputs); 'command line' takes the -e JSON of the
#               ```sh block right after the example, as the document shows it;
#   state:      emulator state the example needs to do something (set before the run, compared after it).
CONTEXT = {
    'README.md: # project_peos.yml': {'extra_vars': 'command line'},
    'docs/roles.md: # project_peos.yml': {'extra_vars': 'command line'},
    'README.md: Unlink PEOs from a project in one request; a second run reports changed=false':
        {'state': {'omn': {'links': SEED_LINKS + [[peo, 'acc0000232'] for peo in EXAMPLE_PEOS]}}},
    'docs/omn.md: Move two PEOs from one project to another':
        {'state': {'omn': {'links': SEED_LINKS + [[peo, 'acc0000232'] for peo in EXAMPLE_PEOS]}}},
    'docs/awx.md: Change window': {'extra_vars': {'change_ticket': 'CHG-1234', 'uplink_id': LINK_L1}},
    'docs/awx.md: # change_before.yml: maintenance on, once (not sliced)': {'extra_vars': {'uplink_id': LINK_L1}},
    'docs/awx.md: PEOs of a project': {'extra_vars': {'project_tid': 'acc0000232'}},
}


class Example(object):
    def __init__(self, document, text, following):
        self.document = document
        self.text = text
        self.following = following  # the fenced block right after this one: (language, text) or None
        first = text.strip().splitlines()[0].strip()
        if first.startswith('#'):
            self.title = first
        else:
            name = re.search(r'^\s*(?:-\s+)?name:\s*(.+?)\s*$', text, re.M)
            self.title = name.group(1).strip('\'"') if name else first
        self.key = '%s: %s' % (document, self.title)

    def kind(self):
        """'playbook', 'tasks', 'inventory', 'rulebook', 'data' (a mapping that shows what something holds, such as an
        event: nothing to run) or None (not a list of plays or tasks)."""
        try:
            data = yaml.safe_load(textwrap.dedent(self.text))
        except yaml.YAMLError:
            return None
        if isinstance(data, dict) and data.get('plugin') == 'netops.bridge.enms':
            return 'inventory'
        if isinstance(data, dict):
            return 'data'
        if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
            return None
        if all('sources' in item and 'rules' in item for item in data):
            return 'rulebook'
        if all('hosts' in item or 'import_playbook' in item or 'ansible.builtin.import_playbook' in item for item in data):
            return 'playbook'
        if any('hosts' in item for item in data):
            return None
        return 'tasks'

    def playbook(self, urls):
        text = textwrap.dedent(self.text)
        if self.kind() == 'tasks':
            text = '- hosts: localhost\n  gather_facts: false\n  tasks:\n' + textwrap.indent(text, '    ')
        for platform in PLATFORMS:
            text = text.replace('https://%s.example.com' % platform, urls[platform])
        return text

    def command_line_vars(self):
        """The JSON of -e in the ```sh block that follows the example."""
        assert self.following and self.following[0] in ('sh', 'bash'), '%s: no command line follows the example' % self.key
        words = shlex.split(self.following[1].replace('\\\n', ' '))
        values = [words[i + 1] for i, word in enumerate(words[:-1]) if word in ('-e', '--extra-vars')]
        assert values, '%s: the command line after the example passes no -e' % self.key
        merged = {}
        for value in values:
            merged.update(json.loads(value))
        return merged

    def __repr__(self):
        return self.key


def yaml_examples():
    examples = []
    for document in DOCUMENTS:
        blocks = FENCE.findall((REPO_ROOT / document).read_text())
        for index, (language, text) in enumerate(blocks):
            if language.lower() in YAML_LANGUAGES:
                following = blocks[index + 1] if index + 1 < len(blocks) else None
                examples.append(Example(document, text, following))
    return examples


EXAMPLES = yaml_examples()
RUNNABLE = [example for example in EXAMPLES if example.key not in SKIPPED]
PLAYS = [example for example in RUNNABLE if example.kind() not in ('inventory', 'rulebook', 'data')]
RULEBOOKS = [example for example in RUNNABLE if example.kind() == 'rulebook']
INVENTORIES = [example for example in RUNNABLE if example.kind() == 'inventory']


def test_every_yaml_example_is_run_or_skipped_with_a_reason():
    keys = [example.key for example in EXAMPLES]
    assert len(keys) == len(set(keys)), 'two examples share a key: %s' % sorted(k for k in keys if keys.count(k) > 1)
    not_runnable = [example.key for example in RUNNABLE if example.kind() is None]
    assert not not_runnable, 'YAML blocks that are neither a playbook nor a task list; run them or add them to SKIPPED: %s' % not_runnable
    assert all(reason.strip() for reason in SKIPPED.values())
    stale = sorted(set(SKIPPED).union(CONTEXT) - set(keys))
    assert not stale, 'SKIPPED or CONTEXT name examples the documents no longer have: %s' % stale
    assert len(RUNNABLE) >= 20, [example.key for example in RUNNABLE]
    assert INVENTORIES, 'the docs show no inventory source file any more'


@pytest.mark.parametrize('example', RULEBOOKS, ids=repr)
def test_a_rulebook_example_names_event_sources_the_collection_has(example):
    """ansible-rulebook runs in the rulebooks stage (tests/e2e/test_rulebooks_*.py); here each rulebook of the docs is
    held to the sources the collection ships and to the shape ansible-rulebook reads."""
    shipped = set(path.stem for path in (REPO_ROOT / 'extensions' / 'eda' / 'plugins' / 'event_source').glob('*.py'))
    for ruleset in yaml.safe_load(textwrap.dedent(example.text)):
        assert ruleset.get('hosts') and ruleset['rules'], ruleset
        for source in ruleset['sources']:
            names = [key for key in source if key.startswith('netops.bridge.')]
            assert len(names) == 1 and names[0].split('.')[-1] in shipped, source
        assert all(rule.get('condition') and (rule.get('action') or rule.get('actions')) for rule in ruleset['rules']), ruleset


def snapshot(emulators):
    return dict((platform, json.loads(json.dumps(emulator.dump_state(), sort_keys=True, default=str)))
                for platform, emulator in emulators.items())


@pytest.mark.parametrize('diff', [False, True], ids=['check', 'check-diff'])
@pytest.mark.parametrize('example', PLAYS, ids=[example.key for example in PLAYS])
def test_the_example_runs_in_check_mode(example, diff, saymon, enms, omn, zitadel, ansible, tmp_path):
    emulators = {'saymon': saymon, 'enms': enms, 'omn': omn, 'zitadel': zitadel}
    context = CONTEXT.get(example.key, {})
    for platform, patch in context.get('state', {}).items():
        emulators[platform].patch_state(patch)
    extra_vars = dict(VAULT)
    given = context.get('extra_vars', {})
    extra_vars.update(example.command_line_vars() if given == 'command line' else given)
    (tmp_path / 'inventory').write_text(INVENTORY)
    (tmp_path / 'extra_vars.json').write_text(json.dumps(extra_vars))
    env = {}
    for platform, emulator in emulators.items():
        env.update(ENVIRONMENTS[platform](emulator))
    before = snapshot(emulators)

    run = ansible.playbook(example.playbook(dict((p, e.url) for p, e in emulators.items())), env=env,
                           args=['-i', str(tmp_path / 'inventory'), '-e', '@%s' % (tmp_path / 'extra_vars.json'), '--check']
                           + (['--diff'] if diff else []))

    assert run.rc == 0, repr(run)
    assert run.recap and all(counts['failed'] == 0 and counts['unreachable'] == 0 for counts in run.recap.values()), repr(run)
    assert snapshot(emulators) == before
    writes = [(platform, entry['method'], entry['path']) for platform, emulator in emulators.items() for entry in emulator.requests()
              if entry['method'] not in ('GET', 'HEAD') and entry['route'] not in READ_ROUTES.get(platform, ())]
    assert not writes, writes
    assert any(emulator.requests() for emulator in emulators.values()), 'the example reached no emulator'


@pytest.mark.parametrize('example', INVENTORIES, ids=[example.key for example in INVENTORIES])
def test_the_inventory_example_lists_hosts(example, enms, ansible):
    """An inventory source file of the docs, as written, through ansible-inventory against the eNMS emulator."""
    text = textwrap.dedent(example.text).replace('https://enms.example.com', enms.url)
    # The docs' own variable for the password, where an example reads it from the environment.
    env = dict(ENVIRONMENTS['enms'](enms), ENMS_SECRET=VAULT['vault_enms_password'])
    run = ansible.inventory(text, env=env, args=['--list'], name='example.enms.yml')
    assert run.rc == 0 and '[WARNING]' not in run.stderr, repr(run)
    hosts = run.results.get('_meta', {}).get('hostvars', {})
    assert hosts and all('ansible_host' in variables for variables in hosts.values()), run.results
    # Only reads: GETs, and eNMS's search, a POST that reads.
    assert all(entry['method'] == 'GET' or entry['route'] in READ_ROUTES['enms'] for entry in enms.requests()), enms.requests()


@pytest.mark.parametrize('diff', [False, True], ids=['check', 'check-diff'])
def test_the_showcase_runs_in_check_mode(diff, tmp_path):
    env = dict((key, value) for key, value in os.environ.items() if not key.startswith(('SAYMON_', 'ENMS_', 'OMN_', 'ZITADEL_', 'ANSIBLE_')))
    env.update({'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0', 'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'ansible-tmp')})
    proc = subprocess.run(['bash', str(REPO_ROOT / 'scripts' / 'showcase.sh'), '--check'] + (['--diff'] if diff else []),
                          cwd=str(REPO_ROOT), env=env, capture_output=True, text=True, timeout=900, check=False)
    output = 'rc=%s\n--- stdout\n%s\n--- stderr\n%s' % (proc.returncode, proc.stdout[-8000:], proc.stderr[-4000:])
    assert proc.returncode == 0, output
    recaps = RECAP.findall(proc.stdout)
    assert len(recaps) == 2, output  # the showcase's two passes, on localhost
    assert all(int(recap[4]) == 0 and int(recap[3]) == 0 for recap in recaps), output
