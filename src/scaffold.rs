//! `pufa new` and `pufa init`: the text of new content files and of a new site. Nothing here
//! touches the disk; the commands write what these functions return.

use jiff::ZonedDateTime;

use crate::dates::{date_and_time, iso_date};

/// What `pufa new` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    Article,
    Event,
    Lesson,
    Page,
}

impl NewKind {
    /// The kind named on the command line, in English or Chinese.
    pub fn parse(word: &str) -> Option<NewKind> {
        match word.trim().to_lowercase().as_str() {
            "article" | "articles" | "文章" | "普法文章" | "动态" => Some(NewKind::Article),
            "event" | "events" | "活动" | "活动通知" | "通知" => Some(NewKind::Event),
            "lesson" | "lessons" | "课" | "课程" | "小课堂" => Some(NewKind::Lesson),
            "page" | "pages" | "页面" => Some(NewKind::Page),
            _ => None,
        }
    }

    /// The kind's English name (an archetype's file name).
    pub fn english(self) -> &'static str {
        match self {
            NewKind::Article => "article",
            NewKind::Event => "event",
            NewKind::Lesson => "lesson",
            NewKind::Page => "page",
        }
    }
}

/// What the command line accepts as a kind, for messages.
pub const KINDS_HELP: &str = "article（文章）、event（活动）、lesson（课程）、page（页面）";

/// A file name (without `.md`) for a title: the title itself, Chinese kept, without
/// punctuation; runs of spaces, hyphens and underscores become one hyphen; Latin letters
/// in lower case; at most 40 characters. Empty if the title has no letters or digits.
pub fn stem_from_title(title: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in title.trim().chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            gap = true;
        }
    }
    out.chars()
        .take(40)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// `s` as a double-quoted YAML string.
pub fn yaml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const DRAFT_LINE: &str = "draft: true  # 草稿：写好后删掉这一行才会发布";

/// A new article.
pub fn article(title: &str, now: &ZonedDateTime) -> String {
    format!(
        "---\ntitle: {}\ndate: {}\n# summary: 一两句话的摘要（不写就用正文第一段）\ntags: []\n{DRAFT_LINE}\n---\n\n在这里写正文。第一段会作为摘要显示在列表里。\n\n## 小标题\n\n引用法条时写《民法典》第一千零四十三条，网站会自动链接到条文。\n",
        yaml_string(title),
        date_and_time(now),
    )
}

/// A new event notice. `start` is as the user wrote it (already checked).
pub fn event(title: &str, now: &ZonedDateTime, start: &str, location: &str) -> String {
    format!(
        "---\ntitle: {}\ndate: {}\nstart: {}\n# end: 结束时间，例如 {} 11:30\nlocation: {}\n# organizer: 主办单位\n# audience: 面向的群众\n# contact: 联系人和电话\n# registration: 报名方式\n# status: 取消  （活动不办了写“取消”，改期未定写“延期”）\ntags: []\n{DRAFT_LINE}\n---\n\n在这里写活动的内容、流程和注意事项。\n",
        yaml_string(title),
        date_and_time(now),
        yaml_string(start),
        iso_date(now),
        yaml_string(location),
    )
}

/// A new lesson, number `order` of its series.
pub fn lesson(title: &str, now: &ZonedDateTime, order: u32) -> String {
    format!(
        "---\ntitle: {}\ndate: {}\norder: {order}\nduration: 10分钟\n# laws:\n#   - 《民法典》第一千零四十三条\nkey_points:\n  - 第一个要点\n  - 第二个要点\nquiz:\n  - question: 在这里写一道自测题？\n    options:\n      - 选项一\n      - 选项二\n    answer: 1  # 正确的是第几个选项\n    explanation: 为什么这样选。\ntags: []\n{DRAFT_LINE}\n---\n\n在这里写这一课的内容：先讲法律怎么规定，再讲一个身边的例子。\n",
        yaml_string(title),
        date_and_time(now),
    )
}

/// A new plain page (about, contact).
pub fn page(title: &str) -> String {
    format!(
        "---\ntitle: {}\n# summary: 一两句话的说明\n---\n\n在这里写页面内容。\n",
        yaml_string(title)
    )
}

