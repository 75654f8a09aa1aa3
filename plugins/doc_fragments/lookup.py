# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # What every netops.bridge lookup promises, beside its platform's connection options.
    DOCUMENTATION = r'''
options: {}
notes:
  - C(module_defaults) does not apply to lookups. The connection options come from the lookup's own keyword arguments,
    then from the same environment variables as the platform's modules, then from the defaults; the environment is
    the controller's (a task's C(environment) does not reach a lookup).
  - An option the lookup does not document fails it before any request, naming its options.
  - A failure raises an error that quotes the platform's own words; no password, token, session ID or credential in
    a URL is ever in it, also with C(-vvv).
  - What the platform returns is data, never a template - every text is marked unsafe, on every supported ansible-core.
  - It only reads, in one HTTP session per call whatever the number of terms, and runs the same in check mode.
'''
