//! The reader of plain YAML (`catalogue::yaml`) against serde_yaml, on inputs an adversarial
//! review wrote: hand cases of every scalar form and placement, and generated documents
//! (nested blocks, token soups, literal blocks, scalars). Whenever the reader returns a value,
//! serde_yaml must read the same; a panic is a failure. `APICAT_YAML_ROUNDS=200000` and
//! `SEED=n` search further.

use apicat_core::catalogue::yaml::parse;
use serde_yaml::Value;

fn rounds() -> usize {
    std::env::var("APICAT_YAML_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
}

fn check(y: &str) -> Option<String> {
    match std::panic::catch_unwind(|| parse(y)) {
        Ok(fast) => differs(y, &fast?),
        Err(_) => Some(format!("PANIC in parse: {y:?}")),
    }
}

/// What serde_yaml reads of `y` when it is not what the reader read.
fn differs(y: &str, fast: &Value) -> Option<String> {
    match serde_yaml::from_str::<Value>(y) {
        Ok(v) if v == *fast => None,
        Ok(v) => Some(format!("DIFF {y:?}\n  parse: {fast:?}\n  serde: {v:?}")),
        Err(e) => Some(format!("ERR {y:?}\n  parse: {fast:?}\n  serde err: {e}")),
    }
}

/// Generated documents: how many the reader read, and the first disagreements.
#[derive(Default)]
struct Tally {
    read: usize,
    bad: Vec<String>,
}

impl Tally {
    fn add(&mut self, y: &str) {
        let bad = match std::panic::catch_unwind(|| parse(y)) {
            Ok(None) => None,
            Ok(Some(fast)) => {
                self.read += 1;
                differs(y, &fast)
            }
            Err(_) => Some(format!("PANIC in parse: {y:?}")),
        };
        if let Some(b) = bad.filter(|_| self.bad.len() < 20) {
            self.bad.push(b);
        }
    }

    fn assert_none_bad(&self, what: &str, rounds: usize) {
        eprintln!("{what}: {rounds}, read: {}", self.read);
        assert!(self.bad.is_empty(), "{}", self.bad.join("\n"));
    }
}

/// The generators' seed: `SEED=n` for another.
fn rng(default: u64) -> Rng {
    Rng(std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default))
}

const SCALARS: &[&str] = &[
    "0x1f",
    "0o17",
    "0b101",
    "+1",
    "-0",
    "-0.0",
    "0.0",
    "1_000",
    "1e5",
    "1E5",
    ".5",
    "5.",
    "-.5",
    ".inf",
    "-.inf",
    "+.inf",
    ".Inf",
    ".INF",
    "-.Inf",
    ".nan",
    ".NaN",
    ".NAN",
    "NaN",
    "nan",
    "inf",
    "Infinity",
    "-inf",
    "~",
    "Null",
    "NULL",
    "null",
    "nUll",
    "TRUE",
    "True",
    "true",
    "tRue",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "NO",
    "007",
    "-007",
    "0",
    "1",
    "-1",
    "00",
    "0.10",
    "1.0",
    "1.5e3",
    "1:30",
    "12:30:00",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "0X1F",
    "0B1",
    "0O7",
    "1__0",
    "_1",
    "~x",
    "+",
    "-x",
    ".",
    ". ",
    "..",
    "...",
    "---",
    "-- -",
    "+0",
    "+0.5",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "1.7976931348623157e308",
    "1797693134862315700000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000.0",
    "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999.5",
    "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
    "x #c",
    "x#c",
    "x: y",
    "x:",
    "x:y",
    "x :",
    "x :y",
    "a\u{a0}b",
    "\u{a0}",
    "a\u{2028}b",
    "a\u{2029}b",
    "a\u{85}b",
    "a\u{85}",
    "a\u{feff}b",
    "a\u{1}b",
    "a\u{7f}b",
    "a\u{9f}b",
    "a\u{fffe}b",
    "a\u{ffff}b",
    "a\u{0}b",
    "a\u{1b}",
    "x\u{2028}y: z",
    "x\u{a0}#c",
    "x \u{a0}#c",
    "'a'",
    "'a''b'",
    "'a' x",
    "'a'#c",
    "'a' #c",
    "''",
    "'''",
    "\"a\"",
    "\"a\\n\"",
    "\"a\" x",
    "\"a\"#c",
    "\"a\" #c",
    "\"\"",
    "\"a'b\"",
    "'a\"b'",
    "'a\u{85}b'",
    "\"a\u{2028}b\"",
    "'a\u{2029}b'",
    "=",
    "<<",
    "<",
    "%x",
    "@x",
    "`x",
    "|x",
    "|",
    "|-",
    "|+",
    "|2",
    "|-1",
    ">",
    "- x",
    "-",
    "? x",
    ": x",
    "!x",
    "&a",
    "*a",
    "[a]",
    "{a: 1}",
    ",x",
    "a,b",
    "a]",
    "a}",
    "a[",
    "-a",
    "--a",
    "-a-",
    "x y",
    "x  y",
    "x ",
    "é",
    "\u{3000}x",
    "x\u{3000}",
    "#x",
    "x #",
    "x  #  c",
];

