// c1.js: listed by both modules of chapter 03 (custom and Entry). Tornado links a file once per
// page however many modules list it, so this runs once, and ran() exists before any script
// that calls it (linked files come first, embedded JavaScript after them).
window.ranScripts = window.ranScripts || {};

function ran(name) {
  ranScripts[name] = (ranScripts[name] || 0) + 1;
  var line = document.getElementById("ran");
  if (!line) {
    line = document.createElement("p");
    line.id = "ran";
    document.body.appendChild(line);
  }
  line.textContent = "Scripts that ran: " + Object.keys(ranScripts).map(function (key) {
    return key + " \u00d7" + ranScripts[key];
  }).join(", ");
}

ran("c1.js");
