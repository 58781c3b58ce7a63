(module
  (type (;0;) (func))
  (type (;1;) (func (param i32)))
  (type (;2;) (func (param i64)))
  (type (;3;) (func (param f32)))
  (type (;4;) (func (param f64)))
  (type (;5;) (func (param i32 f32)))
  (type (;6;) (func (param f64 f64)))
  (import "spectest" "global_i64" (global (;0;) i64))
  (global (;1;) (mut i32) i32.const 0)
  (global (;2;) (mut i32) i32.const 0)
  (global (;3;) (mut i64) i64.const 0)
  (global (;4;) (mut i64) i64.const 0)
  (export "\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{14}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}\u{1c}" (func 0))
  (export "" (global 0))
  (export "2" (global 1))
  (export "3" (global 2))
  (export "4" (global 3))
  (export "5" (global 4))
  (func (;0;) (type 6) (param f64 f64)
    (local f32 f32 f32 f32 f32 f32 f32 f32 f32)
    i32.const 471604252
    local.get 0
    global.get 0
    i32.const 471604252
    local.get 0
    global.get 0
    i64.ctz
    i32.wrap_i64
    i32.const 8192
    i32.rotr
    i32.const 2
    i32.eqz
    i32.eqz
    i32.rotr
    i32.const -129
    data.drop 0
    data.drop 0
    data.drop 0
    data.drop 0
    data.drop 0
    data.drop 0
    data.drop 0
    data.drop 0
    i32.rotr
    i32.const 8192
    i32.rotr
    i32.const 8192
    i32.rotr
    i32.extend8_s
    f32.reinterpret_i32
    f32.abs
    f32.abs
    f32.abs
    f32.abs
    f32.abs
    f32.abs
    global.get 0
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i32.wrap_i64
    i32.const 8192
    i32.rotr
    v128.const i32x4 0x6e6e6e6e 0x6e6e6e6e 0x6e6e6e6e 0x6e6e6e6e
    i16x8.bitmask
    i32.add
    v128.const i32x4 0x6e6e6e6e 0x6e6e6e6e 0x6e6e6e6e 0x6e6e6e6e
    i16x8.bitmask
    i32.popcnt
    i32.add
    v128.const i32x4 0x6e6e6e6e 0xffff6e6e 0x1c1c1c1c 0x1c1c1c1c
    i32x4.all_true
    local.get 0
    global.get 0
    global.get 0
    i64.eq
    ref.null func
    global.get 0
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i64.ctz
    i32.wrap_i64
    i32.const 8192
    i32.rotr
    i32.const 8192
    i32.rotr
    f32.reinterpret_i32
    f32.abs
    f32.abs
    f32.abs
    f32.abs
    global.get 0
    i64.ctz
    i64.ctz
    i32.wrap_i64
    if (type 3) (param f32) ;; label = @1
      global.get 0
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i64.ctz
      i32.wrap_i64
      i32.const 8192
      i32.rotr
      i32.const 8192
      block (type 0) ;; label = @2
        v128.const i32x4 0xa1a13333 0xffa1a1a1 0xffffffff 0xe1e1ffff
        i32x4.extract_lane 3
        i32.const 8192
        i32.rotr
        i32.const 8192
        i32.rotr
        i32.const 8192
        block (type 0) ;; label = @3
          v128.const i32x4 0xa1a13333 0xffa1a1a1 0xffffffff 0xff0affff
          i32x4.extract_lane 1
          loop (type 1) (param i32) ;; label = @4
            f32.convert_i32_s
            i64.trunc_f32_s
            f64.reinterpret_i64
            i32.trunc_f64_s
            f32.convert_i32_s
            i64.trunc_f32_s
            f64.reinterpret_i64
            i32.trunc_f64_s
            f32.convert_i32_s
            i64.trunc_f32_s
            f64.reinterpret_i64
            i32.trunc_f64_s
            f32.convert_i32_s
            i64.trunc_f32_u
            i64.extend8_s
            f64.reinterpret_i64
            i32.trunc_f64_s
            f32.convert_i32_u
            f32.nearest
            local.tee 2
            f32.const nan (;=NaN;)
            local.get 2
            local.get 2
            f32.eq
            select
            f32.nearest
            local.tee 3
            f32.const nan (;=NaN;)
            local.get 3
            local.get 3
            f32.eq
            select
            f32.nearest
            local.tee 4
            f32.const nan (;=NaN;)
            local.get 4
            local.get 4
            f32.eq
            select
            f32.nearest
            local.tee 5
            f32.const nan (;=NaN;)
            local.get 5
            local.get 5
            f32.eq
            select
            f32.nearest
            local.tee 6
            f32.const nan (;=NaN;)
            local.get 6
            local.get 6
            f32.eq
            select
            f32.nearest
            local.tee 7
            f32.const nan (;=NaN;)
            local.get 7
            local.get 7
            f32.eq
            select
            f32.nearest
            local.tee 8
            f32.const nan (;=NaN;)
            local.get 8
            local.get 8
            f32.eq
            select
            f32.nearest
            local.tee 9
            f32.const nan (;=NaN;)
            local.get 9
            local.get 9
            f32.eq
            select
            f32.nearest
            local.tee 10
            f32.const nan (;=NaN;)
            local.get 10
            local.get 10
            f32.eq
            select
            i32.reinterpret_f32
            global.get 1
            i32.xor
            global.set 1
          end
        end
        global.get 2
        i32.xor
        global.set 2
        global.get 2
        i32.xor
        global.set 2
      end
      global.get 2
      i32.xor
      global.set 2
      global.get 2
      i32.xor
      global.set 2
      i32.reinterpret_f32
      global.get 1
      i32.xor
      global.set 1
    else
      i32.reinterpret_f32
      global.get 1
      i32.xor
      global.set 1
    end
    drop
    global.get 2
    i32.xor
    global.set 2
    i64.reinterpret_f64
    global.get 3
    i64.xor
    global.set 3
    global.get 2
    i32.xor
    global.set 2
    global.get 2
    i32.xor
    global.set 2
    i32.reinterpret_f32
    global.get 1
    i32.xor
    global.set 1
    i64.reinterpret_f64
    global.get 3
    i64.xor
    global.set 3
    global.get 2
    i32.xor
    global.set 2
    global.get 4
    i64.xor
    global.set 4
    i64.reinterpret_f64
    global.get 3
    i64.xor
    global.set 3
    global.get 2
    i32.xor
    global.set 2
  )
  (data (;0;) "\e1\e1\e1\e1\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff")
)
