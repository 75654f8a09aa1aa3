# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make the Markdown guides of docs/ part of the collection's extra docs, for antsibull-docs:

    python scripts/docs_guides.py COLLECTION_DIR

converts every docs/*.md of COLLECTION_DIR with pandoc into docs/docsite/rst/<guide>.rst (each with the label
antsibull-docs wants, links between guides turned into references, other relative links into links to the repository)
and adds a Guides section listing them to docs/docsite/extra-docs.yml. It writes into the directory it is given:
scripts/docs.sh runs it on a copy of the collection, so the Markdown stays the only source of the guides."""

from __future__ import absolute_import, division, print_function

import json
import os
import posixpath
import re
import subprocess
import sys

import yaml

# Guides first in this order, any other docs/*.md after them in alphabetical order.
ORDER = ['getting-started', 'emulators', 'saymon', 'enms', 'omn', 'zitadel', 'roles', 'awx', 'execution', 'troubleshooting', 'guarantees',
         'benchmark']
SECTION = 'Guides'
SCHEME = re.compile(r'^[a-zA-Z][a-zA-Z0-9+.-]*:')


def guide_names(docs_dir):
    names = [name[:-3] for name in os.listdir(docs_dir) if name.endswith('.md') and os.path.isfile(os.path.join(docs_dir, name))]
    return sorted(names, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))


def plain_text(node):
    """The text of a pandoc AST node (inline formatting dropped)."""
    if isinstance(node, list):
        return ''.join(plain_text(item) for item in node)
    if not isinstance(node, dict):
        return ''
    kind = node.get('t')
    if kind == 'Str':
        return node['c']
    if kind in ('Space', 'SoftBreak', 'LineBreak'):
        return ' '
    if kind in ('Code', 'Math', 'RawInline'):
        return node['c'][1]
    return plain_text(node.get('c', []))


class Converter(object):
    def __init__(self, tree, pandoc='pandoc', branch='main'):
        self.tree = tree
        self.pandoc = pandoc
        with open(os.path.join(tree, 'galaxy.yml')) as handle:
            galaxy = yaml.safe_load(handle)
        self.prefix = 'ansible_collections.%s.%s.docsite.' % (galaxy['namespace'], galaxy['name'])
        self.repository = (galaxy.get('repository') or '').rstrip('/')
        self.branch = branch
        self.guides = guide_names(os.path.join(tree, 'docs'))

    def label(self, guide):
        return self.prefix + guide.replace('-', '_')

    def target(self, url, text):
        """A replacement for a link to URL (a relative one), or None to keep it."""
        path, _sep, anchor = url.partition('#')
        if not path or SCHEME.match(path) or path.startswith('/'):
            return None
        resolved = posixpath.normpath(posixpath.join('docs', path))
        if posixpath.dirname(resolved) == 'docs' and resolved.endswith('.md') and posixpath.basename(resolved)[:-3] in self.guides:
            label = self.label(posixpath.basename(resolved)[:-3])
            if text.strip() in (path, posixpath.basename(resolved)):
                text = ''  # a link that shows the file name shows the guide's title instead
            text = text.replace('`', '').replace('\\', '\\\\').replace('<', '\\<').strip()
            role = ':ref:`%s <%s>`' % (text, label) if text else ':ref:`%s`' % label
            return {'t': 'RawInline', 'c': ['rst', role]}
        if not self.repository or resolved.startswith('..'):
            return None
        return '%s/blob/%s/%s%s' % (self.repository, self.branch, resolved, '#' + anchor if anchor else '')

    def rewrite(self, node):
        if isinstance(node, list):
            return [self.rewrite(item) for item in node]
        if not isinstance(node, dict):
            return node
        if node.get('t') == 'Header':
            # No explicit identifiers: Sphinx labels are global, and several guides have the same headings.
            level, (_identifier, classes, attributes), content = node['c']
            node = {'t': 'Header', 'c': [level, ['', classes, attributes], content]}
        elif node.get('t') == 'Link':
            attr, content, (url, title) = node['c']
            replacement = self.target(url, plain_text(content))
            if isinstance(replacement, dict):
                return replacement
            if replacement:
                node = {'t': 'Link', 'c': [attr, content, [replacement, title]]}
        return dict((key, self.rewrite(value)) for key, value in node.items())

    def pandoc_run(self, args, data=None):
        proc = subprocess.run([self.pandoc] + args, input=data, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit('pandoc %s failed: %s' % (' '.join(args), proc.stderr.strip()))
        return proc.stdout

    def convert(self, guide):
        source = os.path.join(self.tree, 'docs', guide + '.md')
        ast = json.loads(self.pandoc_run(['--from', 'gfm', '--to', 'json', source]))
        ast['blocks'] = self.rewrite(ast['blocks'])
        rst = self.pandoc_run(['--from', 'json', '--to', 'rst', '--wrap', 'preserve', '--columns', '10000'], json.dumps(ast))
        return '.. _%s:\n\n%s' % (self.label(guide), rst)

    def run(self):
        rst_dir = os.path.join(self.tree, 'docs', 'docsite', 'rst')
        if not os.path.isdir(rst_dir):
            os.makedirs(rst_dir)
        for guide in self.guides:
            with open(os.path.join(rst_dir, guide + '.rst'), 'w') as handle:
                handle.write(self.convert(guide))
        extra_docs = os.path.join(self.tree, 'docs', 'docsite', 'extra-docs.yml')
        data = {}
        if os.path.exists(extra_docs):
            with open(extra_docs) as handle:
                data = yaml.safe_load(handle) or {}
        data.setdefault('sections', []).append({'title': SECTION, 'toctree': list(self.guides)})
        with open(extra_docs, 'w') as handle:
            handle.write('---\n')
            yaml.safe_dump(data, handle, default_flow_style=False, sort_keys=False)
        return self.guides


def main(argv):
    if len(argv) != 2 or not os.path.isfile(os.path.join(argv[1], 'galaxy.yml')):
        sys.stderr.write('usage: %s COLLECTION_DIR (a directory with galaxy.yml and docs/*.md)\n' % argv[0])
        return 2
    guides = Converter(argv[1], pandoc=os.environ.get('PANDOC', 'pandoc')).run()
    print('guides added to the extra docs: %s' % ', '.join(guides))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
