//! Every option docs/cli.md shows in a `probe-build ...` or `dtrace ...`
//! command exists: it appears in the `--help` of that subcommand (or of the
//! `dtrace` drop-in). A renamed or removed option fails here until the
//! documentation follows.

mod common;

use std::collections::BTreeSet;

use common::probe_build;

const SUBCOMMANDS: [&str; 7] = [
    "dtrace", "header", "object", "tapset", "bpftrace", "list", "trace",
];

/// The commands docs/cli.md shows: code spans and code-block lines that
/// run `probe-build SUB` or `dtrace`.
fn documented_commands() -> Vec<(String, String)> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/cli.md")).unwrap();
    let mut pieces: Vec<String> = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            pieces.push(line.to_string());
        } else {
            pieces.extend(line.split('`').skip(1).step_by(2).map(str::to_string));
        }
    }
    let mut commands = Vec::new();
    for piece in pieces {
        let words: Vec<&str> = piece.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            let sub = match *word {
                "probe-build" | "target/release/probe-build" => match words.get(i + 1) {
                    Some(sub) if SUBCOMMANDS.contains(sub) => sub.to_string(),
                    _ => continue,
                },
                "dtrace" | "$(DTRACE)" if i == 0 => "dtrace".to_string(),
                _ => continue,
            };
            commands.push((sub, words[i..].join(" ")));
            break;
        }
    }
    commands
}

fn help(sub: &str) -> String {
    let out = probe_build().args([sub, "--help"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn every_documented_option_is_in_the_help() {
    let commands = documented_commands();
    assert!(
        commands.len() > 10,
        "found only {commands:?} in docs/cli.md"
    );
    let mut missing = BTreeSet::new();
    let mut checked = 0;
    for (sub, command) in &commands {
        let help = help(sub);
        for word in command.split(|c: char| c.is_whitespace() || c == '|') {
            // `--name`, `--name=VALUE`, `[--name`, `-C`: the option itself.
            let word = word
                .trim_start_matches(['[', '('])
                .trim_end_matches([']', ')', ',', '.']);
            let option = word.split(['=', '[']).next().unwrap_or("");
            let is_option = option.len() > 1
                && option.starts_with('-')
                && option[1..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
                && option != "--";
            if !is_option {
                continue;
            }
            checked += 1;
            let present = help
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .any(|w| w == option);
            if !present {
                missing.insert(format!("probe-build {sub}: {option} (in `{command}`)"));
            }
        }
    }
    assert!(checked > 20, "only {checked} options found in docs/cli.md");
    assert!(
        missing.is_empty(),
        "options in docs/cli.md that --help does not know:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}
