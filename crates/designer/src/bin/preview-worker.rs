//! The designer's preview worker: evaluates drafts across the partner base off the page's
//! thread (see `mitra_designer::worker`). Built by trunk as a worker beside the designer.

fn main() {
    console_error_panic_hook::set_once();
    mitra_designer::worker::serve();
}
