"""`trustline run` as a child of the fault run: started, SIGKILLed at a seeded moment while
reconciles are in flight (counted from the IAM writes it logs), and restarted on the same log."""
import os
import re
import signal
import subprocess
import time

IAM_WRITE_LINE = 'msg="IAM '
METRICS_PORT = re.compile(r'endpoint=metrics\b.*?\bport=(\d+)')


class OperatorProcess:
    def __init__(self, binary, arguments, environment, log_path):
        self.binary, self.arguments, self.environment, self.log_path = binary, arguments, environment, log_path
        self.process = None
        self.starts = 0
        self.log_offset = 0

    def start(self):
        """Starts (or restarts) the operator, appending to its log."""
        self.log_offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        log = open(self.log_path, "ab")
        log.write(f"--- fault run: operator start {self.starts + 1} ---\n".encode())
        log.flush()
        self.process = subprocess.Popen([self.binary] + self.arguments, env=self.environment, stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        self.starts += 1

    def running(self):
        return self.process is not None and self.process.poll() is None

    def log_since_start(self):
        with open(self.log_path, "rb") as log:
            log.seek(self.log_offset)
            return log.read().decode("utf-8", "replace")

    def iam_writes_logged(self):
        return self.log_since_start().count(IAM_WRITE_LINE)

    def kill_after_writes(self, threshold, idle_timeout):
        """Waits until this run of the operator has logged `threshold` IAM writes (or logged none for
        `idle_timeout` seconds), then SIGKILLs it. Returns what the kill interrupted."""
        seen, last_change, started = -1, time.monotonic(), time.monotonic()
        while True:
            if not self.running():
                raise RuntimeError(f"the operator exited by itself (status {self.process.returncode}) "
                                   f"before kill at {threshold} IAM writes; see {self.log_path}")
            count = self.iam_writes_logged()
            if count != seen:
                seen, last_change = count, time.monotonic()
            if count >= threshold or time.monotonic() - last_change > idle_timeout:
                break
            time.sleep(0.02)
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        tail = [line for line in self.log_since_start().splitlines() if line.strip()]
        return {"after_iam_writes": seen, "threshold": threshold, "in_flight": seen >= threshold,
                "seconds_after_start": round(time.monotonic() - started, 2),
                "last_log_line": tail[-1][:300] if tail else ""}

    def stop(self):
        if not self.running():
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def metrics_port(self):
        match = METRICS_PORT.search(self.log_since_start())
        return int(match.group(1)) if match else None
