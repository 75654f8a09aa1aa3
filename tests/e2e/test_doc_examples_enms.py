# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/enms.md's "Running a service" example, run as written against the eNMS emulator: when a device fails, the
task after the run ("Show where it failed") runs and shows it, instead of the play stopping at the run."""

from __future__ import absolute_import, division, print_function

import re
import textwrap

from conftest import REPO_ROOT, enms_env


def example():
    text = (REPO_ROOT / 'docs' / 'enms.md').read_text()
    section = text.split('## Running a service', 1)[1].split('\n## ', 1)[0]
    blocks = re.findall(r'```yaml\n(.*?)```', section, re.S)
    assert len(blocks) == 1, section
    return blocks[0]


def play(tasks):
    return '- hosts: localhost\n  gather_facts: false\n  tasks:\n' + textwrap.indent(tasks, '    ')


def test_the_failure_is_shown_when_a_device_failed(enms, ansible):
    enms.state['failing_devices'] = ['Atlanta']
    run = ansible.playbook(play(example()), env=enms_env(enms))
    assert run.rc == 0, run
    assert run.recap['localhost']['failed'] == 0 and run.recap['localhost']['skipped'] == 0, run
    shown = run.stdout.split('TASK [Show where it failed', 1)[1]
    assert '"msg": [\n        "Atlanta"\n    ]' in shown, run


def test_nothing_is_shown_when_every_device_succeeded(enms, ansible):
    run = ansible.playbook(play(example()), env=enms_env(enms))
    assert run.rc == 0, run
    assert run.recap['localhost']['failed'] == 0 and run.recap['localhost']['skipped'] == 1, run
