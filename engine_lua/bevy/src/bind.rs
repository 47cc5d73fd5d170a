//! ECS bindings through `bevy_reflect`: entity handles, references into components
//! and resources by reflect path, the `world` object (`query`, `spawn`, `resource`,
//! `entity`, `send`), and the conversions between reflected values and Lua values.
//!
//! No per-component glue: any type registered with `#[reflect(Component)]` (or
//! `#[reflect(Resource)]`) is found by its short type path (`"Transform"`,
//! `"Time"` for `Time<()>`, `"ButtonInput<KeyCode>"`).
//!
//! # Reading and writing
//!
//! `entity.Transform` is a [`ValueRef`]: a live reference (entity, component, path)
//! read through the world on every access. Indexing a reference extends its path;
//! when the value found there is a struct, tuple or math type (`Vec2`, `Vec3`,
//! `Quat`) the result is again a reference, so `entity.Transform.translation.x = 5`
//! writes into the component. Other values (numbers, strings, enums, options,
//! lists, maps, sets) are copied into Lua values. `ref:get()` copies any reference.
//! A reference keeps its path as steps ([`RefPath`]); child references of structs
//! and tuples, and an entity handle's component references, are made once and
//! cached in the parent userdata, so a frame's accesses allocate nothing.
//!
//! The hot accesses skip reflection and the native call: a float field reached
//! through structs and tuples (`translation.x`) is found once by reflection, then read
//! and written at its byte offset through the component id ([`FastLeaf`]); cached
//! references and learnt leaves are served by frameless metamethod variants the
//! interpreter calls without a frame (`Vm::set_fast_meta`). Anything else, and every
//! error, takes the reflect path.
//!
//! Lua values go into reflected values through [`Lv`], a plain Rust copy made before
//! the world is borrowed (reading a Lua value may itself read the world).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use bevy::ecs::reflect::{AppTypeRegistry, ReflectCommandExt, ReflectComponent, ReflectResource};
use bevy::ecs::system::Commands;
use bevy::ecs::world::CommandQueue;
use bevy::math::{Quat, Vec2, Vec3};
use bevy::prelude::{Entity, World};
use bevy::reflect::enums::{DynamicEnum, DynamicVariant};
use bevy::reflect::std_traits::ReflectDefault;
use bevy::reflect::{PartialReflect, ReflectMut, ReflectRef};
use engine_lua::runtime::userdata::UserData as RtUserData;
use engine_lua::runtime::{Gc, NativeClosure, Ret, Value, Vm};
use engine_lua::{
    AnyUserData, Error, FromLua, Function, IntoLua, LuaValue, MetaMethod, Result, Table, UserData,
    UserDataMethods,
};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::math::{LuaQuat, LuaVec2, LuaVec3, MathValue};

/// A reflected component or resource type, found by name.
pub struct ReflTy {
    /// The name scripts use.
    pub name: String,
    /// The Rust type.
    pub type_id: std::any::TypeId,
    /// Reflect access to the component (resources are components on their entity).
    pub component: ReflectComponent,
    /// Whether the type is a resource.
    pub is_resource: bool,
    /// How to make a default value (for `spawn` and `insert`).
    pub default: Option<ReflectDefault>,
    /// The root of the type's path tree (references share its nodes).
    pub root: Rc<RefPath>,
    /// The component id in the world, once known.
    pub component_id: std::cell::Cell<Option<bevy::ecs::component::ComponentId>>,
}

impl ReflTy {
    /// The component id in `world` (looked up once, then cached).
    pub fn id(&self, world: &World) -> Option<bevy::ecs::component::ComponentId> {
        match self.component_id.get() {
            Some(id) => Some(id),
            None => {
                let id = world.components().get_id(self.type_id);
                self.component_id.set(id);
                id
            }
        }
    }

    /// Whether the entity has this component (by its id once the world knows it: no
    /// type-id map lookup per call).
    pub fn on(&self, world: &World, er: bevy::ecs::world::EntityRef<'_>) -> bool {
        match self.id(world) {
            Some(id) => er.contains_id(id),
            None => self.component.contains(er),
        }
    }
}

/// A type-erased Bevy message type scripts can send and receive by name.
#[derive(Clone)]
pub struct LuaMessageType {
    /// The short type path (`"Damage"`).
    pub name: String,
    /// Writes a message built from a Lua value.
    pub write: fn(&mut World, &Lv) -> Result<()>,
    /// Makes a reader that starts at the oldest buffered message.
    pub reader: fn() -> Box<dyn MessageSource>,
}

/// Reads new messages of one type as [`Lv`] values.
pub trait MessageSource {
    /// Calls `out` for every message written since the last call.
    fn read(&mut self, world: &World, out: &mut dyn FnMut(Lv));
}

/// Where a scheduler coroutine waits.
#[derive(Clone, Debug)]
pub enum Wait {
    /// Resume at once (just started).
    Ready,
    /// Resume on this frame number or later.
    Frame(u64),
    /// Resume when the script clock reaches this many seconds.
    Time(f64),
    /// Resume when the function returns a true value.
    Until(Function),
}

/// The scheduler's state shared with the `wait*` and `start` host functions.
#[derive(Default)]
pub struct SchedCtx {
    /// The script whose code runs now.
    pub current_owner: Option<u64>,
    /// The scheduler coroutine that runs now.
    pub current_co: Option<u64>,
    /// What the running coroutine asked to wait for, and where it was suspended.
    pub pending: Option<(Wait, String)>,
    /// Coroutines started by `start`: (id, owner, function, where started).
    pub spawned: Vec<(u64, Option<u64>, Function, String)>,
    /// Coroutines stopped by `stop`.
    pub cancelled: Vec<u64>,
    /// The next coroutine id.
    pub next_id: u64,
    /// The frame number.
    pub frame: u64,
    /// The script clock (sum of frame deltas), seconds.
    pub time: f64,
}

/// Who loaded a module (its dependents are reloaded when it changes).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// A script instance.
    Script(u64),
    /// Another module.
    Module(String),
}

/// A module loaded by `require`.
pub struct Module {
    /// File, relative to the script root, with `/` separators.
    pub path: String,
    /// The module's own environment.
    pub env: Table,
    /// What the chunk returned (`None` while it loads).
    pub value: Option<LuaValue>,
    /// Scripts and modules that required it.
    pub dependents: std::collections::BTreeSet<Owner>,
}

/// State shared by the runtime and every host function (captured as `Rc<Ctx>`).
pub struct Ctx {
    /// The world while a plugin system runs (swapped in); an empty world otherwise.
    pub world: RefCell<World>,
    /// Commands from scripts (`spawn`, `despawn`, `insert`, `remove`).
    pub queue: RefCell<CommandQueue>,
    /// The app's type registry.
    pub registry: AppTypeRegistry,
    types: RefCell<HashMap<String, Option<Rc<ReflTy>>>>,
    /// The empty path (a whole component or resource), shared.
    pub root_path: Rc<RefPath>,
    /// Message types by name.
    pub messages: HashMap<String, LuaMessageType>,
    /// Events sent by scripts that are not Bevy messages: delivered to `on_event`.
    pub emitted: RefCell<Vec<(String, LuaValue)>>,
    /// Scheduler state.
    pub sched: RefCell<SchedCtx>,
    /// Modules by name.
    pub modules: RefCell<HashMap<String, Module>>,
    /// Who is loading code now (top: the requiring owner).
    pub loading: RefCell<Vec<Owner>>,
    /// The script root folder.
    pub root: PathBuf,
    /// The shared globals table.
    pub globals: RefCell<Option<Table>>,
    /// Entity handles by entity bits (weak values; see [`entity_value`]).
    pub handles: RefCell<Option<Table>>,
}

fn despawned(e: Entity) -> Error {
    Error::runtime(format!("entity {e} does not exist (despawned?)"))
}

impl Ctx {
    /// A context with an empty placeholder world.
    pub fn new(registry: AppTypeRegistry, messages: Vec<LuaMessageType>, root: PathBuf) -> Self {
        Ctx {
            world: RefCell::new(World::new()),
            queue: RefCell::new(CommandQueue::default()),
            registry,
            types: RefCell::default(),
            root_path: Rc::new(RefPath::default()),
            messages: messages.into_iter().map(|m| (m.name.clone(), m)).collect(),
            emitted: RefCell::default(),
            sched: RefCell::default(),
            modules: RefCell::default(),
            loading: RefCell::default(),
            root,
            globals: RefCell::new(None),
            handles: RefCell::new(None),
        }
    }

    /// The reflected type scripts call `name`, or `None`.
    pub fn lookup(&self, name: &str) -> Option<Rc<ReflTy>> {
        if let Some(t) = self.types.borrow().get(name) {
            return t.clone();
        }
        let reg = self.registry.read();
        let r = reg
            .get_with_short_type_path(name)
            .or_else(|| reg.get_with_type_path(name))
            .or_else(|| reg.get_with_short_type_path(&format!("{name}<()>")));
        let t = r.and_then(|r| {
            Some(Rc::new(ReflTy {
                name: name.to_string(),
                type_id: r.type_id(),
                component: r.data::<ReflectComponent>()?.clone(),
                is_resource: r.data::<ReflectResource>().is_some(),
                default: r.data::<ReflectDefault>().cloned(),
                root: Rc::default(),
                component_id: std::cell::Cell::new(None),
            }))
        });
        drop(reg);
        self.types.borrow_mut().insert(name.to_string(), t.clone());
        t
    }

