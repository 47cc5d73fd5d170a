//! The windowed half: window and renderer, camera, shapes turned into sprites,
//! gizmo overlays (rings, enemy states, health bars, the goal), the keyboard fed to
//! [`PlayerInput`], the egui HUD (level, score, health, messages, the last script
//! error), the debugger, and `--frames` / `--screenshot`.

use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy::window::WindowResolution;
use bevy_egui::{EguiContexts, EguiPlugin, EguiPrimaryContextPass, egui};
use engine_lua_bevy::{LuaDiagnostics, LuaSet};

use crate::Options;
use crate::components::*;

/// Window size, logical pixels.
pub const WINDOW: (u32, u32) = (1280, 720);

/// Textures for the shape kinds (white; sprites tint them).
#[derive(Resource, Clone)]
struct ShapeImages {
    circle: Handle<Image>,
    diamond: Handle<Image>,
}

/// `--frames` and `--screenshot` in a windowed run.
#[derive(Resource, Clone, Debug, Default)]
struct RunLimit {
    frames: Option<u64>,
    screenshot: Option<std::path::PathBuf>,
    frame: u64,
    shot_requested: bool,
    shot_done: bool,
}

/// Adds the window, renderer, HUD and overlays to `app`.
pub fn add_windowed(app: &mut App, opts: &Options) {
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: "engine_lua demo: edit scripts/ while playing (F1: debugger)".into(),
            resolution: WindowResolution::new(WINDOW.0, WINDOW.1),
            ..default()
        }),
        ..default()
    }));
    if !app.is_plugin_added::<EguiPlugin>() {
        app.add_plugins(EguiPlugin::default());
    }
    // The debugger (F1): after DefaultPlugins, which it inspects for a renderer, and after
    // EguiPlugin, which it would otherwise add itself.
    app.add_plugins(engine_lua_editor::LuaDebuggerPlugin::default().open(opts.debugger_open));
    app.insert_resource(ClearColor(Color::srgb(0.07, 0.08, 0.10)))
        .insert_resource(RunLimit {
            frames: opts.frames,
            screenshot: opts.screenshot.clone(),
            ..default()
        })
        .add_systems(Startup, setup)
        .add_systems(Update, keyboard.before(LuaSet::Update))
        .add_systems(
            PostUpdate,
            (sync_sprites, overlays, run_limit).before(TransformSystems::Propagate),
        )
        .add_systems(EguiPrimaryContextPass, hud);
}

fn setup(mut commands: Commands, mut images: ResMut<Assets<Image>>) {
    commands.spawn(Camera2d);
    let circle = images.add(shape_image(|x, y| {
        let d = (x * x + y * y).sqrt();
        (1.0 - d) * 24.0
    }));
    let diamond = images.add(shape_image(|x, y| (1.0 - x.abs() - y.abs()) * 24.0));
    commands.insert_resource(ShapeImages { circle, diamond });
}

