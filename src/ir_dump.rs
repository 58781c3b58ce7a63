//! A readable listing of translated code ([`Code`]): what `wasmscope inspect --ir` prints.
//!
//! One line per internal instruction: its pc, the byte offset of the wasm instruction it
//! came from, and the instruction. The text is made from `Instr`'s `Debug` form, so a new
//! variant needs nothing here: `FLLBin { op: I32Add, a: 0, b: 1 }` becomes
//! `FLLBin i32.add a=0 b=1`. The only rules that know about particular fields are about
//! branch targets: a field named like a pc (`pc`, `else_pc`, `end_pc`, `target`, `to`) is
//! shown as `-> 12` (or `-> return` for [`RETURN_PC`]), and a [`DropKeep`](crate::ir::DropKeep)
//! as `drop 1 keep 1`. On top of that:
//!
//! * a fused instruction ([`Instr::fused_len`]) ends in `[fuses 3: pc 5..8]`, naming the pcs
//!   of the originals it stands for, which are indented under it;
//! * the entries that follow a `BrTable` are data and are shown indented as `case 0 -> 7`
//!   and `default -> return`;
//! * `Call` gets the callee's name when one is known, float constants their value.

use crate::ir::{Code, Instr, RETURN_PC};
use std::fmt::Write;

/// Fields whose value is an instruction index.
const PC_FIELDS: &[&str] = &["pc", "else_pc", "end_pc", "target", "to"];

/// The header line of a function's listing: `func 3 $fac: params 1, results 1, ...`. `label`
/// says how the function is known (`$fac (export "fac")`); it may be empty.
pub fn header(index: u32, label: &str, code: &Code) -> String {
    let label = if label.is_empty() { String::new() } else { format!(" {label}") };
    format!(
        "func {index}{label}: params {}, results {}, locals {}, max_height {}, {} instrs",
        code.num_params,
        code.num_results,
        code.num_locals,
        code.max_height,
        code.instrs.len()
    )
}

/// The listing of `code`, one line per instruction (each ending in a newline).
/// `func_name(index)` names the callee of a `call` (`$fac`), if it can.
pub fn dump_code(code: &Code, func_name: &dyn Fn(u32) -> Option<String>) -> String {
    let instrs = &code.instrs;
    let len = instrs.len();
    // plain[j]: how many of instrs[..j] are not fused (originals and everything else).
    let mut plain = Vec::with_capacity(len + 1);
    plain.push(0usize);
    for i in instrs {
        plain.push(plain[plain.len() - 1] + usize::from(i.fused_len().is_none()));
    }

    struct Line {
        pc: usize,
        indent: bool,
        text: String,
        marker: String,
    }
    let mut lines = Vec::with_capacity(len);
    // The nearest fused instruction above: its fused length and how many plain instructions
    // have followed it. A plain instruction is one of its originals while the count fits.
    let mut fused: Option<(usize, usize)> = None;
    // br_table entries still to come, and the index of the next one.
    let mut entries = (0usize, 0usize);
    for (pc, instr) in instrs.iter().enumerate() {
        let (name, args) = render(instr);
        let mut text = if entries.0 > 0 && name == "BrTableTarget" {
            let case = if entries.0 == 1 { "default".to_string() } else { format!("case {}", entries.1) };
            join(&case, &args)
        } else {
            join(&name, &args)
        };
        let data = entries.0 > 0;
        if data {
            entries = (entries.0 - 1, entries.1 + 1);
        }
        if let Instr::BrTable { len: n } = *instr {
            entries = ((n as usize).saturating_add(1), 0);
        }
        let note = annotation(instr, func_name);
        if !note.is_empty() {
            text.push_str("  ; ");
            text.push_str(&note);
        }
        let (indent, marker) = match instr.fused_len() {
            Some(n) => {
                fused = Some((n as usize, 0));
                (false, format!("[fuses {n}: {}]", originals(&plain, pc, n as usize)))
            }
            None => {
                let original = match &mut fused {
                    Some((n, seen)) if *seen < *n => {
                        *seen += 1;
                        true
                    }
                    _ => false,
                };
                (original || data, String::new())
            }
        };
        lines.push(Line { pc, indent, text, marker });
    }

    let pc_width = len.saturating_sub(1).to_string().len();
    // Markers line up (unless an instruction is very long).
    let text_width =
        lines.iter().filter(|l| !l.marker.is_empty()).map(|l| l.text.chars().count()).max().unwrap_or(0).min(40);
    let mut out = String::new();
    for l in &lines {
        let offset = code.offsets.get(l.pc).map_or_else(|| "?".to_string(), |o| format!("{o:#06x}"));
        let indent = if l.indent { "  " } else { "" };
        let _ = write!(out, "{:>pc_width$}  {offset:<6}  {indent}{}", l.pc, l.text);
        if !l.marker.is_empty() {
            let pad = text_width.saturating_sub(l.text.chars().count());
            let _ = write!(out, "{:pad$}  {}", "", l.marker);
        }
        out.push('\n');
    }
    out
}

