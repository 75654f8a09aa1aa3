# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulators' command line (docs/emulators.md): started on a chosen port, it prints the demo credentials as an
export line, serves a request made with them, and logs it as one line; `all` takes successive ports; --help explains
every option."""

from __future__ import absolute_import, division, print_function

import json
import os
import queue
import shlex
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from conftest import REPO_ROOT


class Cli(object):
    def __init__(self, *args):
        env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / 'tests'), PYTHONUNBUFFERED='1')
        self.proc = subprocess.Popen([sys.executable, '-m', 'emulators'] + list(args), env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip('\n'))
        self.lines.put(None)

    def until(self, predicate, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if predicate(line):
                return line
        raise AssertionError('not printed within %ss; output so far:\n%s' % (timeout, '\n'.join(self.seen)))

    def stop(self):
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def exported(line):
    assert line.strip().startswith('export '), line
    return dict(part.split('=', 1) for part in shlex.split(line.strip())[1:])


def eventually(check, seconds=5.0):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def free_ports(count):
    """COUNT successive ports that are free on 127.0.0.1 now."""
    tries = 50
    while tries:
        tries -= 1
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        sockets = []
        try:
            for port in range(first, first + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(('127.0.0.1', port))
            return first
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    pytest.skip('no %d successive free ports' % count)


@pytest.fixture
def cli():
    started = []

    def start(*args):
        started.append(Cli(*args))
        return started[-1]

    yield start
    for one in started:
        one.stop()


def test_one_emulator_on_a_chosen_port_prints_its_credentials_and_logs_requests(cli):
    port = free_ports(1)
    saymon = cli('saymon', '--port', str(port))
    env = exported(saymon.until(lambda line: 'export SAYMON_URL=' in line))
    assert env['SAYMON_URL'] == 'http://127.0.0.1:%d' % port
    saymon.until(lambda line: line.startswith('requests ('))
    assert any(line.strip().startswith('62de902eb238aa0131bd3b01 ') for line in saymon.seen), saymon.seen
    answer = requests.get(env['SAYMON_URL'] + '/node/api/users/current', auth=(env['SAYMON_USERNAME'], env['SAYMON_PASSWORD']),
                          timeout=10)
    assert answer.status_code == 200 and answer.json()['login'] == 'admin', answer.text
    logged = saymon.until(lambda line: '/node/api/users/current' in line)
    assert logged.split()[1:5] == ['saymon', 'GET', '/node/api/users/current', '200'], logged
    assert env['SAYMON_PASSWORD'] not in logged
    assert saymon.stop() == 0


def test_all_emulators_on_successive_ports_and_a_log_file(cli, tmp_path):
    port = free_ports(4)
    log, env_file = tmp_path / 'requests.log', tmp_path / 'emulators.env'
    every = cli('all', '--port', str(port), '--log', str(log), '--env-file', str(env_file))
    urls = {}
    for platform in ('SAYMON', 'ENMS', 'OMN', 'ZITADEL'):
        urls.update(exported(every.until(lambda line, p=platform: 'export %s_URL=' % p in line)))
    assert [urls[p + '_URL'] for p in ('SAYMON', 'ENMS', 'OMN', 'ZITADEL')] == ['http://127.0.0.1:%d' % (port + i) for i in range(4)]
    every.until(lambda line: line.startswith('requests (') and str(log) in line)
    assert eventually(env_file.exists)
    assert [exported(line)['OMN_TOKEN'] for line in env_file.read_text().splitlines() if 'OMN_URL' in line] == [urls['OMN_TOKEN']]
    answer = requests.post(urls['ZITADEL_URL'] + '/v2/actions/targets/search', json={},
                           headers={'Authorization': 'Bearer ' + urls['ZITADEL_TOKEN']}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert eventually(lambda: log.exists() and 'zitadel POST   /v2/actions/targets/search 200' in log.read_text()), \
        log.read_text() if log.exists() else 'no log file'

    assert every.stop() == 0


def test_help_explains_every_option_and_a_busy_port_is_named(cli):
    proc = subprocess.run([sys.executable, '-m', 'emulators', '--help'], env=dict(os.environ, PYTHONPATH=str(REPO_ROOT / 'tests')),
                          capture_output=True, text=True, timeout=30, check=True)
    for option in ('--port', '--url-file', '--env-file', '--seed', '--tls', '--log', '--quiet', 'all', 'docs/emulators.md'):
        assert option in proc.stdout, proc.stdout
    with socket.socket() as busy:
        busy.bind(('127.0.0.1', 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, '-m', 'emulators', 'enms', '--port', str(port)],
                              env=dict(os.environ, PYTHONPATH=str(REPO_ROOT / 'tests')), capture_output=True, text=True, timeout=30,
                              check=False)
    assert proc.returncode == 2 and 'port %d is in use' % port in proc.stderr, proc.stderr


def test_docs_list_every_seeded_credential_and_id():
    from emulators import enms, omn, saymon, zitadel  # pylint: disable=import-outside-toplevel
    text = (REPO_ROOT / 'docs' / 'emulators.md').read_text()
    expected = []
    seed = saymon.default_seed()
    expected += list(seed['users']) + [user['password'] for user in seed['users'].values()]
    for kind in ('links', 'objects'):
        for entity_id, entity in seed[kind].items():
            expected += [entity_id] + [op['id'] for op in entity['operations']] + [op['name'] for op in entity['operations']]
    seed = enms.default_seed()
    expected += list(seed['users']) + [user['password'] for user in seed['users'].values()]
    expected += list(seed['services']) + list(seed['devices']) + [found['ip_address'] for found in seed['devices'].values()] + list(seed['pools'])
    seed = omn.default_seed()
    expected += list(seed['tokens']) + list(seed['refresh_tokens']) + list(seed['projects'])
    expected += [project['id'] for project in seed['projects'].values()] + ['peo-0001', 'peo-0030', 'peo-secret', omn.TOKEN_PATH]
    seed = zitadel.default_seed()
    expected += list(seed['tokens']) + zitadel.ALL_PERMISSIONS
    missing = sorted(set(item for item in expected if item not in text))
    assert not missing, 'docs/emulators.md does not list: %s' % missing


def state_of(url):
    answer = requests.get(url + '/_emulator/state', timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def change_saymon(url):
    """A session and a job: state the default seed does not have."""
    auth = ('admin', 'admin-pass')
    assert requests.post(url + '/node/api/users/session', json={'login': 'admin', 'password': 'admin-pass'}, timeout=10).ok
    job = requests.post(url + '/node/api/links/62de902eb238aa0131bd3b01/operations/62de902eb238aa0131bd3c01/execute', auth=auth,
                        timeout=10).json()
    return lambda again: requests.get('%s/node/api/jobs/%s' % (again, job), auth=auth, timeout=10).status_code == 200


def change_enms(url):
    """A run (its result row at once) and two settings changed."""
    auth = ('admin', 'admin-pass')
    requests.post(url + '/_emulator/state', json={'row_delay': 0, 'run_delay': 0}, timeout=10)
    runtime = requests.post(url + '/rest/run_service', json={'name': 'Configuration Backup'}, auth=auth, timeout=10).json()['runtime']
    requests.post(url + '/_emulator/state', json={'rest_api_allowed': False}, timeout=10)
    result = '%s/rest/result/Configuration Backup/' + runtime
    return lambda again: requests.get(result % again, auth=auth, timeout=10).json().get('status') == 'Completed'


def change_omn(url):
    requests.post(url + '/_emulator/state', json={'links': [['peo-0004', 'acc0000300']]}, timeout=10)
    return lambda again: state_of(again)['links'] == [['peo-0004', 'acc0000300']]


def change_zitadel(url):
    headers = {'Authorization': 'Bearer admin-token'}
    target = requests.post(url + '/v2/actions/targets', json={'name': 'kept', 'endpoint': 'https://hooks.example.com', 'restWebhook': {}},
                           headers=headers, timeout=10).json()['id']
    return lambda again: requests.get('%s/v2/actions/targets/%s' % (again, target), headers=headers, timeout=10).status_code == 200


@pytest.mark.parametrize('platform, change', [('saymon', change_saymon), ('enms', change_enms), ('omn', change_omn),
                                              ('zitadel', change_zitadel)])
def test_the_state_endpoint_gives_a_seed_that_starts_the_same_state(cli, tmp_path, platform, change):
    """docs/emulators.md: a --seed file's keys are those GET /_emulator/state shows; state -> seed -> the same state."""
    first = cli(platform, '--quiet')
    url = exported(first.until(lambda line: 'export %s_URL=' % platform.upper() in line))['%s_URL' % platform.upper()]
    still_there = change(url)
    saved = state_of(url)
    seed = tmp_path / 'seed.json'
    seed.write_text(json.dumps(saved))
    again = cli(platform, '--quiet', '--seed', str(seed))
    url_again = exported(again.until(lambda line: 'export %s_URL=' % platform.upper() in line))['%s_URL' % platform.upper()]
    assert state_of(url_again) == saved
    assert still_there(url_again)
    assert again.stop() == 0


