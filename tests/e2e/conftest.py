# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for integration tests: emulators on ephemeral ports, a collections path holding this
checkout, and helpers that run the real ansible-playbook and ansible commands."""

from __future__ import absolute_import, division, print_function

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / 'tests'))

from emulators.enms import EnmsEmulator  # noqa: E402  pylint: disable=wrong-import-position
from emulators.omn import OmnEmulator  # noqa: E402  pylint: disable=wrong-import-position
from emulators.saymon import SaymonEmulator  # noqa: E402  pylint: disable=wrong-import-position
from emulators.zitadel import ZitadelEmulator  # noqa: E402  pylint: disable=wrong-import-position
import zitadel_sdk  # noqa: E402  pylint: disable=wrong-import-position

BIN = Path(sys.executable).parent


def pytest_report_header(config):
    # The suite runs on both paths of plugins/plugin_utils/_in_worker.py: scripts/test.sh runs it once more with
    # NETOPS_BRIDGE_EXECUTION=module, which every ansible command of the tests inherits.
    return 'netops.bridge execution path: %s' % (os.environ.get('NETOPS_BRIDGE_EXECUTION') or 'auto (in the worker on the local connection)')


RECAP = re.compile(r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)', re.M)


@pytest.fixture
def saymon():
    with SaymonEmulator() as emulator:
        yield emulator


@pytest.fixture
def enms():
    with EnmsEmulator() as emulator:
        yield emulator


@pytest.fixture
def omn():
    with OmnEmulator() as emulator:
        yield emulator


@pytest.fixture
def zitadel():
    """The ZITADEL emulator; after the test, ZITADEL's SDK judges every request and answer it saw (zitadel_sdk.py)."""
    with ZitadelEmulator() as emulator:
        yield emulator
        problems = zitadel_sdk.judge(emulator)
    assert not problems, 'ZITADEL\'s SDK disagrees with %d request(s) or answer(s):\n' % len(problems) + '\n'.join(problems)


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    root = tmp_path_factory.mktemp('collections')
    namespace = root / 'ansible_collections' / 'netops'
    namespace.mkdir(parents=True)
    (namespace / 'bridge').symlink_to(REPO_ROOT)
    return root


@pytest.fixture(scope='session')
def collection_tarball(tmp_path_factory):
    """The collection as ansible-galaxy collection build makes it from the working tree's files (tracked, and untracked
    but not ignored, as scripts/lib.sh's collection_tree copies them), for the packaging tests."""
    if not (REPO_ROOT / '.git').exists():
        pytest.skip('not a git checkout: git ls-files cannot say which files are the collection')
    listing = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=str(REPO_ROOT), capture_output=True, check=True)
    work = tmp_path_factory.mktemp('tarball')
    source = work / 'netops-bridge'
    for name in listing.stdout.decode('utf-8').split('\0'):
        origin = REPO_ROOT / name
        if name and origin.is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(str(origin), str(source / name))
    proc = subprocess.run([str(BIN / 'ansible-galaxy'), 'collection', 'build', str(source), '--output-path', str(work / 'dist')],
                          capture_output=True, text=True, timeout=300, check=False, env=dict(os.environ, ANSIBLE_NOCOLOR='1'))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    tarballs = list((work / 'dist').glob('*.tar.gz'))
    assert len(tarballs) == 1, proc.stdout
    return tarballs[0]


class Run(object):
    def __init__(self, proc, results_file):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.recap = dict((m[0], dict(zip(('ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'), map(int, m[1:]))))
                          for m in RECAP.findall(proc.stdout))
        self.results = {}
        if results_file and results_file.exists():
            self.results = json.loads(results_file.read_text())

    @property
    def output(self):
        return self.stdout + self.stderr

    def __repr__(self):
        return 'rc=%s\n--- stdout\n%s\n--- stderr\n%s' % (self.rc, self.stdout[-6000:], self.stderr[-3000:])


@pytest.fixture
def ansible(collections_path, tmp_path):
    """ansible.playbook(text, env=..., args=[...]) / ansible.adhoc(module, args, env=...) -> Run.

    A playbook may write registered results to the file in var ``results_file`` (a JSON dict)."""

    def environment(extra):
        env = dict(os.environ)
        env.update({
            'ANSIBLE_COLLECTIONS_PATH': str(collections_path),
            'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_LOCALHOST_WARNING': 'False', 'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'False',
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable, 'ANSIBLE_HOST_KEY_CHECKING': 'False',
            'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'ansible-tmp'), 'ANSIBLE_RETRY_FILES_ENABLED': 'False',
            'ANSIBLE_DEPRECATION_WARNINGS': 'False', 'HOME': str(tmp_path),
        })
        for key in list(env):
            if key.startswith(('SAYMON_', 'ENMS_', 'OMN_', 'ZITADEL_')):
                del env[key]
        env.update(extra or {})
        return env

    class Ansible(object):
        results_file = tmp_path / 'results.json'

        def playbook(self, text, env=None, args=(), name='playbook.yml'):
            path = tmp_path / name
            path.write_text(textwrap.dedent(text))
            if self.results_file.exists():
                self.results_file.unlink()
            command = [str(BIN / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
                       '-e', 'results_file=%s' % self.results_file] + list(args) + [str(path)]
            proc = subprocess.run(command, env=environment(env), capture_output=True, text=True, timeout=300, check=False)
            return Run(proc, self.results_file)

        def adhoc(self, module, module_args, env=None, args=()):
            command = [str(BIN / 'ansible'), 'localhost', '-i', 'localhost,', '-c', 'local', '-m', module, '-a', module_args] + list(args)
            proc = subprocess.run(command, env=environment(env), capture_output=True, text=True, timeout=300, check=False)
            return Run(proc, None)

        def inventory(self, config, env=None, args=('--list',), name='inventory.enms.yml'):
            """ansible-inventory -i <name> <args> on a plugin configuration file (text or dict); Run.results is the
            parsed JSON of --list (empty for --graph)."""
            path = tmp_path / name
            path.write_text(textwrap.dedent(config) if isinstance(config, str) else json.dumps(config))
            command = [str(BIN / 'ansible-inventory'), '-i', str(path)] + list(args)
            proc = subprocess.run(command, env=environment(env), capture_output=True, text=True, timeout=600, check=False,
                                  cwd=str(tmp_path))
            run = Run(proc, None)
            if '--list' in args and proc.returncode == 0:
                try:
                    run.results = json.loads(proc.stdout)
                except ValueError:
                    pass
            return run

    return Ansible()


def saymon_env(emulator, user='admin', password='admin-pass'):
    return {'SAYMON_URL': emulator.url, 'SAYMON_USERNAME': user, 'SAYMON_PASSWORD': password}


def enms_env(emulator, user='admin', password='admin-pass'):
    return {'ENMS_URL': emulator.url, 'ENMS_USERNAME': user, 'ENMS_PASSWORD': password}


def omn_env(emulator, token='omn-token'):
    return {'OMN_URL': emulator.url, 'OMN_TOKEN': token}


def zitadel_env(emulator, token='admin-token', api_version='v2'):
    return {'ZITADEL_URL': emulator.url, 'ZITADEL_TOKEN': token, 'ZITADEL_API_VERSION': api_version}
