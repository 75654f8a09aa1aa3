# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""scripts/showcase.sh, and what scripts/test.sh says it lacks, on a machine whose only Python is the system's 3.11 (Debian 12): a PATH holding one directory
with a ``python3`` link to a 3.11 interpreter and the basic tools, a fresh HOME (so no pyenv), and the showcase must pick
that Python and ansible-core 2.19, install only what it needs and run both passes.

The venv it makes is kept in the normal cache directory under a name of its own (system-python/showcase-core219-py311),
so that a machine or CI pays for it once."""

from __future__ import absolute_import, division, print_function

import glob
import os
import shutil
import subprocess

import pytest

from conftest import RECAP, REPO_ROOT

# What scripts/showcase.sh, scripts/lib.sh, venv, pip and ansible-playbook's local connection call on PATH.
TOOLS = ('bash', 'sh', 'env', 'cat', 'cp', 'chmod', 'dirname', 'basename', 'head', 'tail', 'id', 'ln', 'ls', 'mkdir',
         'mktemp', 'mv', 'rm', 'rmdir', 'seq', 'sleep', 'sort', 'tr', 'uname', 'xargs', 'git', 'grep', 'sed', 'readlink',
         'realpath', 'touch', 'wc', 'cut', 'date', 'tee', 'find')
# Passed through, so that pip reaches the index this machine uses.
PASSED = ('http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
          'REQUESTS_CA_BUNDLE', 'LANG', 'LC_ALL', 'TMPDIR')


def makes_venvs(python):
    proc = subprocess.run([python, '-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'],
                          capture_output=True, text=True, check=False)
    return proc.returncode == 0 and proc.stdout.strip() == '3.11'


def python311():
    """The system's Python 3.11 where there is one; else pyenv's (a stand-in on machines whose system Python is another)."""
    candidates = ['/usr/bin/python3.11', '/usr/local/bin/python3.11']
    candidates += sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/3.11.*/bin/python3.11')), reverse=True)
    for candidate in candidates:
        if os.access(candidate, os.X_OK) and makes_venvs(candidate):
            return os.path.realpath(candidate)
    return None


def clean_path():
    return os.pathsep.join(part for part in os.environ.get('PATH', '').split(os.pathsep)
                           if part and '.pyenv' not in part and not os.path.exists(os.path.join(part, 'activate')))


def machine(tmp_path, python=None, without=()):
    """A bin directory holding the basic tools (but those named in WITHOUT) and, when given, python3 -> PYTHON; and a
    HOME with nothing in it."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    search = clean_path()
    for tool in TOOLS:
        found = shutil.which(tool, path=search) if tool not in without else None
        if found:
            (bin_dir / tool).symlink_to(found)
    for needed in set(('bash', 'sh', 'git', 'mktemp', 'seq', 'sleep')) - set(without):
        assert (bin_dir / needed).exists(), 'this machine has no %s' % needed
    if python:
        (bin_dir / 'python3').symlink_to(python)
    home = tmp_path / 'home'
    home.mkdir()
    env = dict((key, value) for key, value in os.environ.items() if key in PASSED or key.startswith('PIP_'))
    env.update({'PATH': str(bin_dir), 'HOME': str(home)})
    return env


def cache_dir():
    return os.path.join(os.environ.get('NETOPS_BRIDGE_CACHE') or os.path.expanduser('~/.cache/netops-bridge'), 'system-python')


def test_showcase_runs_on_the_system_python_311_alone(tmp_path):
    python = python311()
    if python is None:
        pytest.skip('no Python 3.11 that can make a virtual environment on this machine')
    env = machine(tmp_path, python)
    env['NETOPS_BRIDGE_CACHE'] = cache_dir()
    proc = subprocess.run([env['PATH'] + '/bash', str(REPO_ROOT / 'scripts' / 'showcase.sh')], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=1200, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-8000:]
    assert 'showcase: Python 3.11 (%s), ansible-core 2.19' % python in proc.stderr, proc.stderr[-3000:]
    assert 'ansible-core 2.19.' in proc.stderr and 'on Python 3.11.' in proc.stderr, proc.stderr[-3000:]
    recaps = RECAP.findall(proc.stdout)
    assert len(recaps) == 2, proc.stdout[-3000:]
    assert all(recap[4] == '0' and recap[3] == '0' for recap in recaps), proc.stdout[-3000:]
    venv = os.path.join(cache_dir(), 'showcase-core219-py311')
    installed = subprocess.run([os.path.join(venv, 'bin', 'python'), '-m', 'pip', 'list', '--format', 'freeze'],
                               capture_output=True, text=True, check=True).stdout.lower()
    for name in ('ansible-core==2.19.', 'requests==', 'lxml=='):
        assert name in installed, installed
    for name in ('pytest', 'hypothesis', 'ansible-runner'):
        assert name not in installed, installed


def test_showcase_says_which_python_it_needs(tmp_path):
    env = machine(tmp_path)
    env['NETOPS_BRIDGE_CACHE'] = str(tmp_path / 'cache')
    proc = subprocess.run([env['PATH'] + '/bash', str(REPO_ROOT / 'scripts' / 'showcase.sh')], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode != 0
    assert 'The showcase needs Python 3.11 or later that can make a virtual environment, and found none.' in proc.stderr, proc.stderr
    assert 'NETOPS_BRIDGE_PYTHON' in proc.stderr
    assert not (tmp_path / 'cache').exists()


def java17():
    """Whether scripts/lib.sh's java_home finds a Java 17 (the rulebooks stage installs one with apt otherwise)."""
    proc = subprocess.run(['bash', '-c', 'source scripts/lib.sh && java_home'], cwd=str(REPO_ROOT), capture_output=True, text=True,
                          timeout=60, check=False)
    return bool(proc.stdout.strip())


def test_the_test_command_says_first_what_it_lacks(tmp_path):
    python = python311()
    if python is None:
        pytest.skip('no Python 3.11 that can make a virtual environment on this machine')
    env = machine(tmp_path, python, without=('git', 'openssl'))
    env['NETOPS_BRIDGE_CACHE'] = str(tmp_path / 'cache')
    proc = subprocess.run([env['PATH'] + '/bash', str(REPO_ROOT / 'scripts' / 'test.sh')], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    # Python 3.11 (python3 here) is found; pandoc is missing because this PATH has neither it nor apt-get.
    lines = proc.stderr.splitlines()
    assert lines[0] == 'scripts/test.sh sanity lint docs units core219 e2e rulebooks: this machine lacks what these stages need:', proc.stderr
    java = ['  - Java 17'] if not java17() else []
    assert [line.split(':')[0] for line in lines[1:-1]] == [
        '  - Python 3.12 that can make a virtual environment', '  - git', '  - openssl'] + java + ['  - pandoc'], proc.stderr
    assert lines[-1].startswith('Nothing was run.'), proc.stderr
    assert proc.stdout == '' and not (tmp_path / 'cache').exists()

    # An unknown stage is refused before anything else.
    proc = subprocess.run([env['PATH'] + '/bash', str(REPO_ROOT / 'scripts' / 'test.sh'), 'unit'], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    refusal = 'unknown stage: unit (sanity lint docs units core219 e2e rulebooks; opt-in: real-enms mutation)'
    assert proc.returncode == 2 and proc.stderr.startswith(refusal), proc.stderr
