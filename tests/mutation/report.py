# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prints what `mutmut run` found, per source file: python tests/mutation/report.py <run directory>.
With --only SETUP_CFG NAME...: keeps only the source paths of SETUP_CFG that end in one of the names (a partial run).

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
    if sys.argv[1:2] == ['--only']:
        sys.exit(keep_only(sys.argv[2], sys.argv[3:]))
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else '.'))