/// The files of a new site (path relative to the site folder, text), without the statute
/// library. Sample content is dated around `now` so the new site has something upcoming.
pub fn site_files(title: &str, base_url: &str, now: &ZonedDateTime) -> Vec<(String, String)> {
    let event_day = now
        .checked_add(jiff::SignedDuration::from_hours(24 * 14))
        .unwrap_or_else(|_| now.clone());
    let day = iso_date(&event_day);
    let today = date_and_time(now);
    let t = yaml_string(title);
    vec![
        (
            "site.yaml".into(),
            format!(
                "# 站点设置。改完保存后，pufa serve 会自动刷新预览。\ntitle: {t}\ndescription: {}\n# 网站上线后的地址（可以带路径，例如 https://www.example.gov.cn/pufa/）\nbase_url: {}\nlanguage: zh-CN\ntimezone: Asia/Shanghai\n# 政府网站标识码（上线前向主管部门确认后填写）\n# site_id_code: \"0000000000\"\ncontent_source: {t}\npage_size: 10\n# 站内搜索：每页页头的搜索框和 /search/ 页面\nsearch: true\nmenu:\n  - name: 首页\n    url: /\n  - name: 普法动态\n    url: /articles/\n  - name: 活动通知\n    url: /events/\n  - name: 法治小课堂\n    url: /lessons/\n  - name: 法律法规\n    url: /laws/\n  - name: 关于我们\n    url: /about/\ncontact:\n  address: 在这里写办公地址\n  phone: 0000-0000000\n#  complaint:\n#    text: 投诉举报电话\n#    url: tel:00000000000\n#  survey:\n#    text: 群众满意度调查\n#    url: https://…\nfooter: 主办单位　备案号：待备案\n",
                yaml_string(&format!("{title}：普法动态、活动通知、法治小课堂和常用法律全文。")),
                yaml_string(base_url),
            ),
        ),
        (
            ".gitignore".into(),
            "/public/\n/public.*/\n/.pufa-cache/\n/dist-wechat/\n/dist-text/\n*.swp\n".into(),
        ),
        (
            "content/_index.md".into(),
            format!("---\ntitle: {t}\n---\n\n欢迎！这里有普法动态、活动通知、法治小课堂和常用法律条文。\n"),
        ),
        (
            "content/articles/_index.md".into(),
            "---\ntitle: 普法动态\n---\n\n法治建设和普法宣传的新鲜事，也有用大白话讲法律的小文章。\n".into(),
        ),
        (
            "content/articles/wangzhan-shangxian.md".into(),
            format!(
                "---\ntitle: 普法网站上线了\ndate: {today}\ntags: [网站公告]\n---\n\n这是一篇示例文章，可以修改或删除。用 `pufa new article 标题` 写新文章。\n\n## 能在这里看到什么\n\n- 普法动态：镇里的法治新闻和普法小文章；\n- 活动通知：普法讲座、法治小课堂的时间和地点，可以加入手机日历；\n- 法治小课堂：一课讲一个身边的法律问题，课后有自测题；\n- 法律法规：常用法律全文，每一条都能直接分享。\n\n引用法条时这样写：《民法典》第一千零四十三条规定，家庭应当树立优良家风。网站会自动把它链接到条文。\n"
            ),
        ),
        (
            "content/events/_index.md".into(),
            "---\ntitle: 活动通知\n---\n\n普法讲座、法律咨询和法治小课堂的时间、地点。\n".into(),
        ),
        (
            "content/events/pufa-jiangzuo.md".into(),
            format!(
                "---\ntitle: 民法典普法讲座（示例活动）\ndate: {today}\nstart: {day} 09:00\nend: {day} 11:00\nlocation: 镇文化广场\norganizer: {t}\naudience: 全体村（居）民\n---\n\n这是一条示例活动通知，可以修改或删除。用 `pufa new event 标题 --start \"{day} 09:00\" --location 地点` 发布新活动。\n\n活动页会自动生成“加入日历”文件和一张带二维码的 A4 海报。\n"
            ),
        ),
        (
            "content/lessons/_index.md".into(),
            "---\ntitle: 法治小课堂\n---\n\n每课讲一个身边的法律问题，学完可以做几道自测题。\n".into(),
        ),
        (
            "content/lessons/minfadian/_index.md".into(),
            "---\ntitle: 民法典进农家\ndescription: 用身边的事讲清楚民法典里的规矩。\norder: 1\n---\n\n这是一个示例系列。一个文件夹就是一个系列，用 `pufa new lesson 标题 --series minfadian` 添加新课。\n".into(),
        ),
        (
            "content/lessons/minfadian/01-jiafeng.md".into(),
            format!(
                "---\ntitle: 第一课：好家风是法律提倡的\ndate: {today}\norder: 1\nduration: 10分钟\nlaws:\n  - 《民法典》第一千零四十三条\nkey_points:\n  - 家庭应当树立优良家风，弘扬家庭美德\n  - 夫妻应当互相忠实，互相尊重，互相关爱\nquiz:\n  - question: 《民法典》提倡家庭成员之间怎样相处？\n    options:\n      - 各过各的，互不相干\n      - 敬老爱幼，互相帮助\n    answer: 2\n    explanation: 《民法典》第一千零四十三条规定，家庭成员应当敬老爱幼，互相帮助，维护平等、和睦、文明的婚姻家庭关系。\n---\n\n这是一节示例课，可以修改或删除。\n\n《民法典》第一千零四十三条把“好家风”写进了法律：家庭应当树立优良家风，弘扬家庭美德，重视家庭文明建设。\n"
            ),
        ),
        (
            "content/about.md".into(),
            format!(
                "---\ntitle: 关于我们\n---\n\n{title}由……主办，负责日常维护。这是示例页面，请改成你们自己的介绍。\n"
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_keep_chinese_and_drop_punctuation() {
        assert_eq!(stem_from_title("第一课：婚姻自由"), "第一课婚姻自由");
        assert_eq!(
            stem_from_title("  12·4 国家宪法日 Activities "),
            "124-国家宪法日-activities"
        );
        assert_eq!(stem_from_title("a -- b__c"), "a-b-c");
        assert_eq!(stem_from_title("？！……"), "");
        assert_eq!(stem_from_title(&"法".repeat(60)).chars().count(), 40);
    }

    #[test]
    fn yaml_strings_round_trip() {
        for s in [
            "普通标题",
            "引号\"和\\反斜杠",
            "冒号: 井号 # 不是注释",
            "- 开头是横线",
            "多行\n文本",
        ] {
            let yaml = format!("v: {}", yaml_string(s));
            let v: std::collections::BTreeMap<String, String> =
                serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(v["v"], s);
        }
    }

    #[test]
    fn kinds_in_english_and_chinese() {
        assert_eq!(NewKind::parse("article"), Some(NewKind::Article));
        assert_eq!(NewKind::parse("活动"), Some(NewKind::Event));
        assert_eq!(NewKind::parse("Lesson"), Some(NewKind::Lesson));
        assert_eq!(NewKind::parse("页面"), Some(NewKind::Page));
        assert_eq!(NewKind::parse("post"), None);
    }
}
