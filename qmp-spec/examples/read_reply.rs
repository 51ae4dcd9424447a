//! Reads a `query-qmp-schema` reply many times, for a profiler:
//! `cargo run --release -p qmp-spec --example read_reply -- REPLY [TIMES]`.

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: read_reply REPLY [TIMES]");
    let times: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(100);
    let bytes = std::fs::read(&path).expect("readable");
    let mut events = 0;
    for _ in 0..times {
        let reply =
            qmp_spec::introspect::Reply::parse(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        events += reply
            .to_spec("profile", &[])
            .unwrap_or_else(|e| panic!("{e}"))
            .sections
            .len();
    }
    println!("{events} events");
}
