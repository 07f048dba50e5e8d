#!/usr/bin/env python3
"""Runs a peerlink-relay for the browser tests and lets them restart it.

Usage: relay-control.py RELAY_BINARY RELAY_PORT CONTROL_PORT

The relay listens on 127.0.0.1:RELAY_PORT. GET http://127.0.0.1:CONTROL_PORT/restart
stops it with SIGTERM (clients get close frames), starts it again on the same
port and answers once it accepts connections, so a browser test can check
that clients reconnect after a relay restart. Only loopback is used.
"""
import http.server
import signal
import socket
import subprocess
import sys
import time

binary, relay_port, control_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
relay = None


def start():
    global relay
    # A TURN secret, so the browser tests can fetch credentials from /turn.
    relay = subprocess.Popen([binary, "--listen", f"127.0.0.1:{relay_port}",
                              "--turn-secret", "test-secret", "--turn-urls", "turn:127.0.0.1:3478"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", relay_port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("relay did not start")


def stop():
    if relay and relay.poll() is None:
        relay.terminate()
        try:
            relay.wait(timeout=10)
        except subprocess.TimeoutExpired:
            relay.kill()


class Control(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/restart":
            stop()
            time.sleep(0.3)
            start()
            body, status = b"restarted\n", 200
        else:
            body, status = b"unknown\n", 404
        self.send_response(status)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def shutdown(*_):
    stop()
    sys.exit(0)


signal.signal(signal.SIGTERM, shutdown)
signal.signal(signal.SIGINT, shutdown)
start()
server = http.server.ThreadingHTTPServer(("127.0.0.1", control_port), Control)
try:
    server.serve_forever()
finally:
    stop()
