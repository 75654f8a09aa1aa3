# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the docs say about the collection itself stays true (issue 21, item 9): they cite only what the collection
ships or public vendor documentation, the emulator guide lists every seeded PEO, and getting-started names every
module with check and diff mode. Cheap: files and the emulators' seeds only, no server."""

from __future__ import absolute_import, division, print_function

import ast
import re
import subprocess
import threading
from types import SimpleNamespace

import yaml

from conftest import REPO_ROOT

# The project's private notes beside the repository; a user of the collection does not have them.
PRIVATE = re.compile(r'\.\./shared/')
# Their file names, in what a user reads (the docs site is built from docs/, the module references from plugins/).
PRIVATE_NAMES = re.compile(r'api-contracts\.md|zitadel-actions-v2-(?:rules\.md|contract\.json)')
USER_FACING = ('README.md', 'docs/', 'roles/', 'plugins/', 'meta/', 'playbooks/', 'changelogs/', 'galaxy.yml', 'CHANGELOG.rst')
THIS_FILE = 'tests/e2e/test_docs_truth.py'


def shipped_text_files():
    """Every file of the repository that the collection's build ships, as galaxy.yml's build_ignore leaves them."""
    listed = subprocess.run(['git', 'ls-files'], cwd=str(REPO_ROOT), capture_output=True, text=True, check=True).stdout.split('\n')
    ignored = yaml.safe_load((REPO_ROOT / 'galaxy.yml').read_text())['build_ignore']
    for path in filter(None, listed):
        if any(path == rule or path.startswith(rule.rstrip('/') + '/') for rule in ignored) or path == THIS_FILE:
            continue
        try:
            yield path, (REPO_ROOT / path).read_text(encoding='utf-8')
        except (UnicodeDecodeError, FileNotFoundError):
            continue


def test_nothing_shipped_cites_the_private_notes():
    found = []
    for path, text in shipped_text_files():
        for number, line in enumerate(text.splitlines(), 1):
            if PRIVATE.search(line) or (path.startswith(USER_FACING) and PRIVATE_NAMES.search(line)):
                found.append('%s:%d: %s' % (path, number, line.strip()))
    assert not found, 'cite what the collection ships or the vendor\'s public docs instead:\n' + '\n'.join(found)


def test_the_check_catches_a_citation():
    """The patterns above match the forms the defect had."""
    assert PRIVATE.search('(../shared/api-contracts.md 4.6)') and PRIVATE_NAMES.search('see api-contracts.md section 3')
    assert not PRIVATE.search('https://zitadel.com/docs/apis/errors')


def emulators_section(title):
    text = (REPO_ROOT / 'docs' / 'emulators.md').read_text()
    start = text.index('### %s' % title)
    end = text.find('\n#', start + 1)
    return text[start:end if end != -1 else None]


def peo_rows(section):
    """(tid, id, product) of every PEO the OMN section's table lists, its ranges (a ... b) expanded."""
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip('|').split('|')]
        if len(cells) != 3 or not cells[0].startswith('`'):
            continue
        tids = re.findall(r'`([^`]+)`', cells[0])
        ids = re.findall(r'\d+', cells[1])
        if len(tids) == 2 and '...' in cells[0]:
            first, last = (int(re.search(r'\d+$', tid).group()) for tid in tids)
            prefix = tids[0][:-len(str(first).zfill(4))]
            rows += [('%s%04d' % (prefix, n), str(int(ids[0]) + n - first), cells[2]) for n in range(first, last + 1)]
        else:
            rows.append((tids[0], ids[0], cells[2]))
    return rows


def test_the_emulator_guide_lists_every_seeded_peo():
    from emulators import omn  # pylint: disable=import-outside-toplevel
    from emulators.demo import describe  # pylint: disable=import-outside-toplevel
    seed = omn.default_seed()['peos']
    section = emulators_section('OMN')
    rows = peo_rows(section)
    assert sorted(row[0] for row in rows) == sorted(seed), 'docs/emulators.md lists other PEOs than the OMN seed'
    for tid, peo_id, product in rows:
        assert seed[tid]['id'] == peo_id, tid
        assert seed[tid]['product'] in re.findall(r'`(prod-\d+)`', product), tid
    assert seed['peo-secret']['restricted'] and 'restricted' in [r for r in section.splitlines() if 'peo-secret' in r][0]
    # The number the guide gives is the one the emulator's banner prints.
    stated = int(re.search(r'(\d+) PEOs:', section).group(1))
    started = SimpleNamespace(url='http://127.0.0.1:8003', state=omn.default_seed(), lock=threading.Lock())
    banner = [line for line in describe('omn', started)[1] if line.startswith('PEOs:')][0]
    assert stated == len(seed) and banner.startswith('PEOs: %d,' % stated), (stated, banner)


def module_attributes():
    """{module name: {attribute: support}} from each module's own DOCUMENTATION."""
    found = {}
    for path in sorted((REPO_ROOT / 'plugins' / 'modules').glob('*.py')):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'DOCUMENTATION':
                documentation = yaml.safe_load(node.value.value)
                found[path.stem] = dict((name, spec.get('support')) for name, spec in (documentation.get('attributes') or {}).items())
    return found


def test_getting_started_names_every_role():
    text = (REPO_ROOT / 'docs' / 'getting-started.md').read_text()
    named = re.search(r'The (?:\w+ )?roles \(([^)]*)\)', text)
    assert named, 'docs/getting-started.md no longer has the sentence naming the roles'
    roles = set(path.parent.parent.name for path in (REPO_ROOT / 'roles').glob('*/tasks/main.yml'))
    assert roles and set(re.findall(r'`(\w+)`', named.group(1))) == roles, (named.group(0), sorted(roles))


def test_getting_started_names_every_module_with_check_and_diff_mode():
    text = (REPO_ROOT / 'docs' / 'getting-started.md').read_text()
    named = re.search(r'Modules that manage state \(([^)]*)\) support `--check` and\s+`--diff`', text)
    assert named, 'docs/getting-started.md no longer has the sentence on modules with check mode'
    listed = set(re.findall(r'`(\w+)`', named.group(1)))
    with_diff = set(name for name, attributes in module_attributes().items()
                    if attributes.get('check_mode') == 'full' and attributes.get('diff_mode') == 'full')
    assert with_diff and listed == with_diff, (sorted(listed), sorted(with_diff))
