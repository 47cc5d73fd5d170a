//! The pseudo-random generator of `math.random`/`math.randomseed`: xoshiro256**
//! (Blackman and Vigna, "Scrambled linear pseudorandom number generators", 2018) with
//! Lua 5.4's seeding, float conversion and range projection (`lmathlib.c`), so a seeded
//! sequence is the same as `lua5.4`'s.

/// The generator state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Xoshiro256 {
    s: [u64; 4],
}

impl Xoshiro256 {
    /// A generator seeded as `math.randomseed(n1, n2)`: the state `{n1, 0xff, n2, 0}`,
    /// then 16 discarded values to spread the seed.
    pub fn seeded(n1: i64, n2: i64) -> Self {
        let mut g = Xoshiro256 {
            s: [n1 as u64, 0xff, n2 as u64, 0],
        };
        for _ in 0..16 {
            g.next_u64();
        }
        g
    }

    /// A generator seeded from the clock and an address-like value, as `randomseed()`
    /// without arguments. Returns the generator and the two seed values (which
    /// `math.randomseed` returns).
    pub fn from_entropy(extra: u64) -> (Self, [i64; 2]) {
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() ^ u64::from(d.subsec_nanos()))
            .unwrap_or(0);
        let n1 = time as i64;
        let n2 = extra as i64;
        (Self::seeded(n1, n2), [n1, n2])
    }

    /// The next raw 64-bit value (xoshiro256**).
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Projects a random value `ran` into `[0, n]` as the reference's `project`: a
    /// mask when `n + 1` is a power of two, otherwise the smallest `2^b - 1 >= n` as
    /// mask and rejection of values above `n` (drawing new ones from `self`).
    pub fn project(&mut self, ran: u64, n: u64) -> u64 {
        if n & n.wrapping_add(1) == 0 {
            return ran & n;
        }
        let mut lim = n;
        lim |= lim >> 1;
        lim |= lim >> 2;
        lim |= lim >> 4;
        lim |= lim >> 8;
        lim |= lim >> 16;
        lim |= lim >> 32;
        let mut ran = ran & lim;
        while ran > n {
            ran = self.next_u64() & lim;
        }
        ran
    }

    /// A random integer in `[low, up]` from the raw value `rv` (already drawn, as the
    /// reference draws before checking arguments). `Err` is the argument error
    /// `interval is empty` (argument 1).
    pub fn int_in_range(&mut self, rv: u64, low: i64, up: i64) -> Result<i64, &'static str> {
        if low > up {
            return Err("interval is empty");
        }
        let p = self.project(rv, (up as u64).wrapping_sub(low as u64));
        Ok(p.wrapping_add(low as u64) as i64)
    }
}

/// The float in `[0, 1)` made from the top 53 bits of a raw value.
pub fn to_float(rv: u64) -> f64 {
    (rv >> 11) as f64 * (0.5f64).powi(53)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values from lua5.4 (5.4.4).

    #[test]
    fn seeded_sequence_matches_reference() {
        let mut g = Xoshiro256::seeded(42, 0);
        let rv = g.next_u64();
        assert_eq!(g.int_in_range(rv, 1, 100), Ok(50));
        assert_eq!(
            format!("{:.14}", to_float(g.next_u64())),
            "0.54688311243421"
        );
        assert_eq!(g.next_u64() as i64, -3807604385970496171);
        let rv = g.next_u64();
        assert_eq!(g.int_in_range(rv, 1, 10), Ok(6));
        let rv = g.next_u64();
        assert_eq!(g.int_in_range(rv, -5, 5), Ok(1));
        let rv = g.next_u64();
        assert_eq!(
            g.int_in_range(rv, i64::MIN, i64::MAX),
            Ok(3891836817331783281)
        );
        let rv = g.next_u64();
        assert_eq!(g.int_in_range(rv, 3, 3), Ok(3));
        let rv = g.next_u64();
        assert_eq!(g.int_in_range(rv, 1, 7), Ok(3));
    }

    #[test]
    fn two_part_and_negative_seeds_match_reference() {
        let mut g = Xoshiro256::seeded(1, 2);
        let rv = g.next_u64();
        assert_eq!(g.int_in_range(rv, 1, 1_000_000), Ok(559234));
        assert_eq!(
            format!("{:.17}", to_float(g.next_u64())),
            "0.22576880156399304"
        );

        let mut g = Xoshiro256::seeded(-7, 0);
        assert_eq!(g.next_u64() as i64, -9189052916410167101);
        let rv = g.next_u64();
        assert_eq!(g.int_in_range(rv, 1, 100), Ok(6));

        let mut g = Xoshiro256::seeded(0, 0);
        let dice: Vec<i64> = (0..5)
            .map(|_| {
                let rv = g.next_u64();
                g.int_in_range(rv, 1, 6).unwrap()
            })
            .collect();
        assert_eq!(dice, [2, 1, 4, 6, 5]);
    }

    #[test]
    fn empty_interval_and_float_range() {
        let mut g = Xoshiro256::seeded(5, 0);
        assert_eq!(g.int_in_range(0, 2, 1), Err("interval is empty"));
        for _ in 0..1000 {
            let x = to_float(g.next_u64());
            assert!((0.0..1.0).contains(&x));
        }
        assert_eq!(to_float(u64::MAX), 1.0 - (0.5f64).powi(53));
    }
}
