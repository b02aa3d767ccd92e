<%inherit file="/mako/base.mako"/>
<%def name="title()">${engine}</%def>
<h1>Rendered by ${engine}</h1>
<p class="text">You wrote: ${text}</p>
<ul>
% for item in items:
<li>${item}</li>
% endfor
</ul>
${modules.Notice("A UI module: its CSS and JavaScript are in this page.")}
<p class="translated">${_("Hello")} · <a href="${reverse_url('page', engine)}">this page</a></p>
