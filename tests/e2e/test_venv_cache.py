# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The virtual environments scripts/lib.sh builds under the cache (NETOPS_BRIDGE_CACHE, here a temporary directory):
runs started at the same time on an empty cache share one build, and a build killed half-way is rebuilt.

They call lib.sh's ensure_venv, what scripts/showcase.sh and scripts/test.sh build their venvs with, on a requirement
set of one small package, so that a build costs seconds (it still needs PyPI, or the index PIP_INDEX_URL names)."""

from __future__ import absolute_import, division, print_function

import fcntl
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import REPO_ROOT
from test_any_python import machine

VERSION = '%d.%d' % sys.version_info[:2]
NAME = 'tiny-py%d%d' % sys.version_info[:2]
REQUIREMENT = 'iniconfig>=1'
ENSURE_VENV = 'source "$0" && ensure_venv "$@"'


def start_build(cache, env=None, name=NAME, requirement=REQUIREMENT):
    env = dict(env or os.environ, NETOPS_BRIDGE_CACHE=str(cache))
    return subprocess.Popen(['bash', '-c', ENSURE_VENV, str(REPO_ROOT / 'scripts' / 'lib.sh'), name, VERSION, requirement],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def finish(build):
    stdout, stderr = build.communicate(timeout=600)
    return build.returncode, stdout, stderr


def assert_usable(cache, name=NAME):
    venv = cache / name
    proc = subprocess.run([str(venv / 'bin' / 'python'), '-c', 'import iniconfig'], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (venv / '.netops-requirements').read_text() == REQUIREMENT + ' '


@pytest.mark.parametrize('lock', ['flock(1)', 'Python where there is no flock(1)'])
def test_two_runs_at_once_on_an_empty_cache_both_succeed(tmp_path, lock):
    cache = tmp_path / 'cache'
    env = None
    if lock != 'flock(1)':
        # A PATH of the basic tools alone (no flock) and python3 -> this Python, as on macOS or a minimal container.
        env = machine(tmp_path, os.path.realpath(sys.executable))
        assert not os.path.exists(os.path.join(env['PATH'], 'flock'))
    builds = [start_build(cache, env), start_build(cache, env)]
    results = [finish(build) for build in builds]
    for returncode, stdout, stderr in results:
        assert returncode == 0, stderr
        assert stdout == str(cache / NAME / 'bin') + '\n', stdout + stderr
    assert_usable(cache)
    # One built it; the other waited for it and took what it built.
    errors = [result[2] for result in results]
    creators = [stderr for stderr in errors if '== creating %s' % (cache / NAME) in stderr]
    assert len(creators) == 1, '\n---\n'.join(errors)
    waiter = [stderr for stderr in errors if stderr not in creators][0]
    assert 'waiting for another run to finish with %s' % (cache / NAME) in waiter, waiter
    assert '%s was built by another run meanwhile' % (cache / NAME) in waiter, waiter


def test_a_build_killed_half_way_is_rebuilt(tmp_path):
    cache = tmp_path / 'cache'
    venv = cache / NAME
    build = start_build(cache)
    # Killed (the whole run, as a closed terminal or a CI timeout would) once the venv exists and pip is at work in it.
    deadline = time.time() + 300
    while not (venv / 'bin' / 'python').exists() and build.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert build.poll() is None, 'the build ended before it could be killed: %s' % (build.communicate(),)
    os.killpg(build.pid, signal.SIGKILL)
    build.communicate()
    assert (venv / 'bin' / 'python').exists() and not (venv / '.netops-requirements').exists()

    returncode, stdout, stderr = finish(start_build(cache))
    assert returncode == 0, stderr
    assert '== creating %s' % venv in stderr, stderr
    assert stdout == str(venv / 'bin') + '\n'
    assert_usable(cache)

    # Built once, it is taken as it is.
    returncode, stdout, stderr = finish(start_build(cache))
    assert returncode == 0 and stdout == str(venv / 'bin') + '\n', stderr
    assert 'creating' not in stderr, stderr


def python311():
    proc = subprocess.run(['bash', '-c', 'source "$0" && find_python 3.11', str(REPO_ROOT / 'scripts' / 'lib.sh')],
                          capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def enms_checkout(path):
    """What scripts/real-enms.sh start asks of an eNMS checkout, with one small package for its requirements (eNMS itself
    does not start from it: the test is about the venv)."""
    (path / 'setup').mkdir(parents=True)
    (path / 'setup' / 'settings.json').write_text('{"app": {}}')
    (path / 'build' / 'requirements').mkdir(parents=True)
    (path / 'build' / 'requirements' / 'requirements.txt').write_text(REQUIREMENT + '\n')
    (path / 'app.py').write_text('')
    subprocess.run(['git', 'init', '-q'], cwd=str(path), check=True)
    subprocess.run(['git', '-c', 'user.email=t@localhost', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'eNMS'],
                   cwd=str(path), check=True)
    return path


def test_real_enms_rebuilds_a_venv_whose_build_was_killed(tmp_path):
    python = python311()
    if python is None:
        pytest.skip('no Python 3.11 that can make a virtual environment on this machine')
    checkout = enms_checkout(tmp_path / 'eNMS')
    state = tmp_path / 'state'
    venv = state / 'venv'
    # What a build killed after `python -m venv` leaves: a venv that runs, without what eNMS needs.
    subprocess.run([python, '-m', 'venv', str(venv)], check=True)
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, ENMS_STATE_DIR=str(state), ENMS_PORT=str(port), NETOPS_BRIDGE_CACHE=str(tmp_path / 'cache'))
    proc = subprocess.run(['bash', str(REPO_ROOT / 'scripts' / 'real-enms.sh'), 'start', str(checkout)], env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    # The stand-in checkout has no eNMS to start: what matters is the venv it was to start in.
    assert '== creating %s' % venv in proc.stderr, proc.stderr
    imports = subprocess.run([str(venv / 'bin' / 'python'), '-c', 'import flask, iniconfig'], capture_output=True, text=True, check=False)
    assert imports.returncode == 0, imports.stderr + proc.stderr
    assert (state / 'venv.lock').exists()


def test_an_install_into_a_built_venv_waits_for_the_lock(tmp_path):
    """What scripts/docs.sh installs into its venv after the build takes the same lock as a build of that venv."""
    venv = tmp_path / 'cache' / NAME
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(venv)], check=True, timeout=120)
    done = tmp_path / 'installed'
    with open(str(venv) + '.lock', 'a') as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        install = subprocess.Popen(['bash', '-c', 'source "$0" && with_venv_lock "$1" touch "$2"', str(REPO_ROOT / 'scripts' / 'lib.sh'),
                                   str(venv), str(done)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        assert install.poll() is None and not done.exists(), install.communicate()
    stdout, stderr = install.communicate(timeout=60)
    assert install.returncode == 0 and done.exists(), stderr
    assert 'waiting for another run to finish with %s' % venv in stderr, stderr
