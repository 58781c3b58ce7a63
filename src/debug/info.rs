//! Per-function debug information, computed lazily once per function from the original
//! bytes: the disassembly (one [`Line`] per wasm instruction with its offset, nesting depth
//! and text), the types of locals, and the shape of the operand stack before every
//! instruction (value types and the heights where blocks begin), which is how a paused
//! machine's untyped cells are shown as typed values.

use crate::decode::{Module, body_validator};
use crate::error::Result;
use crate::text::op_text;
use crate::value::ValType;
use wasmparser::Operator;

/// One wasm instruction of a function, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Byte offset of the instruction in the module binary.
    pub offset: u32,
    /// Nesting depth (0 = the function body), for indentation. `else` and `end` are at the
    /// depth of the construct they close.
    pub depth: u32,
    /// The instruction as text: `local.get 0`, `br_if 1`, `call $fac`.
    pub text: String,
}

/// Sentinel parent of the bottom node of a persistent stack.
const NONE: u32 = u32::MAX;

/// What the debugger knows about one defined function.
#[derive(Debug, Clone)]
pub struct FuncInfo {
    /// Index in the module's function index space.
    pub index: u32,
    pub name: String,
    pub lines: Vec<Line>,
    /// Parameters then declared locals.
    pub local_types: Vec<ValType>,
    pub local_names: Vec<Option<String>>,
    pub num_params: u32,
    /// The operand types before each line, as persistent stacks sharing their common
    /// bottoms: `type_nodes[i] = (type, parent)`, and `type_top[line]` is the top node (or
    /// `NONE` for an empty stack). Linear in the function's size, however deep its stack.
    type_nodes: Vec<(ValType, u32)>,
    type_top: Vec<u32>,
    /// Likewise the operand heights where the open blocks begin (the function body's is 0).
    block_nodes: Vec<(u32, u32)>,
    block_top: Vec<u32>,
}

impl FuncInfo {
    /// Builds the info of defined function `def`, in one validator pass over its body.
    pub fn new(module: &Module, def: u32) -> Result<FuncInfo> {
        let (mut v, body) = body_validator(module, def)?;
        let index = module.num_imported_funcs + def;
        let ty = module.func_type(index).cloned().unwrap_or_default();
        let mut local_types = ty.params.clone();
        let mut locals = body.get_locals_reader()?;
        for _ in 0..locals.get_count() {
            let offset = locals.original_position();
            let (count, t) = locals.read()?;
            v.define_locals(offset, count, t)?;
            let t = module.val_type(t)?;
            local_types.extend(std::iter::repeat_n(t, count as usize));
        }
        let names = module.names.locals.get(&index);
        let local_names = (0..local_types.len() as u32).map(|i| names.and_then(|n| n.get(&i)).cloned()).collect();
        let mut info = FuncInfo {
            index,
            name: module.display_func_name(index),
            lines: Vec::new(),
            local_types,
            local_names,
            num_params: ty.params.len() as u32,
            type_nodes: Vec::new(),
            type_top: Vec::new(),
            block_nodes: vec![(0, NONE)],
            block_top: Vec::new(),
        };
        // The current stacks: top nodes and heights.
        let (mut types, mut height) = (NONE, 0usize);
        let (mut blocks, mut depth) = (0u32, 1usize);
        let mut ops = body.get_operators_reader()?;
        while !ops.eof() {
            let offset = ops.original_position();
            let op = ops.read()?;
            info.type_top.push(types);
            info.block_top.push(blocks);
            let closes = matches!(op, Operator::End | Operator::Else);
            let line_depth = (depth as u32).saturating_sub(1);
            info.lines.push(Line {
                offset: offset as u32,
                depth: if closes { line_depth.saturating_sub(1) } else { line_depth },
                text: op_text(&op, module),
            });
            let (pops, pushes) = op.operator_arity(&v).unwrap_or((u32::MAX, 0));
            v.op(offset, &op)?;
            // Operand types: pop what the instruction popped, push what it pushed; where the
            // validator disagrees (unreachable code resets the stack), rebuild above the
            // current block's base.
            let new_height = v.operand_stack_height() as usize;
            let (keep, push) = if pops != u32::MAX
                && height >= pops as usize
                && height - pops as usize + pushes as usize == new_height
            {
                (height - pops as usize, pushes as usize)
            } else {
                let base = v.get_control_frame(0).map_or(0, |f| f.height).min(new_height).min(height);
                (base, new_height - base)
            };
            for _ in keep..height {
                types = info.type_nodes.get(types as usize).map_or(NONE, |n| n.1);
            }
            for d in (0..push).rev() {
                let t =
                    v.get_operand_type(d).flatten().and_then(|t| module.operand_type(t).ok()).unwrap_or(ValType::I32);
                info.type_nodes.push((t, types));
                types = info.type_nodes.len() as u32 - 1;
            }
            height = new_height;
            // Open blocks: one frame more or fewer (`else` swaps one for another).
            let new_depth = v.control_stack_height() as usize;
            if new_depth < depth || matches!(op, Operator::Else) {
                blocks = info.block_nodes.get(blocks as usize).map_or(0, |n| n.1);
            }
            if new_depth > depth || (matches!(op, Operator::Else) && new_depth == depth) {
                let h = v.get_control_frame(0).map_or(0, |f| f.height as u32);
                info.block_nodes.push((h, blocks));
                blocks = info.block_nodes.len() as u32 - 1;
            }
            depth = new_depth;
        }
        Ok(info)
    }

    /// The line of the instruction at `offset`.
    pub fn line_at(&self, offset: u32) -> Option<usize> {
        self.lines.binary_search_by_key(&offset, |l| l.offset).ok()
    }

    /// Operand types before line `line`, bottom first.
    pub fn operand_types(&self, line: usize) -> Vec<ValType> {
        let mut out = Vec::new();
        let mut node = self.type_top.get(line).copied().unwrap_or(NONE);
        while let Some(&(t, parent)) = self.type_nodes.get(node as usize) {
            out.push(t);
            node = parent;
        }
        out.reverse();
        out
    }

    /// Heights where the open blocks' operands begin before line `line`, outermost first.
    pub fn block_heights(&self, line: usize) -> Vec<u32> {
        let mut out = Vec::new();
        let mut node = self.block_top.get(line).copied().unwrap_or(NONE);
        while let Some(&(h, parent)) = self.block_nodes.get(node as usize) {
            out.push(h);
            node = parent;
        }
        out.reverse();
        out
    }
}
