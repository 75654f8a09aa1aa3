# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Platform name -> emulator class, for the command line and the test fixtures."""

from __future__ import absolute_import, division, print_function

from emulators.enms import EnmsEmulator
from emulators.omn import OmnEmulator
from emulators.saymon import SaymonEmulator
from emulators.zitadel import ZitadelEmulator

EMULATORS = {
    'enms': EnmsEmulator,
    'omn': OmnEmulator,
    'saymon': SaymonEmulator,
    'zitadel': ZitadelEmulator,
}
