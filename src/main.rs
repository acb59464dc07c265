mod routes;

// No panic hook: the portal's wasm is built with panics that stop it at once
// (scripts/build-portal.mjs), so a hook would never run.
fn main() {
    mitra::api::register_service_worker();
    leptos::mount::mount_to_body(routes::App);
}
