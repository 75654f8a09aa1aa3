# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The example rulebooks of extensions/eda/rulebooks run by the real ansible-rulebook against the emulators, each
whole loop once: the platform's event, the collection's event source, the rule, the action's playbook and what it
does on the platform. scripts/test.sh runs this file in its rulebooks stage, in a venv with ansible-rulebook and a
Java 17 runtime; elsewhere it is skipped."""

from __future__ import absolute_import, division, print_function

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import enms_env
from emulators.enms import service

BIN = Path(sys.executable).parent
RULEBOOKS = ('ansible_collections', 'netops', 'bridge', 'extensions', 'eda', 'rulebooks')
JAVA_HOME = os.environ.get('JAVA_HOME') or '/usr/lib/jvm/java-17-openjdk-amd64'

pytestmark = pytest.mark.skipif(not (BIN / 'ansible-rulebook').exists() or not Path(JAVA_HOME, 'bin', 'java').exists(),
                                reason='ansible-rulebook or Java 17 is not installed here (scripts/test.sh rulebooks installs both)')


class Rulebook(object):
    """ansible-rulebook running a rulebook of the installed collection, stopped (and its output kept) at the end."""

    def __init__(self, collections_path, tmp_path, name, env, variables):
        self.log = tmp_path / ('%s.log' % name)
        (tmp_path / 'inventory.yml').write_text('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
                                                '      ansible_python_interpreter: %s\n' % sys.executable)
        (tmp_path / 'vars.yml').write_text(''.join('%s: %s\n' % item for item in variables.items()))
        environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_path), JAVA_HOME=JAVA_HOME, HOME=str(tmp_path),
                           PATH='%s:%s' % (BIN, os.environ.get('PATH', '')), ANSIBLE_NOCOLOR='1', **env)
        command = [str(BIN / 'ansible-rulebook'), '--rulebook', str(collections_path.joinpath(*RULEBOOKS) / ('%s.yml' % name)),
                   '--inventory', str(tmp_path / 'inventory.yml'), '--vars', str(tmp_path / 'vars.yml'), '--verbose']
        with open(str(self.log), 'w') as output:
            self.process = subprocess.Popen(command, env=environment, cwd=str(tmp_path), stdout=output, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def output(self):
        return self.log.read_text()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def wait_for(condition, rulebook, what, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        if rulebook.process.poll() is not None:
            raise AssertionError('ansible-rulebook stopped (rc %s) before %s:\n%s' % (rulebook.process.returncode, what, rulebook.output()[-6000:]))
        time.sleep(0.5)
    raise AssertionError('no %s within %d s:\n%s' % (what, timeout, rulebook.output()[-6000:]))


def test_a_failed_enms_run_runs_the_follow_up_service_on_the_devices_it_failed_on(enms, collections_path, tmp_path):
    with enms.lock:
        enms.state['services']['Broken backup'] = service(scoped_name='Broken backup', fails=True)
        enms.state['services']['Diagnose'] = service(scoped_name='Diagnose')
    rulebook = Rulebook(collections_path, tmp_path, 'enms_failed_run', enms_env(enms),
                        {'enms_follow_up_service': 'Diagnose', 'enms_runs_interval': 0.5})
    try:
        # The source's first poll (its baseline) has run once it has searched the runs twice.
        wait_for(lambda: enms.count('search') >= 2, rulebook, 'poll of the eNMS runs')
        answer = requests.post('%s/rest/run_service' % enms.url, auth=('admin', 'admin-pass'), timeout=30,
                               json={'name': 'Broken backup', 'devices': ['Washington', 'Atlanta']})
        assert 'runtime' in answer.json(), answer.text

        def runs_asked():
            return [json.loads(request['body']) for request in enms.requests('run_service')]

        wait_for(lambda: any(body['name'] == 'Diagnose' for body in runs_asked()), rulebook, 'run of the follow-up service')
        follow_up = [body for body in runs_asked() if body['name'] == 'Diagnose']
        assert len(follow_up) == 1 and sorted(follow_up[0]['devices']) == ['Atlanta', 'Washington'], follow_up
        # The follow-up succeeds: no rule fires on its own run, and nothing else runs.
        time.sleep(3)
        names = [body['name'] for body in runs_asked()]
        assert names == ['Broken backup', 'Diagnose'], (names, rulebook.output()[-3000:])
    finally:
        rulebook.stop()
    assert 'admin-pass' not in rulebook.output()


def test_java_and_the_rulebook_runner_are_what_the_stage_expects():
    assert shutil.which('java', path=str(Path(JAVA_HOME, 'bin')))
