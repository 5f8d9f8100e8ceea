use mini_program_login::LaunchRequest;

fn main() {
    let _ = LaunchRequest::builder().from_app().use_self_wxapp(false).build();
}
