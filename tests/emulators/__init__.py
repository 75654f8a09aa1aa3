# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stateful HTTP emulators of the platforms netops.bridge drives, for its tests and showcase."""
