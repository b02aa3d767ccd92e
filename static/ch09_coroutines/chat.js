// The long-poll loop: ask for the messages after `cursor`; the server answers when there are
// some (or with [] when its wait times out); show them, move the cursor, ask again.
(function () {
    "use strict";
    const log = document.getElementById("log");
    const form = document.getElementById("send");
    const input = document.getElementById("text");
    const status = document.getElementById("status");
    let cursor = Number(log.dataset.cursor);

    function show(message) {
        const item = document.createElement("li");
        item.dataset.id = message.id;
        item.textContent = message.text;  // text, never markup
        log.appendChild(item);
    }

    const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

    async function poll() {
        for (;;) {
            try {
                const response = await fetch("/chat/wait?cursor=" + cursor, {cache: "no-store"});
                if (!response.ok) {
                    throw new Error(await response.text());
                }
                const data = await response.json();
                data.messages.forEach(show);
                cursor = data.cursor;
                status.textContent = "";
            } catch (error) {
                // The server restarted, or refused the cursor: wait, then start again from its
                // newest message.
                status.textContent = "reconnecting: " + error.message;
                await pause(1000);
                try {
                    cursor = (await (await fetch("/chat/stats", {cache: "no-store"})).json()).newest;
                } catch (ignored) { /* still down: try again */ }
            }
        }
    }

    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const response = await fetch("/chat/send", {
            method: "POST", body: new URLSearchParams({text: input.value}),
        });
        if (response.ok) {
            input.value = "";
            status.textContent = "";
        } else {
            status.textContent = await response.text();  // e.g. 400 ...: the message is empty
        }
    });

    poll();
})();
