//! Tests of the command line's definitions (`Cli` in main.rs): the usage lines of every command,
//! rendered from clap, hold the README's command table and the `//!` usage block of each
//! `cmd/*.rs` to them; and the help text says everything in Chinese first.
//!
//! A usage line names the command, then its positional arguments, then its options in the order
//! they are declared: `tuopin import households FILE... [--period YYYY-MM] [--county CODE]
//! [--dry-run]`. An option with fixed values lists them (`--format table|csv|json|md`); the global
//! options (`--db`, `--show-names`) are left out, the README says them once.

use clap::{Arg, ArgAction, Command, CommandFactory};

/// Every runnable command line of `tuopin`, in the order clap declares them, and the top-level
/// subcommand each belongs to.
fn usage_lines() -> Vec<(String, String)> {
    let root = crate::Cli::command();
    let mut lines = Vec::new();
    for sub in root.get_subcommands() {
        let top = sub.get_name().to_string();
        for line in lines_of(sub, &format!("tuopin {top}")) {
            lines.push((top.clone(), line));
        }
    }
    lines
}

/// The lines of `cmd` (called as `prefix`): its own line unless a subcommand is required, then
/// each subcommand's.
fn lines_of(cmd: &Command, prefix: &str) -> Vec<String> {
    let subs: Vec<&Command> = cmd
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .collect();
    let mut lines = Vec::new();
    if subs.is_empty() || !cmd.is_subcommand_required_set() {
        let mut line = prefix.to_string();
        let args: Vec<&Arg> = cmd
            .get_arguments()
            .filter(|a| !a.is_hide_set() && !a.is_global_set())
            .collect();
        for a in args.iter().filter(|a| a.is_positional()) {
            line.push(' ');
            line.push_str(&positional(a));
        }
        for a in args.iter().filter(|a| !a.is_positional()) {
            line.push(' ');
            line.push_str(&option(a));
        }
        lines.push(line);
    }
    for sub in subs {
        lines.extend(lines_of(sub, &format!("{prefix} {}", sub.get_name())));
    }
    lines
}

/// The value an argument takes: its fixed values joined by `|`, else its value name.
fn value(a: &Arg) -> String {
    let fixed: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !fixed.is_empty() {
        return fixed.join("|");
    }
    match a.get_value_names() {
        Some(names) => names
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        None => a.get_id().as_str().to_uppercase(),
    }
}

fn takes_many(a: &Arg) -> bool {
    matches!(a.get_action(), ArgAction::Append)
        || a.get_num_args().is_some_and(|n| n.max_values() > 1)
}

fn positional(a: &Arg) -> String {
    let mut text = value(a);
    if takes_many(a) {
        text.push_str("...");
    }
    if a.is_required_set() {
        text
    } else {
        format!("[{text}]")
    }
}

fn option(a: &Arg) -> String {
    let long = a
        .get_long()
        .map(|l| format!("--{l}"))
        .unwrap_or_else(|| a.get_short().map(|s| format!("-{s}")).unwrap_or_default());
    let text = if a.get_action().takes_values() {
        format!("{long} {}", value(a))
    } else {
        long
    };
    if a.is_required_set() {
        text
    } else {
        format!("[{text}]")
    }
}

/// The command lines of the README's table under `## 命令 / Commands`: the first cell of each row,
/// without its backquotes, `\|` read as `|`.
fn readme_lines(readme: &str) -> Vec<String> {
    let Some(start) = readme.find("\n## 命令 / Commands") else {
        return Vec::new();
    };
    readme[start + 1..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|row| {
            let cell = row.strip_prefix("| `")?;
            let end = cell.find("` |")?;
            Some(cell[..end].replace("\\|", "|"))
        })
        .collect()
}

/// The lines of the ```` ```text ```` block in the `//!` header of a source file.
fn doc_block_lines(source: &str) -> Vec<String> {
    source
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").trim_start())
        .skip_while(|l| *l != "```text")
        .skip(1)
        .take_while(|l| *l != "```")
        .map(str::to_string)
        .collect()
}

/// A readable difference between the expected lines and the lines found.
fn diff(expected: &[String], found: &[String]) -> String {
    let mut out = String::new();
    for line in expected.iter().filter(|l| !found.contains(l)) {
        out.push_str(&format!("  - missing: {line}\n"));
    }
    for line in found.iter().filter(|l| !expected.contains(l)) {
        out.push_str(&format!("  + not a command line of clap: {line}\n"));
    }
    if out.is_empty() {
        out.push_str("  (same lines, different order)\n");
    }
    out.push_str("expected, in this order:\n");
    for line in expected {
        out.push_str(&format!("{line}\n"));
    }
    out
}

