# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mutation stage's e2e option puts this directory on PYTHONPATH (docs/testing.md). In a process an e2e test
started while mutmut collects its stats (NETOPS_MUTATION_HITS set by netops_mutation_e2e.py), every mutated function
reached is written to that file, where the test's process reads it; elsewhere this does nothing."""

from __future__ import absolute_import, division, print_function

import os

if os.environ.get('NETOPS_MUTATION_HITS'):
    try:
        from mutmut.mutation import trampoline
    except ImportError:  # a Python without mutmut runs no mutated code either
        trampoline = None
    if trampoline is not None:
        def record_hit(name, caller=None):  # pylint: disable=unused-argument
            # Appended at once: ansible's forked workers end with os._exit, which runs no exit handler.
            with open(os.environ['NETOPS_MUTATION_HITS'], 'a') as hits:
                hits.write(name + '\n')

        trampoline.record_trampoline_hit = record_hit