BAD_SEEDS = {
    'not JSON': ('{"users": ', 'not JSON ('),
    'not an object': ('[]', 'is a JSON object, not an array'),
    'missing key': ('STATE without runs', "missing key 'runs'"),
    'unknown key': ('STATE with pool', "unknown key 'pool'"),
    'wrong type': ('STATE with users=[]', "'users' is an array, not an object"),
    'wrong inside': ('STATE with users.admin=1', 'not a state the enms emulator can hold'),
}


@pytest.mark.parametrize('case', sorted(BAD_SEEDS))
def test_a_bad_seed_file_is_one_line_naming_the_file(tmp_path, case):
    from emulators import enms  # pylint: disable=import-outside-toplevel
    text, message = BAD_SEEDS[case]
    if text.startswith('STATE'):
        seed = enms.default_seed()
        if text.endswith('without runs'):
            del seed['runs']
        elif text.endswith('with pool'):
            seed['pool'] = {}
        elif text.endswith('users=[]'):
            seed['users'] = []
        else:
            seed['users']['admin'] = 1
        text = json.dumps(seed)
    path = tmp_path / 'seed.json'
    path.write_text(text)
    proc = subprocess.run([sys.executable, '-m', 'emulators', 'enms', '--quiet', '--seed', str(path)],
                          env=dict(os.environ, PYTHONPATH=str(REPO_ROOT / 'tests')), capture_output=True, text=True, timeout=30,
                          check=False)
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.count('\n') == 1 and proc.stderr.startswith('python -m emulators: --seed %s: ' % path), proc.stderr
    assert message in proc.stderr and 'Traceback' not in proc.stderr + proc.stdout, proc.stderr