fn read(relative: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn usage_lines_are_rendered_from_clap() {
    let lines: Vec<String> = usage_lines().into_iter().map(|(_, l)| l).collect();
    for expected in [
        "tuopin template households|indicators|regions [--english] [--bom] [--wide] [--xlsx] [--output FILE]",
        "tuopin import households FILE... [--period YYYY-MM] [--county CODE] [--sheet NAME|N] [--dry-run] [--add-villages]",
        "tuopin import undo BATCH_ID",
        "tuopin criteria [--json]",
        "tuopin criteria set NO --threshold VALUE [--reason TEXT]",
        "tuopin check villages [--county CODE] [--period YYYY-MM] [--format table|csv|json|md|xlsx] [--output FILE] [--no-bom] [--only-poor]",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected}\nnot among:\n{}",
            lines.join("\n")
        );
    }
    // A command whose subcommand is required has no line of its own; `demo` runs without one.
    assert!(!lines.iter().any(|l| l == "tuopin import"));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("tuopin demo [--out DIR]")));
    assert!(!lines
        .iter()
        .any(|l| l.contains("--db") || l.contains("--help")));
}

#[test]
fn readme_command_table_is_the_clap_usage() {
    let expected: Vec<String> = usage_lines().into_iter().map(|(_, l)| l).collect();
    let found = readme_lines(&read("README.md"));
    assert!(
        found == expected,
        "README.md, table under \"## 命令 / Commands\", first column differs from clap:\n{}",
        diff(&expected, &found)
    );
}

#[test]
fn each_command_file_states_its_usage_as_clap_has_it() {
    let lines = usage_lines();
    let mut tops: Vec<&str> = lines.iter().map(|(top, _)| top.as_str()).collect();
    tops.dedup();
    let mut failures = String::new();
    for top in tops {
        let expected: Vec<String> = lines
            .iter()
            .filter(|(t, _)| t == top)
            .map(|(_, l)| l.clone())
            .collect();
        let file = format!("src/cmd/{top}.rs");
        let found = doc_block_lines(&read(&file));
        if found != expected {
            failures.push_str(&format!(
                "{file}: the ```text block of the //! header differs from clap:\n{}\n",
                diff(&expected, &found)
            ));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

/// Whether `text` says it in Chinese first: a Chinese character before the English in brackets
/// (`导入建档立卡台账 (household register)`; a code such as CSV may come first).
fn chinese_first(text: &str) -> bool {
    let han = |c: char| matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}');
    let chinese_part = text.split(" (").next().unwrap_or("");
    chinese_part.chars().any(han)
}

#[test]
fn help_is_chinese_first() {
    fn walk(cmd: &Command, path: &str, bad: &mut Vec<String>) {
        let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
        if !chinese_first(&about) {
            bad.push(format!("{path}: {about:?}"));
        }
        for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            if !chinese_first(&help) {
                bad.push(format!("{path} {}: {help:?}", a.get_id()));
            }
            for v in a.get_possible_values() {
                if let Some(h) = v.get_help() {
                    if !chinese_first(&h.to_string()) {
                        bad.push(format!("{path} {}={}: {h:?}", a.get_id(), v.get_name()));
                    }
                }
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), bad);
        }
    }
    let mut bad = Vec::new();
    walk(&crate::Cli::command(), "tuopin", &mut bad);
    assert!(
        bad.is_empty(),
        "help text not Chinese first:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_readers_of_readme_and_doc_blocks_find_lines() {
    assert!(chinese_first("导入建档立卡台账 (household register)"));
    assert!(chinese_first("CSV 文件 (CSV files)"));
    assert!(!chinese_first("Only registered poor villages (贫困村)"));
    assert!(!chinese_first("Print JSON instead of the table"));
    let readme = "x\n## 命令 / Commands\n\n| command | what |\n|---|---|\n| `tuopin a b\\|c` | d |\n| `tuopin e` | f |\n\nafter\n";
    assert_eq!(readme_lines(readme), ["tuopin a b|c", "tuopin e"]);
    let source =
        "//! `tuopin x`: y.\n//!\n//! ```text\n//! tuopin x [--y]\n//! ```\n//! more\n\nuse a;\n";
    assert_eq!(doc_block_lines(source), ["tuopin x [--y]"]);
    assert_eq!(
        doc_block_lines("//! none\nfn f() {}\n"),
        Vec::<String>::new()
    );
}
