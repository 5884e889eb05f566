//! Export, the preview `pufa serve` shows of a page's 公众号 export: the fragment as the
//! editor will show it, each image inline as a `data:` URI (so a paste does not depend on
//! the local server), and a button that puts the fragment on the clipboard as HTML. Made on
//! request from the served build; never part of the site's output.

use base64::Engine as _;

use super::Export;

/// The fragment of `export` with every `images/…` file inline as a `data:` URI.
pub fn inline_images(export: &Export) -> String {
    let html = export
        .files
        .iter()
        .find(|(p, _)| p == "article.html")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let mut out = html;
    for (path, bytes) in &export.files {
        if !path.starts_with("images/") {
            continue;
        }
        let mime = if path.ends_with(".png") {
            "image/png"
        } else {
            "image/jpeg"
        };
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        out = out.replace(
            &format!("src=\"{path}\""),
            &format!("src=\"data:{mime};base64,{data}\""),
        );
    }
    out
}

/// The copy button's script: the fragment as `text/html` (and its text as `text/plain`)
/// through the asynchronous clipboard, or, where that is not offered (an address other than
/// 127.0.0.1), by selecting the fragment and copying the selection.
const SCRIPT: &str = r#"(function () {
  var button = document.getElementById("pf-wx-copy");
  var status = document.getElementById("pf-wx-status");
  var body = document.getElementById("pf-wx-body");
  function done(ok) {
    status.textContent = ok ? "已复制。到公众号后台新建图文，在正文里粘贴（Ctrl+V）。" : "没能复制：请在下面的正文里全选（Ctrl+A）后复制（Ctrl+C）。";
    button.setAttribute("data-copied", ok ? "yes" : "no");
  }
  function bySelection() {
    var range = document.createRange();
    range.selectNodeContents(body);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    sel.removeAllRanges();
    done(ok);
  }
  button.addEventListener("click", function () {
    var html = body.innerHTML;
    if (navigator.clipboard && window.ClipboardItem) {
      var item = new ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([body.innerText], { type: "text/plain" })
      });
      navigator.clipboard.write([item]).then(function () { done(true); }, bySelection);
    } else {
      bySelection();
    }
  });
})();"#;

/// The preview page of `export` (page title `title`, its address `back`).
pub fn page(export: &Export, title: &str, back: &str) -> String {
    let esc = super::fragment::escape_text;
    let attr = super::fragment::pulldown_cmark_escape_attr;
    let warnings: String = export
        .diagnostics
        .iter()
        .map(|d| format!("<li>{}</li>", esc(&d.message)))
        .collect();
    let warnings = if warnings.is_empty() {
        String::new()
    } else {
        format!("<ul class=\"warn\">{warnings}</ul>")
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>复制到公众号：{title}</title>
<style>
body {{ margin: 0; background: #eee; font-family: system-ui, sans-serif; }}
header {{ position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ccc; padding: 12px 16px; }}
header h1 {{ font-size: 18px; margin: 0 0 8px; }}
header p {{ margin: 4px 0; font-size: 14px; color: #444; }}
button {{ font-size: 18px; padding: 8px 20px; background: #07c160; color: #fff; border: 0; border-radius: 6px; cursor: pointer; }}
.warn {{ color: #9f1d20; font-size: 14px; margin: 6px 0; padding-left: 20px; }}
#pf-wx-body {{ max-width: 390px; margin: 16px auto; background: #fff; padding: 20px 16px; }}
</style>
</head>
<body>
<header>
<h1>复制到公众号：{title}</h1>
<p><button type="button" id="pf-wx-copy">复制正文</button> <span id="pf-wx-status" role="status"></span></p>
<p>图片已经放在复制的内容里。文件版本：<code>pufa export wechat</code>。<a href="{back}">返回页面</a></p>
{warnings}</header>
<main id="pf-wx-body">{fragment}</main>
<script>{SCRIPT}</script>
</body>
</html>
"#,
        title = esc(title),
        back = attr(back),
        fragment = inline_images(export),
    )
}
