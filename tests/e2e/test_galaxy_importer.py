# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built tarball through galaxy-importer, the import that Galaxy and Automation Hub run on an upload: ansible-doc on
every plugin, the role argument specs, ansible-lint's production profile, the metadata and tag checks. ansible-test
runs elsewhere in the suite, so the importer's own run of it (in a container) is off. No error may be logged; warnings
are allowed and shown in pytest's warnings summary.

galaxy-importer comes from NETOPS_BRIDGE_GALAXY_IMPORTER_PYTHON, a Python that has it (the docs stage of
scripts/test.sh sets it), or from the Python running the tests."""

from __future__ import absolute_import, division, print_function

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT

CONFIG = """[galaxy-importer]
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_DOC = True
RUN_ANSIBLE_LINT = True
OFFLINE_ANSIBLE_LINT = True
CHECK_REQUIRED_TAGS = True
REQUIRE_V1_OR_GREATER = True
LOCAL_IMAGE_DOCKER = False
ANSIBLE_LOCAL_TMP = {tmp}
TMP_ROOT_DIR = {tmp}
LOG_LEVEL_MAIN = INFO
"""


def importer_python():
    given = os.environ.get('NETOPS_BRIDGE_GALAXY_IMPORTER_PYTHON')
    python = given or sys.executable
    probe = subprocess.run([python, '-c', 'import galaxy_importer'], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        if given:
            pytest.fail('NETOPS_BRIDGE_GALAXY_IMPORTER_PYTHON=%s cannot import galaxy_importer: %s' % (given, probe.stderr))
        pytest.skip('galaxy-importer is not installed (scripts/test.sh docs installs it in a venv of its own)')
    return python


@pytest.fixture(scope='module')
def imported(collection_tarball, tmp_path_factory):
    """(return code, output lines, importer_result.json) of galaxy_importer.main on the tarball."""
    python = importer_python()
    work = tmp_path_factory.mktemp('importer')
    (work / 'tmp').mkdir()
    (work / 'importer.cfg').write_text(CONFIG.format(tmp=work / 'tmp'))
    env = dict(os.environ, GALAXY_IMPORTER_CONFIG=str(work / 'importer.cfg'), ANSIBLE_NOCOLOR='1', NO_COLOR='1',
               HOME=str(work), ANSIBLE_LOCAL_TEMP=str(work / 'tmp'))
    # The importer runs ansible-doc and ansible-lint from the PATH: those installed with it.
    env['PATH'] = os.pathsep.join([str(Path(python).parent), env.get('PATH', '')])
    for key in [key for key in env if key.startswith('ANSIBLE_COLLECTIONS_PATH')]:
        del env[key]
    proc = subprocess.run([python, '-m', 'galaxy_importer.main', str(collection_tarball)], cwd=str(work), env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    result = None
    if (work / 'importer_result.json').exists():
        result = json.loads((work / 'importer_result.json').read_text())
    return proc.returncode, (proc.stdout + proc.stderr).splitlines(), result


def test_import_succeeds_without_errors(imported):
    returncode, output, result = imported
    text = '\n'.join(output)
    assert returncode == 0 and result is not None, text
    assert 'Importer processing completed successfully' in output, text
    errors = [line for line in output if line.startswith(('ERROR', 'CRITICAL')) or 'Traceback' in line]
    assert not errors, text
    for warning in [line for line in output if line.startswith('WARNING')]:
        warnings.warn('galaxy-importer: %s' % warning, UserWarning)


def test_importer_ran_ansible_doc_and_ansible_lint(imported):
    output = imported[1]
    assert 'Getting doc strings via ansible-doc' in output
    assert any(line.startswith('Linting collection via ansible-lint') for line in output), output
    assert '...ansible-lint run complete' in output
    assert not [line for line in output if 'not found, skipping' in line]


def test_metadata_is_galaxy_yml(imported):
    with open(str(REPO_ROOT / 'galaxy.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    with open(str(REPO_ROOT / 'meta' / 'runtime.yml')) as handle:
        runtime = yaml.safe_load(handle)
    metadata, result = imported[2]['metadata'], imported[2]
    for key in ('namespace', 'name', 'version', 'tags', 'license', 'repository', 'issues', 'documentation'):
        assert metadata[key] == galaxy[key], key
    assert result['requires_ansible'] == runtime['requires_ansible']


def test_every_module_and_role_is_found_with_its_docs(imported):
    result = imported[2]
    modules = sorted(path.stem for path in (REPO_ROOT / 'plugins' / 'modules').glob('*.py') if path.stem != '__init__')
    roles = sorted(path.name for path in (REPO_ROOT / 'roles').iterdir() if (path / 'meta' / 'argument_specs.yml').is_file())
    contents = dict(((item['content_type'], item['name']), item) for item in result['contents'])
    for name in modules:
        assert contents[('module', name)]['description'], name
    for name in roles:
        assert contents[('role', name)]['description'], name
    docs = dict(((item['content_type'], item['content_name']), item) for item in result['docs_blob']['contents'])
    for name in modules:
        doc = docs[('module', name)]['doc_strings']
        assert doc['doc']['short_description'] and doc['doc']['options'] and doc['examples'] and doc['return'], name
    assert result['docs_blob']['collection_readme']['html'], 'README.md was not rendered'
