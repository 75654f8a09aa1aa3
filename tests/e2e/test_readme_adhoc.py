# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README's ad-hoc lines, one per platform, run exactly as written, with only the URL and the
credentials in front of them pointed at the emulators."""

from __future__ import absolute_import, division, print_function

import re
import shlex

import pytest

from conftest import REPO_ROOT

CREDENTIALS = {
    'SAYMON': {'SAYMON_USERNAME': 'admin', 'SAYMON_PASSWORD': 'admin-pass'},
    'ENMS': {'ENMS_USERNAME': 'admin', 'ENMS_PASSWORD': 'admin-pass'},
    'OMN': {'OMN_TOKEN': 'omn-token'},
    'ZITADEL': {'ZITADEL_TOKEN': 'admin-token'},
}
FIXTURES = {'SAYMON': 'saymon', 'ENMS': 'enms', 'OMN': 'omn', 'ZITADEL': 'zitadel'}


def readme_adhoc_lines():
    """(environment, module, module arguments) of every `ansible localhost -m` command in the README."""
    text = (REPO_ROOT / 'README.md').read_text()
    commands = []
    for block in re.findall(r'```sh\n(.*?)```', text, re.S):
        joined = block.replace('\\\n', ' ')
        for line in joined.splitlines():
            if 'ansible localhost -m' not in line:
                continue
            words = shlex.split(line)
            env = {}
            while words and re.match(r'^[A-Z_]+=', words[0]):
                name, value = words.pop(0).split('=', 1)
                env[name] = value
            assert words[:4] == ['ansible', 'localhost', '-m', words[3]] and words[4] == '-a', words
            commands.append((env, words[3], words[5]))
    return commands


def test_the_readme_has_one_adhoc_line_per_platform():
    platforms = sorted(set(next(iter(env)).split('_')[0] for env, _module, _args in readme_adhoc_lines()))
    assert platforms == sorted(FIXTURES)


@pytest.mark.parametrize('platform', sorted(FIXTURES))
def test_the_readme_adhoc_line_runs(platform, request, ansible):
    env, module, module_args = next(c for c in readme_adhoc_lines() if next(iter(c[0])).startswith(platform + '_'))
    emulator = request.getfixturevalue(FIXTURES[platform])
    assert env['%s_URL' % platform].startswith('https://')
    env = dict(env, **CREDENTIALS[platform])
    env['%s_URL' % platform] = emulator.url
    run = ansible.adhoc(module, module_args, env=env)
    assert run.rc == 0, run
    assert 'SUCCESS' in run.stdout or 'CHANGED' in run.stdout, run
    assert emulator.requests(), 'the README line reached the emulator'
