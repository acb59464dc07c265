mod routes;

fn main() {
    console_error_panic_hook::set_once();
    mitra::api::register_service_worker();
    leptos::mount::mount_to_body(routes::App);
}
