//! The n-body simulation of the Computer Language Benchmarks Game (five planets,
//! symplectic integrator): f64 arithmetic and sqrt over a small array of structs.
//!
//! Not `no_std`: `f64::sqrt` (the `f64.sqrt` instruction) needs std on stable Rust.

fn f64_sqrt(x: f64) -> f64 {
    x.sqrt()
}

const PI: f64 = 3.141592653589793;
const SOLAR_MASS: f64 = 4.0 * PI * PI;
const DAYS_PER_YEAR: f64 = 365.24;

#[derive(Clone, Copy)]
struct Body {
    pos: [f64; 3],
    vel: [f64; 3],
    mass: f64,
}

const BODIES: [Body; 5] = [
    // Sun
    Body { pos: [0.0; 3], vel: [0.0; 3], mass: SOLAR_MASS },
    // Jupiter
    Body {
        pos: [4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01],
        vel: [
            1.66007664274403694e-03 * DAYS_PER_YEAR,
            7.69901118419740425e-03 * DAYS_PER_YEAR,
            -6.90460016972063023e-05 * DAYS_PER_YEAR,
        ],
        mass: 9.54791938424326609e-04 * SOLAR_MASS,
    },
    // Saturn
    Body {
        pos: [8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01],
        vel: [
            -2.76742510726862411e-03 * DAYS_PER_YEAR,
            4.99852801234917238e-03 * DAYS_PER_YEAR,
            2.30417297573763929e-05 * DAYS_PER_YEAR,
        ],
        mass: 2.85885980666130812e-04 * SOLAR_MASS,
    },
    // Uranus
    Body {
        pos: [1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01],
        vel: [
            2.96460137564761618e-03 * DAYS_PER_YEAR,
            2.37847173959480950e-03 * DAYS_PER_YEAR,
            -2.96589568540237556e-05 * DAYS_PER_YEAR,
        ],
        mass: 4.36624404335156298e-05 * SOLAR_MASS,
    },
    // Neptune
    Body {
        pos: [1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01],
        vel: [
            2.68067772490389322e-03 * DAYS_PER_YEAR,
            1.62824170038242295e-03 * DAYS_PER_YEAR,
            -9.51592254519715870e-05 * DAYS_PER_YEAR,
        ],
        mass: 5.15138902046611451e-05 * SOLAR_MASS,
    },
];

static mut SYSTEM: [Body; 5] = BODIES;

fn offset_momentum(b: &mut [Body; 5]) {
    let mut p = [0.0f64; 3];
    for body in b.iter() {
        for k in 0..3 {
            p[k] += body.vel[k] * body.mass;
        }
    }
    for k in 0..3 {
        b[0].vel[k] = -p[k] / SOLAR_MASS;
    }
}

fn energy(b: &[Body; 5]) -> f64 {
    let mut e = 0.0;
    for i in 0..5 {
        let v = &b[i].vel;
        e += 0.5 * b[i].mass * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        for j in i + 1..5 {
            let d = [b[i].pos[0] - b[j].pos[0], b[i].pos[1] - b[j].pos[1], b[i].pos[2] - b[j].pos[2]];
            e -= b[i].mass * b[j].mass / f64_sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        }
    }
    e
}

#[inline(never)]
fn advance(b: &mut [Body; 5], dt: f64) {
    for i in 0..5 {
        for j in i + 1..5 {
            let d = [b[i].pos[0] - b[j].pos[0], b[i].pos[1] - b[j].pos[1], b[i].pos[2] - b[j].pos[2]];
            let d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            let mag = dt / (d2 * f64_sqrt(d2));
            let (mi, mj) = (b[i].mass * mag, b[j].mass * mag);
            for k in 0..3 {
                b[i].vel[k] -= d[k] * mj;
                b[j].vel[k] += d[k] * mi;
            }
        }
    }
    for body in b.iter_mut() {
        for k in 0..3 {
            body.pos[k] += dt * body.vel[k];
        }
    }
}

/// Advances the system `n` steps of 0.01; the bits of the final energy.
#[unsafe(no_mangle)]
pub extern "C" fn run(n: u32) -> u64 {
    let b = unsafe { &mut *core::ptr::addr_of_mut!(SYSTEM) };
    *b = BODIES;
    offset_momentum(b);
    for _ in 0..n {
        advance(b, 0.01);
    }
    energy(b).to_bits()
}
