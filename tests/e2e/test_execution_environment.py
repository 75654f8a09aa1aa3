# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection in an execution environment: ansible-builder create on a definition (version 3) that installs the
built tarball, then, without a container, what the build context's Containerfile would run on it: the galaxy stage's
ansible-galaxy install from the context's requirements.yml, and the builder stage's introspect.py, whose lists are what
the image's pip and bindep install. They must hold every line of requirements.txt and bindep.txt, which
meta/execution-environment.yml names.

ansible-builder comes from NETOPS_BRIDGE_ANSIBLE_BUILDER (the docs stage of scripts/test.sh sets it) or the PATH."""

from __future__ import absolute_import, division, print_function

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import BIN, REPO_ROOT

BASE_IMAGE = 'quay.io/ansible/awx-ee:latest'  # create pulls nothing: the name only goes into the Containerfile
COLLECTIONS = 'usr/share/ansible/collections'  # where the galaxy stage installs, under a temporary root here


def ansible_builder():
    given = os.environ.get('NETOPS_BRIDGE_ANSIBLE_BUILDER')
    path = given or shutil.which('ansible-builder') or str(BIN / 'ansible-builder')
    if not os.access(path, os.X_OK):
        if given:
            pytest.fail('NETOPS_BRIDGE_ANSIBLE_BUILDER=%s is not an executable' % given)
        pytest.skip('ansible-builder is not installed (scripts/test.sh docs installs it in a venv of its own)')
    return Path(path)


def lines(path):
    """The requirement lines of a requirements.txt or bindep.txt, without comments."""
    found = []
    for line in Path(path).read_text().splitlines():
        line = line.split('#', 1)[0].strip()
        if line:
            found.append(line)
    return found


def run(command, cwd, timeout=300):
    proc = subprocess.run([str(part) for part in command], cwd=str(cwd), capture_output=True, text=True, timeout=timeout, check=False,
                          env=dict(os.environ, ANSIBLE_NOCOLOR='1'))
    assert proc.returncode == 0, '%s\n%s%s' % (' '.join(str(part) for part in command), proc.stdout, proc.stderr)
    return proc.stdout


@pytest.fixture(scope='module')
def context(collection_tarball, tmp_path_factory):
    builder = ansible_builder()
    work = tmp_path_factory.mktemp('ee')
    shutil.copy2(str(collection_tarball), str(work / collection_tarball.name))
    definition = {
        'version': 3,
        'images': {'base_image': {'name': BASE_IMAGE}},
        'additional_build_files': [{'src': collection_tarball.name, 'dest': 'collections'}],
        'dependencies': {'galaxy': {'collections': [{'name': 'collections/%s' % collection_tarball.name, 'type': 'file'}]}},
    }
    (work / 'execution-environment.yml').write_text('---\n' + yaml.safe_dump(definition, sort_keys=False))
    run([builder, 'create', '-f', 'execution-environment.yml', '-c', 'context', '--output-filename', 'Containerfile', '-v', '3'], work)
    return work / 'context'


@pytest.fixture(scope='module')
def introspected(context, tmp_path_factory):
    """(pip lines, bindep lines) as the builder stage writes them to /tmp/src/requirements.txt and /tmp/src/bindep.txt."""
    root = tmp_path_factory.mktemp('image-root')
    # Galaxy stage: WORKDIR /build (the context's _build), then ansible-galaxy collection install -r requirements.yml.
    run([BIN / 'ansible-galaxy', 'collection', 'install', '-r', 'requirements.yml', '--collections-path', root / COLLECTIONS], context / '_build')
    assert (root / COLLECTIONS / 'ansible_collections' / 'netops' / 'bridge' / 'meta' / 'execution-environment.yml').is_file()
    # Builder stage: $PYCMD /output/scripts/introspect.py introspect --write-bindep=... --write-pip=...
    python = ansible_builder().parent / 'python'
    pip, bindep = root / 'tmp' / 'src' / 'requirements.txt', root / 'tmp' / 'src' / 'bindep.txt'
    run([python if python.exists() else BIN / 'python', context / '_build' / 'scripts' / 'introspect.py', 'introspect',
         '--write-bindep=%s' % bindep, '--write-pip=%s' % pip, root / COLLECTIONS], root)
    return pip, bindep


def test_collection_names_its_requirement_files():
    with open(str(REPO_ROOT / 'meta' / 'execution-environment.yml')) as handle:
        meta = yaml.safe_load(handle)
    assert meta['version'] in (1, 3)
    assert meta['dependencies'] == {'python': 'requirements.txt', 'system': 'bindep.txt'}
    assert lines(REPO_ROOT / 'requirements.txt') and lines(REPO_ROOT / 'bindep.txt')


def test_context_installs_the_tarball(context, collection_tarball):
    copied = context / '_build' / 'collections' / collection_tarball.name
    assert copied.read_bytes() == collection_tarball.read_bytes()
    with open(str(context / '_build' / 'requirements.yml')) as handle:
        requirements = yaml.safe_load(handle)
    assert requirements['collections'] == [{'name': 'collections/%s' % collection_tarball.name, 'type': 'file'}]
    containerfile = (context / 'Containerfile').read_text()
    for step in ['ARG EE_BASE_IMAGE="%s"' % BASE_IMAGE, 'COPY _build /build', 'WORKDIR /build',
                 'ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml',
                 '/output/scripts/introspect.py introspect', 'RUN /output/scripts/assemble', 'RUN /output/scripts/install-from-bindep']:
        assert step in containerfile, step
    for script in ['introspect.py', 'assemble', 'install-from-bindep', 'pip_install']:
        assert (context / '_build' / 'scripts' / script).is_file(), script


def test_image_gets_the_python_requirements(introspected):
    found = lines(introspected[0])
    assert found == lines(REPO_ROOT / 'requirements.txt'), introspected[0].read_text()
    assert '# from collection netops.bridge' in introspected[0].read_text()


def test_image_gets_the_system_packages(introspected):
    found = lines(introspected[1])
    assert found == lines(REPO_ROOT / 'bindep.txt'), introspected[1].read_text()


def test_bindep_reads_the_system_packages(introspected):
    """bindep, as the image's assemble and install-from-bindep scripts call it, parses the list; for this machine's
    platform, the compile profile names packages of bindep.txt."""
    bindep = ansible_builder().parent / 'bindep'
    if not bindep.exists():
        pytest.skip('bindep is not installed beside ansible-builder')
    profiles = run([bindep, '--file', introspected[1], '--profiles'], introspected[1].parent).split()
    assert 'compile' in profiles
    if not set(profiles) & {'platform:dpkg', 'platform:rpm'}:
        pytest.skip('bindep.txt names packages for dpkg and rpm platforms only')
    packages = run([bindep, '--file', introspected[1], '--list_all', 'newline', 'compile'], introspected[1].parent).split()
    named = set(line.split()[0] for line in lines(REPO_ROOT / 'bindep.txt'))
    assert packages and set(packages) <= named, packages