    /// As [`Ctx::lookup`], with the error scripts see.
    pub fn lookup_or_err(&self, name: &str) -> Result<Rc<ReflTy>> {
        self.lookup(name).ok_or_else(|| {
            Error::runtime(format!(
                "unknown component or resource '{name}' (register it with app.register_type and #[reflect(Component)] or #[reflect(Resource)])"
            ))
        })
    }

    fn entity_of(&self, world: &World, t: &Target) -> Result<Entity> {
        match t {
            Target::Component(e, _) => Ok(*e),
            Target::Resource(ty) => world
                .components()
                .get_id(ty.type_id)
                .and_then(|c| world.resource_entities().get(c))
                .ok_or_else(|| {
                    Error::runtime(format!("resource '{}' is not in the world", ty.name))
                }),
        }
    }

    /// Runs `f` on the value at `path` inside the target.
    pub fn read<R>(
        &self,
        t: &Target,
        path: &RefPath,
        f: impl FnOnce(&dyn PartialReflect) -> Result<R>,
    ) -> Result<R> {
        let world = self.world.borrow();
        let e = self.entity_of(&world, t)?;
        let er = world.get_entity(e).map_err(|_| despawned(e))?;
        let ty = t.ty();
        let r = ty.component.reflect(er).ok_or_else(|| missing(e, ty))?;
        f(path.resolve(r.as_partial_reflect(), ty)?)
    }

    /// Runs `f` on the value at `path` inside the target, mutably.
    pub fn write<R>(
        &self,
        t: &Target,
        path: &RefPath,
        f: impl FnOnce(&mut dyn PartialReflect) -> Result<R>,
    ) -> Result<R> {
        let mut world = self.world.borrow_mut();
        let e = self.entity_of(&world, t)?;
        let ew = world.get_entity_mut(e).map_err(|_| despawned(e))?;
        let ty = t.ty();
        let mut r = ty.component.reflect_mut(ew).ok_or_else(|| missing(e, ty))?;
        f(path.resolve_mut(r.as_partial_reflect_mut(), ty)?)
    }

    /// Reads the float leaf of entity `e`'s component `ty` at `leaf` through its
    /// component id and byte offset (no reflection); `None` when the leaf is not known
    /// to be such a float, the entity or component is missing, or the world is
    /// borrowed (the reflect path then runs and reports any error).
    // Unsafe for speed: typed access at a learnt offset instead of a reflect lookup
    // by type and field names (frame bench, see the commit that added it).
    #[allow(unsafe_code)]
    #[inline]
    pub fn read_fast(&self, e: Entity, ty: &ReflTy, leaf: FastLeaf) -> Option<Value> {
        let (off, wide) = leaf.slot()?;
        let id = ty.component_id.get()?;
        let world = self.world.try_borrow().ok()?;
        let p = world.get_entity(e).ok()?.get_by_id(id).ok()?.as_ptr();
        // SAFETY: `leaf` was learnt by `learn_leaf` for this component type: an `f32`
        // (`wide`: `f64`) lies at `off` bytes from the start of every value of the
        // type (reached through fixed-shape fields stored inline, see `leaf_slot`), so
        // the read is in bounds and aligned; `p` points to the entity's component of
        // id `id`, which is of that type, borrowed shared from the world for this read.
        let x = unsafe {
            if wide {
                *p.add(off).cast::<f64>()
            } else {
                *p.add(off).cast::<f32>() as f64
            }
        };
        Some(Value::Num(x))
    }

    /// Writes a number into the float leaf of entity `e`'s component `ty` at `leaf`
    /// (marking the component changed); `None` as for [`Ctx::read_fast`], or when `v`
    /// is not a number.
    #[allow(unsafe_code)]
    #[inline]
    pub fn write_fast(&self, e: Entity, ty: &ReflTy, leaf: FastLeaf, v: Value) -> Option<()> {
        let x = match v {
            Value::Num(n) => n,
            Value::Int(i) => i as f64,
            _ => return None,
        };
        let (off, wide) = leaf.slot()?;
        let id = ty.component_id.get()?;
        let mut world = self.world.try_borrow_mut().ok()?;
        let p = world.get_mut_by_id(e, id)?.into_inner().as_ptr();
        // SAFETY: as in `read_fast`; the pointer comes from the world's mutable borrow
        // of this one component (change ticks set by `into_inner`), held for this write.
        unsafe {
            if wide {
                *p.add(off).cast::<f64>() = x;
            } else {
                *p.add(off).cast::<f32>() = x as f32;
            }
        }
        Some(())
    }

    /// Finds out once where the value at `path` lives in component `ty` (read from
    /// entity `e`'s value) and records it in the path node (see [`FastLeaf`]).
    fn learn_leaf(&self, e: Entity, ty: &ReflTy, path: &RefPath) {
        if path.leaf.get() != FastLeaf::Unknown {
            return;
        }
        let Ok(world) = self.world.try_borrow() else {
            return;
        };
        let Some(id) = ty.id(&world) else {
            return;
        };
        let Ok(er) = world.get_entity(e) else {
            return;
        };
        let (Some(r), Ok(p)) = (ty.component.reflect(er), er.get_by_id(id)) else {
            return;
        };
        let root = r.as_partial_reflect();
        // The reflected value must be the stored component itself.
        let leaf = if std::ptr::addr_eq(root as *const dyn PartialReflect, p.as_ptr()) {
            leaf_slot(root, &path.steps)
        } else {
            FastLeaf::No
        };
        path.leaf.set(leaf);
    }

    /// Applies the queued commands to the world.
    pub fn flush(&self) {
        let mut q = self.queue.borrow_mut();
        if !q.is_empty() {
            q.apply(&mut self.world.borrow_mut());
        }
    }

    /// Builds a component value of type `ty` from `v` (its default, then `v` applied).
    fn build(&self, ty: &ReflTy, v: &Lv) -> Result<Box<dyn PartialReflect>> {
        let d = ty.default.as_ref().ok_or_else(|| {
            Error::runtime(format!(
                "cannot make a '{}' from Lua: it has no #[reflect(Default)]",
                ty.name
            ))
        })?;
        let mut b = d.default().into_partial_reflect();
        apply_lv(&mut *b, v, &ty.name)?;
        Ok(b)
    }
}

fn missing(e: Entity, ty: &ReflTy) -> Error {
    if ty.is_resource {
        Error::runtime(format!("resource '{}' is not in the world", ty.name))
    } else {
        Error::runtime(format!("entity {e} has no component '{}'", ty.name))
    }
}

fn path_err(ty: &ReflTy, path: &str, err: impl std::fmt::Display) -> Error {
    Error::runtime(format!("{}.{path}: no such field ({err})", ty.name))
}

/// One step of a [`RefPath`]: a named field (struct or enum variant field) or a
/// position (tuple, tuple struct, list, array, enum variant field; from 0).
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// A named field.
    Name(Box<str>),
    /// A position, from 0.
    Index(usize),
}

/// A key a script indexes a reference with, borrowed from the Lua value.
#[derive(Clone, Copy, Debug)]
pub enum Key<'a> {
    /// A field name.
    Name(&'a str),
    /// A 0-based position (Lua's `[1]` is position 0).
    Index(usize),
}

impl<'a> Key<'a> {
    /// The key for a Lua value (strings name fields, integers from 1 are positions).
    pub fn of(v: &'a Value) -> Result<Key<'a>> {
        match v {
            Value::Str(s) => std::str::from_utf8(s.get().as_bytes())
                .map(Key::Name)
                .map_err(|_| Error::runtime("component field names are UTF-8 strings")),
            Value::Int(i) if *i >= 1 => Ok(Key::Index(*i as usize - 1)),
            Value::Num(n) if n.fract() == 0.0 && *n >= 1.0 && *n < 9.0e15 => {
                Ok(Key::Index(*n as usize - 1))
            }
            Value::Int(_) | Value::Num(_) => {
                Err(Error::runtime("component elements are numbered from 1"))
            }
            _ => Err(Error::runtime(
                "component fields are indexed by names or integers",
            )),
        }
    }

    fn step(self) -> Step {
        match self {
            Key::Name(n) => Step::Name(n.into()),
            Key::Index(i) => Step::Index(i),
        }
    }
}

/// The child of a reflected value at `key`, or `None` when it has none there.
/// Names that are numbers also reach positional fields (`"0"` on a tuple struct).
pub fn child_of<'a>(v: &'a dyn PartialReflect, key: Key<'_>) -> Option<&'a dyn PartialReflect> {
    match (v.reflect_ref(), key) {
        (ReflectRef::Struct(s), Key::Name(n)) => s.field(n),
        (ReflectRef::Enum(e), Key::Name(n)) => e.field(n),
        (ReflectRef::Enum(e), Key::Index(i)) => e.field_at(i),
        (ReflectRef::TupleStruct(t), Key::Index(i)) => t.field(i),
        (ReflectRef::Tuple(t), Key::Index(i)) => t.field(i),
        (ReflectRef::List(l), Key::Index(i)) => l.get(i),
        (ReflectRef::Array(a), Key::Index(i)) => a.get(i),
        (ReflectRef::TupleStruct(_) | ReflectRef::Tuple(_), Key::Name(n)) => {
            child_of(v, Key::Index(n.parse().ok()?))
        }
        _ => None,
    }
}

/// As [`child_of`], mutably.
pub fn child_of_mut<'a>(
    v: &'a mut dyn PartialReflect,
    key: Key<'_>,
) -> Option<&'a mut dyn PartialReflect> {
    if let (Key::Name(n), ReflectRef::TupleStruct(_) | ReflectRef::Tuple(_)) =
        (key, v.reflect_ref())
    {
        return child_of_mut(v, Key::Index(n.parse().ok()?));
    }
    match (v.reflect_mut(), key) {
        (ReflectMut::Struct(s), Key::Name(n)) => s.field_mut(n),
        (ReflectMut::Enum(e), Key::Name(n)) => e.field_mut(n),
        (ReflectMut::Enum(e), Key::Index(i)) => e.field_at_mut(i),
        (ReflectMut::TupleStruct(t), Key::Index(i)) => t.field_mut(i),
        (ReflectMut::Tuple(t), Key::Index(i)) => t.field_mut(i),
        (ReflectMut::List(l), Key::Index(i)) => l.get_mut(i),
        (ReflectMut::Array(a), Key::Index(i)) => a.get_mut(i),
        _ => None,
    }
}

