"""Chapter 09, lesson section 1: the other request, which the notes describe and leave out.

The notes' handler waits until someone puts data into its Future; these two handlers reach the
Futures the waiting handlers put in the application's set (Application.pending):

  POST /future/resolve  (data=...)  puts data into every waiting Future: {"resolved": n}
  GET  /future/pending              how many Futures are waiting: {"pending": n}
"""
from workbook.web import BaseHandler


class ResolveHandler(BaseHandler):
    """用户向future对象中放置数据: another request puts data into every waiting Future."""

    def post(self):
        data = self.get_body_argument("data", "data")
        pending, self.application.pending = self.application.pending, set()
        resolved = [future.set_result(data) for future in pending if not future.done()]
        self.write({"resolved": len(resolved)})


class PendingHandler(BaseHandler):
    def get(self):
        self.write({"pending": len(self.application.pending)})
