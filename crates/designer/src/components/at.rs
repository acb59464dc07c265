//! One scheme, tier or badge of the program being edited, by position: what the forms read
//! (tracked) and write.

use std::marker::PhantomData;

use leptos::prelude::*;

use mitra_scheme::model::{Badge, Scheme, Tier};
use mitra_scheme::Program;

/// The kinds of items a program lists.
pub trait Listed: Sized + 'static {
    fn list(p: &Program) -> &Vec<Self>;
    fn list_mut(p: &mut Program) -> &mut Vec<Self>;
}

impl Listed for Scheme {
    fn list(p: &Program) -> &Vec<Self> {
        &p.schemes
    }
    fn list_mut(p: &mut Program) -> &mut Vec<Self> {
        &mut p.schemes
    }
}

impl Listed for Tier {
    fn list(p: &Program) -> &Vec<Self> {
        &p.tiers
    }
    fn list_mut(p: &mut Program) -> &mut Vec<Self> {
        &mut p.tiers
    }
}

impl Listed for Badge {
    fn list(p: &Program) -> &Vec<Self> {
        &p.badges
    }
    fn list_mut(p: &mut Program) -> &mut Vec<Self> {
        &mut p.badges
    }
}

/// Item `index` of the program's list of `T`.
pub struct At<T> {
    pub program: RwSignal<Program>,
    pub index: usize,
    item: PhantomData<fn() -> T>,
}

impl<T> Clone for At<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for At<T> {}

impl<T: Listed> At<T> {
    pub fn new(program: RwSignal<Program>, index: usize) -> Self {
        At { program, index, item: PhantomData }
    }

    /// A part of the item, tracked.
    pub fn get<V: Default>(self, f: impl Fn(&T) -> V) -> V {
        self.program.with(|p| T::list(p).get(self.index).map(&f).unwrap_or_default())
    }

    pub fn set(self, f: impl FnOnce(&mut T)) {
        self.program.update(|p| {
            if let Some(x) = T::list_mut(p).get_mut(self.index) {
                f(x)
            }
        });
    }

    /// A part of the item as a signal that changes only when that part does.
    pub fn signal<V: Default + Send + Sync + Clone + PartialEq + 'static>(
        self,
        f: impl Fn(&T) -> V + Send + Sync + 'static,
    ) -> Signal<V> {
        Memo::new(move |_| self.get(&f)).into()
    }

    /// Remove the item from its list.
    pub fn remove(self) {
        self.program.update(|p| {
            let list = T::list_mut(p);
            if self.index < list.len() {
                list.remove(self.index);
            }
        });
    }
}
