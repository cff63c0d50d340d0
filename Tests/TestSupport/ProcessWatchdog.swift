/// Runs a command under a small Python parent that stops it when the parent's stdin reaches EOF.
/// Started through `ChildProcess(holdsStdinOpen: true)`, the command (moto_server, a Python program
/// that never reads stdin) then dies with the test process even when teardown never runs: the
/// kernel closes the pipe when the test process exits, however it exits. SIGTERM stops it too.
public enum ProcessWatchdog {
    /// The executable and arguments that run `executable arguments...` under the watchdog.
    public static func wrap(executable: String, arguments: [String], python: String) -> (executable: String, arguments: [String]) {
        (python, ["-c", script, executable] + arguments)
    }

    static let script = #"""
        import signal, subprocess, sys, threading

        child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)

        def stop(*_):
            if child.poll() is None:
                child.terminate()
                try:
                    child.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()

        def watch_stdin():
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except Exception:
                pass
            stop()

        signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
        threading.Thread(target=watch_stdin, daemon=True).start()
        sys.exit(child.wait())
        """#
}
