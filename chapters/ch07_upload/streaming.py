"""Chapter 07, lesson section 6 (Big files: @stream_request_body): PUT /api/stream, a file
streamed to disk as it arrives, never whole in memory. The name and the declared size are judged
from the headers alone, the type from the first SNIFF_BYTES as they come in, and no .part file
outlives the request. Where it goes and what is accepted: storage.py (Incoming, check_name,
check_content).
"""
import tornado.web
from tornado.web import HTTPError

from chapters.ch07_upload.storage import SNIFF_BYTES, Incoming, check_content, check_name, mib
from workbook.web import BaseHandler


@tornado.web.stream_request_body
class StreamUploadHandler(BaseHandler):
    """PUT /api/stream?filename=big.pdf, the file itself as the body. prepare() runs once the
    headers are in, data_received() for each chunk (64 KiB at most), put() at the end."""
    SUPPORTED_METHODS = ("PUT",)
    incoming: Incoming | None = None
    refused: HTTPError | None = None  # the file is not what its name says: answered by put()

    def prepare(self):
        self.name = self.get_query_argument("filename")  # 400 when missing
        self.kind = check_name(self.name)  # 415 before a single byte of the body is read
        length = self.request.headers.get("Content-Length")
        if length is None:
            raise HTTPError(411, "send the file with a Content-Length header")
        limit = self.settings["stream_max_bytes"]
        if not length.isdigit():
            raise HTTPError(400, "Content-Length %r is not a number", length)
        if int(length) > limit:
            raise HTTPError(413, "the file is %s bytes; /api/stream takes at most %d bytes (%s)",
                            length, limit, mib(limit))
        # The server's max_body_size (100 MiB by default) would apply; past this one Tornado
        # itself stops reading and closes the connection.
        self.request.connection.set_max_body_size(limit)
        self.incoming = Incoming(self.settings["upload_dir"], self.name, self.kind)  # <id>.part

    def data_received(self, chunk: bytes):
        if self.refused:
            return  # the rest of the body is read and dropped; put() answers the error
        sniffed = len(self.incoming.head) == SNIFF_BYTES
        self.incoming.write(chunk)
        if not sniffed and len(self.incoming.head) == SNIFF_BYTES:
            self.sniff()  # judged by its first SNIFF_BYTES, as soon as they are in

    def sniff(self):
        try:
            check_content(self.name, self.kind, self.incoming.head)
        except HTTPError as e:
            self.refused = e
            self.incoming.discard()

    def put(self):
        if len(self.incoming.head) < SNIFF_BYTES and not self.refused:
            self.sniff()  # a file shorter than SNIFF_BYTES: judged by all of it
        if self.refused:
            raise self.refused
        if not self.incoming.size:
            raise HTTPError(400, "%r is empty", self.name)
        self.set_status(201)
        self.write(self.incoming.keep(self.request.headers.get("Content-Type", "")))

    def on_connection_close(self):  # the client went away mid-body: put() never runs
        super().on_connection_close()
        self.on_finish()

    def on_finish(self):  # after any response, an error too: no .part file stays behind
        if self.incoming is not None:
            self.incoming.discard()
