# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prints what `mutmut run` found, per source file: python tests/mutation/report.py <run directory>.
With --only SETUP_CFG NAME...: keeps only the source paths of SETUP_CFG that end in one of the names (a partial run).
With --e2e SETUP_CFG FILE...: adds these e2e test files to the tests mutmut runs, with the plugin that lets it see what
they reach in the ansible-playbook processes they start (tests/mutation/e2e/netops_mutation_e2e.py).

mutmut keeps each file's verdicts in mutants/<file>.meta ({"exit_code_by_key": {mutant: exit code}}); the exit codes
are mutmut's own (mutmut.stats.status_by_exit_code): 1 and 3 killed, 0 survived, the rest below. A mutant counts as
caught when the tests failed (killed) or hung (timeout); every other verdict counts against the score.
"""

from __future__ import absolute_import, division, print_function

import json
import sys
from collections import Counter
from pathlib import Path

VERDICTS = {1: 'killed', 3: 'killed', 0: 'survived', 5: 'no tests', 33: 'no tests', 34: 'skipped', 36: 'timeout',
            -24: 'timeout', 24: 'timeout', 152: 'timeout', 255: 'timeout', None: 'not checked'}
CAUGHT = ('killed', 'timeout')


def verdicts(meta_file):
    codes = json.loads(meta_file.read_text(encoding='utf-8'))['exit_code_by_key']
    return {mutant: VERDICTS.get(code, 'suspicious') for mutant, code in codes.items()}


def keep_only(setup_cfg, names):
    lines = Path(setup_cfg).read_text(encoding='utf-8').splitlines(True)
    kept, unknown = [], set(names)
    for line in lines:
        path = line.strip()
        if line.startswith('    ') and path.startswith('ansible_collections/netops/bridge/plugins/'):
            matches = [name for name in names if path.endswith('/' + name)]
            unknown.difference_update(matches)
            if not matches:
                continue
        kept.append(line)
    if unknown:
        print('not among the files the mutation stage covers: %s' % ', '.join(sorted(unknown)))
        return 2
    Path(setup_cfg).write_text(''.join(kept), encoding='utf-8')
    return 0


def add_e2e(setup_cfg, files):
    """The e2e files after the unit tests in the test selection, and the hits plugin among pytest's arguments."""
    missing = [name for name in files if not name.startswith('tests/e2e/') or not name.endswith('.py')]
    if missing or not files:
        print('NETOPS_MUTATION_E2E takes test files under tests/e2e/, not: %s' % (', '.join(missing) or 'nothing'))
        return 2
    text = Path(setup_cfg).read_text(encoding='utf-8')
    selection = 'pytest_add_cli_args_test_selection =\n    ansible_collections/netops/bridge/tests/unit\n'
    arguments = 'pytest_add_cli_args =\n'
    if selection not in text or arguments not in text:
        print('%s does not have the test selection and pytest arguments this option extends' % setup_cfg)
        return 2
    text = text.replace(selection, selection + ''.join('    ansible_collections/netops/bridge/%s\n' % name for name in files))
    text = text.replace(arguments, arguments + '    -p\n    netops_mutation_e2e\n')
    Path(setup_cfg).write_text(text, encoding='utf-8')
    return 0


def main(run_directory):
    mutants = Path(run_directory) / 'mutants'
    files = sorted(mutants.rglob('*.py.meta'))
    if not files:
        print('no mutmut results under %s' % mutants)
        return 1
    survivors = []
    totals = Counter()
    print('%-40s %7s %7s %9s %7s' % ('file', 'mutants', 'caught', 'survived', 'score'))
    for meta in files:
        found = verdicts(meta)
        counts = Counter(found.values())
        caught = sum(counts[v] for v in CAUGHT)
        totals.update(counts)
        name = meta.name[:-len('.meta')]
        score = 100.0 * caught / len(found) if found else 100.0
        print('%-40s %7d %7d %9d %6.1f%%' % (name, len(found), caught, len(found) - caught, score))
        survivors.extend('%s  (%s)' % (mutant, verdict) for mutant, verdict in sorted(found.items()) if verdict not in CAUGHT)
    total = sum(totals.values())
    caught = sum(totals[v] for v in CAUGHT)
    print('%-40s %7d %7d %9d %6.1f%%' % ('all', total, caught, total - caught, 100.0 * caught / total if total else 100.0))
    print('verdicts: %s' % ', '.join('%s %d' % item for item in sorted(totals.items())))
    if survivors:
        print('\nnot caught (see one with: cd <run> && mutmut show NAME):')
        print('\n'.join('  ' + line for line in survivors))
    return 0


if __name__ == '__main__':
    if sys.argv[1:2] == ['--e2e']:
        sys.exit(add_e2e(sys.argv[2], sys.argv[3:]))
    if sys.argv[1:2] == ['--only']:
        sys.exit(keep_only(sys.argv[2], sys.argv[3:]))
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else '.'))
