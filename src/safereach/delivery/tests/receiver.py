"""A case system's webhook endpoint for tests: a real HTTP server on loopback, in a thread,
that checks every signature with the Standard Webhooks library and keeps what it accepted."""

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook


class Receiver:
    def __init__(self, secrets: list[str], port: int = 0, answer: int = 204, check_time: bool = False):
        self.secrets, self.answer, self.check_time = list(secrets), answer, check_time
        self.accepted: list[dict] = []  # {"id", "timestamp", "event"}
        self.refused: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                reason = receiver.check(body, headers)
                if reason:
                    receiver.refused.append(reason)
                    self.send_response(401)
                elif receiver.answer >= 300:
                    self.send_response(receiver.answer)
                else:
                    receiver.accepted.append(
                        {
                            "id": headers["webhook-id"],
                            "timestamp": int(headers["webhook-timestamp"]),
                            "signatures": headers["webhook-signature"].split(" "),
                            "event": json.loads(body),
                        }
                    )
                    self.send_response(receiver.answer)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/safereach/jobs"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def check(self, body: bytes, headers: dict) -> str:
        """Why the request is refused, or "" if one of its signatures is good."""
        given = headers.get("webhook-signature", "").split(" ")
        for secret in self.secrets:
            hook = Webhook(secret)
            if self.check_time:  # the library's whole check, against the real clock
                try:
                    hook.verify(body, headers)
                    return ""
                except Exception:  # noqa: BLE001, S112 - try the next secret
                    continue
            sent_at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=UTC)
            if hook.sign(headers["webhook-id"], sent_at, body.decode()) in given:
                return ""
        return "no good signature"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)

    @property
    def kinds(self) -> list[str]:
        return [a["event"]["type"] for a in self.accepted]
