# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # Descriptions of the attributes every module states its support for.
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
'''

    # For modules that only read: same behaviour in check mode, nothing to diff.
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details: This module only reads, so it runs the same in check mode.
  diff_mode:
    support: N/A
    details: This module changes nothing, so there is nothing to show.
'''

    SAYMON_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/netops.bridge.saymon) in C(module_defaults) to set the connection options once for all SAYMON modules.
    support: full
    membership:
      - netops.bridge.saymon
'''

    ENMS_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/netops.bridge.enms) in C(module_defaults) to set the connection options once for all eNMS modules.
    support: full
    membership:
      - netops.bridge.enms
'''

    OMN_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/netops.bridge.omn) in C(module_defaults) to set the connection options once for all OMN modules.
    support: full
    membership:
      - netops.bridge.omn
'''

    ZITADEL_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/netops.bridge.zitadel) in C(module_defaults) to set the connection options once for all ZITADEL modules.
    support: full
    membership:
      - netops.bridge.zitadel
'''
