"""Starts a process in a new session that would outlive the check."""
import subprocess
import sys

subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "TOKEN"], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
