//! Movement: every entity with a [`Velocity`] moves by it each frame and stops at
//! [`Wall`]s (circles against axis-aligned boxes, one axis at a time so movers slide
//! along walls). Also counts how far enemies and the player travelled, for the
//! headless summary.

use bevy::prelude::*;

use crate::components::{Enemy, Player, Shape, Velocity, Wall};

/// Longest step one frame may take, seconds (a stalled frame does not tunnel
/// through walls).
const MAX_DT: f32 = 1.0 / 20.0;

/// Distances travelled, pixels (for the summary and the tests).
#[derive(Resource, Clone, Debug, Default)]
pub struct Travel {
    /// Summed over every enemy.
    pub enemies: f32,
    /// The player.
    pub player: f32,
}

/// A wall's box: centre and half extents.
#[derive(Clone, Copy, Debug)]
struct Block {
    center: Vec2,
    half: Vec2,
}

impl Block {
    /// Whether a circle overlaps the box.
    fn hits(&self, p: Vec2, r: f32) -> bool {
        let d = (p - self.center).abs() - self.half;
        let outside = d.max(Vec2::ZERO);
        outside.length_squared() < r * r && d.x < r && d.y < r
    }
}

/// What the movement system moves: every body with a velocity that is not a wall.
type Movers<'w, 's> = Query<
    'w,
    's,
    (
        &'static mut Transform,
        &'static Velocity,
        Option<&'static Shape>,
        Has<Enemy>,
        Has<Player>,
    ),
    Without<Wall>,
>;

/// The movement system (runs after the scripts set velocities).
pub fn integrate(
    time: Res<Time>,
    walls: Query<(&Transform, &Shape), With<Wall>>,
    mut movers: Movers,
    mut travel: ResMut<Travel>,
) {
    let dt = time.delta_secs().min(MAX_DT);
    if dt <= 0.0 {
        return;
    }
    let blocks: Vec<Block> = walls
        .iter()
        .map(|(t, s)| Block {
            center: t.translation.truncate(),
            half: s.size * 0.5,
        })
        .collect();
    for (mut t, v, shape, is_enemy, is_player) in &mut movers {
        let step = v.linear * dt;
        if step == Vec2::ZERO || !step.is_finite() {
            continue;
        }
        let r = shape.map_or(8.0, |s| s.size.x * 0.5).max(1.0) * 0.9;
        let start = t.translation.truncate();
        let mut p = start;
        let blocked = |q: Vec2| blocks.iter().any(|b| b.hits(q, r));
        let x = Vec2::new(p.x + step.x, p.y);
        if !blocked(x) {
            p = x;
        }
        let y = Vec2::new(p.x, p.y + step.y);
        if !blocked(y) {
            p = y;
        }
        if p != start {
            t.translation.x = p.x;
            t.translation.y = p.y;
            let d = p.distance(start);
            if is_enemy {
                travel.enemies += d;
            }
            if is_player {
                travel.player += d;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circles_hit_boxes_only_when_they_overlap() {
        let b = Block {
            center: Vec2::ZERO,
            half: Vec2::new(10.0, 10.0),
        };
        assert!(b.hits(Vec2::new(14.0, 0.0), 5.0));
        assert!(!b.hits(Vec2::new(16.0, 0.0), 5.0));
        // Near a corner the distance is diagonal.
        assert!(!b.hits(Vec2::new(14.0, 14.0), 5.0));
        assert!(b.hits(Vec2::new(13.0, 13.0), 5.0));
    }
}
