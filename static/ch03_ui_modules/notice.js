// notice.js: for the exercise's Notice module. setNoticeCount(n) is what the module's
// embedded_javascript calls; a close button hides its notice and counts down.
var noticeCount = 0;

function setNoticeCount(n) {
  noticeCount = n;
  document.getElementById("notice-count").textContent = n;
}

document.querySelectorAll(".notice .close").forEach(function (button) {
  button.addEventListener("click", function () {
    button.parentNode.hidden = true;
    setNoticeCount(noticeCount - 1);
  });
});