fn join(name: &str, args: &[String]) -> String {
    let mut s = name.to_string();
    for a in args.iter().filter(|a| !a.is_empty()) {
        s.push(' ');
        s.push_str(a);
    }
    s
}

/// The pcs of the `n` originals of the fused instruction at `pc`: the next `n` instructions
/// that are not fused themselves (a skip's markers are interleaved with shorter skips).
/// Shown as ranges, `pc 5..8` or `pc 6, 8, 9`; a long list is cut in the middle.
fn originals(plain: &[usize], pc: usize, n: usize) -> String {
    let len = plain.len() - 1;
    let fused_at = |j: usize| plain[j + 1] == plain[j];
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let (mut found, mut j) = (0, pc + 1);
    let mut cut = false;
    while found < n && j < len {
        if !fused_at(j) {
            let full = pieces.len() == 3;
            match pieces.last_mut() {
                Some((_, end)) if *end == j => *end = j + 1,
                _ if full => {
                    cut = true;
                    break;
                }
                _ => pieces.push((j, j + 1)),
            }
            found += 1;
        }
        j += 1;
    }
    let piece = |&(a, b): &(usize, usize)| if b == a + 1 { a.to_string() } else { format!("{a}..{b}") };
    let mut s = pieces.iter().map(piece).collect::<Vec<_>>().join(", ");
    if !s.is_empty() {
        s.insert_str(0, "pc ");
    }
    if cut {
        // The last original: instrs[k - 1] for the first k with plain[k] == plain[pc + 1] + n.
        let want = plain[pc + 1] + n;
        let k = plain.partition_point(|&p| p < want);
        if k <= len {
            let _ = write!(s, ", …, {}", k - 1);
        } else {
            s.push_str(", …, missing: code ends early");
        }
    } else if found < n {
        let sep = if s.is_empty() { "" } else { ", " };
        let _ = write!(s, "{sep}{} missing: code ends early", n - found);
    } else if n == 0 {
        s.push_str("none");
    }
    s
}

/// Extra facts a reader wants that the `Debug` form does not give.
fn annotation(instr: &Instr, func_name: &dyn Fn(u32) -> Option<String>) -> String {
    match *instr {
        Instr::Call(f) => func_name(f).unwrap_or_default(),
        Instr::F32Const(bits) => format!("{:?}", f32::from_bits(bits)),
        Instr::F64Const(bits) => format!("{:?}", f64::from_bits(bits)),
        _ => String::new(),
    }
}

/// The variant name and the rendered operands of `instr`, from its `Debug` form (which is
/// shown as it is if it cannot be read).
fn render(instr: &Instr) -> (String, Vec<String>) {
    render_debug(&format!("{instr:?}"))
}

fn render_debug(debug: &str) -> (String, Vec<String>) {
    match parse(debug) {
        Some(Node::Atom(name)) => (name, Vec::new()),
        Some(Node::Tuple(name, args)) if !name.is_empty() => {
            let mut parts = Vec::new();
            for a in &args {
                operand(None, a, &mut parts);
            }
            (name, parts)
        }
        Some(Node::Struct(name, fields)) => {
            let mut parts = Vec::new();
            for (f, v) in &fields {
                operand(Some(f), v, &mut parts);
            }
            (name, parts)
        }
        _ => (debug.to_string(), Vec::new()),
    }
}

