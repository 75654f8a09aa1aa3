# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pytest plugin of the mutation stage's e2e option (NETOPS_MUTATION_E2E, docs/testing.md); loaded by mutmut's pytest.

mutmut runs only the tests that reached a mutated function while it collected its stats, and it learns that in its
own process. An e2e test reaches the collection's code in the ansible-playbook processes it starts: their hits would
be lost, and mutmut would run no e2e test for any mutant. So while mutmut collects its stats, each e2e test gives its
children a file to write their hits to (sitecustomize.py beside this file does that in them), and this plugin hands
those hits to mutmut as the test's own. For a mutant, the children need nothing: they inherit MUTANT_UNDER_TEST.
"""

from __future__ import absolute_import, division, print_function

import os
import tempfile

import pytest

HITS_VARIABLE = 'NETOPS_MUTATION_HITS'
E2E_DIRECTORY = os.sep + os.path.join('tests', 'e2e') + os.sep


def collecting_stats():
    from mutmut.mutation.trampoline import get_mutant_under_test
    return get_mutant_under_test() == 'stats'


def hits_file():
    return os.path.join(tempfile.gettempdir(), 'netops-mutation-hits-%d' % os.getpid())


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if E2E_DIRECTORY in str(item.fspath) and collecting_stats():
        path = hits_file()
        with open(path, 'w'):
            pass
        os.environ[HITS_VARIABLE] = path


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):  # pylint: disable=unused-argument
    # tryfirst: before mutmut's own teardown hook files the hits under this test.
    path = os.environ.pop(HITS_VARIABLE, None)
    if path is None:
        return
    from mutmut.state import state
    with open(path) as hits:
        state()._stats.update(line.strip() for line in hits if line.strip())  # pylint: disable=protected-access
    os.remove(path)
