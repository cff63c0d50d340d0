#!/usr/bin/env python3
"""Runs a command as a child and stops it when this process's stdin reaches EOF.

The Swift tests start moto_server through this script with stdin connected to a pipe they hold
open. If the test process dies without running its teardown, the pipe closes and the server is
stopped anyway, so no moto_server outlives a crashed test run. SIGTERM stops the child too.
"""
import signal
import subprocess
import sys
import threading


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: process_watchdog.py COMMAND [ARG...]", file=sys.stderr)
        return 2
    child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)

    def stop(*_: object) -> None:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    def watch_stdin() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except Exception:
            pass
        stop()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    threading.Thread(target=watch_stdin, daemon=True).start()
    code = child.wait()
    return code


if __name__ == "__main__":
    sys.exit(main())