/// What the value at a path is, once known: a plain value (copied when read) or a
/// value read through a child reference. Known only below fixed shapes (structs,
/// tuples), whose field types cannot change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PathKind {
    /// Not known yet (or not fixed).
    #[default]
    Unknown,
    /// Copied when read.
    Leaf,
    /// A child reference (cached in its parent reference).
    Ref,
}

/// Where the value at a path lives inside every value of its component type, once
/// known: a float stored inline at a byte offset, read and written through the
/// component id with no reflection ([`Ctx::read_fast`], [`Ctx::write_fast`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FastLeaf {
    /// Not found out yet.
    #[default]
    Unknown,
    /// Not a float stored inline: the reflect path serves it.
    No,
    /// An `f32` at this byte offset.
    F32(usize),
    /// An `f64` at this byte offset.
    F64(usize),
}

impl FastLeaf {
    /// The offset and whether the float is an `f64`.
    #[inline]
    fn slot(self) -> Option<(usize, bool)> {
        match self {
            FastLeaf::F32(o) => Some((o, false)),
            FastLeaf::F64(o) => Some((o, true)),
            FastLeaf::Unknown | FastLeaf::No => None,
        }
    }
}

/// Where the float at `steps` lives inside `root`: every step must go through a
/// struct, tuple struct or tuple (fixed shapes, whose reflected fields are their own
/// inline fields, as derived `Reflect` gives) and land inside its parent's bytes.
fn leaf_slot(root: &dyn PartialReflect, steps: &[Step]) -> FastLeaf {
    let addr = |v: &dyn PartialReflect| (v as *const dyn PartialReflect).cast::<u8>() as usize;
    let base = addr(root);
    let mut v = root;
    for s in steps {
        if !matches!(
            v.reflect_ref(),
            ReflectRef::Struct(_) | ReflectRef::TupleStruct(_) | ReflectRef::Tuple(_)
        ) {
            return FastLeaf::No;
        }
        let Some(c) = child_of(v, RefPath::key(s)) else {
            return FastLeaf::No;
        };
        let (p0, p1) = (addr(v), addr(v) + std::mem::size_of_val(v));
        let (c0, c1) = (addr(c), addr(c) + std::mem::size_of_val(c));
        if c0 < p0 || c1 > p1 {
            return FastLeaf::No;
        }
        v = c;
    }
    let off = addr(v) - base;
    if v.try_downcast_ref::<f32>().is_some() {
        FastLeaf::F32(off)
    } else if v.try_downcast_ref::<f64>().is_some() {
        FastLeaf::F64(off)
    } else {
        FastLeaf::No
    }
}

/// A child of a [`RefPath`] node: its key, its node, and what it holds.
#[derive(Debug)]
struct ChildPath {
    key: Step,
    path: Rc<RefPath>,
    kind: std::cell::Cell<PathKind>,
    /// The key was read through `__index` and is not a method name.
    not_method: std::cell::Cell<bool>,
    /// A name key's interned Lua string, once seen, kept alive by `key_anchor`:
    /// equal short strings are the same object, so a short key matches by address.
    key_addr: std::cell::Cell<usize>,
    key_anchor: RefCell<Option<LuaValue>>,
}

impl ChildPath {
    /// Whether this child's key is `key`.
    #[inline]
    fn is(&self, key: &Value) -> bool {
        match (&self.key, key) {
            (Step::Name(n), Value::Str(s)) => {
                let a = self.key_addr.get();
                if a != 0 && s.get().is_short() {
                    return s.addr() == a;
                }
                n.as_bytes() == s.get().as_bytes()
            }
            (Step::Index(i), Value::Int(k)) => *k >= 1 && (*k - 1) as usize == *i,
            _ => false,
        }
    }
}

/// A path inside a component or resource: its steps, and its text for messages
/// (`translation.x`, `items[0]`). Paths form one tree per type (rooted at
/// [`ReflTy::root`]): a child is made once, on first use, and shared by every
/// reference with that path, so indexing finds it by a short scan of its parent's
/// children, with no string built or parsed.
#[derive(Debug, Default)]
pub struct RefPath {
    /// The path as text (empty: the whole value).
    pub text: String,
    steps: Vec<Step>,
    children: RefCell<Vec<ChildPath>>,
    /// Where the value lives in the component, once known.
    leaf: std::cell::Cell<FastLeaf>,
}

impl RefPath {
    /// Whether this is the whole value.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The known child at `key`: what it holds, whether `key` is known not to be a
    /// method name, and where its value lives (no allocation, no reference count).
    #[inline]
    fn known_child(&self, key: &Value) -> Option<(PathKind, bool, FastLeaf)> {
        let children = self.children.try_borrow().ok()?;
        let c = children.iter().find(|c| c.is(key))?;
        Some((c.kind.get(), c.not_method.get(), c.path.leaf.get()))
    }

    /// The child node at `key` (a string or an integer from 1) and what it holds;
    /// `indexed`: the key is read through `__index` after the methods missed.
    fn child_for(&self, key: &Value, indexed: bool) -> Result<(Rc<RefPath>, PathKind)> {
        {
            let children = self.children.borrow();
            let found = children.iter().find(|c| c.is(key));
            if let Some(c) = found {
                if indexed {
                    c.not_method.set(true);
                }
                return Ok((c.path.clone(), c.kind.get()));
            }
        }
        let k = Key::of(key)?;
        let step = k.step();
        let mut steps = Vec::with_capacity(self.steps.len() + 1);
        steps.extend(self.steps.iter().cloned());
        steps.push(step.clone());
        let path = Rc::new(RefPath {
            text: child_text(&self.text, k),
            steps,
            children: RefCell::default(),
            leaf: std::cell::Cell::default(),
        });
        self.children.borrow_mut().push(ChildPath {
            key: step,
            path: path.clone(),
            kind: std::cell::Cell::new(PathKind::Unknown),
            not_method: std::cell::Cell::new(indexed),
            key_addr: std::cell::Cell::new(0),
            key_anchor: RefCell::new(None),
        });
        Ok((path, PathKind::Unknown))
    }

    /// Anchors the short string `key` in the child that has it, so that the child
    /// matches it by address from now on.
    fn remember_key(&self, vm: &mut Vm, key: Value) {
        let Value::Str(s) = key else {
            return;
        };
        if !s.get().is_short() {
            return;
        }
        let children = self.children.borrow();
        if let Some(c) = children
            .iter()
            .find(|c| c.key_addr.get() == 0 && c.is(&key))
        {
            *c.key_anchor.borrow_mut() = Some(LuaValue::from_raw(vm, key));
            c.key_addr.set(s.addr());
        }
    }

    /// Records what the child at `key` holds (its parent has a fixed shape).
    fn set_kind(&self, child: &Rc<RefPath>, kind: PathKind) {
        if let Some(c) = self
            .children
            .borrow()
            .iter()
            .find(|c| Rc::ptr_eq(&c.path, child))
        {
            c.kind.set(kind);
        }
    }

    /// The last step as a key.
    fn last_key(&self) -> Option<Key<'_>> {
        self.steps.last().map(Self::key)
    }

    fn key(s: &Step) -> Key<'_> {
        match s {
            Step::Name(n) => Key::Name(n),
            Step::Index(i) => Key::Index(*i),
        }
    }

    /// The value at this path inside `v`.
    pub fn resolve<'a>(
        &self,
        mut v: &'a dyn PartialReflect,
        ty: &ReflTy,
    ) -> Result<&'a dyn PartialReflect> {
        for s in &self.steps {
            v = child_of(v, Self::key(s)).ok_or_else(|| self.not_found(ty))?;
        }
        Ok(v)
    }

    /// The value at this path inside `v`, mutably.
    pub fn resolve_mut<'a>(
        &self,
        mut v: &'a mut dyn PartialReflect,
        ty: &ReflTy,
    ) -> Result<&'a mut dyn PartialReflect> {
        for s in &self.steps {
            v = child_of_mut(v, Self::key(s)).ok_or_else(|| self.not_found(ty))?;
        }
        Ok(v)
    }

    fn not_found(&self, ty: &ReflTy) -> Error {
        path_err(ty, &self.text, "not in this value")
    }

    /// A child path (made on first use); for hosts and tools.
    pub fn child(&self, key: &Value) -> Result<Rc<RefPath>> {
        self.child_for(key, false).map(|(p, _)| p)
    }
}

