//! A site's own `templates/` folder overrides the theme's templates, and a template can
//! extend the version it replaces (`{% extends "default:article.html" %}`), in a site's
//! folder as in a theme that extends another; `pufa serve` previews under the base URL's
//! path, sends `/` there, and picks up an edit of a site template.

mod common;

use common::*;

const ARTICLE: &str = "---\ntitle: 文章\ndate: 2026-11-01\n---\n\n正文。\n";

#[test]
fn a_site_template_overrides_the_theme_and_can_extend_its_version() {
    let site = small_site(&[
        ("content/articles/a.md", ARTICLE),
        // The site's article page: the theme's, with a line added to its byline.
        (
            "templates/article.html",
            "{% extends \"default:article.html\" %}{% block byline %}<p class=\"site-note\">本站自定义</p>{{ super() }}{% endblock %}",
        ),
    ]);
    let o = run(site.path(), &["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = read_html(&site.path().join("public/articles/a/index.html"));
    assert_eq!(text_of(&doc, "p.site-note"), "本站自定义");
    // The rest of the theme's page is there: its byline, its title, its header.
    assert!(text_of(&doc, ".pf-byline").contains("2026年11月1日"));
    assert_eq!(text_of(&doc, "h1"), "文章");
    assert!(doc.select(&sel("header .pf-brand")).next().is_some());
}

#[test]
fn a_theme_extends_its_parents_version_of_the_same_template() {
    let site = small_site(&[
        ("content/articles/a.md", ARTICLE),
        ("themes/mine/theme.yaml", "extends: default\n"),
        (
            "themes/mine/templates/base.html",
            "{% extends \"default:base.html\" %}{% block extra_head %}<meta name=\"x-theme\" content=\"mine\">{{ super() }}{% endblock %}",
        ),
    ]);
    std::fs::write(
        site.path().join("site.yaml"),
        "title: 测试站点\nbase_url: https://example.org/hgz/\ntheme: mine\n",
    )
    .unwrap();
    let o = run(site.path(), &["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    for page in ["public/index.html", "public/articles/a/index.html"] {
        let doc = read_html(&site.path().join(page));
        let meta = doc
            .select(&sel("meta[name=x-theme]"))
            .next()
            .and_then(|m| m.value().attr("content"));
        assert_eq!(meta, Some("mine"), "{page}");
        // The parent's page is kept around it: its stylesheet.
        assert!(
            doc.select(&sel("link[rel=stylesheet]")).next().is_some(),
            "{page}"
        );
    }
    // A theme that is not in the chain cannot be named: a located template error.
    write(
        &site.path().join("templates/page.html"),
        "{% extends \"other:page.html\" %}",
    );
    write(
        &site.path().join("content/about.md"),
        "---\ntitle: 关于\n---\n\n关于。\n",
    );
    let o = run(site.path(), &["build", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("templates/page.html"), "{err}");
    assert!(err.contains("other:page.html"), "{err}");
}

#[test]
fn serve_previews_under_the_base_path_and_follows_site_templates() {
    let site = small_site(&[
        ("content/articles/a.md", ARTICLE),
        (
            "templates/article.html",
            "{% extends \"default:article.html\" %}{% block byline %}<p class=\"site-note\">第一版</p>{% endblock %}",
        ),
    ]);
    let s = serve(site.path(), &[]);
    let p = s.port;
    // The page is at its published path under /hgz/, with links under it.
    let (status, body) = get_text(p, "/hgz/articles/a/");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("第一版"), "{body}");
    assert!(body.contains("href=\"/hgz/articles/\""), "{body}");
    // `/` and `/hgz` lead to the base path; a path outside it is not the site's.
    for from in ["/", "/hgz"] {
        let (status, headers, _) = http(p, "GET", from);
        assert_eq!(status, 301, "{from}");
        assert!(headers.contains("location: /hgz/"), "{from}: {headers}");
    }
    assert_eq!(get_text(p, "/articles/a/").0, 404);
    assert_eq!(get_text(p, "/hgz/").0, 200);
    // An edit of the site's template is served.
    atomic_write(
        &site.path().join("templates/article.html"),
        "{% extends \"default:article.html\" %}{% block byline %}<p class=\"site-note\">第二版</p>{% endblock %}",
    );
    wait_until(10, "the edited site template served", || {
        get_text(p, "/hgz/articles/a/").1.contains("第二版")
    });
}

#[test]
fn a_sub_path_build_says_where_robots_txt_goes() {
    let site = small_site(&[("content/articles/a.md", ARTICLE)]);
    let o = run(site.path(), &["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("https://example.org/robots.txt") && err.contains("public/robots.txt"),
        "{err}"
    );
    let robots = std::fs::read_to_string(site.path().join("public/robots.txt")).unwrap();
    assert!(
        robots.contains("Sitemap: https://example.org/hgz/sitemap.xml"),
        "{robots}"
    );
    // At the host's root, nothing to say.
    let o = run(
        site.path(),
        &["build", "--now", NOW, "--base-url", "https://example.org/"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("robots.txt"), "{}", stderr(&o));
}
