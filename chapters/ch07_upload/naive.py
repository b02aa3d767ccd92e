"""The notes' upload, exactly as written: the form posts to /index and the handler saves each file
under the name the client sent, in the server's working directory. NEVER SERVE THIS.

It is here so that test_app.py can show the attacks working (a file written outside the
directory, a file overwritten, a crash) before the chapter's app shows them failing. The tests
run it inside a temporary working directory, so what it writes stays in the test's tmp_path.
"""
import tornado.web

# The notes' html, verbatim.
FORM = """
<form id="my_form" name="form" action="/index" method="POST"  enctype="multipart/form-data" >
    <input name="fff" id="my_file"  type="file" />
    <input type="submit" value="提交"  />
</form>
"""


class IndexHandler(tornado.web.RequestHandler):
    def get(self):
        self.write(FORM)

    def post(self):
        # The notes' python, verbatim (comments translated).
        # (file_metas = file_metas = ...: the notes' slip, a harmless chained assignment.)
        file_metas = file_metas = self.request.files["fff"]  # <input name="fff">; KeyError if none
        for meta in file_metas:
            file_name = meta['filename']  # the client's name: "../../x", "/etc/...", anything
            with open(file_name, 'wb') as f:  # relative to the working directory; overwrites
                f.write(meta['body'])


def make_app() -> tornado.web.Application:
    return tornado.web.Application([(r"/index", IndexHandler)])