/// The text of `parent` extended by `key` (`translation` + `x` = `translation.x`).
fn child_text(parent: &str, key: Key<'_>) -> String {
    match key {
        Key::Name(k) if parent.is_empty() => k.to_string(),
        Key::Name(k) => format!("{parent}.{k}"),
        Key::Index(i) => format!("{parent}[{i}]"),
    }
}

/// What a reference points into.
#[derive(Clone)]
pub enum Target {
    /// A component of an entity.
    Component(Entity, Rc<ReflTy>),
    /// A resource.
    Resource(Rc<ReflTy>),
}

impl Target {
    fn ty(&self) -> &ReflTy {
        match self {
            Target::Component(_, t) | Target::Resource(t) => t,
        }
    }
}

/// A live reference to a value inside a component or resource.
#[derive(Clone)]
pub struct ValueRef {
    /// The shared context.
    pub ctx: Rc<Ctx>,
    /// The component or resource.
    pub target: Target,
    /// The reflect path inside it (empty: the whole value).
    pub path: Rc<RefPath>,
}

impl ValueRef {
    /// Reads the referenced value as a math operand.
    pub fn read_math(&self) -> Result<MathValue> {
        self.ctx
            .read(&self.target, &self.path, |r| match lv_of_reflect(r)? {
                Lv::Math(m) => Ok(m),
                Lv::Num(n) => Ok(MathValue::Num(n as f32)),
                Lv::Int(n) => Ok(MathValue::Num(n as f32)),
                _ => Err(Error::runtime(format!(
                    "{}: not a number, Vec2, Vec3 or Quat",
                    self.describe()
                ))),
            })
    }

    fn describe(&self) -> String {
        if self.path.is_empty() {
            self.target.ty().name.clone()
        } else {
            format!("{}.{}", self.target.ty().name, self.path.text)
        }
    }

    fn describe_child(&self, key: Key<'_>) -> String {
        format!(
            "{}.{}",
            self.target.ty().name,
            child_text(&self.path.text, key)
        )
    }

    fn no_field(&self, parent: &dyn PartialReflect, key: Key<'_>) -> Error {
        Error::runtime(format!(
            "{}: no such field ({} has none)",
            self.describe_child(key),
            parent.reflect_short_type_path()
        ))
    }
}

impl UserData for ValueRef {
    fn add_methods(m: &mut UserDataMethods<'_, Self>) {
        crate::math::add_arith(m);
        m.add_method("get", |vm, r, ()| {
            let lv = r.ctx.read(&r.target, &r.path, lv_of_reflect)?;
            lv_to_lua(vm, &r.ctx, &lv)
        });
        m.add_method("set", |vm, r, v: Value| {
            let lv = lv_of_lua(vm, v, 0)?;
            let what = r.describe();
            r.ctx.write(&r.target, &r.path, |t| apply_lv(t, &lv, &what))
        });
        m.add_method("path", |_, r, ()| Ok(r.describe()));
    }
}

/// Borrows the `T` inside a userdata value without making a handle.
pub fn ud_ref<T: 'static>(v: &Value) -> Option<std::cell::Ref<'_, T>> {
    match v {
        Value::UserData(u) => u.get().data.downcast_ref::<RefCell<T>>()?.try_borrow().ok(),
        _ => None,
    }
}

/// The reference cached under `key` in a userdata's cache (its user value).
#[inline]
fn cache_get(ud: Gc<RtUserData>, key: Value) -> Option<Value> {
    match ud.get().user_values.first() {
        Some(Value::Table(t)) => match t.get().get(key) {
            v @ Value::UserData(_) => Some(v),
            _ => None,
        },
        _ => None,
    }
}

/// Caches `v` under `key` in a userdata's cache table (made on first use).
fn cache_put(vm: &mut Vm, ud: Gc<RtUserData>, key: Value, v: Value) -> Result<()> {
    let u = AnyUserData::from_gc(vm, ud);
    let t = match u.user_value::<Option<Table>>(vm)? {
        Some(t) => t,
        None => {
            let t = vm.create_table();
            u.set_user_value(vm, &t)?;
            t
        }
    };
    t.raw_set(vm, key, v)
}

/// Whether a value is returned as a reference (rather than copied) when indexed.
fn is_ref_kind(r: &dyn PartialReflect) -> bool {
    if r.try_downcast_ref::<Vec3>().is_some()
        || r.try_downcast_ref::<Vec2>().is_some()
        || r.try_downcast_ref::<Quat>().is_some()
    {
        return true;
    }
    match r.reflect_ref() {
        ReflectRef::Struct(_) | ReflectRef::Tuple(_) => true,
        ReflectRef::TupleStruct(ts) => ts.field_len() > 1,
        _ => false,
    }
}

/// `ref[key]`: a child reference (made once and cached in the parent reference when
/// the parent's shape is fixed: a struct or tuple) or a copy of a plain value.
fn ref_index(vm: &mut Vm, ud: Gc<RtUserData>, r: &ValueRef, key: Value) -> Result<Value> {
    let (child, kind) = r.path.child_for(&key, true)?;
    r.path.remember_key(vm, key);
    match kind {
        PathKind::Ref => {
            if let Some(c) = cache_get(ud, key) {
                return Ok(c);
            }
        }
        PathKind::Leaf => {
            if let Target::Component(e, ty) = &r.target {
                r.ctx.learn_leaf(*e, ty, &child);
                if let Some(v) = r.ctx.read_fast(*e, ty, child.leaf.get()) {
                    return Ok(v);
                }
            }
            let lv = r.ctx.read(&r.target, &child, lv_of_reflect)?;
            return lv_to_lua(vm, &r.ctx, &lv);
        }
        PathKind::Unknown => {}
    }
    let k = child.last_key().expect("a child has a step");
    let (out, fixed) = r.ctx.read(&r.target, &r.path, |parent| {
        let fixed = matches!(
            parent.reflect_ref(),
            ReflectRef::Struct(_) | ReflectRef::TupleStruct(_) | ReflectRef::Tuple(_)
        );
        let v = child_of(parent, k).ok_or_else(|| r.no_field(parent, k))?;
        if is_ref_kind(v) {
            Ok((None, fixed))
        } else {
            lv_of_reflect(v).map(|lv| (Some(lv), fixed))
        }
    })?;
    if fixed {
        let kind = if out.is_some() {
            PathKind::Leaf
        } else {
            PathKind::Ref
        };
        r.path.set_kind(&child, kind);
    }
    match out {
        Some(lv) => lv_to_lua(vm, &r.ctx, &lv),
        None => {
            let c = ValueRef {
                ctx: r.ctx.clone(),
                target: r.target.clone(),
                path: child,
            };
            let v = vm.create_userdata(c)?.into_lua(vm)?;
            if fixed {
                cache_put(vm, ud, key, v)?;
            }
            Ok(v)
        }
    }
}

/// Stores a Lua number into a float field directly; `None`: not a float field.
#[inline]
fn set_float(t: &mut dyn PartialReflect, v: Value) -> Option<()> {
    let x = match v {
        Value::Num(n) => n,
        Value::Int(i) => i as f64,
        _ => return None,
    };
    if let Some(f) = t.try_downcast_mut::<f32>() {
        *f = x as f32;
        return Some(());
    }
    if let Some(f) = t.try_downcast_mut::<f64>() {
        *f = x;
        return Some(());
    }
    None
}

/// `ref[key] = v`: writes through reflection into the world.
fn ref_newindex(
    vm: &mut Vm,
    _ud: Gc<RtUserData>,
    r: &ValueRef,
    key: Value,
    v: Value,
) -> Result<()> {
    let (child, _) = r.path.child_for(&key, false)?;
    r.path.remember_key(vm, key);
    let what = || r.describe_child(child.last_key().expect("a child has a step"));
    if let Value::Num(_) | Value::Int(_) = v {
        if let Target::Component(e, ty) = &r.target {
            r.ctx.learn_leaf(*e, ty, &child);
            if r.ctx.write_fast(*e, ty, child.leaf.get(), v).is_some() {
                return Ok(());
            }
        }
        return r.ctx.write(&r.target, &child, |t| {
            if set_float(t, v).is_some() {
                return Ok(());
            }
            let lv = match v {
                Value::Int(i) => Lv::Int(i),
                Value::Num(n) => Lv::Num(n),
                _ => Lv::Nil,
            };
            apply_lv(t, &lv, &what())
        });
    }
    let lv = lv_of_lua(vm, v, 0)?;
    r.ctx
        .write(&r.target, &child, |t| apply_lv(t, &lv, &what()))
}

