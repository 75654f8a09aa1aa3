# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Event sources live in extensions/eda/plugins/event_source, outside the plugins/ tree that the collection loader
maps to Python packages; ansible-rulebook loads them by file, and so do the tests."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib.util
from pathlib import Path

EVENT_SOURCES = Path(__file__).resolve().parents[4] / 'extensions' / 'eda' / 'plugins' / 'event_source'


def load_source(name):
    spec = importlib.util.spec_from_file_location('netops_bridge_event_source_' + name, str(EVENT_SOURCES / (name + '.py')))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ClosableClient(object):
    """What a polling source's API stands on, for a scripted server: only whether the source closed it."""
    closed = False

    def close(self):
        self.closed = True
