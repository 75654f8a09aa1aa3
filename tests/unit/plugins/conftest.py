# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the unit tests that talk HTTP to an emulator share: the emulators (tests/emulators) on the path, and a started
eNMS emulator, over HTTP or HTTPS."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import sys

import pytest

TESTS = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from emulators.enms import EnmsEmulator  # noqa: E402  (the tests folder is on the path only now)

from .module_utils.pki import Pki  # noqa: E402


@pytest.fixture
def enms():
    """The eNMS emulator with its default state, started for one test; a test file that needs more state overrides this
    fixture and asks for it."""
    emulator = EnmsEmulator()
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def enms_tls(tmp_path):
    """The eNMS emulator over HTTPS, its certificate signed by a CA of the test's own (``enms_tls.ca``)."""
    pki = Pki(tmp_path)
    emulator = EnmsEmulator(tls=pki.server('enms'))
    emulator.ca = pki.ca
    emulator.start()
    yield emulator
    emulator.stop()
