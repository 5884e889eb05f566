//! Live reload and the error overlay, as injected into pages served by `pufa serve` (never
//! into `build` output). The script listens on an EventSource; the server only sends
//! `reload` after the new build is in place, so a reload never lands on a half-built site.
//! A `css` event swaps the changed stylesheets without reloading the page.

use crate::diag::Diagnostic;
use crate::text::escape_html;

/// The `<script>` put before `</body>` of every served HTML page.
pub fn client_script(generation: u64) -> String {
    format!(
        r#"<script id="pufa-live-reload">(function () {{
  var generation = "{generation}";
  if (!window.EventSource) return;
  var es = new EventSource("/{prefix}events");
  es.addEventListener("hello", function (e) {{ if (e.data !== generation) location.reload(); }});
  es.addEventListener("reload", function () {{ location.reload(); }});
  es.addEventListener("css", function (e) {{
    var changed = JSON.parse(e.data);
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    var stamp = Date.now();
    for (var i = 0; i < links.length; i++) {{
      var url = new URL(links[i].href, location.href);
      var path = decodeURIComponent(url.pathname).replace(/^\//, "");
      if (changed.indexOf(path) >= 0 || changed.length === 0) {{
        url.searchParams.set("pufa", stamp);
        var copy = links[i].cloneNode();
        copy.href = url.toString();
        copy.onload = (function (old) {{ return function () {{ old.remove(); }}; }})(links[i]);
        links[i].after(copy);
      }}
    }}
    window.pufaCssReloads = (window.pufaCssReloads || 0) + 1;
  }});
}})();</script>"#,
        prefix = super::server::OWN_PREFIX
    )
}

/// A panel listing the errors of the last build, shown on top of every served page.
pub fn overlay_html(errors: &[Diagnostic]) -> String {
    let mut items = String::new();
    for d in errors.iter().filter(|d| d.is_error()).take(50) {
        items.push_str("<li style=\"margin:0 0 14px\">");
        items.push_str(&format!(
            "<div style=\"font-weight:700\">{}</div>",
            escape_html(&d.message)
        ));
        if let Some(loc) = d.location() {
            items.push_str(&format!(
                "<div style=\"font-family:monospace;color:#ffd7d7\">{}</div>",
                escape_html(&loc)
            ));
        }
        if let (Some(line), Some(src)) = (d.line, &d.source_line) {
            items.push_str(&format!(
                "<pre style=\"margin:4px 0;padding:6px 8px;background:#300;white-space:pre-wrap\">{line} | {}</pre>",
                escape_html(src)
            ));
        }
        if let Some(h) = &d.hint {
            items.push_str(&format!("<div>提示：{}</div>", escape_html(h)));
        }
        items.push_str("</li>");
    }
    let count = errors.iter().filter(|d| d.is_error()).count();
    format!(
        r#"<div id="pufa-error-overlay" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(60,0,0,.94);color:#fff;font:16px/1.6 system-ui,sans-serif;padding:24px">
<div style="max-width:60rem;margin:0 auto">
<h2 style="color:#fff;margin:0 0 8px;font-size:22px">网站有 {count} 个错误，改好后这个提示会自动消失</h2>
<p style="margin:0 0 16px">下面显示的是上一次成功生成的页面；保存修改后，页面会自动刷新。<button type="button" onclick="this.closest('#pufa-error-overlay').remove()" style="margin-left:12px;font-size:16px">暂时关闭</button></p>
<ol style="padding-left:20px">{items}</ol>
</div></div>"#
    )
}
