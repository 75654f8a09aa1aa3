# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the command line prints when an emulator starts: the environment variables the modules read (the demo user's
credentials) and the seeded users, tokens and IDs, read from the emulator's own state (so a --seed file shows too).

describe(platform, emulator) -> (env, lines): env is {VARIABLE: value} for the demo user; lines are text to print."""

from __future__ import absolute_import, division, print_function

from emulators.omn import TOKEN_PATH


def _saymon(emulator):
    state = emulator.state
    env = {'SAYMON_URL': emulator.url}
    if 'admin' in state['users']:
        env.update(SAYMON_USERNAME='admin', SAYMON_PASSWORD=state['users']['admin']['password'])
    lines = ['users (username / password: rights):']
    for login, user in sorted(state['users'].items()):
        rights = ', '.join(p.replace('-operations', '') for p in user['permissions']) or 'read only'
        entities = 'every entity' if user['entities'] == '*' else ', '.join(user['entities'])
        lines.append('  %s / %s: %s, on %s' % (login, user['password'], rights, entities))
    for kind in ('links', 'objects'):
        lines.append('%s (%s_id, then operation_name or operation_id):' % (kind, kind[:-1]))
        for entity_id, entity in sorted(state[kind].items()):
            name = entity.get('name') or '%s -> %s' % (entity.get('source_name'), entity.get('target_name'))
            ops = ', '.join('%s (%s%s)' % (op['name'], op['id'], ', exits %s' % op['exitCode'] if op.get('exitCode') else '')
                            for op in entity.get('operations', []))
            lines.append('  %s %s: %s' % (entity_id, name, ops or 'no operations'))
    return env, lines


def _enms(emulator):
    state = emulator.state
    env = {'ENMS_URL': emulator.url}
    if 'admin' in state['users']:
        env.update(ENMS_USERNAME='admin', ENMS_PASSWORD=state['users']['admin']['password'])
    lines = ['users (username / password: rights):']
    for login, user in sorted(state['users'].items()):
        rights = 'runs every service' if user['admin'] else ('runs %s' % ', '.join(user['run']) if user['run'] else 'runs nothing')
        lines.append('  %s / %s: %s' % (login, user['password'], rights))
    lines.append('services (name: type, default targets):')
    for name, service in sorted(state['services'].items()):
        targets = ', '.join(['devices ' + ', '.join(service['devices'])] * bool(service['devices'])
                            + ['pools ' + ', '.join(service['pools'])] * bool(service['pools'])) or 'none'
        lines.append('  %s: %s, %s%s' % (name, service['type'], targets, ' (disabled)' if service.get('disabled') else ''))
    lines.append('devices: %s' % ', '.join('%s (%s%s)' % (name, found.get('ip_address'), ''.join(
        ', %s' % found[key] for key in ('vendor', 'operating_system') if found.get(key))) for name, found in sorted(state['devices'].items())))
    lines.append('pools: %s' % ', '.join('%s (%s)' % (name, ', '.join(members)) for name, members in sorted(state['pools'].items())))
    if state.get('failing_devices'):
        lines.append('runs fail on: %s' % ', '.join(state['failing_devices']))
    return env, lines


def _omn(emulator):
    state = emulator.state
    env = {'OMN_URL': emulator.url}
    full = sorted(token for token, access in state['tokens'].items() if access == 'full')
    if full:
        env['OMN_TOKEN'] = full[0]
    lines = ['tokens (Bearer: access):']
    lines += ['  %s: %s' % item for item in sorted(state['tokens'].items())]
    for refresh, access in sorted(state.get('refresh_tokens', {}).items()):
        lines.append('  refresh_token %s (token_url %s%s, client_id omn-ui): gives %s' % (refresh, emulator.url, TOKEN_PATH, access))
    lines.append('projects (tid: id, parent):')
    lines += ['  %s: %s, %s' % (tid, item['id'], item['parent'] or 'none') for tid, item in sorted(state['projects'].items())]
    tids = sorted(state['peos'])
    plain = [tid for tid in tids if tid.startswith('peo-0')]
    lines.append('PEOs: %d, among them %s (products %s)' % (
        len(tids), ('%s ... %s' % (plain[0], plain[-1])) if plain else 'none',
        ', '.join(sorted(set(peo['product'] for peo in state['peos'].values())))))
    restricted = [tid for tid in tids if state['peos'][tid].get('restricted')]
    if restricted:
        lines.append('  restricted (full tokens only): %s' % ', '.join(restricted))
    lines.append('links (PEO -> project): %s' % (', '.join('%s -> %s' % tuple(link) for link in state['links']) or 'none'))
    return env, lines


def _zitadel(emulator):
    state = emulator.state
    env = {'ZITADEL_URL': emulator.url}
    tokens = sorted(state['tokens'].items(), key=lambda item: -len(item[1]))
    if tokens:
        env['ZITADEL_TOKEN'] = tokens[0][0]
    lines = ['tokens (Bearer: permissions):']
    lines += ['  %s: %s' % (token, ', '.join(permissions) or 'none') for token, permissions in sorted(state['tokens'].items())]
    lines.append('targets: %d, executions: %d (both API versions: api_version v2 or v2beta)' % (
        len(state['targets']), len(state['executions'])))
    return env, lines


DESCRIBE = {'saymon': _saymon, 'enms': _enms, 'omn': _omn, 'zitadel': _zitadel}


def describe(platform, emulator):
    with emulator.lock:
        return DESCRIBE[platform](emulator)
