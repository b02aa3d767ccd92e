// Chapter 07, the notes' "PS:还有一种ajax方式": the upload from JavaScript.
//
// FormData builds the same multipart/form-data body as the notes' form (several files under the
// one field name "fff"); XMLHttpRequest sends it. XMLHttpRequest, not fetch(): only XHR reports
// upload progress, through the progress events of xhr.upload.
(function () {
    "use strict";
    const input = document.getElementById("files");
    const progress = document.getElementById("progress");
    const percent = document.getElementById("percent");
    const status = document.getElementById("status");
    const stored = document.getElementById("stored");

    function showProgress(loaded, total) {
        const pct = total ? Math.floor(loaded * 100 / total) : 100;
        progress.value = pct;
        percent.textContent = pct + "%";
    }

    // One request; resolves with the server's JSON on 201, rejects with its message otherwise.
    function send(method, url, body) {
        return new Promise(function (resolve, reject) {
            const xhr = new XMLHttpRequest();
            xhr.open(method, url);
            xhr.upload.addEventListener("progress", function (event) {
                if (event.lengthComputable) showProgress(event.loaded, event.total);
            });
            xhr.addEventListener("load", function () {
                if (xhr.status === 201) resolve(JSON.parse(xhr.responseText));
                else reject(new Error(xhr.responseText.trim() || xhr.status + " " + xhr.statusText));
            });
            xhr.addEventListener("error", function () {
                reject(new Error("the connection failed"));
            });
            xhr.send(body);
        });
    }

    function show(records) {
        for (const record of records) {
            const item = document.createElement("li");
            // textContent, not innerHTML: the client's file name is shown as text, never parsed.
            item.textContent = record.name + " → " + record.file + " (" + record.type + ", " +
                record.size + " bytes)";
            stored.appendChild(item);
        }
    }

    async function upload(how) {
        const files = Array.from(input.files);
        status.className = "";
        if (!files.length) {
            status.textContent = "Choose a file first.";
            return;
        }
        showProgress(0, 1);
        status.textContent = "Uploading…";
        try {
            let records = [];
            if (how === "form") {
                const form = new FormData();
                for (const file of files) form.append(input.name, file);
                records = (await send("POST", "/api/upload", form)).stored;
            } else {
                for (const file of files) {  // the file itself is the body: no multipart
                    const url = "/api/stream?filename=" + encodeURIComponent(file.name);
                    records.push(await send("PUT", url, file));
                }
            }
            show(records);
            status.textContent = "Stored " + records.length + " file(s).";
        } catch (error) {
            status.textContent = error.message;
            status.className = "error";
        }
    }

    document.getElementById("send").addEventListener("click", function () { upload("form"); });
    document.getElementById("stream").addEventListener("click", function () { upload("stream"); });
})();
