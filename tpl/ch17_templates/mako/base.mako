<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${self.title()} · Mako</title></head>
<body>
<% messages = handler.get_flashed_messages() %>
% if messages:
<div id="flashed">
  % for category, msg in messages:
  <span class="flash-${category}">${msg}</span>
  % endfor
</div>
% endif
${self.body()}
<p><a href="/">all engines</a></p>
</body>
</html>
