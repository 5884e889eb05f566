//! Search, the table that takes a query such as `第1043条` or `《民法典》第一千零四十三条`
//! straight to the 条: for each law (its folder name under `laws/`, as `民法典`), its full
//! title and, per page, the article numbers it holds, as runs of consecutive numbers and a
//! list of the `之一` articles. Read from the documents' addresses (`laws/民法典/婚姻家庭编/#art-1043`,
//! `#art-10-1` for 第十条之一), so the table says exactly what the pages hold. The browser
//! parses the query (Chinese or Arabic numerals) and finds the page.

use serde_json::{Value, json};

/// A page of a law: its address, its articles' numbers, its 之一 articles (`10-1`).
type Page = (String, Vec<u32>, Vec<String>);

/// The table, as JSON: `[[law, title, [[page, [[first, last], …], ["10-1", …]], …]], …]`,
/// 民法典 first (an ambiguous number lists its article first), then in the order given.
pub fn table<'a>(docs: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    // (law, title, pages), in the order first seen.
    let mut laws: Vec<(String, String, Vec<Page>)> = Vec::new();
    for (url, title) in docs {
        let Some((page, anchor)) = url.split_once("#art-") else {
            continue;
        };
        let Some(law) = super::docs::law_of(page) else {
            continue;
        };
        if laws.last().is_none_or(|(l, _, _)| l != law) {
            laws.push((law.to_string(), title.to_string(), Vec::new()));
        }
        let Some((_, _, pages)) = laws.last_mut() else {
            continue;
        };
        if pages.last().is_none_or(|(p, _, _)| p != page) {
            pages.push((page.to_string(), Vec::new(), Vec::new()));
        }
        let Some((_, mains, subs)) = pages.last_mut() else {
            continue;
        };
        match anchor.split_once('-') {
            None => mains.extend(anchor.parse::<u32>().ok()),
            Some((m, s)) if m.parse::<u32>().is_ok() && s.parse::<u32>().is_ok() => {
                subs.push(anchor.to_string())
            }
            Some(_) => {}
        }
    }
    laws.sort_by_key(|(law, _, _)| law != "民法典");
    let out: Vec<Value> = laws
        .into_iter()
        .map(|(law, title, pages)| {
            let pages: Vec<Value> = pages
                .into_iter()
                .map(|(page, mains, subs)| json!([page, runs(mains), subs]))
                .collect();
            json!([law, title, pages])
        })
        .collect();
    Value::Array(out)
}

/// `numbers` as runs of consecutive numbers, `[[first, last], …]`.
fn runs(mut numbers: Vec<u32>) -> Vec<[u32; 2]> {
    numbers.sort_unstable();
    numbers.dedup();
    let mut out: Vec<[u32; 2]> = Vec::new();
    for n in numbers {
        match out.last_mut() {
            Some(r) if r[1] + 1 == n => r[1] = n,
            _ => out.push([n, n]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_runs_of_articles_and_the_sub_articles() {
        let docs = [
            ("laws/宪法/#序言", "中华人民共和国宪法"),
            ("laws/宪法/#art-1", "中华人民共和国宪法"),
            ("laws/宪法/#art-2", "中华人民共和国宪法"),
            ("laws/宪法/#art-4", "中华人民共和国宪法"),
            ("laws/民法典/总则/#art-1", "中华人民共和国民法典"),
            ("laws/民法典/总则/#art-2", "中华人民共和国民法典"),
            ("laws/民法典/物权编/#art-207", "中华人民共和国民法典"),
            ("laws/刑法/#art-120", "中华人民共和国刑法"),
            ("laws/刑法/#art-120-1", "中华人民共和国刑法"),
            ("articles/x/", "文章"),
        ];
        assert_eq!(
            table(docs.into_iter()),
            json!([
                [
                    "民法典",
                    "中华人民共和国民法典",
                    [
                        ["laws/民法典/总则/", [[1, 2]], []],
                        ["laws/民法典/物权编/", [[207, 207]], []]
                    ]
                ],
                [
                    "宪法",
                    "中华人民共和国宪法",
                    [["laws/宪法/", [[1, 2], [4, 4]], []]]
                ],
                [
                    "刑法",
                    "中华人民共和国刑法",
                    [["laws/刑法/", [[120, 120]], ["120-1"]]]
                ],
            ])
        );
    }
}
