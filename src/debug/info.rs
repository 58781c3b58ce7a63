//! Per-function debug information, computed lazily once per function from the original
//! bytes: the disassembly (one [`Line`] per wasm instruction with its offset, nesting depth
//! and text), the types of locals, and the shape of the operand stack before every
//! instruction (value types and the heights where blocks begin), which is how a paused
//! machine's untyped cells are shown as typed values.

use super::text::op_text;
use crate::decode::{Module, val_type};
use crate::error::Result;
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
    /// Operand types before line `i`: `types[type_start[i]..type_start[i + 1]]`, bottom first.
    types: Vec<ValType>,
    type_start: Vec<u32>,
    /// Operand heights where each open block's values begin, before line `i`, outermost
    /// first (the function body's is 0): `blocks[block_start[i]..block_start[i + 1]]`.
    blocks: Vec<u32>,
    block_start: Vec<u32>,
}

impl FuncInfo {
    /// Builds the info of defined function `def`.
    pub fn new(module: &Module, def: u32) -> Result<FuncInfo> {
        let (mut v, body) = crate::translate::body_validator(module, def)?;
        let index = module.num_imported_funcs + def;
        let ty = module.func_type(index).cloned().unwrap_or_default();
        let mut local_types = ty.params.clone();
        let mut locals = body.get_locals_reader()?;
        for _ in 0..locals.get_count() {
            let offset = locals.original_position();
            let (count, t) = locals.read()?;
            v.define_locals(offset, count, t)?;
            let t = val_type(t)?;
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
            types: Vec::new(),
            type_start: Vec::new(),
            blocks: Vec::new(),
            block_start: Vec::new(),
        };
        let mut ops = body.get_operators_reader()?;
        while !ops.eof() {
            let offset = ops.original_position();
            let op = ops.read()?;
            // The shape before this instruction.
            info.type_start.push(info.types.len() as u32);
            let height = v.operand_stack_height() as usize;
            for d in (0..height).rev() {
                let t = v.get_operand_type(d).flatten().and_then(|t| val_type(t).ok());
                info.types.push(t.unwrap_or(ValType::I32));
            }
            info.block_start.push(info.blocks.len() as u32);
            let frames = v.control_stack_height() as usize;
            for d in (0..frames).rev() {
                if let Some(f) = v.get_control_frame(d) {
                    info.blocks.push(f.height as u32);
                }
            }
            let closes = matches!(op, Operator::End | Operator::Else);
            let depth = (frames as u32).saturating_sub(1);
            info.lines.push(Line {
                offset: offset as u32,
                depth: if closes { depth.saturating_sub(1) } else { depth },
                text: op_text(&op, module),
            });
            v.op(offset, &op)?;
        }
        info.type_start.push(info.types.len() as u32);
        info.block_start.push(info.blocks.len() as u32);
        Ok(info)
    }

    /// The line of the instruction at `offset`.
    pub fn line_at(&self, offset: u32) -> Option<usize> {
        self.lines.binary_search_by_key(&offset, |l| l.offset).ok()
    }

    /// Operand types before line `line`, bottom first.
    pub fn operand_types(&self, line: usize) -> &[ValType] {
        match (self.type_start.get(line), self.type_start.get(line + 1)) {
            (Some(&a), Some(&b)) => &self.types[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Heights where the open blocks' operands begin before line `line`, outermost first.
    pub fn block_heights(&self, line: usize) -> &[u32] {
        match (self.block_start.get(line), self.block_start.get(line + 1)) {
            (Some(&a), Some(&b)) => &self.blocks[a as usize..b as usize],
            _ => &[],
        }
    }
}