/// A script's handle to an entity.
#[derive(Clone)]
pub struct EntityHandle {
    /// The shared context.
    pub ctx: Rc<Ctx>,
    /// The entity.
    pub entity: Entity,
}

impl UserData for EntityHandle {
    fn add_methods(m: &mut UserDataMethods<'_, Self>) {
        m.add_method("id", |_, h, ()| Ok(h.entity.to_bits() as i64));
        m.add_method("alive", |_, h, ()| {
            Ok(h.ctx.world.borrow().get_entity(h.entity).is_ok())
        });
        m.add_method("despawn", |_, h, ()| {
            if h.ctx.world.borrow().get_entity(h.entity).is_err() {
                return Err(despawned(h.entity));
            }
            let world = h.ctx.world.borrow();
            let mut q = h.ctx.queue.borrow_mut();
            Commands::new(&mut q, &world).entity(h.entity).despawn();
            Ok(())
        });
        m.add_method("has", |_, h, name: String| {
            let ty = h.ctx.lookup_or_err(&name)?;
            let world = h.ctx.world.borrow();
            let er = world
                .get_entity(h.entity)
                .map_err(|_| despawned(h.entity))?;
            Ok(ty.component.contains(er))
        });
        m.add_method("get", |vm, h, name: String| {
            let ty = h.ctx.lookup_or_err(&name)?;
            let t = Target::Component(h.entity, ty);
            let lv = h.ctx.read(&t, &h.ctx.root_path, lv_of_reflect)?;
            lv_to_lua(vm, &h.ctx, &lv)
        });
        m.add_method("insert", |vm, h, (name, v): (String, Value)| {
            let lv = lv_of_lua(vm, v, 0)?;
            insert_component(&h.ctx, h.entity, &name, &lv)
        });
        m.add_method("remove", |_, h, name: String| {
            let ty = h.ctx.lookup_or_err(&name)?;
            let mut world = h.ctx.world.borrow_mut();
            let mut ew = world
                .get_entity_mut(h.entity)
                .map_err(|_| despawned(h.entity))?;
            ty.component.remove(&mut ew);
            Ok(())
        });
        m.add_meta_method(MetaMethod::ToString, |_, h, ()| {
            Ok(format!("Entity({})", h.entity))
        });
        m.add_meta_function(MetaMethod::Eq, |_, (a, b): (Value, Value)| {
            let a = ud_ref::<EntityHandle>(&a).map(|h| h.entity);
            let b = ud_ref::<EntityHandle>(&b).map(|h| h.entity);
            Ok(matches!((a, b), (Some(a), Some(b)) if a == b))
        });
    }
}

fn insert_component(ctx: &Ctx, e: Entity, name: &str, lv: &Lv) -> Result<()> {
    let ty = ctx.lookup_or_err(name)?;
    let has = {
        let world = ctx.world.borrow();
        let er = world.get_entity(e).map_err(|_| despawned(e))?;
        ty.component.contains(er)
    };
    if has {
        let t = Target::Component(e, ty.clone());
        return ctx.write(&t, &ctx.root_path, |r| apply_lv(r, lv, name));
    }
    let b = ctx.build(&ty, lv)?;
    {
        let world = ctx.world.borrow();
        let mut q = ctx.queue.borrow_mut();
        Commands::new(&mut q, &world).entity(e).insert_reflect(b);
    }
    ctx.flush();
    Ok(())
}

/// `entity.Name`: a reference to the entity's component `Name` (`nil` when it has
/// none). The reference is made once per entity handle and component and cached in
/// the handle.
fn entity_index(vm: &mut Vm, ud: Gc<RtUserData>, h: &EntityHandle, key: Value) -> Result<Value> {
    let Value::Str(s) = key else {
        return Ok(Value::Nil);
    };
    if let Some(c) = cache_get(ud, key) {
        let world = h.ctx.world.borrow();
        let er = world
            .get_entity(h.entity)
            .map_err(|_| despawned(h.entity))?;
        let has = ud_ref::<ValueRef>(&c).is_some_and(|r| r.target.ty().on(&world, er));
        return Ok(if has { c } else { Value::Nil });
    }
    let name = std::str::from_utf8(s.get().as_bytes())
        .map_err(|_| Error::runtime("component names are UTF-8 strings"))?;
    let ty = h.ctx.lookup_or_err(name)?;
    let has = {
        let world = h.ctx.world.borrow();
        let er = world
            .get_entity(h.entity)
            .map_err(|_| despawned(h.entity))?;
        ty.component.contains(er)
    };
    if !has {
        return Ok(Value::Nil);
    }
    let v = vm
        .create_userdata(ValueRef {
            ctx: h.ctx.clone(),
            path: ty.root.clone(),
            target: Target::Component(h.entity, ty),
        })?
        .into_lua(vm)?;
    cache_put(vm, ud, key, v)?;
    Ok(v)
}

/// The `world` object scripts see.
pub struct WorldHandle {
    /// The shared context.
    pub ctx: Rc<Ctx>,
}

/// The entity's handle as a Lua value: one handle per entity while Lua holds it
/// (kept in a weak-valued table), so its cached component references are reused by
/// `world:query` loops and the handle is `rawequal` to itself everywhere.
pub fn entity_value(vm: &mut Vm, ctx: &Rc<Ctx>, e: Entity) -> Result<Value> {
    let key = Value::Int(e.to_bits() as i64);
    let handles = ctx.handles.borrow().clone();
    if let Some(t) = &handles
        && let Value::Table(g) = t.raw_value()
        && let v @ Value::UserData(_) = g.get().get(key)
    {
        return Ok(v);
    }
    let v = vm
        .create_userdata(EntityHandle {
            ctx: ctx.clone(),
            entity: e,
        })?
        .into_lua(vm)?;
    if let Some(t) = handles {
        t.raw_set(vm, key, v)?;
    }
    Ok(v)
}

impl UserData for WorldHandle {
    fn add_methods(m: &mut UserDataMethods<'_, Self>) {
        m.add_method("query", |vm, w, names: Vec<String>| {
            let mut ids = Vec::with_capacity(names.len());
            let ctx = w.ctx.clone();
            {
                let world = ctx.world.borrow();
                for n in &names {
                    let ty = ctx.lookup_or_err(n)?;
                    match world.components().get_id(ty.type_id) {
                        Some(c) => ids.push(c),
                        None => ids.push(bevy::ecs::component::ComponentId::new(usize::MAX)),
                    }
                }
            }
            let found: Vec<Entity> = {
                let world = ctx.world.borrow();
                let mut out = Vec::new();
                for a in world.archetypes().iter() {
                    if ids.iter().all(|c| a.contains(*c)) {
                        out.extend(a.entities().iter().map(|e| e.id()));
                    }
                }
                out
            };
            let i = std::cell::Cell::new(0usize);
            vm.create_function(move |vm, ()| {
                let k = i.get();
                i.set(k + 1);
                match found.get(k) {
                    Some(e) => entity_value(vm, &ctx, *e),
                    None => Ok(Value::Nil),
                }
            })
        });
        m.add_method("spawn", |vm, w, t: Option<Table>| {
            let mut comps = Vec::new();
            if let Some(t) = t {
                for pair in t.pairs::<String, Value>(vm).collect::<Vec<_>>() {
                    let (k, v) = pair?;
                    comps.push((k, v));
                }
            }
            let mut built = Vec::with_capacity(comps.len());
            for (k, v) in comps {
                let lv = lv_of_lua(vm, v, 0)?;
                let ty = w.ctx.lookup_or_err(&k)?;
                built.push(w.ctx.build(&ty, &lv)?);
            }
            let e = {
                let world = w.ctx.world.borrow();
                let mut q = w.ctx.queue.borrow_mut();
                let mut c = Commands::new(&mut q, &world);
                let mut ec = c.spawn_empty();
                for b in built {
                    ec.insert_reflect(b);
                }
                ec.id()
            };
            w.ctx.flush();
            entity_value(vm, &w.ctx, e)
        });
        m.add_method("entity", |vm, w, id: i64| {
            let e = Entity::try_from_bits(id as u64)
                .ok_or_else(|| Error::runtime(format!("{id} is not an entity id")))?;
            entity_value(vm, &w.ctx, e)
        });
        m.add_method("resource", |vm, w, name: String| {
            let ty = w.ctx.lookup_or_err(&name)?;
            if !ty.is_resource {
                return Err(Error::runtime(format!("'{name}' is not a resource")));
            }
            vm.create_userdata(ValueRef {
                ctx: w.ctx.clone(),
                path: ty.root.clone(),
                target: Target::Resource(ty),
            })?
            .into_lua(vm)
        });
        m.add_method("send", |vm, w, (name, data): (String, Value)| {
            send(vm, &w.ctx, name, data)
        });
        m.add_method("frame", |_, w, ()| Ok(w.ctx.sched.borrow().frame as i64));
        m.add_method("time", |_, w, ()| Ok(w.ctx.sched.borrow().time));
    }
}