/// A 64x64 white image whose alpha is `coverage(x, y)` clamped to 0..=1, with x and
/// y in -1..=1 (a signed distance scaled to pixels gives a smooth edge).
fn shape_image(coverage: impl Fn(f32, f32) -> f32) -> Image {
    const N: u32 = 64;
    let mut data = Vec::with_capacity((N * N * 4) as usize);
    for j in 0..N {
        for i in 0..N {
            let x = (i as f32 + 0.5) / N as f32 * 2.0 - 1.0;
            let y = (j as f32 + 0.5) / N as f32 * 2.0 - 1.0;
            let a = coverage(x, y).clamp(0.0, 1.0);
            data.extend_from_slice(&[255, 255, 255, (a * 255.0) as u8]);
        }
    }
    Image::new(
        Extent3d {
            width: N,
            height: N,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        data,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    )
}

/// WASD / arrows and Space into [`PlayerInput`] (unless a script drives it).
fn keyboard(keys: Res<ButtonInput<KeyCode>>, mut input: ResMut<PlayerInput>) {
    if input.scripted {
        return;
    }
    let held = |a: KeyCode, b: KeyCode| keys.pressed(a) || keys.pressed(b);
    let mut axis = Vec2::ZERO;
    if held(KeyCode::KeyA, KeyCode::ArrowLeft) {
        axis.x -= 1.0;
    }
    if held(KeyCode::KeyD, KeyCode::ArrowRight) {
        axis.x += 1.0;
    }
    if held(KeyCode::KeyW, KeyCode::ArrowUp) {
        axis.y += 1.0;
    }
    if held(KeyCode::KeyS, KeyCode::ArrowDown) {
        axis.y -= 1.0;
    }
    let attack = keys.just_pressed(KeyCode::Space);
    if input.axis != axis || input.attack != attack {
        input.axis = axis;
        input.attack = attack;
    }
}

/// Gives every [`Shape`] a sprite (and updates it when a script changes the shape);
/// the player blinks while invulnerable.
fn sync_sprites(
    mut commands: Commands,
    images: Res<ShapeImages>,
    time: Res<Time>,
    changed: Query<(Entity, &Shape), Changed<Shape>>,
    mut players: Query<(&Player, &mut Sprite)>,
) {
    for (e, s) in &changed {
        let color = parse_color(&s.color).unwrap_or(Color::srgb(1.0, 0.0, 1.0));
        let mut sprite = match s.kind.as_str() {
            "circle" => Sprite::from_image(images.circle.clone()),
            "diamond" => Sprite::from_image(images.diamond.clone()),
            _ => Sprite::default(),
        };
        sprite.color = color;
        sprite.custom_size = Some(s.size.max(Vec2::ONE));
        commands.entity(e).insert(sprite);
    }
    for (p, mut sprite) in &mut players {
        let blink = p.invulnerable > 0.0 && (time.elapsed_secs() * 12.0) as i64 % 2 == 0;
        let a = if blink { 0.25 } else { 1.0 };
        if sprite.color.alpha() != a {
            sprite.color.set_alpha(a);
        }
    }
}

fn state_color(state: &str) -> Color {
    match state {
        "chase" => Color::srgb(1.0, 0.25, 0.2),
        "flee" => Color::srgb(0.3, 0.9, 1.0),
        "spawn" | "summon" => Color::srgb(0.8, 0.4, 1.0),
        "alert" => Color::srgb(1.0, 0.8, 0.2),
        _ => Color::srgba(1.0, 1.0, 1.0, 0.35),
    }
}

/// Gizmo overlays: rings, enemy state rings and chase lines, health bars, the goal.
#[allow(clippy::type_complexity)]
fn overlays(
    mut g: Gizmos,
    time: Res<Time>,
    rings: Query<(&Transform, &Halo)>,
    enemies: Query<(&Transform, &Enemy, Option<&Shape>, Option<&Health>)>,
    player: Query<&Transform, With<Player>>,
    goals: Query<(&Transform, &Goal, Option<&Shape>)>,
) {
    for (t, r) in &rings {
        let c = parse_color(&r.color).unwrap_or(Color::WHITE);
        g.circle_2d(t.translation.truncate(), r.radius.max(0.0), c);
    }
    let p = player.iter().next().map(|t| t.translation.truncate());
    for (t, e, s, h) in &enemies {
        let at = t.translation.truncate();
        let r = s.map_or(10.0, |s| s.size.x * 0.5) + 4.0;
        let c = state_color(&e.state);
        g.circle_2d(at, r, c);
        if e.state == "chase"
            && let Some(p) = p
        {
            g.line_2d(at, p, c.with_alpha(0.35));
        }
        if let Some(h) = h
            && h.max > 0
            && h.hp < h.max
        {
            bar(&mut g, at + Vec2::new(0.0, r + 6.0), h.hp, h.max);
        }
    }
    for (t, goal, s) in &goals {
        let at = t.translation.truncate();
        let r = s.map_or(14.0, |s| s.size.x * 0.5);
        if goal.open {
            let pulse = (time.elapsed_secs() * 3.0).sin() * 4.0;
            g.circle_2d(at, r + 6.0 + pulse, Color::srgb(0.4, 1.0, 0.5));
        } else {
            let d = Vec2::splat(r * 0.7);
            let red = Color::srgb(0.9, 0.3, 0.3);
            g.line_2d(at - d, at + d, red);
            g.line_2d(at + Vec2::new(-d.x, d.y), at + Vec2::new(d.x, -d.y), red);
        }
    }
}

fn bar(g: &mut Gizmos, at: Vec2, hp: i32, max: i32) {
    let w = 24.0;
    let f = (hp.max(0) as f32 / max as f32).clamp(0.0, 1.0);
    let left = at - Vec2::new(w / 2.0, 0.0);
    g.line_2d(
        left,
        left + Vec2::new(w, 0.0),
        Color::srgba(0.0, 0.0, 0.0, 0.6),
    );
    g.line_2d(
        left,
        left + Vec2::new(w * f, 0.0),
        Color::srgb(0.3, 1.0, 0.3),
    );
}

/// `--frames N` ends the run after N frames; with `--screenshot PATH` the window is
/// captured at frame N and the run ends once the file is written.
fn run_limit(
    mut commands: Commands,
    mut limit: ResMut<RunLimit>,
    mut exit: MessageWriter<AppExit>,
) {
    limit.frame += 1;
    let Some(n) = limit.frames else {
        return;
    };
    match limit.screenshot.clone() {
        None if limit.frame >= n => {
            exit.write(AppExit::Success);
        }
        Some(path) if limit.frame >= n && !limit.shot_requested => {
            limit.shot_requested = true;
            commands
                .spawn(Screenshot::primary_window())
                .observe(save_to_disk(path))
                .observe(|_: On<ScreenshotCaptured>, mut l: ResMut<RunLimit>| l.shot_done = true);
        }
        Some(_) if limit.shot_done || limit.frame > n + 600 => {
            if !limit.shot_done {
                eprintln!("game_demo: the screenshot was not captured within 600 frames");
            }
            exit.write(AppExit::Success);
        }
        _ => {}
    }
}

/// The HUD: level, score, health and coins on top; messages in the middle; the last
/// script error at the bottom (the game keeps running).
fn hud(
    mut contexts: EguiContexts,
    state: Res<GameState>,
    diag: Option<Res<LuaDiagnostics>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let frame = egui::Frame::NONE
        .fill(egui::Color32::from_black_alpha(170))
        .inner_margin(egui::Margin::symmetric(12, 6));
    egui::Area::new(egui::Id::new("hud"))
        .anchor(egui::Align2::LEFT_TOP, [8.0, 8.0])
        .interactable(false)
        .show(ctx, |ui| {
            frame.show(ui, |ui| {
                ui.horizontal(|ui| {
                    let big = |s: String| egui::RichText::new(s).size(18.0).strong();
                    ui.label(
                        big(format!(
                            "Level {}/{}: {}",
                            state.level, state.levels, state.level_name
                        ))
                        .color(egui::Color32::from_rgb(140, 200, 255)),
                    );
                    ui.separator();
                    ui.label(
                        big(format!("Score {}", state.score))
                            .color(egui::Color32::from_rgb(255, 215, 90)),
                    );
                    ui.separator();
                    ui.label(
                        big(format!("HP {}/{}", state.hp, state.max_hp))
                            .color(egui::Color32::from_rgb(255, 100, 110)),
                    );
                    let f = state.hp.max(0) as f32 / state.max_hp.max(1) as f32;
                    ui.add(
                        egui::ProgressBar::new(f)
                            .desired_width(90.0)
                            .fill(egui::Color32::from_rgb(200, 60, 70)),
                    );
                    ui.separator();
                    ui.label(big(format!("Coins left {}", state.coins_left)));
                    ui.separator();
                    ui.label(
                        egui::RichText::new("WASD/arrows move · Space pulse · F1 debugger")
                            .color(egui::Color32::GRAY),
                    );
                });
            });
        });
    if !state.message.is_empty() {
        egui::Area::new(egui::Id::new("message"))
            .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
            .interactable(false)
            .show(ctx, |ui| {
                egui::Frame::NONE
                    .fill(egui::Color32::from_black_alpha(160))
                    .corner_radius(6)
                    .inner_margin(egui::Margin::symmetric(14, 8))
                    .show(ui, |ui| {
                        ui.label(
                            egui::RichText::new(&state.message)
                                .size(22.0)
                                .color(egui::Color32::WHITE),
                        );
                    });
            });
    }
    if let Some(line) = diag.as_deref().and_then(error_line) {
        egui::Area::new(egui::Id::new("script_error"))
            .anchor(egui::Align2::LEFT_BOTTOM, [8.0, -8.0])
            .interactable(false)
            .show(ctx, |ui| {
                egui::Frame::NONE
                    .fill(egui::Color32::from_rgba_unmultiplied(90, 0, 0, 220))
                    .inner_margin(egui::Margin::symmetric(12, 4))
                    .show(ui, |ui| {
                        ui.label(
                            egui::RichText::new(line)
                                .monospace()
                                .color(egui::Color32::from_rgb(255, 200, 200)),
                        );
                    });
            });
    }
    Ok(())
}

/// The line the HUD shows for script errors: a file that does not compile, else an
/// error seen in the last few seconds.
pub fn error_line(d: &LuaDiagnostics) -> Option<String> {
    if let Some(e) = d.compile_errors.first() {
        return Some(format!(
            "script error (old code still running): {}:{}: {}",
            e.file, e.line, e.message
        ));
    }
    d.errors
        .iter()
        .filter(|e| d.frame.saturating_sub(e.last_frame) < 300)
        .max_by_key(|e| e.last_frame)
        .map(|e| {
            format!(
                "script error: {}:{}: {} (x{})",
                e.file, e.line, e.message, e.count
            )
        })
}
