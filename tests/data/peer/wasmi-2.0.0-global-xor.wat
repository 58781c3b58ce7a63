(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i64) (result i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)))
  (type (;1;) (func (param i64 i64 i64 i64 i64 i64 i64 i64 i32 i64 i64 i64 i32 i32 i32 i32 i32 i32 i32 i32) (result i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 f64 i32 i32 i32 i32)))
  (type (;2;) (func (param f64) (result f64 i32 i32)))
  (type (;3;) (func (param f64 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32 i32 f64)))
  (table (;0;) 1000 1000 externref)
  (global (;0;) (mut i32) i32.const 0)
  (global (;1;) (mut i64) i64.const 0)
  (global (;2;) (mut i32) i32.const 0)
  (export "" (func 0))
  (export "1" (table 0))
  (export "lb" (global 0))
  (export "_" (global 1))
  (export "Faol" (global 2))
  (func (;0;) (type 3) (param f64 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32 i32 f64)
    i64.const 16777215
    f64.const -0x1.6c6c6c6c6c6c6p+109 (;=-923923411592226600000000000000000;)
    local.set 0
    f32.convert_i64_u
    ref.null extern
    table.size 0
    ref.null extern
    f32.const -0x1.8d8d8cp+14 (;=-25443.387;)
    ref.null extern
    table.size 0
    ref.null extern
    f32.const -0x1.538d8cp+13 (;=-10865.693;)
    ref.null func
    ref.null func
    ref.null extern
    f64.const -nan:0xffffffffffeff (;=NaN;)
    f64.const -nan:0xffffffffffeff (;=NaN;)
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    f64.neg
    local.get 14
    select
    local.tee 0
    f64.const -nan:0xfffffffff7fff (;=NaN;)
    local.get 11
    if (type 2) (param f64) (result f64 i32 i32) ;; label = @1
      local.get 3
      if ;; label = @2
      else
        i32.const 256
        i32.const 536870912
        i32.shr_s
        local.tee 17
        local.tee 17
        local.tee 11
        f64.convert_i32_s
        f32.demote_f64
        i32.trunc_sat_f32_s
        f64.convert_i32_s
        f32.demote_f64
        i32.trunc_sat_f32_s
        f64.convert_i32_s
        f32.demote_f64
        i32.trunc_sat_f32_s
        f64.convert_i32_s
        f32.demote_f64
        i32.trunc_sat_f32_s
        f64.convert_i32_u
        i32.const -513
        if (type 2) (param f64) (result f64 i32 i32) ;; label = @3
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          br 1 (;@2;)
          i64.trunc_sat_f64_u
          local.get 3
          ref.null func
          local.get 3
          if (result i64) ;; label = @4
            br 2 (;@2;)
            br 2 (;@2;)
            br 2 (;@2;)
            br 2 (;@2;)
            br 2 (;@2;)
            i32.const -513
            local.get 15
            f32.const -0x1.fffffep+126 (;=-170141170000000000000000000000000000000;)
            local.get 5
            table.size 0
            br 2 (;@2;)
            f32.const -nan:0x7ffdff (;=NaN;)
            i32.const 1073741823
            if (result f64) ;; label = @5
              block (result f64) ;; label = @6
                block ;; label = @7
                  local.get 16
                  i32.extend16_s
                  if (result f64) ;; label = @8
                    f64.const -nan:0xffffffffffeff (;=NaN;)
                  else
                    unreachable
                  end
                  unreachable
                end
                unreachable
              end
            else
              unreachable
            end
            unreachable
          else
            unreachable
          end
          unreachable
        else
          unreachable
        end
        unreachable
      end
      unreachable
    else
      i32.const -256
      i32.const -256
    end
    global.get 0
    i32.xor
    global.set 0
    global.get 0
    i32.xor
    global.set 0
    i64.reinterpret_f64
    global.get 1
    i64.xor
    global.set 1
    i64.reinterpret_f64
    global.get 1
    i64.xor
    global.set 1
    drop
    drop
    drop
    i32.reinterpret_f32
    global.get 2
    i32.xor
    global.set 2
    drop
    global.get 0
    i32.xor
    global.set 0
    drop
    i32.reinterpret_f32
    global.get 2
    i32.xor
    global.set 2
    drop
    global.get 0
    i32.xor
    global.set 0
    drop
    i32.reinterpret_f32
    global.get 2
    i32.xor
    global.set 2
    i32.const -513
    i32.const -513
    f64.const 0x1.p-1073 (;=0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001;)
  )
)