#[test]
fn hand_cases() {
    let mut bad = Vec::new();
    let mut n = 0;
    let mut push = |y: String, bad: &mut Vec<String>| {
        n += 1;
        if let Some(b) = check(&y) {
            bad.push(b)
        }
    };
    for s in SCALARS {
        for t in [
            format!("a: {s}\n"),
            format!("a: {s}"),
            format!("a:\n- {s}\n"),
            format!("a:\n  - {s}\nb: 1\n"),
            format!("- {s}\n"),
            format!("{s}: 1\n"),
            format!("a {s}: 1\n"),
            format!("a: 1\n{s}\n"),
            format!("a: 1\n# {s}\nb: 2\n"),
            format!("a: |\n  {s}\n"),
            format!("a: |\n  x\n  {s}\nb: 1"),
            format!("a: 1 # {s}\nb: 2\n"),
            format!("a: 1\n{s}"),
            format!("{s}\na: 1\n"),
            format!("a:\n  b: {s}\n  c: 1\n"),
        ] {
            push(t, &mut bad);
        }
    }
    let extra: Vec<String> = vec![
        "a: 1\n---\n".into(),
        "a: 1\n...\n".into(),
        "a: 1\n---".into(),
        "a: |\n  x\n---\n".into(),
        "a: |\n  x\n...".into(),
        "a: |\n  x\n# c\nb: 1".into(),
        "a: |\n  x\n # c\nb: 1".into(),
        "a: |\n  x\n   # c\nb: 1".into(),
        "a: |\n # c\n  x\n".into(),
        "a: |\n# c\nb: 1".into(),
        "a: |\n  x\n\n # c\n".into(),
        "a: |\n  x\n\n".into(),
        "a: |-\n  x\n\n".into(),
        "a: |\n\n".into(),
        "a: |".into(),
        "a: |-".into(),
        "a: |\n".into(),
        "a: |\n ".into(),
        "a: |\n  x\n ".into(),
        "a: |\n  x\n  ".into(),
        "a: |\n  x\n   ".into(),
        "a: |\n \n  x\n".into(),
        "a: |\n  \n  x\n".into(),
        "a: |\n   \n  x\n".into(),
        "a: |\n\n\n  x\n\n\n".into(),
        "a: |\n  x\n\n  y".into(),
        "a: |\n  x\n \n  y".into(),
        "a: |\n  x\n   \n  y".into(),
        "a:\n- |\n x\n".into(),
        "a:\n- |\n  x\n- y".into(),
        "- a: |\n  x\n".into(),
        "a:\n- b: |\n   x\n  c: 1".into(),
        "a:\n- b: |\n  x\n".into(),
        "a:\n  - |\n   x\n".into(),
        "a:\n  -   |\n   x\n".into(),
        "a:\n- x\nb: 1\n".into(),
        "a:\n- b: 1\n   c: 2\n".into(),
        "a:\n- b: 1\n c: 2\n".into(),
        "a:\n-   b: 1\n    c: 2\n".into(),
        "a:\n- - x\n".into(),
        "a:\n-\n- x\n".into(),
        "a:\n-\n  b: 1\n".into(),
        "a:\n- \n  - x\n".into(),
        "a:\n- y:\n  - z\n".into(),
        "a:\n- y:\n- z\n".into(),
        "a:\n- # c\n  b: 1\n".into(),
        "a:\n  # c\n  b: 1\n".into(),
        "a: x\n  # c\nb: 1\n".into(),
        "a: x\n# c\n  y\n".into(),
        "".into(),
        "\n".into(),
        "#c\n".into(),
        "   \n".into(),
        "a: 1\n\n   \n".into(),
        "\n\na: 1".into(),
        " \na: 1".into(),
        "a: 1\n  \n".into(),
        "a  : 1\n".into(),
        "a :1\n".into(),
        "a:1\n".into(),
        "a:#c\n".into(),
        "a: #c\n".into(),
        "a: x\na : y\n".into(),
        "a: x\n'a': y\n".into(),
        "<<: x\n".into(),
        "? a\n: b\n".into(),
        format!("{}: 1\n", "k".repeat(1030)),
        format!("{}: 1\n", "k".repeat(1020)),
        format!("a: {}\n", "x".repeat(5000)),
        "a: 1\r\n".into(),
        "a: 1\nb: \u{feff}x\n".into(),
        "a:\tx\n".into(),
    ];
    for e in extra {
        push(e, &mut bad);
    }
    // deep nesting
    for d in [100, 126, 127, 128, 129, 130, 200, 1000] {
        let mut s = String::new();
        for i in 0..d {
            s += &" ".repeat(i);
            s += "k:\n";
        }
        s += &" ".repeat(d);
        s += "k: 1\n";
        push(s, &mut bad);
        let mut s = String::from("a:\n");
        for i in 0..d {
            s += &" ".repeat(i);
            s += "-\n";
        }
        s += &" ".repeat(d);
        s += "- 1\n";
        push(s, &mut bad);
    }
    eprintln!("hand cases: {n}");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

struct Rng(u64);
impl Rng {
    fn n(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

const KEYS: &[&str] = &[
    "a", "b", "c", "-a", "_", "a-b", "k1", "a ", "a  ", "0a", "Yes", "e", "NaN", "inf", "x_y",
];
const PIECES: &[&str] = &[
    " #", " ", "#", "'", "\"", "''", ":", ": ", "-", "- ", "|", "\u{85}", "\u{2028}", "\u{a0}",
    "\u{1}", "1", ".", "e", "0x", "~", "x", "é", "---", "...", "\\", "?", "&", "*",
];

fn scalar(r: &mut Rng) -> String {
    match r.n(3) {
        0 => SCALARS[r.n(SCALARS.len())].to_string(),
        _ => {
            let mut s = String::new();
            for _ in 0..1 + r.n(4) {
                s += PIECES[r.n(PIECES.len())];
            }
            s
        }
    }
}

fn block(r: &mut Rng, ind: usize, depth: usize, out: &mut String, seq: bool) {
    let items = 1 + r.n(3);
    for _ in 0..items {
        let jitter = match r.n(12) {
            0 => ind + 1,
            1 if ind > 0 => ind - 1,
            _ => ind,
        };
        out.push_str(&" ".repeat(jitter));
        let (head, child_ind) = if seq {
            let sp = [1usize, 1, 1, 2, 3][r.n(5)];
            if r.n(3) == 0 && depth < 4 {
                // - key: ...
                let k = KEYS[r.n(KEYS.len())];
                out.push('-');
                out.push_str(&" ".repeat(sp));
                out.push_str(k);
                out.push(':');
                (true, ind + 1 + sp)
            } else {
                out.push('-');
                if r.n(6) == 0 {
                    out.push_str(&" ".repeat(sp - 1));
                } else {
                    out.push_str(&" ".repeat(sp));
                }
                (false, ind)
            }
        } else {
            out.push_str(KEYS[r.n(KEYS.len())]);
            out.push(':');
            (true, ind)
        };
        let _ = head;
        match r.n(10) {
            0..=4 => {
                out.push(' ');
                out.push_str(&scalar(r));
                if r.n(5) == 0 {
                    out.push_str(" # c");
                }
                out.push('\n');
            }
            5 => {
                out.push_str([" |", " |-", " |+", " |2", " | "][r.n(5)]);
                out.push('\n');
                let ci = child_ind + 1 + r.n(3);
                if r.n(3) == 0 {
                    out.push_str(&" ".repeat(r.n(ci + 2)));
                    out.push('\n');
                }
                for _ in 0..1 + r.n(3) {
                    match r.n(6) {
                        0 => out.push_str(&" ".repeat(r.n(ci + 3))),
                        1 => {
                            out.push_str(&" ".repeat(r.n(ci + 1)));
                            out.push_str("# c")
                        }
                        _ => {
                            out.push_str(&" ".repeat(ci + if r.n(4) == 0 { 1 } else { 0 }));
                            out.push_str(&scalar(r));
                        }
                    }
                    out.push('\n');
                }
            }
            6 | 7 if depth < 5 => {
                if r.n(4) == 0 {
                    out.push_str(" # c");
                }
                out.push('\n');
                let s2 = r.n(2) == 0;
                let ci = if s2 && r.n(2) == 0 {
                    child_ind
                } else {
                    child_ind + 1 + r.n(3)
                };
                block(r, ci, depth + 1, out, s2);
            }
            8 => {
                out.push('\n');
            }
            _ => {
                out.push(' ');
                out.push_str(&scalar(r));
                out.push('\n');
            }
        }
        match r.n(15) {
            0 => out.push_str("# c\n"),
            1 => out.push('\n'),
            2 => {
                out.push_str(&" ".repeat(r.n(6)));
                out.push_str("# c\n")
            }
            3 => out.push_str("   \n"),
            _ => {}
        }
    }
}

#[test]
fn generated() {
    let rounds: usize = rounds();
    let mut r = rng(0x1234_5678_9abc_def1);
    let mut tally = Tally::default();
    for _ in 0..rounds {
        let mut s = String::new();
        block(&mut r, 0, 0, &mut s, false);
        match r.n(6) {
            0 => {
                s.pop();
            }
            1 => s.push_str("---\n"),
            2 => s.push_str("..."),
            _ => {}
        }
        tally.add(&s);
    }
    tally.assert_none_bad("generated", rounds);
}

#[test]
fn soup() {
    let rounds: usize = rounds();
    let mut r = rng(99);
    const TOK: &[&str] = &[
        "K:",
        "K: v",
        "K: 1",
        "K: -1",
        "K: 0.5",
        "K: ~",
        "K: ''",
        "K: \"q\"",
        "K: 'a''b' # c",
        "K: x # c",
        "K: #c",
        "- ",
        "-",
        "- v",
        "- K: v",
        "- K:",
        "-   K: v",
        "- K: |",
        "- |",
        "- |-",
        "K: |",
        "K: |-",
        "K: | ",
        "# c",
        "",
        " ",
        "x",
        "text here",
        "# c: d",
        "---",
        "...",
        "- - v",
        "-  # c",
        "K : v",
        "K:  |",
        "v: w",
        "x:y",
        "K: a:b",
        "- 'q'",
        "- \"q\"",
        "K: null",
        "K: true",
    ];
    let mut tally = Tally::default();
    for _ in 0..rounds {
        let mut s = String::new();
        let n = 1 + r.n(8);
        let mut k = 0;
        for i in 0..n {
            let ind = if i == 0 && r.n(4) != 0 { 0 } else { r.n(7) };
            s.push_str(&" ".repeat(ind));
            let t = TOK[r.n(TOK.len())];
            let key = if r.n(8) == 0 {
                "k0".to_string()
            } else {
                k += 1;
                format!("k{k}")
            };
            s.push_str(&t.replace('K', &key));
            s.push('\n');
        }
        match r.n(4) {
            0 => {
                s.pop();
            }
            1 => {
                s.pop();
                s.push(' ')
            }
            _ => {}
        }
        tally.add(&s);
    }
    tally.assert_none_bad("soup", rounds);
}

#[test]
fn literals() {
    let rounds: usize = rounds();
    let mut r = rng(5);
    const HEAD: &[&str] = &[
        "a: |",
        "a: |-",
        "a:\n- |",
        "a:\n  - |-",
        "a:\n- b: |",
        "a:\n  -  b: |-",
        "x:\n  a: |",
        "x:\n  y:\n  - |",
        "a: |  ",
        "a:\n-   |",
    ];
    const AFTER: &[&str] = &[
        "",
        "z: 1",
        "z: 1\n",
        "# c",
        "# c\n",
        "  # c\n",
        " # c\nz: 1",
        "---",
        "...\n",
        "- q",
        "  z: 1",
        " z",
        "  - q\n",
        "   q",
    ];
    let mut tally = Tally::default();
    for _ in 0..rounds {
        let mut s = HEAD[r.n(HEAD.len())].to_string();
        s.push('\n');
        let base = 1 + r.n(5);
        for _ in 0..r.n(6) {
            match r.n(6) {
                0 => s.push_str(&" ".repeat(r.n(base + 3))),
                1 => {
                    s.push_str(&" ".repeat(r.n(base + 2)));
                    s.push_str("# c");
                }
                2 => {
                    s.push_str(&" ".repeat(base + r.n(3)));
                    s.push_str("t x");
                }
                3 => {
                    s.push_str(&" ".repeat(base));
                    s.push_str(["t", "t ", "- t", "k: v", "---", "|", "'"][r.n(7)]);
                }
                _ => {
                    s.push_str(&" ".repeat(base));
                    s.push_str("line");
                }
            }
            s.push('\n');
        }
        s.push_str(AFTER[r.n(AFTER.len())]);
        if r.n(3) == 0 && s.ends_with('\n') {
            s.pop();
        }
        tally.add(&s);
    }
    tally.assert_none_bad("literals", rounds);
}

#[test]
fn scalars_fuzz() {
    let rounds: usize = rounds();
    let mut r = rng(11);
    let alpha: Vec<char> = if std::env::var("NUM").is_ok() {
        "000111223456789..--+e".chars().collect()
    } else {
        "0123456789+-._eExXoObB:~ #'\"nNaAiIfFtTrRuUlLsSyY,[]{}!&*|>?%@\\=\u{a0}é"
            .chars()
            .collect()
    };
    let mut tally = Tally::default();
    for _ in 0..rounds {
        let len = 1 + r.n(if std::env::var("NUM").is_ok() { 30 } else { 7 });
        let v: String = (0..len).map(|_| alpha[r.n(alpha.len())]).collect();
        let s = match r.n(4) {
            0 => format!("a: {v}\n"),
            1 => format!("a:\n- {v}\n"),
            2 => format!("{v}: 1\n"),
            _ => format!("a: {v}"),
        };
        tally.add(&s);
    }
    tally.assert_none_bad("scalars", rounds);
}

#[test]
fn deep_stack() {
    let d: usize = std::env::var("DEPTH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let stack: usize = std::env::var("STACK")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2 << 20);
    let mut s = String::new();
    for i in 0..d {
        s += &" ".repeat(i);
        s += "k:\n";
    }
    // Left to serde_yaml, which refuses it, rather than read on a small stack.
    let h = std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || parse(&s).is_some())
        .unwrap();
    assert!(!h.join().unwrap(), "depth {d}");
}
