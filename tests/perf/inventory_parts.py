# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the parse of a netops.bridge.enms inventory source goes, for tests/perf/benchmark.py (figure ``inventory``).

    python tests/perf/inventory_parts.py CONFIG.enms.yml

Parses the source as ansible-inventory does (InventoryManager, the collection from ANSIBLE_COLLECTIONS_PATH) with
timers on the plugin's reads from eNMS and on ansible-core's inventory calls it makes, and prints one JSON object of
seconds: parse (the whole), fetch (the plugin's requests and their answers), core (ansible-core's add_host,
set_variable with the tagging of each value on 2.19 and later, add_group, add_child) and plugin (the rest: the
plugin's own work)."""

import json
import sys
import time

from ansible.inventory import manager as inventory_manager
from ansible.inventory.data import InventoryData
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader

CORE_CALLS = ('add_host', 'set_variable', 'add_group', 'add_child')
spent = {'fetch': 0.0, 'core': 0.0}
depth = {'fetch': 0, 'core': 0}


def timed(function, part):
    """Counts the outermost call only: one of core's calls may make another (add_host adding a child)."""
    def wrapper(*args, **kwargs):
        depth[part] += 1
        begin = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            depth[part] -= 1
            if not depth[part]:
                spent[part] += time.perf_counter() - begin
    return wrapper


def main():
    init_plugin_loader()
    from ansible_collections.netops.bridge.plugins.inventory.enms import InventoryModule  # pylint: disable=import-outside-toplevel
    InventoryModule.fetch = timed(InventoryModule.fetch, 'fetch')
    for name in CORE_CALLS:
        setattr(InventoryData, name, timed(getattr(InventoryData, name), 'core'))
    # ansible-core 2.19 and later hand a plugin a proxy whose set_variable tags every value (its origin, its trust).
    proxy = getattr(inventory_manager, '_InventoryDataWrapper', None)
    if proxy is not None:
        proxy.set_variable = timed(proxy.set_variable, 'core')
    begin = time.perf_counter()
    manager = InventoryManager(loader=DataLoader(), sources=[sys.argv[1]])
    parse = time.perf_counter() - begin
    hosts = len(manager.hosts)
    print(json.dumps({'parse': parse, 'fetch': spent['fetch'], 'core': spent['core'],
                      'plugin': parse - spent['fetch'] - spent['core'], 'hosts': hosts}))


if __name__ == '__main__':
    main()