/// `send(name, data)`: a registered Bevy message is written to the world (and comes
/// back to `on_event` through its reader); any other name is a script event.
pub fn send(vm: &mut Vm, ctx: &Rc<Ctx>, name: String, data: Value) -> Result<()> {
    if let Some(m) = ctx.messages.get(&name) {
        let lv = lv_of_lua(vm, data, 0)?;
        let mut world = ctx.world.borrow_mut();
        return (m.write)(&mut world, &lv);
    }
    let v = LuaValue::from_raw(vm, data);
    ctx.emitted.borrow_mut().push((name, v));
    Ok(())
}

/// A userdata type whose `__index`/`__newindex` [`patch_meta`] replaces.
trait Patched: UserData {
    /// `obj[key]` for keys that are not methods.
    fn index(vm: &mut Vm, ud: Gc<RtUserData>, this: &Self, key: Value) -> Result<Value>;
    /// `obj[key] = v`.
    fn newindex(vm: &mut Vm, ud: Gc<RtUserData>, this: &Self, key: Value, v: Value) -> Result<()>;
    /// `obj[key]` answered from what is already known (cached references, learnt
    /// leaves), with no error, allocation or Lua code; `None`: ask [`Patched::index`]
    /// (after the methods). Only keys that are not method names may be answered.
    fn fast_index(ud: Gc<RtUserData>, this: &Self, key: Value) -> Option<Value>;
    /// `obj[key] = v` in the same way; `None`: ask [`Patched::newindex`].
    fn fast_newindex(this: &Self, key: Value, v: Value) -> Option<()>;
}

impl Patched for ValueRef {
    fn index(vm: &mut Vm, ud: Gc<RtUserData>, this: &Self, key: Value) -> Result<Value> {
        ref_index(vm, ud, this, key)
    }
    fn newindex(vm: &mut Vm, ud: Gc<RtUserData>, this: &Self, key: Value, v: Value) -> Result<()> {
        ref_newindex(vm, ud, this, key, v)
    }
    #[inline]
    fn fast_index(ud: Gc<RtUserData>, this: &Self, key: Value) -> Option<Value> {
        let (kind, not_method, leaf) = this.path.known_child(&key)?;
        match (kind, &this.target) {
            // Cached only after the methods missed.
            (PathKind::Ref, _) => cache_get(ud, key),
            (PathKind::Leaf, Target::Component(e, ty)) if not_method => {
                this.ctx.read_fast(*e, ty, leaf)
            }
            _ => None,
        }
    }
    #[inline]
    fn fast_newindex(this: &Self, key: Value, v: Value) -> Option<()> {
        let (_, _, leaf) = this.path.known_child(&key)?;
        match &this.target {
            Target::Component(e, ty) => this.ctx.write_fast(*e, ty, leaf, v),
            Target::Resource(_) => None,
        }
    }
}

impl Patched for EntityHandle {
    fn index(vm: &mut Vm, ud: Gc<RtUserData>, this: &Self, key: Value) -> Result<Value> {
        entity_index(vm, ud, this, key)
    }
    fn newindex(vm: &mut Vm, _ud: Gc<RtUserData>, this: &Self, key: Value, v: Value) -> Result<()> {
        let name = String::from_lua(key, vm)?;
        let lv = lv_of_lua(vm, v, 0)?;
        insert_component(&this.ctx, this.entity, &name, &lv)
    }
    #[inline]
    fn fast_index(ud: Gc<RtUserData>, this: &Self, key: Value) -> Option<Value> {
        // Cached only after the methods missed.
        let c = cache_get(ud, key)?;
        let has = {
            let r = ud_ref::<ValueRef>(&c)?;
            let world = this.ctx.world.try_borrow().ok()?;
            let er = world.get_entity(this.entity).ok()?;
            r.target.ty().on(&world, er)
        };
        Some(if has { c } else { Value::Nil })
    }
    fn fast_newindex(_this: &Self, _key: Value, _v: Value) -> Option<()> {
        None
    }
}

/// Borrows the `T` of a metamethod's first operand.
fn operand<T: 'static>(u: &Value) -> Result<std::cell::Ref<'_, T>> {
    ud_ref::<T>(u).ok_or_else(|| {
        Error::runtime(format!(
            "expected a {} (or it is being modified)",
            std::any::type_name::<T>()
                .rsplit("::")
                .next()
                .unwrap_or("userdata")
        ))
    })
}

/// The Lua error a binding error raises (with the caller's position, as host
/// functions made by `create_function` do); a panic becomes an error too.
fn finish_native(
    vm: &mut Vm,
    r: std::thread::Result<Result<Option<Value>>>,
) -> engine_lua::runtime::LuaResult<Ret> {
    match r {
        Ok(Ok(Some(v))) => vm.ret(&[v]),
        Ok(Ok(None)) => vm.ret(&[]),
        Ok(Err(Error::External(m))) => Err(vm.error(m)),
        Ok(Err(e)) => Err(vm.error(e.to_string())),
        Err(p) => {
            let m = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(vm.error(format!("panic in host function: {m}")))
        }
    }
}

/// `__index` of a [`Patched`] type, as a plain native function (no handle, no
/// argument conversion): methods first (upvalue 1 is the methods table), then
/// [`Patched::index`].
fn native_index<T: Patched>(vm: &mut Vm) -> engine_lua::runtime::LuaResult<Ret> {
    let (u, k) = (vm.arg(1), vm.arg(2));
    if let (Value::Str(_), Value::Table(m)) = (k, vm.upvalue(0)) {
        let v = m.get().get(k);
        if !v.is_nil() {
            return vm.ret(&[v]);
        }
    }
    let r = catch_unwind(AssertUnwindSafe(|| {
        let Value::UserData(g) = u else {
            return Err(Error::runtime("userdata expected"));
        };
        let h = operand::<T>(&u)?;
        T::index(vm, g, &h, k).map(Some)
    }));
    finish_native(vm, r)
}

/// `__newindex` of a [`Patched`] type, as a plain native function.
fn native_newindex<T: Patched>(vm: &mut Vm) -> engine_lua::runtime::LuaResult<Ret> {
    let (u, k, v) = (vm.arg(1), vm.arg(2), vm.arg(3));
    let r = catch_unwind(AssertUnwindSafe(|| {
        let Value::UserData(g) = u else {
            return Err(Error::runtime("userdata expected"));
        };
        let h = operand::<T>(&u)?;
        T::newindex(vm, g, &h, k, v).map(|()| None)
    }));
    finish_native(vm, r)
}

/// The frameless variant of [`native_index`] (see `Vm::set_fast_meta`).
fn fast_index<T: Patched>(_vm: &mut Vm, _nc: Gc<NativeClosure>, args: &[Value]) -> Option<Value> {
    let (&u, &k) = (args.first()?, args.get(1)?);
    let Value::UserData(g) = u else {
        return None;
    };
    let h = ud_ref::<T>(&u)?;
    catch_unwind(AssertUnwindSafe(|| T::fast_index(g, &h, k)))
        .ok()
        .flatten()
}

/// The frameless variant of [`native_newindex`].
fn fast_newindex<T: Patched>(
    _vm: &mut Vm,
    _nc: Gc<NativeClosure>,
    args: &[Value],
) -> Option<Value> {
    let (&u, &k, &v) = (args.first()?, args.get(1)?, args.get(2)?);
    let h = ud_ref::<T>(&u)?;
    catch_unwind(AssertUnwindSafe(|| T::fast_newindex(&h, k, v)))
        .ok()
        .flatten()
        .map(|()| Value::Nil)
}

/// Replaces `__index`/`__newindex` of userdata type `T`'s metatable with native
/// functions that look methods up first, then call [`Patched`]'s. They read the
/// userdata from the raw argument (no handle is made per access).
fn patch_meta<T: Patched>(vm: &mut Vm, sample: T) -> Result<()> {
    let u = vm.create_userdata(sample)?;
    let Value::UserData(g) = u.raw_value() else {
        return Err(Error::runtime("userdata expected"));
    };
    let mt_gc = g
        .get()
        .metatable
        .ok_or_else(|| Error::runtime("userdata without a metatable"))?;
    let mt = Table::from_gc(vm, mt_gc);
    let methods: Table = mt.raw_get(vm, "__index")?;
    let Value::Table(mg) = methods.raw_value() else {
        return Err(Error::runtime("userdata methods are not a table"));
    };
    // Each native is stored in the (reachable) metatable right after it is made.
    let idx = vm.new_native_with("__index", native_index::<T>, vec![Value::Table(mg)]);
    mt.raw_set(vm, "__index", idx)?;
    let nidx = vm.new_native_with("__newindex", native_newindex::<T>, Vec::new());
    mt.raw_set(vm, "__newindex", nidx)?;
    vm.set_fast_meta(native_index::<T>, fast_index::<T>);
    vm.set_fast_meta(native_newindex::<T>, fast_newindex::<T>);
    Ok(())
}