/// Renders one operand (a tuple element, or the field `field`) into `parts`.
fn operand(field: Option<&str>, v: &Node, parts: &mut Vec<String>) {
    if let Some(f) = field
        && PC_FIELDS.contains(&f)
        && let Node::Atom(a) = v
        && let Ok(pc) = a.parse::<u32>()
    {
        parts.push(if pc == RETURN_PC { "-> return".to_string() } else { format!("-> {pc}") });
        return;
    }
    match v {
        Node::Struct(name, fields) if name == "DropKeep" => {
            let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| value(v));
            match (get("drop"), get("keep")) {
                (Some(d), Some(k)) if d == "0" && k == "0" => {}
                (Some(d), Some(k)) if fields.len() == 2 => parts.push(format!("drop {d} keep {k}")),
                _ => parts.push(value(v)),
            }
        }
        // A nested struct (a `Target`) is flattened into the instruction.
        Node::Struct(_, fields) => {
            for (f, v) in fields {
                operand(Some(f), v, parts);
            }
        }
        // The operator is shown bare: `FLLBin i32.add a=0 b=1`.
        _ => match field {
            Some("op") | None => parts.push(value(v)),
            Some(f) => parts.push(format!("{f}={}", value(v))),
        },
    }
}

/// A value inside an operand.
fn value(v: &Node) -> String {
    match v {
        // An operator (`I32Add`, a family member such as `MemoryFill`) as wasm writes it.
        Node::Atom(a) => crate::text::mnemonic_of_name(a).map_or_else(|| a.clone(), str::to_string),
        // A 64-bit cell in two halves, low first.
        Node::Tuple(name, args) if name == "Cell64" => match args.as_slice() {
            [Node::List(halves)] => match halves.as_slice() {
                [Node::Atom(lo), Node::Atom(hi)] => match (lo.parse::<u32>(), hi.parse::<u32>()) {
                    (Ok(lo), Ok(hi)) => format!("{:#x}", u64::from(hi) << 32 | u64::from(lo)),
                    _ => debugish(v),
                },
                _ => debugish(v),
            },
            _ => debugish(v),
        },
        _ => debugish(v),
    }
}

/// A value shown much as `Debug` shows it (operators as mnemonics).
fn debugish(v: &Node) -> String {
    let list = |items: &[Node]| items.iter().map(value).collect::<Vec<_>>().join(", ");
    match v {
        Node::Atom(_) => value(v),
        Node::Tuple(name, args) => format!("{name}({})", list(args)),
        Node::List(items) => format!("[{}]", list(items)),
        Node::Struct(name, fields) => {
            let fields: Vec<String> = fields.iter().map(|(f, v)| format!("{f}={}", value(v))).collect();
            format!("{name}{{{}}}", fields.join(" "))
        }
    }
}

/// A value in Rust's `Debug` syntax.
#[derive(Debug, PartialEq)]
enum Node {
    /// A name or a number: `I32Add`, `-5`.
    Atom(String),
    /// `Name(a, b)`; the name is empty for a tuple.
    Tuple(String, Vec<Node>),
    /// `Name { a: x, b: y }`
    Struct(String, Vec<(String, Node)>),
    /// `[a, b]`
    List(Vec<Node>),
}

