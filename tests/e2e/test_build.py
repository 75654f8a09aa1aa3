# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as Galaxy and Automation Hub get it: ansible-galaxy collection build on the tracked files (with the
debris a working tree collects planted beside them), the tarball's contents, then an install into a fresh collections
path and a module run by FQCN from there, against the OMN emulator."""

from __future__ import absolute_import, division, print_function

import json
import os
import shutil
import subprocess
import tarfile

import pytest
import yaml

from conftest import BIN, REPO_ROOT, omn_env

# Paths a working tree collects that must never reach the tarball (relative to the collection root).
DEBRIS = [
    'tests/output/junk.txt',
    'tests/output/.tmp/sanity/result.json',
    'plugins/modules/__pycache__/omn_peo_info.cpython-312.pyc',
    'plugins/module_utils/stray.pyc',
    'tests/e2e/__pycache__/conftest.cpython-312-pytest-8.pyc',
    '.git/HEAD',
    '.venv/bin/python',
    'venv/pyvenv.cfg',
    '.cache/pip/http/junk',
    'netops-bridge-0.0.1.tar.gz',
]


def forbidden(member):
    """Why a tarball member should not be there, or None."""
    parts = member.split('/')
    if member == 'tests/output' or member.startswith('tests/output/'):
        return 'tests/output'
    if '__pycache__' in parts or member.endswith('.pyc'):
        return 'bytecode'
    if any(part == '.git' or part.startswith('.git') for part in parts):
        return 'git'
    if any(part in ('.venv', 'venv') or part.startswith('.venv') for part in parts):
        return 'virtualenv'
    if any(part in ('.cache', '.pytest_cache', '.hypothesis') for part in parts):
        return 'cache'
    if parts[0] in ('.ci', 'scripts') or member.endswith('.tar.gz'):
        return 'build_ignore'
    return None


def tracked_files():
    proc = subprocess.run(['git', 'ls-files', '-z'], cwd=str(REPO_ROOT), capture_output=True, check=True)
    return [name for name in proc.stdout.decode('utf-8').split('\0') if name]


@pytest.fixture(scope='module')
def built(tmp_path_factory):
    """(tarball, member names): the tracked files copied to a fresh directory, debris planted, and built."""
    if not (REPO_ROOT / '.git').exists():
        pytest.skip('not a git checkout: git ls-files cannot say which files are the collection')
    work = tmp_path_factory.mktemp('build')
    source = work / 'netops-bridge'
    copied = 0
    for name in tracked_files():
        origin = REPO_ROOT / name
        if not origin.is_file():  # deleted in the working tree, or a submodule
            continue
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(str(origin), str(target))
        copied += 1
    assert copied > 50 and (source / 'galaxy.yml').is_file()
    for name in DEBRIS:
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b'debris\n')
    output = work / 'dist'
    proc = subprocess.run([str(BIN / 'ansible-galaxy'), 'collection', 'build', str(source), '--output-path', str(output)],
                          capture_output=True, text=True, timeout=300, check=False, env=dict(os.environ, ANSIBLE_NOCOLOR='1'))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    tarballs = list(output.glob('netops-bridge-*.tar.gz'))
    assert len(tarballs) == 1, proc.stdout
    with tarfile.open(str(tarballs[0])) as archive:
        members = [member.name[2:] if member.name.startswith('./') else member.name for member in archive.getmembers()]
    return tarballs[0], members


def test_tarball_is_named_after_galaxy_yml(built):
    with open(str(REPO_ROOT / 'galaxy.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    assert built[0].name == '%s-%s-%s.tar.gz' % (galaxy['namespace'], galaxy['name'], galaxy['version'])


def test_tarball_holds_no_debris(built):
    found = dict((member, forbidden(member)) for member in built[1] if forbidden(member))
    assert not found, found


def test_tarball_holds_what_galaxy_awx_and_the_tests_need(built):
    members = set(built[1])
    for name in ['MANIFEST.json', 'FILES.json', 'README.md', 'COPYING', 'meta/runtime.yml', 'meta/execution-environment.yml',
                 'requirements.txt', 'bindep.txt', 'docs/awx.md', 'changelogs/config.yaml', 'playbooks/showcase.yml',
                 'plugins/modules/omn_peo_info.py', 'plugins/module_utils/omn_xml.py', 'roles/network_change/meta/argument_specs.yml',
                 'tests/config.yml', 'tests/e2e/conftest.py', 'tests/emulators/omn.py', 'tests/unit/requirements.txt']:
        assert name in members, name
    for platform in ('saymon', 'enms', 'omn', 'zitadel'):
        assert 'extensions/awx/credential_types/%s.yml' % platform in members


def test_installed_tarball_runs_a_module_by_fqcn(built, omn, ansible, tmp_path):
    """Installed with ansible-galaxy into a fresh path, the only one Ansible searches, the module runs from there."""
    fresh = tmp_path / 'fresh-collections'
    proc = subprocess.run([str(BIN / 'ansible-galaxy'), 'collection', 'install', str(built[0]), '-p', str(fresh)],
                          capture_output=True, text=True, timeout=300, check=False, env=dict(os.environ, ANSIBLE_NOCOLOR='1'))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    installed = fresh / 'ansible_collections' / 'netops' / 'bridge'
    assert (installed / 'plugins' / 'modules' / 'omn_peo_info.py').is_file() and not (installed / 'tests' / 'output').exists()
    assert not installed.is_symlink()

    env = dict(omn_env(omn), ANSIBLE_COLLECTIONS_PATH=str(fresh))
    run = ansible.adhoc('netops.bridge.omn_peo_info', 'project_tid=acc0000232', env=env)
    assert run.rc == 0, run
    assert 'localhost | SUCCESS' in run.stdout
    assert omn.count(route='query') == 1

    listing = subprocess.run([str(BIN / 'ansible-galaxy'), 'collection', 'list', 'netops.bridge', '--format', 'json'],
                             capture_output=True, text=True, timeout=120, check=False,
                             env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(fresh), ANSIBLE_NOCOLOR='1'))
    assert listing.returncode == 0, listing.stdout + listing.stderr
    found = json.loads(listing.stdout)
    assert list(found) == [str(fresh / 'ansible_collections')]