/// Installs the ECS bindings: `world`, `send`, the entity and reference metatables.
pub fn install(vm: &mut Vm, ctx: &Rc<Ctx>, globals: &Table) -> Result<()> {
    let handles = vm.create_table();
    let weak = vm.create_table();
    weak.raw_set(vm, "__mode", "v")?;
    handles.set_metatable(vm, Some(&weak))?;
    *ctx.handles.borrow_mut() = Some(handles);
    let w = vm.create_userdata(WorldHandle { ctx: ctx.clone() })?;
    globals.set(vm, "world", w)?;
    let c = ctx.clone();
    let f = vm.create_function(move |vm, (n, d): (String, Value)| send(vm, &c, n, d))?;
    globals.set(vm, "send", f)?;
    patch_meta(
        vm,
        EntityHandle {
            ctx: ctx.clone(),
            entity: Entity::PLACEHOLDER,
        },
    )?;
    let sample = ValueRef {
        ctx: ctx.clone(),
        target: Target::Resource(Rc::new(ReflTy {
            name: String::new(),
            type_id: std::any::TypeId::of::<()>(),
            component: ctx
                .registry
                .read()
                .get_type_data::<ReflectComponent>(std::any::TypeId::of::<crate::Script>())
                .cloned()
                .ok_or_else(|| Error::runtime("Script is not registered"))?,
            is_resource: false,
            default: None,
            root: Rc::default(),
            component_id: std::cell::Cell::new(None),
        })),
        path: ctx.root_path.clone(),
    };
    patch_meta(vm, sample)?;
    Ok(())
}

/// A Lua value copied into plain Rust data (the bridge to and from reflection).
#[derive(Clone, Debug, PartialEq)]
pub enum Lv {
    /// `nil`.
    Nil,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Num(f64),
    /// A string.
    Str(String),
    /// A math value.
    Math(MathValue),
    /// An entity.
    Entity(Entity),
    /// A table's pairs (sequences: integer keys from 1).
    Table(Vec<(Lv, Lv)>),
}

impl Lv {
    fn type_name(&self) -> &'static str {
        match self {
            Lv::Nil => "nil",
            Lv::Bool(_) => "boolean",
            Lv::Int(_) | Lv::Num(_) => "number",
            Lv::Str(_) => "string",
            Lv::Math(MathValue::V2(_)) => "Vec2",
            Lv::Math(MathValue::V3(_)) => "Vec3",
            Lv::Math(MathValue::Q(_)) => "Quat",
            Lv::Math(MathValue::Num(_)) => "number",
            Lv::Entity(_) => "entity",
            Lv::Table(_) => "table",
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Lv::Int(i) => Some(*i as f64),
            Lv::Num(n) => Some(*n),
            Lv::Math(MathValue::Num(n)) => Some(*n as f64),
            _ => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self {
            Lv::Int(i) => Some(*i),
            Lv::Num(n) if n.fract() == 0.0 && n.abs() < 9.2e18 => Some(*n as i64),
            _ => None,
        }
    }