/// Reads a whole `Debug` string (single-line form); `None` if it is anything else.
fn parse(s: &str) -> Option<Node> {
    let mut p = Parser { s: s.as_bytes(), i: 0 };
    let node = p.value(0)?;
    p.spaces();
    (p.i == p.s.len()).then_some(node)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn spaces(&mut self) {
        while self.s.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.spaces();
        let yes = self.s.get(self.i) == Some(&c);
        if yes {
            self.i += 1;
        }
        yes
    }

    /// A run of characters that are not punctuation (splits only at ASCII bytes, so it is
    /// always valid UTF-8).
    fn atom(&mut self) -> Option<String> {
        self.spaces();
        let start = self.i;
        while let Some(&c) = self.s.get(self.i) {
            if b"(){}[],: \"'".contains(&c) {
                break;
            }
            self.i += 1;
        }
        let a = std::str::from_utf8(self.s.get(start..self.i)?).ok()?;
        (!a.is_empty()).then(|| a.to_string())
    }

    /// Items separated by commas up to `close` (a trailing comma allowed).
    fn items<T>(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut v = Vec::new();
        loop {
            if self.eat(close) {
                return Some(v);
            }
            v.push(item(self)?);
            if !self.eat(b',') {
                return self.eat(close).then_some(v);
            }
        }
    }

    fn value(&mut self, depth: u32) -> Option<Node> {
        if depth > 16 {
            return None;
        }
        if self.eat(b'[') {
            return self.items(b']', |p| p.value(depth + 1)).map(Node::List);
        }
        if self.eat(b'(') {
            return self.items(b')', |p| p.value(depth + 1)).map(|v| Node::Tuple(String::new(), v));
        }
        let name = self.atom()?;
        if self.s.get(self.i) == Some(&b'(') {
            self.i += 1;
            return self.items(b')', |p| p.value(depth + 1)).map(|v| Node::Tuple(name, v));
        }
        if self.eat(b'{') {
            let fields = self.items(b'}', |p| {
                let f = p.atom()?;
                p.eat(b':').then_some(())?;
                Some((f, p.value(depth + 1)?))
            })?;
            return Some(Node::Struct(name, fields));
        }
        Some(Node::Atom(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(debug: &str) -> String {
        let (name, args) = render_debug(debug);
        join(&name, &args)
    }

    #[test]
    fn reads_debug_forms() {
        assert_eq!(text("I32Add"), "I32Add");
        assert_eq!(text("LocalGet(3)"), "LocalGet 3");
        assert_eq!(text("I64Const(-5)"), "I64Const -5");
        assert_eq!(text("FLLBin { op: I32Add, a: 0, b: 1 }"), "FLLBin i32.add a=0 b=1");
        assert_eq!(text("FCBin { op: I64ShrU, c: Cell64([5, 1]) }"), "FCBin i64.shr_u c=0x100000005");
        assert_eq!(text("FLLoad { op: I32U8, a: 0, offset: 9 }"), "FLLoad I32U8 a=0 offset=9");
        assert_eq!(text("Br(Target { pc: 12, dk: DropKeep { drop: 1, keep: 2 } })"), "Br -> 12 drop 1 keep 2");
        assert_eq!(text("BrIf(Target { pc: 4, dk: DropKeep { drop: 0, keep: 0 } })"), "BrIf -> 4");
        assert_eq!(
            text("BrTableTarget(Target { pc: 4294967295, dk: DropKeep { drop: 0, keep: 1 } })"),
            "BrTableTarget -> return drop 0 keep 1"
        );
        assert_eq!(text("FSkip { n: 3, to: 9 }"), "FSkip n=3 -> 9");
        assert_eq!(text("If { else_pc: 7 }"), "If -> 7");
        // A variant that does not exist (yet): fields shown by name, pcs still as arrows.
        assert_eq!(
            text("FNew { op: F64Copysign, q: [1, 2], r: Some(3), target: 5 }"),
            "FNew f64.copysign q=[1, 2] r=Some(3) -> 5"
        );
        assert_eq!(text("Odd(Inner { x: 1 }, (2, 3))"), "Odd x=1 (2, 3)");
    }

    #[test]
    fn shows_unreadable_debug_as_it_is() {
        for s in [
            "",
            "X {",
            "X(1",
            "X { a 1 }",
            "X } ",
            "X(1) Y",
            "X { a: \"s\" }",
            "[1, 2",
            "((((((((((((((((((1))))))))))))))))))",
        ] {
            assert_eq!(text(s), s, "{s:?}");
        }
    }

    #[test]
    fn mnemonics() {
        use crate::text::mnemonic_of_name as mnemonic;
        assert_eq!(mnemonic("I32Add"), Some("i32.add"));
        assert_eq!(mnemonic("I32ShrS"), Some("i32.shr_s"));
        assert_eq!(mnemonic("F64Copysign"), Some("f64.copysign"));
        assert_eq!(mnemonic("I64ExtendI32S"), Some("i64.extend_i32_s"));
        assert_eq!(mnemonic("I32U8"), None);
        assert_eq!(mnemonic("I32"), None);
        assert_eq!(mnemonic("B4"), None);
        // Every wasm operator's name now, not just typed ones (a family's members).
        assert_eq!(mnemonic("MemoryFill"), Some("memory.fill"));
    }
}
