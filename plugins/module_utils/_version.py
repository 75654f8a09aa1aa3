# -*- coding: utf-8 -*-
# Copyright (c) netops.bridge contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private: the collection's version, sent in the User-Agent. A unit test keeps it equal to galaxy.yml."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

COLLECTION_VERSION = '1.3.0'