    fn field(&self, name: &str) -> Option<&Lv> {
        match self {
            Lv::Table(p) => p
                .iter()
                .find(|(k, _)| matches!(k, Lv::Str(s) if s == name))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    fn math(&self) -> Option<MathValue> {
        match self {
            Lv::Math(m) => Some(*m),
            Lv::Table(_) => {
                let g = |n| self.field(n).and_then(Lv::as_f64).map(|x| x as f32);
                match (g("x"), g("y"), g("z"), g("w")) {
                    (Some(x), Some(y), Some(z), Some(w)) => {
                        Some(MathValue::Q(Quat::from_xyzw(x, y, z, w)))
                    }
                    (Some(x), Some(y), Some(z), None) => Some(MathValue::V3(Vec3::new(x, y, z))),
                    (Some(x), Some(y), None, None) => Some(MathValue::V2(Vec2::new(x, y))),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Copies a Lua value into an [`Lv`] (references are read; depth-limited).
pub fn lv_of_lua(vm: &mut Vm, v: Value, depth: usize) -> Result<Lv> {
    Ok(match v {
        Value::Nil => Lv::Nil,
        Value::Bool(b) => Lv::Bool(b),
        Value::Int(i) => Lv::Int(i),
        Value::Num(n) => Lv::Num(n),
        Value::Str(_) => Lv::Str(String::from_lua(v, vm)?),
        Value::UserData(_) => {
            if let Some(x) = ud_ref::<LuaVec3>(&v) {
                return Ok(Lv::Math(MathValue::V3(x.0)));
            }
            if let Some(x) = ud_ref::<LuaVec2>(&v) {
                return Ok(Lv::Math(MathValue::V2(x.0)));
            }
            if let Some(x) = ud_ref::<LuaQuat>(&v) {
                return Ok(Lv::Math(MathValue::Q(x.0)));
            }
            if let Some(h) = ud_ref::<EntityHandle>(&v) {
                return Ok(Lv::Entity(h.entity));
            }
            if let Some(r) = ud_ref::<ValueRef>(&v) {
                return r.ctx.read(&r.target, &r.path, lv_of_reflect);
            }
            return Err(Error::runtime("cannot store this userdata in a component"));
        }
        Value::Table(_) => {
            if depth > 32 {
                return Err(Error::runtime("table nested too deeply (a cycle?)"));
            }
            let t = Table::from_lua(v, vm)?;
            let pairs: Vec<Result<(Value, Value)>> = t.pairs::<Value, Value>(vm).collect();
            let mut out = Vec::with_capacity(pairs.len());
            for p in pairs {
                let (k, v) = p?;
                out.push((lv_of_lua(vm, k, depth + 1)?, lv_of_lua(vm, v, depth + 1)?));
            }
            Lv::Table(out)
        }
        other => {
            return Err(Error::runtime(format!(
                "cannot store a {} in a component",
                vm.type_name_of(other)
            )));
        }
    })
}

/// Makes a Lua value from an [`Lv`].
pub fn lv_to_lua(vm: &mut Vm, ctx: &Rc<Ctx>, v: &Lv) -> Result<Value> {
    Ok(match v {
        Lv::Nil => Value::Nil,
        Lv::Bool(b) => Value::Bool(*b),
        Lv::Int(i) => Value::Int(*i),
        Lv::Num(n) => Value::Num(*n),
        Lv::Str(s) => s.as_str().into_lua(vm)?,
        Lv::Math(m) => m.into_lua(vm)?,
        Lv::Entity(e) => entity_value(vm, ctx, *e)?,
        Lv::Table(p) => {
            let t = vm.create_table();
            for (k, v) in p {
                let k = lv_to_lua(vm, ctx, k)?;
                let v = lv_to_lua(vm, ctx, v)?;
                t.raw_set(vm, k, v)?;
            }
            t.into_lua(vm)?
        }
    })
}

macro_rules! down_num {
    ($r:expr, $($t:ty => $make:expr),*) => {
        $(
            if let Some(x) = $r.try_downcast_ref::<$t>() {
                #[allow(clippy::redundant_closure_call)]
                return Ok(($make)(*x));
            }
        )*
    };
}

/// Copies a reflected value into an [`Lv`].
pub fn lv_of_reflect(r: &dyn PartialReflect) -> Result<Lv> {
    down_num!(r,
        f32 => |x: f32| Lv::Num(x as f64),
        f64 => Lv::Num,
        i8 => |x: i8| Lv::Int(x as i64),
        i16 => |x: i16| Lv::Int(x as i64),
        i32 => |x: i32| Lv::Int(x as i64),
        i64 => Lv::Int,
        isize => |x: isize| Lv::Int(x as i64),
        u8 => |x: u8| Lv::Int(x as i64),
        u16 => |x: u16| Lv::Int(x as i64),
        u32 => |x: u32| Lv::Int(x as i64),
        u64 => |x: u64| i64::try_from(x).map_or(Lv::Num(x as f64), Lv::Int),
        usize => |x: usize| i64::try_from(x).map_or(Lv::Num(x as f64), Lv::Int),
        bool => Lv::Bool,
        Vec2 => |v| Lv::Math(MathValue::V2(v)),
        Vec3 => |v| Lv::Math(MathValue::V3(v)),
        Quat => |q| Lv::Math(MathValue::Q(q)),
        Duration => |d: Duration| Lv::Num(d.as_secs_f64()),
        Entity => Lv::Entity
    );
    if let Some(s) = r.try_downcast_ref::<String>() {
        return Ok(Lv::Str(s.clone()));
    }
    if let Some(s) = r.try_downcast_ref::<&'static str>() {
        return Ok(Lv::Str(s.to_string()));
    }
    Ok(match r.reflect_ref() {
        ReflectRef::Struct(s) => {
            let mut out = Vec::with_capacity(s.field_len());
            for i in 0..s.field_len() {
                let name = s.name_at(i).unwrap_or_default().to_string();
                let f = s.field_at(i).expect("index in range");
                out.push((Lv::Str(name), lv_of_reflect(f)?));
            }
            Lv::Table(out)
        }
        ReflectRef::TupleStruct(ts) => {
            if ts.field_len() == 1 {
                return lv_of_reflect(ts.field(0).expect("one field"));
            }
            seq((0..ts.field_len()).map(|i| ts.field(i).expect("in range")))?
        }
        ReflectRef::Tuple(t) => seq((0..t.field_len()).map(|i| t.field(i).expect("in range")))?,
        ReflectRef::List(l) => seq(l.iter())?,
        ReflectRef::Array(a) => seq(a.iter())?,
        ReflectRef::Map(m) => {
            let mut out = Vec::with_capacity(m.len());
            for (k, v) in m.iter() {
                out.push((lv_of_reflect(k)?, lv_of_reflect(v)?));
            }
            Lv::Table(out)
        }
        ReflectRef::Set(s) => {
            let mut out = Vec::with_capacity(s.len());
            for k in s.iter() {
                out.push((lv_of_reflect(k)?, Lv::Bool(true)));
            }
            Lv::Table(out)
        }
        ReflectRef::Enum(e) => {
            let is_option = r
                .get_represented_type_info()
                .is_some_and(|t| t.type_path().starts_with("core::option::Option"));
            if is_option {
                return match e.field_at(0) {
                    Some(f) => lv_of_reflect(f),
                    None => Ok(Lv::Nil),
                };
            }
            if e.field_len() == 0 {
                return Ok(Lv::Str(e.variant_name().to_string()));
            }
            let mut out = vec![(
                Lv::Str("variant".into()),
                Lv::Str(e.variant_name().to_string()),
            )];
            for i in 0..e.field_len() {
                let key = match e.name_at(i) {
                    Some(n) => Lv::Str(n.to_string()),
                    None => Lv::Int(i as i64 + 1),
                };
                out.push((key, lv_of_reflect(e.field_at(i).expect("in range"))?));
            }
            Lv::Table(out)
        }
        _ => {
            return Err(Error::runtime(format!(
                "cannot read a value of type {} from Lua",
                r.reflect_type_path()
            )));
        }
    })
}

fn seq<'a>(items: impl Iterator<Item = &'a dyn PartialReflect>) -> Result<Lv> {
    let mut out = Vec::new();
    for (i, v) in items.enumerate() {
        out.push((Lv::Int(i as i64 + 1), lv_of_reflect(v)?));
    }
    Ok(Lv::Table(out))
}

fn type_err(what: &str, want: &str, got: &Lv) -> Error {
    Error::runtime(format!("{what}: expected {want}, got {}", got.type_name()))
}

macro_rules! set_num {
    ($t:expr, $v:expr, $what:expr, $($ty:ty => $conv:ident),*) => {
        $(
            if let Some(x) = $t.try_downcast_mut::<$ty>() {
                set_num!(@one x, $v, $what, $ty, $conv);
                return Ok(());
            }
        )*
    };
    (@one $x:ident, $v:expr, $what:expr, $ty:ty, float) => {
        *$x = $v.as_f64().ok_or_else(|| type_err($what, "a number", $v))? as $ty;
    };
    (@one $x:ident, $v:expr, $what:expr, $ty:ty, int) => {
        let i = $v.as_i64().ok_or_else(|| type_err($what, "an integer", $v))?;
        *$x = <$ty>::try_from(i).map_err(|_| {
            Error::runtime(format!("{}: {} is out of range for {}", $what, i, stringify!($ty)))
        })?;
    };
}

/// Writes an [`Lv`] into a reflected value; `what` names it in errors
/// (`Transform.translation.x: expected a number, got string`).
pub fn apply_lv(t: &mut dyn PartialReflect, v: &Lv, what: &str) -> Result<()> {
    set_num!(t, v, what,
        f32 => float, f64 => float,
        i8 => int, i16 => int, i32 => int, i64 => int, isize => int,
        u8 => int, u16 => int, u32 => int, u64 => int, usize => int
    );
    if let Some(x) = t.try_downcast_mut::<bool>() {
        match v {
            Lv::Bool(b) => *x = *b,
            _ => return Err(type_err(what, "a boolean", v)),
        }
        return Ok(());
    }
    if let Some(x) = t.try_downcast_mut::<String>() {
        match v {
            Lv::Str(s) => *x = s.clone(),
            _ => return Err(type_err(what, "a string", v)),
        }
        return Ok(());
    }
    if let Some(x) = t.try_downcast_mut::<Duration>() {
        let s = v.as_f64().ok_or_else(|| type_err(what, "seconds", v))?;
        *x = Duration::from_secs_f64(s.max(0.0));
        return Ok(());
    }
    if let Some(x) = t.try_downcast_mut::<Entity>() {
        match v {
            Lv::Entity(e) => *x = *e,
            _ => return Err(type_err(what, "an entity", v)),
        }
        return Ok(());
    }
    if let Some(x) = t.try_downcast_mut::<Vec3>() {
        match v.math() {
            Some(MathValue::V3(m)) => *x = m,
            _ => return Err(type_err(what, "a Vec3", v)),
        }
        return Ok(());
    }
    if let Some(x) = t.try_downcast_mut::<Vec2>() {
        match v.math() {
            Some(MathValue::V2(m)) => *x = m,
            _ => return Err(type_err(what, "a Vec2", v)),
        }
        return Ok(());
    }
    if let Some(x) = t.try_downcast_mut::<Quat>() {
        match v.math() {
            Some(MathValue::Q(m)) => *x = m,
            _ => return Err(type_err(what, "a Quat", v)),
        }
        return Ok(());
    }
    let type_path = t.reflect_type_path().to_string();
    let is_option = type_path.starts_with("core::option::Option");
    match t.reflect_mut() {
        ReflectMut::Struct(s) => match v {
            Lv::Table(pairs) => {
                for (k, fv) in pairs {
                    let Lv::Str(k) = k else {
                        return Err(Error::runtime(format!(
                            "{what}: field names must be strings"
                        )));
                    };
                    let sub = format!("{what}.{k}");
                    let f = s
                        .field_mut(k)
                        .ok_or_else(|| Error::runtime(format!("{what} has no field '{k}'")))?;
                    apply_lv(f, fv, &sub)?;
                }
                Ok(())
            }
            _ if s.field_len() == 1 => {
                let sub = format!("{what}.{}", s.name_at(0).unwrap_or_default());
                apply_lv(s.field_at_mut(0).expect("one field"), v, &sub)
            }
            _ => Err(type_err(what, "a table", v)),
        },
        ReflectMut::TupleStruct(ts) => match v {
            Lv::Table(pairs) => {
                for (k, fv) in pairs {
                    let i = k.as_i64().filter(|i| *i >= 1).ok_or_else(|| {
                        Error::runtime(format!("{what}: fields are numbered from 1"))
                    })?;
                    let f = ts
                        .field_mut(i as usize - 1)
                        .ok_or_else(|| Error::runtime(format!("{what} has no field {i}")))?;
                    apply_lv(f, fv, &format!("{what}[{i}]"))?;
                }
                Ok(())
            }
            _ if ts.field_len() == 1 => apply_lv(ts.field_mut(0).expect("one field"), v, what),
            _ => Err(type_err(what, "a table", v)),
        },
        ReflectMut::Tuple(tu) => match v {
            Lv::Table(pairs) => {
                for (k, fv) in pairs {
                    let i = k.as_i64().filter(|i| *i >= 1).unwrap_or(0);
                    let f = tu
                        .field_mut((i as usize).wrapping_sub(1))
                        .ok_or_else(|| Error::runtime(format!("{what} has no element {i}")))?;
                    apply_lv(f, fv, &format!("{what}[{i}]"))?;
                }
                Ok(())
            }
            _ => Err(type_err(what, "a table", v)),
        },
        ReflectMut::List(l) => match v {
            Lv::Table(pairs) => {
                for (k, fv) in pairs {
                    let i = k.as_i64().filter(|i| *i >= 1).unwrap_or(0) as usize;
                    let f = l.get_mut(i.wrapping_sub(1)).ok_or_else(|| {
                        Error::runtime(format!(
                            "{what}: index {i} is outside the list (lists cannot grow from Lua)"
                        ))
                    })?;
                    apply_lv(f, fv, &format!("{what}[{i}]"))?;
                }
                Ok(())
            }
            _ => Err(type_err(what, "a table", v)),
        },
        ReflectMut::Array(a) => match v {
            Lv::Table(pairs) => {
                for (k, fv) in pairs {
                    let i = k.as_i64().filter(|i| *i >= 1).unwrap_or(0) as usize;
                    let f = a.get_mut(i.wrapping_sub(1)).ok_or_else(|| {
                        Error::runtime(format!("{what}: index {i} is outside the array"))
                    })?;
                    apply_lv(f, fv, &format!("{what}[{i}]"))?;
                }
                Ok(())
            }
            _ => Err(type_err(what, "a table", v)),
        },
        ReflectMut::Enum(e) => {
            if is_option {
                return match (v, e.field_at_mut(0)) {
                    (Lv::Nil, _) => e
                        .try_apply(&DynamicEnum::new("None", DynamicVariant::Unit))
                        .map_err(|err| Error::runtime(format!("{what}: {err}"))),
                    (v, Some(f)) => apply_lv(f, v, what),
                    (_, None) => Err(Error::runtime(format!(
                        "{what}: cannot fill an Option that is None from Lua"
                    ))),
                };
            }
            match v {
                Lv::Str(name) => e
                    .try_apply(&DynamicEnum::new(name.clone(), DynamicVariant::Unit))
                    .map_err(|_| {
                        Error::runtime(format!(
                            "{what}: '{name}' is not a unit variant of {type_path}"
                        ))
                    }),
                _ => Err(type_err(what, "a variant name (string)", v)),
            }
        }
        _ => Err(Error::runtime(format!(
            "{what}: cannot assign to a value of type {type_path} from Lua"
        ))),
    }
}
