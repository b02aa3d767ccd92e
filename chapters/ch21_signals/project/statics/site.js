// The site's only script (the Content-Security-Policy lets no other run). Two things:
// the like button (a POST with the XSRF token in a header, as Tornado's check_xsrf_cookie
// accepts it) and the characters-left counter of the new post form.
"use strict";

function xsrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function like(button) {
  const post = document.getElementById("post");
  const error = document.getElementById("like-error");
  button.disabled = true;
  error.textContent = "";
  try {
    const response = await fetch(post.dataset.likeUrl, {
      method: "POST", headers: {"X-XSRFToken": xsrfToken()}, credentials: "same-origin",
    });
    // The like's answer and LoginRequired's 401 are JSON; other errors (Tornado's XSRF 403)
    // are the site's plain-text error pages: show their message either way.
    const json = (response.headers.get("Content-Type") || "").startsWith("application/json");
    const data = json ? await response.json() : {error: (await response.text()).trim()};
    if (!response.ok) throw new Error(data.error || response.statusText);
    document.getElementById("likes").textContent = data.likes;
    document.getElementById("likes-word").textContent = data.likes === 1 ? "like" : "likes";
  } catch (e) {
    error.textContent = `could not like: ${e.message}`;
  } finally {
    button.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("like");
  if (button) button.addEventListener("click", () => like(button));
  for (const field of document.querySelectorAll("[data-counter]")) {
    const counter = document.getElementById(field.dataset.counter);
    const update = () => { counter.textContent = field.maxLength - field.value.length; };
    field.addEventListener("input", update);
    update();
  }
});
