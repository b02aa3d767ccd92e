// entry.js: listed by the Entry module. Three entries on a page, one <script> tag: were it run
// once per entry, each click would add three likes instead of one.
ran("entry.js");
document.querySelectorAll(".entry .like").forEach(function (button) {
  button.addEventListener("click", function () {
    var likes = button.querySelector(".likes");
    likes.textContent = Number(likes.textContent) + 1;
  });
});
