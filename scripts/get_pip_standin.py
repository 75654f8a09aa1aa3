# Stand-in for get-pip.py, which ansible-test downloads from a host these machines cannot reach.
# ansible-test runs it inside a fresh virtual environment with pip's arguments; we bootstrap pip
# from the interpreter's own ensurepip (in a subprocess: in-process ensurepip wipes the PIP_*
# settings for everything after it), then let that pip install what was asked for.
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
