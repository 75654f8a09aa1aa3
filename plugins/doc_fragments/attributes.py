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
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - "The action plugin of the same name runs this module's code inside the controller's worker process when the task
        runs on the controller (connection C(local), which includes the implicit C(localhost) and
        C(delegate_to: localhost)), and as a module process otherwise. Results are the same either way; see the notes."
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
notes:
  - "Where the code runs: when the task runs on the controller (connection C(local), which includes the implicit
    C(localhost) and C(delegate_to: localhost)), the module's code runs inside the worker process Ansible forks for the
    task, with the controller's Python, which saves the module process (its payload, interpreter and imports) and makes a
    task several times faster. Everything else runs it as a module process, as usual: other connections, C(async) tasks,
    C(become), and a controller Python that cannot import the module's requirements (said at C(-v)). The results are the
    same on both paths: argument checks, environment variables (including the task's C(environment)), C(module_defaults),
    check and diff mode, warnings, C(no_log)."
  - "To always run it as a module process, set the variable C(netops_bridge_execution=module) (extra vars, play, task,
    host or group vars) or the environment variable E(NETOPS_BRIDGE_EXECUTION=module) on the controller; the default is
    C(auto). C(-vvv) says which path each task took."
  - A connection environment variable (E(SAYMON_*), E(ENMS_*), E(OMN_*), E(ZITADEL_*)) set to the empty string, or to
    blanks, counts as unset, and the option's default applies (an AWX credential type leaves the variables of the
    inputs not given empty).
  - Surrounding whitespace, such as the line break at the end of a vault-encrypted block scalar or of a line of an env
    file, is stripped from every secret option (passwords, tokens, refresh tokens, session IDs) before use, since no
    credential begins or ends in whitespace. A secret that still holds a control character (a line break or a tab
    inside it) is refused before any request, with a message naming the option and its environment variable, never
    the value.
  - Every number of seconds (C(request_timeout), and C(wait_timeout), C(poll_interval) and C(not_found_timeout) where
    the module has them) must be finite; V(nan), V(inf) and V(-inf) are refused before any request.
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
